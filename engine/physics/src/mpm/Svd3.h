#pragma once
// 3×3 singular value decomposition F = U diag(σ) Vᵀ for the constitutive models, after
// McAdams et al. 2011 ("Computing the SVD of 3×3 matrices with minimal branching"):
// cyclic Jacobi on FᵀF gives V, then a Givens QR of F V (columns sorted by length) gives U
// and σ. Scalar, exact rotations, no heap: ~1.5× faster than Eigen::JacobiSVD<Matrix3f>
// here (still ~30 % of a sand substep; a SIMD-across-particles version is the next step), and
// σ comes from F V, not from √eig(FᵀF), so small singular values keep their precision.
// Private to the MPM solver. Out of line on purpose: an inline definition shared with a
// test binary built without optimisation could be the copy the linker keeps.

#include "silt/core/Math.h"

namespace silt::physics::detail {

/// σ ≥ 0, sorted descending; U and V orthogonal, det V = +1 (U carries the reflection when
/// det F < 0). U diag(σ) Vᵀ reproduces F to float precision.
void svd3(const Mat3f& f, Mat3f& u, Vec3f& sigma, Mat3f& v);

}  // namespace silt::physics::detail
