// TriangleMesh::withTriangles: a subset of a mesh's triangles with only the vertices they use.

#include "silt/core/TriangleMesh.h"

#include <gtest/gtest.h>

namespace silt {
namespace {

TEST(TriangleMesh, WithTrianglesKeepsOnlyTheVerticesItUsesInFirstUseOrder) {
    TriangleMesh mesh;
    mesh.name = "quad strip";
    mesh.material.roughness = 0.25f;
    for (int i = 0; i < 6; ++i) {
        mesh.positions.emplace_back(float(i), 0.0f, 0.0f);
        mesh.normals.emplace_back(0.0f, 1.0f, float(i));
        mesh.velocities.emplace_back(0.0f, 0.0f, float(i));
    }
    mesh.indices = {0, 1, 2, 2, 1, 3, 3, 4, 5};
    const std::vector<uint32_t> second{3, 4, 5, 2, 1, 3};
    const TriangleMesh sub = mesh.withTriangles(second);
    EXPECT_EQ(sub.name, mesh.name);
    EXPECT_EQ(sub.material.roughness, 0.25f);
    // Vertices 3, 4, 5, 2, 1 in that order; vertex 0 is gone.
    ASSERT_EQ(sub.positions.size(), 5u);
    EXPECT_EQ(sub.indices, (std::vector<uint32_t>{0, 1, 2, 3, 4, 0}));
    const uint32_t source[5] = {3, 4, 5, 2, 1};
    for (size_t k = 0; k < 5; ++k) {
        EXPECT_EQ(sub.positions[k], mesh.positions[source[k]]);
        EXPECT_EQ(sub.normals[k], mesh.normals[source[k]]);
        EXPECT_EQ(sub.velocities[k], mesh.velocities[source[k]]);
    }
    // A mesh without velocities gives none.
    mesh.velocities.clear();
    EXPECT_TRUE(mesh.withTriangles(second).velocities.empty());
}

}  // namespace
}  // namespace silt
