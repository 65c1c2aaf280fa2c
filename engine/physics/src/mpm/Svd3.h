#pragma once
// 3×3 singular value decomposition F = U diag(σ) Vᵀ for the constitutive models.
// Private to the MPM solver.

#include <Eigen/SVD>

#include "silt/core/Math.h"

namespace silt::physics::detail {

/// σ ≥ 0, sorted descending; U and V orthogonal (either may be a reflection when det F ≤ 0;
/// for det F > 0 the product U diag(σ) Vᵀ reproduces F and U diag(s) Uᵀ is sign-safe).
inline void svd3(const Mat3f& f, Mat3f& u, Vec3f& sigma, Mat3f& v) {
    // Eigen's two-sided Jacobi SVD: robust for all inputs, about 0.3–1 µs per call.
    const Eigen::JacobiSVD<Mat3f> svd(f, Eigen::ComputeFullU | Eigen::ComputeFullV);
    u = svd.matrixU();
    v = svd.matrixV();
    sigma = svd.singularValues();
}

}  // namespace silt::physics::detail
