// Vertex velocities of particle surfaces (SurfaceVelocity.h): what the flow of sand and water
// is made from.

#include <gtest/gtest.h>

#include "silt/volume/SurfaceVelocity.h"

namespace silt::volume {
namespace {

TriangleMesh threeVertices() {
    TriangleMesh mesh;
    mesh.positions = {Vec3f(0.0f, 0.0f, 0.0f), Vec3f(1.0f, 0.0f, 0.0f), Vec3f(5.0f, 5.0f, 5.0f)};
    mesh.normals.assign(3, Vec3f::UnitY());
    mesh.indices = {0, 1, 2};
    return mesh;
}

TEST(SurfaceVelocity, AveragesNearbyParticlesFallsBackToTheNearestAndRespectsTheMask) {
    TriangleMesh mesh = threeVertices();
    // Two particles near vertex 0 (equal distance: the plain mean), one 1.5 radii from vertex 1
    // (only the nearest-particle fallback reaches it), one masked out right on vertex 1, none
    // near vertex 2.
    const std::vector<Vec3f> positions = {Vec3f(0.05f, 0, 0), Vec3f(-0.05f, 0, 0),
                                          Vec3f(1.15f, 0, 0), Vec3f(1.0f, 0, 0)};
    const std::vector<Vec3f> velocities = {Vec3f(1, 0, 0), Vec3f(0, 2, 0), Vec3f(0, 0, 3),
                                           Vec3f(9, 9, 9)};
    const std::vector<uint8_t> mask = {1, 1, 1, 0};
    ASSERT_TRUE(attachParticleVelocities(mesh, positions, velocities, mask, 0.1f).ok());
    ASSERT_EQ(mesh.velocities.size(), 3u);
    EXPECT_LT((mesh.velocities[0] - Vec3f(0.5f, 1.0f, 0.0f)).norm(), 1e-6f);
    EXPECT_EQ(mesh.velocities[1], Vec3f(0, 0, 3));
    EXPECT_EQ(mesh.velocities[2], Vec3f::Zero());
    // Without the mask the particle on vertex 1 dominates.
    ASSERT_TRUE(attachParticleVelocities(mesh, positions, velocities, {}, 0.1f).ok());
    EXPECT_EQ(mesh.velocities[1], Vec3f(9, 9, 9));
}

TEST(SurfaceVelocity, BadInputIsAnError) {
    TriangleMesh mesh = threeVertices();
    const std::vector<Vec3f> positions(2, Vec3f::Zero());
    const std::vector<Vec3f> oneVelocity(1, Vec3f::Zero());
    EXPECT_FALSE(attachParticleVelocities(mesh, positions, oneVelocity, {}, 0.1f).ok());
    const std::vector<Vec3f> twoVelocities(2, Vec3f::Zero());
    const std::vector<uint8_t> shortMask(1, 1);
    EXPECT_FALSE(attachParticleVelocities(mesh, positions, twoVelocities, shortMask, 0.1f).ok());
    EXPECT_FALSE(attachParticleVelocities(mesh, positions, twoVelocities, {}, 0.0f).ok());
    EXPECT_TRUE(attachParticleVelocities(mesh, positions, twoVelocities, {}, 0.1f).ok());
}

}  // namespace
}  // namespace silt::volume
