// The rigid world's event log: ground contact, body contact, bounce, tumble, rest.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "cube_body.h"
#include "silt/physics/RigidWorld.h"

namespace silt::physics {
namespace {

using test::cubeBody;
using test::cubeMesh;

constexpr float kDt = 1.0f / 240.0f;

std::vector<RigidEvent> eventsOf(const RigidWorld& world, RigidEvent::Kind kind, BodyId body) {
    std::vector<RigidEvent> out;
    for (const RigidEvent& e : world.events())
        if (e.kind == kind && e.body == body) out.push_back(e);
    return out;
}

TEST(RigidEvents, DroppedCubeTouchesDownAtFreeFallTimeAndComesToRestUpright) {
    const float h = 0.8f;
    const TriangleMesh cube = cubeMesh(0.2f);
    RigidWorld world;
    RigidBodyDesc desc = cubeBody(cube, 0.2f, 1.0f);
    desc.pose.position = Vec3f(0, h, 0);
    desc.restitution = 0.0f;
    const BodyId id = world.addBody(desc);
    for (int step = 0; step < 240 * 2; ++step) world.step(kDt);

    auto contacts = eventsOf(world, RigidEvent::Kind::GroundContact, id);
    ASSERT_EQ(contacts.size(), 1u);
    const float expected = std::sqrt(2.0f * h / 9.81f);
    EXPECT_NEAR(contacts[0].time, expected, 2.0f * kDt);
    EXPECT_NEAR(contacts[0].speed, 9.81f * expected, 0.1f);
    auto rests = eventsOf(world, RigidEvent::Kind::Rest, id);
    ASSERT_EQ(rests.size(), 1u);
    EXPECT_GE(rests[0].time, contacts[0].time - kDt);
    EXPECT_LT(rests[0].time, expected + 0.5f);
    EXPECT_EQ(rests[0].pose, RestingPose::Upright);
    EXPECT_TRUE(eventsOf(world, RigidEvent::Kind::Tumble, id).empty());
    EXPECT_TRUE(eventsOf(world, RigidEvent::Kind::Bounce, id).empty());
    EXPECT_NEAR(world.time(), 2.0, 1e-4);
}

TEST(RigidEvents, BouncyCubeBouncesAndStackedCubesTouch) {
    const TriangleMesh cube = cubeMesh(0.2f);
    RigidWorldDesc worldDesc;
    worldDesc.groundRestitution = 1.0f;
    RigidWorld world(worldDesc);
    RigidBodyDesc bouncy = cubeBody(cube, 0.2f, 1.0f);
    bouncy.pose.position = Vec3f(-1, 1.0f, 0);
    bouncy.restitution = 0.8f;
    const BodyId bouncyId = world.addBody(bouncy);
    RigidBodyDesc lower = cubeBody(cube, 0.2f, 1.0f);
    lower.pose.position = Vec3f(1, 0.0f, 0);
    lower.restitution = 0.0f;
    const BodyId lowerId = world.addBody(lower);
    RigidBodyDesc upper = lower;
    upper.pose.position = Vec3f(1, 0.5f, 0);
    const BodyId upperId = world.addBody(upper);
    for (int step = 0; step < 240 * 2; ++step) world.step(kDt);

    EXPECT_GE(eventsOf(world, RigidEvent::Kind::Bounce, bouncyId).size(), 2u);
    auto touches = eventsOf(world, RigidEvent::Kind::BodyContact, lowerId);
    ASSERT_EQ(touches.size(), 1u);
    EXPECT_EQ(touches[0].other, upperId);
    // The upper cube falls 0.3 m onto the lower one.
    EXPECT_NEAR(touches[0].time, std::sqrt(2.0f * 0.3f / 9.81f), 3.0f * kDt);
    // The upper cube rests on the lower one without touching the ground.
    EXPECT_TRUE(eventsOf(world, RigidEvent::Kind::GroundContact, upperId).empty());
    EXPECT_EQ(eventsOf(world, RigidEvent::Kind::Rest, upperId).size(), 1u);
    // Nothing else touched: the bouncy cube is far away.
    EXPECT_TRUE(eventsOf(world, RigidEvent::Kind::BodyContact, bouncyId).empty());
}

TEST(RigidEvents, FastSlidingTallBoxTumblesAndEndsOnItsSide) {
    // A tall box sliding fast on a grippy floor trips over its leading edge.
    TriangleMesh box = cubeMesh(1.0f);
    for (Vec3f& p : box.positions) p = Vec3f(p.x() * 0.15f, p.y() * 0.6f, p.z() * 0.15f);
    RigidWorldDesc worldDesc;
    worldDesc.groundFriction = 1.0f;
    RigidWorld world(worldDesc);
    RigidBodyDesc desc;
    desc.mesh = &box;
    desc.mass = 1.0f;
    desc.centerOfMass = Vec3f(0, 0.3f, 0);
    desc.inertia = Vec3f(0.0319f, 0.00375f, 0.0319f).asDiagonal();
    desc.friction = 1.0f;
    desc.restitution = 0.0f;
    desc.linearVelocity = Vec3f(3.0f, 0, 0);
    const BodyId id = world.addBody(desc);
    for (int step = 0; step < 240 * 3; ++step) world.step(kDt);
    EXPECT_EQ(eventsOf(world, RigidEvent::Kind::Tumble, id).size(), 1u);
    auto rests = eventsOf(world, RigidEvent::Kind::Rest, id);
    ASSERT_EQ(rests.size(), 1u);
    EXPECT_EQ(rests[0].pose, RestingPose::OnSide);
}

}  // namespace
}  // namespace silt::physics
