// Convex decomposition in the rigid world: a chair stands on its legs with room between them.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "silt/assets/AssetLibrary.h"
#include "silt/assets/CollisionShape.h"
#include "silt/assets/MassProperties.h"
#include "silt/physics/RigidWorld.h"

namespace silt::physics {
namespace {

constexpr float kDt = 1.0f / 240.0f;

TriangleMesh loadBundled(const std::string& name) {
    auto library = assets::AssetLibrary::open(assets::bundledMeshDir());
    EXPECT_TRUE(library) << library.error().message;
    auto mesh = library->load(name);
    EXPECT_TRUE(mesh) << mesh.error().message;
    return *mesh;
}

RigidBodyDesc bodyFor(const TriangleMesh& mesh, float density, assets::CollisionKind kind) {
    assets::MassProperties mass = assets::computeMassProperties(mesh, density);
    RigidBodyDesc desc;
    desc.mesh = &mesh;
    if (kind == assets::CollisionKind::Decomposed) {
        auto shape = assets::decomposeConvex(mesh);
        EXPECT_TRUE(shape) << shape.error().message;
        desc.convexPieces = shape->pieces;
    }
    desc.mass = mass.mass;
    desc.centerOfMass = mass.centerOfMass;
    desc.inertia = mass.inertia;
    return desc;
}

// Points on a sphere of radius r centred at (0, r, 0).
TriangleMesh sphereCloud(float r) {
    TriangleMesh mesh;
    const int rings = 12, segments = 24;
    for (int i = 0; i <= rings; ++i) {
        const float theta = kPi * float(i) / rings;
        for (int j = 0; j < segments; ++j) {
            const float phi = 2 * kPi * float(j) / segments;
            const Vec3f n(std::sin(theta) * std::cos(phi), std::cos(theta),
                          std::sin(theta) * std::sin(phi));
            mesh.positions.push_back(n * r + Vec3f(0, r, 0));
            mesh.normals.push_back(n);
        }
    }
    return mesh;
}

struct ChairOverBall {
    BodyState chair, ball;
};

/// A ball rests on the ground where the chair's seat centre will be; the chair is dropped
/// upright over it from 5 cm. With legs the chair straddles the ball.
ChairOverBall dropChairOverBall(assets::CollisionKind kind) {
    const TriangleMesh chair = loadBundled("chair");
    const float radius = 0.06f;
    const TriangleMesh ball = sphereCloud(radius);
    RigidWorld world;
    RigidBodyDesc ballDesc;
    ballDesc.mesh = &ball;
    ballDesc.mass = 0.2f;
    ballDesc.centerOfMass = Vec3f(0, radius, 0);
    ballDesc.inertia = Mat3f::Identity() * (0.4f * 0.2f * radius * radius);
    const BodyId ballId = world.addBody(ballDesc);
    RigidBodyDesc chairDesc = bodyFor(chair, 600.0f, kind);
    chairDesc.pose.position = Vec3f(0, 0.05f, 0);
    const BodyId chairId = world.addBody(chairDesc);
    for (int step = 0; step < 240 * 2; ++step) world.step(kDt);
    return {world.bodyState(chairId), world.bodyState(ballId)};
}

TEST(CollisionShape, ChairDecomposesIntoItsFourteenBoxes) {
    const TriangleMesh chair = loadBundled("chair");
    auto shape = assets::decomposeConvex(chair);
    ASSERT_TRUE(shape) << shape.error().message;
    // Seat, 4 legs, 2 stretchers, 2 back posts, 2 rails, 3 slats: each box its own piece.
    EXPECT_EQ(shape->pieces.size(), 14u);
    for (const auto& piece : shape->pieces) EXPECT_GE(piece.size(), 8u);
}

TEST(CollisionShape, DecomposedChairStandsOnItsLegsAndStraddlesABall) {
    const ChairOverBall result = dropChairOverBall(assets::CollisionKind::Decomposed);
    const Pose& pose = result.chair.pose;
    // Upright, seat top 0.45 m above the ground, at rest.
    EXPECT_GT((pose.rotation * Vec3f::UnitY()).y(), 0.999f);
    EXPECT_NEAR(pose.apply(Vec3f(0, 0.45f, 0)).y(), 0.45f, 0.01f);
    EXPECT_LT(result.chair.linearVelocity.norm(), 0.02f);
    // The ball under the seat is untouched, still on the ground.
    EXPECT_NEAR(result.ball.pose.position.y(), 0.0f, 0.005f);
    EXPECT_LT(result.ball.pose.position.head<1>().norm() + std::abs(result.ball.pose.position.z()),
              0.01f);
}

TEST(CollisionShape, HullChairCannotStraddleTheBall) {
    // The hull fills the space between the legs: the chair lands on the ball instead.
    const ChairOverBall result = dropChairOverBall(assets::CollisionKind::Hull);
    const float seatHeight = result.chair.pose.apply(Vec3f(0, 0.45f, 0)).y();
    const float upright = (result.chair.pose.rotation * Vec3f::UnitY()).y();
    const bool moved = (result.ball.pose.position - Vec3f::Zero()).norm() > 0.05f;
    EXPECT_TRUE(std::abs(seatHeight - 0.45f) > 0.03f || upright < 0.99f || moved)
        << "seat " << seatHeight << " upright " << upright;
}

TEST(CollisionShape, BallDroppedUnderTheSeatReachesTheGround) {
    const TriangleMesh chair = loadBundled("chair");
    const float radius = 0.05f;
    const TriangleMesh ball = sphereCloud(radius);
    RigidWorld world;
    RigidBodyDesc chairDesc = bodyFor(chair, 600.0f, assets::CollisionKind::Decomposed);
    chairDesc.mass = 0.0f;  // fixed: only the ball moves
    world.addBody(chairDesc);
    RigidBodyDesc ballDesc;
    ballDesc.mesh = &ball;
    ballDesc.mass = 0.2f;
    ballDesc.centerOfMass = Vec3f(0, radius, 0);
    ballDesc.inertia = Mat3f::Identity() * (0.4f * 0.2f * radius * radius);
    ballDesc.restitution = 0.0f;
    ballDesc.pose.position = Vec3f(0.02f, 0.25f, 0.01f);  // under the seat, above the stretchers
    const BodyId ballId = world.addBody(ballDesc);
    for (int step = 0; step < 240; ++step) world.step(kDt);
    EXPECT_NEAR(world.bodyState(ballId).pose.position.y(), 0.0f, 0.005f);
}

TEST(CollisionShape, MugDecomposesIntoSeveralPiecesLeavingItsHollow) {
    const TriangleMesh cup = loadBundled("cup");
    auto shape = assets::decomposeConvex(cup);
    ASSERT_TRUE(shape) << shape.error().message;
    EXPECT_GT(shape->pieces.size(), 3u);
    // A small ball dropped into the mug ends inside it, below the rim, not on top.
    const float radius = 0.01f;
    const TriangleMesh ball = sphereCloud(radius);
    RigidWorld world;
    RigidBodyDesc cupDesc = bodyFor(cup, 2300.0f, assets::CollisionKind::Decomposed);
    cupDesc.mass = 0.0f;
    world.addBody(cupDesc);
    RigidBodyDesc ballDesc;
    ballDesc.mesh = &ball;
    ballDesc.mass = 0.01f;
    ballDesc.centerOfMass = Vec3f(0, radius, 0);
    ballDesc.inertia = Mat3f::Identity() * (0.4f * 0.01f * radius * radius);
    ballDesc.restitution = 0.0f;
    ballDesc.pose.position = Vec3f(0, 0.15f, 0);
    const BodyId ballId = world.addBody(ballDesc);
    for (int step = 0; step < 240; ++step) world.step(kDt);
    const float rim = cup.bounds().max().y();
    EXPECT_LT(world.bodyState(ballId).pose.position.y(), rim - 0.03f);
}

TEST(CollisionShape, CacheReturnsTheSameShapeAndWritesAFile) {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                      ("silt-collision-cache-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    ::setenv("SILT_CACHE_DIR", dir.c_str(), 1);
    const TriangleMesh chair = loadBundled("chair");
    auto first = assets::collisionShapeFor(chair, assets::CollisionKind::Decomposed);
    ASSERT_TRUE(first);
    const std::filesystem::path file =
        assets::collisionCacheDir() /
        (assets::collisionCacheKey(chair, assets::CollisionKind::Decomposed) + ".bin");
    EXPECT_TRUE(std::filesystem::is_regular_file(file)) << file;
    auto second = assets::collisionShapeFor(chair, assets::CollisionKind::Decomposed);
    ASSERT_TRUE(second);
    ASSERT_EQ(first->pieces.size(), second->pieces.size());
    for (size_t i = 0; i < first->pieces.size(); ++i)
        EXPECT_EQ(first->pieces[i], second->pieces[i]);
    // Hull shapes are one piece of every vertex, uncached.
    auto hull = assets::collisionShapeFor(chair, assets::CollisionKind::Hull);
    ASSERT_TRUE(hull);
    EXPECT_EQ(hull->pieces.size(), 1u);
    EXPECT_EQ(hull->pieces[0].size(), chair.positions.size());
    ::unsetenv("SILT_CACHE_DIR");
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace silt::physics
