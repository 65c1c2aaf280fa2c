#pragma once
// A triangle mesh as plain data: what assets produce and the renderer and physics consume.
// Positions in metres in the mesh's local frame; normals per vertex, unit length.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "silt/core/Math.h"

namespace silt {

/// Metallic-roughness surface description (glTF 2.0 semantics).
struct SurfaceMaterial {
    Vec3f baseColor{0.8f, 0.8f, 0.8f};  ///< linear RGB albedo, 0..1
    float metallic = 0.0f;              ///< 0..1
    float roughness = 0.5f;             ///< 0..1 (perceptual)
};

struct TriangleMesh {
    std::string name;
    std::vector<Vec3f> positions;   ///< m, local frame
    std::vector<Vec3f> normals;     ///< unit, one per position
    std::vector<uint32_t> indices;  ///< three per triangle, counter-clockwise seen from outside
    /// m/s in the local frame, one per position, or empty (the mesh moves only with its
    /// transform). Surfaces rebuilt from particles carry the particles' velocities here so the
    /// renderer's flow labels can follow the material, not the (static) mesh transform.
    std::vector<Vec3f> velocities;
    SurfaceMaterial material;

    [[nodiscard]] size_t triangleCount() const { return indices.size() / 3; }
    [[nodiscard]] Eigen::AlignedBox3f bounds() const;
    /// The mesh made of `triangles` (three indices per triangle into this mesh's vertices),
    /// keeping only the vertices they use, in order of first use, with their normals and
    /// velocities; name and material as they are.
    [[nodiscard]] TriangleMesh withTriangles(std::span<const uint32_t> triangles) const;
};

}  // namespace silt
