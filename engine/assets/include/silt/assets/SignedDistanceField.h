#pragma once
// A dense signed distance field of a closed mesh in the mesh's local frame: what the MPM
// grid samples to couple rigid bodies with sand and water (distance and normal at grid
// nodes). Built once per asset with OpenVDB's mesh-to-level-set conversion, then stored as
// plain data so the solver's hot loop samples it without OpenVDB accessors (thread-safe,
// read-only).

#include <cstdint>
#include <vector>

#include "silt/core/Math.h"
#include "silt/core/Result.h"
#include "silt/core/TriangleMesh.h"

namespace silt::assets {

struct SignedDistanceField {
    Vec3f origin = Vec3f::Zero();          ///< m, local position of sample (0, 0, 0)
    float voxelSize = 0.01f;               ///< m, spacing of the samples
    Eigen::Vector3i dims = Eigen::Vector3i::Zero();  ///< samples along x, y, z
    std::vector<float> values;             ///< m, negative inside; x fastest, then y, then z

    /// Signed distance at a local point (m): trilinear inside the sampled box; outside it,
    /// the value at the nearest box point plus the distance to the box (an upper bound that
    /// is exact far from the body, which is all the coupling needs there).
    [[nodiscard]] float distance(const Vec3f& local) const;
    /// Outward unit normal at a local point (normalized central-difference gradient).
    [[nodiscard]] Vec3f normal(const Vec3f& local) const;

    [[nodiscard]] float at(int x, int y, int z) const {
        return values[(size_t(z) * size_t(dims.y()) + size_t(y)) * size_t(dims.x()) + size_t(x)];
    }
};

/// Builds the field of a closed, outward-oriented mesh with samples every `voxelSize`
/// metres over its bounding box grown by `paddingVoxels`. Fails on an empty mesh or a
/// non-positive voxel size; OpenVDB errors come back as Error.
[[nodiscard]] Result<SignedDistanceField> buildSignedDistanceField(const TriangleMesh& mesh,
                                                                   float voxelSize,
                                                                   int paddingVoxels = 3);

}  // namespace silt::assets
