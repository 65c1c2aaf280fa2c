#pragma once
// 3×3 singular value decomposition F = U diag(σ) Vᵀ for the constitutive models, after
// McAdams et al. 2011 ("Computing the SVD of 3×3 matrices with minimal branching"):
// cyclic Jacobi on FᵀF gives V, then a Givens QR of F V (columns sorted by length) gives U
// and σ. σ comes from F V, not from √eig(FᵀF), so small singular values keep their
// precision.
//
// svd3Lanes() decomposes kSvdLanes matrices at once, structure-of-arrays, branch-free: every
// step is the same IEEE operation (+ − × ÷ √, no FMA, no approximate reciprocal) on every
// lane, and a lane whose Jacobi sweeps have converged is masked, not rotated further. So a
// lane's result depends only on its own input, never on its neighbours or its position:
// batching particles differently (another thread count) gives bit-identical results, and
// svd3() (one lane) equals svd3Lanes() on the same matrix.
// Private to the MPM solver. Out of line on purpose: an inline definition shared with a
// test binary built without optimisation could be the copy the linker keeps.

#include "mpm/Lanes.h"
#include "silt/core/Math.h"

namespace silt::physics::detail {

/// Matrices per svd3Lanes() call: one lane vector per operation (lanes::kLanes: 8 where the
/// build has AVX, else 4). Each lane's result is the same bits either way.
constexpr int kSvdLanes = lanes::kLanes;

/// kSvdLanes 3×3 matrices: m[e][lane], e = row + 3·column (Eigen's column-major order).
struct alignas(4 * kSvdLanes) Mat3Lanes {
    float m[9][kSvdLanes];
    void set(int lane, const Mat3f& a) {
        for (int e = 0; e < 9; ++e) m[e][lane] = a(e);
    }
    [[nodiscard]] Mat3f get(int lane) const {
        Mat3f a;
        for (int e = 0; e < 9; ++e) a(e) = m[e][lane];
        return a;
    }
};

/// kSvdLanes 3-vectors: v[component][lane].
struct alignas(16) Vec3Lanes {
    float v[3][kSvdLanes];
    [[nodiscard]] Vec3f get(int lane) const { return {v[0][lane], v[1][lane], v[2][lane]}; }
};

/// Per lane: σ ≥ 0, sorted descending; U and V orthogonal, det V = +1 (U carries the
/// reflection when det F < 0). U diag(σ) Vᵀ reproduces F to float precision.
void svd3Lanes(const Mat3Lanes& f, Mat3Lanes& u, Vec3Lanes& sigma, Mat3Lanes& v);

/// One matrix: lane 0 of svd3Lanes() (same bits).
void svd3(const Mat3f& f, Mat3f& u, Vec3f& sigma, Mat3f& v);

}  // namespace silt::physics::detail
