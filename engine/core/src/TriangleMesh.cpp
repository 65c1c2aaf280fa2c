#include "silt/core/TriangleMesh.h"

namespace silt {

Eigen::AlignedBox3f TriangleMesh::bounds() const {
    Eigen::AlignedBox3f box;
    for (const Vec3f& p : positions) box.extend(p);
    return box;
}

TriangleMesh TriangleMesh::withTriangles(std::span<const uint32_t> triangles) const {
    TriangleMesh out;
    out.name = name;
    out.material = material;
    out.indices.reserve(triangles.size());
    std::vector<uint32_t> remap(positions.size(), ~0u);
    for (uint32_t i : triangles) {
        if (remap[i] == ~0u) {
            remap[i] = uint32_t(out.positions.size());
            out.positions.push_back(positions[i]);
            out.normals.push_back(normals[i]);
            if (!velocities.empty()) out.velocities.push_back(velocities[i]);
        }
        out.indices.push_back(remap[i]);
    }
    return out;
}

}  // namespace silt
