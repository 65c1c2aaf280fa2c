// World without a continuum: the rigid-only path must be the plain Bullet stepping that
// tools/silt used before World existed (bit-identical), drop bodies at the free-fall time,
// and move kinematic bodies along their script.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "world_fixtures.h"

namespace silt::physics::validation {
namespace {

std::unique_ptr<World> makeWorld(const WorldDesc& desc) {
    auto world = World::create(desc);
    EXPECT_TRUE(world.ok());
    return world.ok() ? std::move(*world) : nullptr;
}

// Contact is the first Bullet step at whose end the box has reached the ground (Bullet
// resolves a contact in the step after it appears, so the push-back, vy rising, comes one
// step later). Both must be within one step of √(2h/g) for every height of the sweep.
TEST(WorldRigid, DropContactTimeWithinOneStepOfFreeFall) {
    const float frameDt = 1.0f / 240.0f;
    for (float h : {0.1f, 0.3f, 0.8f, 1.5f, 3.0f}) {
        auto box = makeBox(Vec3f(0.2f, 0.2f, 0.2f), 500.0f, 0.02f);
        WorldDesc desc;
        desc.rigidSubsteps = 1;  // one Bullet step per frame: contact resolved to one step
        auto world = makeWorld(desc);
        const BodyId id = world->addBody(boxBodyDesc(*box, Vec3f(0.0f, h, 0.0f)));
        float previousVy = 0.0f;
        int contact = -1, pushBack = -1;
        for (int step = 1; step < 5000 && pushBack < 0; ++step) {
            ASSERT_TRUE(world->advanceFrame(frameDt).ok());
            const BodyState s = world->bodyState(id);
            if (contact < 0 && boxBottom(*box, s.pose) <= 0.0f) contact = step;
            if (s.linearVelocity.y() > previousVy) pushBack = step;
            previousVy = s.linearVelocity.y();
        }
        ASSERT_GT(contact, 0) << "h = " << h;
        ASSERT_GT(pushBack, 0) << "h = " << h;
        const double expected = std::sqrt(2.0 * h / kG) / frameDt;
        std::printf(
            "rigid drop h = %.2f m: reaches the ground at step %d, pushed back at %d, "
            "theory %.2f\n",
            h, contact, pushBack, expected);
        EXPECT_NEAR(contact, expected, 1.0) << "h = " << h;
        EXPECT_LE(pushBack - expected, 2.0) << "h = " << h;
        EXPECT_LE(pushBack - contact, 1) << "h = " << h;
        EXPECT_EQ(world->stepCount(), pushBack);
    }
}

// The rigid-only path is exactly rigidSubsteps equal Bullet steps per frame.
TEST(WorldRigid, RigidOnlyFramesMatchPlainBulletSteppingBitForBit) {
    auto box = makeBox(Vec3f(0.3f, 0.1f, 0.2f), 700.0f, 0.02f);
    WorldBodyDesc body = boxBodyDesc(*box, Vec3f(0.1f, 0.6f, -0.2f));
    body.body.pose.rotation = Quatf(Eigen::AngleAxisf(0.4f, Vec3f(1, 2, 3).normalized()));
    body.body.angularVelocity = Vec3f(1.0f, -2.0f, 0.5f);
    body.body.restitution = 0.4f;
    WorldDesc desc;
    desc.rigidSubsteps = 8;
    auto world = makeWorld(desc);
    world->addBody(body);
    RigidWorld reference(desc.rigid);
    reference.addBody(body.body);
    const float frameDt = 1.0f / 30.0f;
    for (int frame = 0; frame < 45; ++frame) {
        ASSERT_TRUE(world->advanceFrame(frameDt).ok());
        for (int s = 0; s < 8; ++s) reference.step(frameDt / 8.0f);
        const BodyState a = world->bodyState(0), b = reference.bodyState(0);
        ASSERT_EQ(std::memcmp(a.pose.position.data(), b.pose.position.data(), sizeof(Vec3f)), 0);
        ASSERT_EQ(std::memcmp(a.pose.rotation.coeffs().data(), b.pose.rotation.coeffs().data(),
                              4 * sizeof(float)),
                  0);
        ASSERT_EQ(std::memcmp(a.linearVelocity.data(), b.linearVelocity.data(), sizeof(Vec3f)), 0);
    }
    // It did fall, bounce and come to rest on the ground.
    EXPECT_LT(world->bodyState(0).linearVelocity.norm(), 0.05f);
    EXPECT_NEAR(world->time(), 45.0 / 30.0, 1e-5);
}

// A kinematic body holds still until kinematicStart, then moves at its scripted velocity,
// ignoring gravity, and pushes a dynamic body resting on it upward.
TEST(WorldRigid, KinematicBodyFollowsItsScriptAndCarriesADynamicBody) {
    auto platform = makeBox(Vec3f(0.6f, 0.1f, 0.6f), 1000.0f, 0.02f);
    auto cargo = makeBox(Vec3f(0.1f, 0.1f, 0.1f), 500.0f, 0.02f);
    WorldDesc desc;
    auto world = makeWorld(desc);
    WorldBodyDesc lift = boxBodyDesc(*platform, Vec3f(0.0f, 0.5f, 0.0f));
    lift.drive = BodyDrive::Kinematic;
    lift.kinematicVelocity = Vec3f(0.0f, 0.4f, 0.0f);
    lift.kinematicStart = 0.5f;
    const BodyId liftId = world->addBody(lift);
    const BodyId cargoId = world->addBody(boxBodyDesc(*cargo, Vec3f(0.0f, 0.6f, 0.0f)));
    const float frameDt = 1.0f / 50.0f;
    for (int frame = 0; frame < 25; ++frame) ASSERT_TRUE(world->advanceFrame(frameDt).ok());
    // t = 0.5 s: held in place despite gravity.
    EXPECT_NEAR(world->bodyState(liftId).pose.position.y(), 0.5f, 1e-5f);
    for (int frame = 0; frame < 50; ++frame) ASSERT_TRUE(world->advanceFrame(frameDt).ok());
    // t = 1.5 s: one second of scripted motion at 0.4 m/s.
    EXPECT_NEAR(world->bodyState(liftId).pose.position.y(), 0.9f, 1e-3f);
    EXPECT_NEAR(world->bodyState(liftId).linearVelocity.y(), 0.4f, 1e-3f);
    // The cargo rode along on top of it.
    EXPECT_NEAR(world->bodyState(cargoId).pose.position.y(), 1.0f, 0.01f);
    EXPECT_NEAR(world->bodyState(cargoId).linearVelocity.y(), 0.4f, 0.05f);
}

// A keyframed kinematic body is at each key's pose at the key's time, in between on the
// straight line (slerp for the turn), and holds still after the last key, whatever the
// centre of mass; with smoothing it stops at every key.
TEST(WorldRigid, KeyframedBodyPassesThroughItsKeysAndHoldsAfterTheLast) {
    auto paddle = makeBox(Vec3f(0.4f, 0.1f, 0.2f), 800.0f, 0.02f);
    const Quatf start(Eigen::AngleAxisf(0.3f, Vec3f::UnitX()));
    const Quatf quarterTurn(Eigen::AngleAxisf(float(M_PI / 2), Vec3f::UnitY()));
    for (bool smooth : {false, true}) {
        WorldDesc desc;
        auto world = makeWorld(desc);
        WorldBodyDesc body = boxBodyDesc(*paddle, Vec3f(0.0f, 0.5f, 0.0f));
        body.body.pose.rotation = start;
        body.body.centerOfMass = Vec3f(0.05f, 0.0f, 0.02f);  // off the asset origin
        body.drive = BodyDrive::Kinematic;
        body.kinematicSmooth = smooth;
        body.kinematicPath = {{0.5f, Vec3f(0.4f, 0.0f, 0.0f), Quatf::Identity()},
                              {1.0f, Vec3f(0.4f, 0.3f, 0.0f), quarterTurn}};
        const BodyId id = world->addBody(body);
        const float frameDt = 1.0f / 50.0f;
        float peakSpeed = 0.0f, speedAtKey = 1.0f;
        for (int frame = 1; frame <= 75; ++frame) {
            ASSERT_TRUE(world->advanceFrame(frameDt).ok());
            const double t = world->time();
            const BodyState s = world->bodyState(id);
            // The expected pose, from the definition (linear segments only; eased below).
            if (!smooth) {
                Vec3f offset;
                Quatf turn = Quatf::Identity();
                if (t <= 0.5) {
                    offset = Vec3f(0.4f, 0.0f, 0.0f) * float(t / 0.5);
                } else if (t <= 1.0) {
                    const float u = float((t - 0.5) / 0.5);
                    offset = Vec3f(0.4f, 0.3f * u, 0.0f);
                    turn = Quatf::Identity().slerp(u, quarterTurn);
                } else {
                    offset = Vec3f(0.4f, 0.3f, 0.0f);
                    turn = quarterTurn;
                }
                EXPECT_LT((s.pose.position - (Vec3f(0.0f, 0.5f, 0.0f) + offset)).norm(), 1e-4f)
                    << "t = " << t;
                EXPECT_LT(s.pose.rotation.angularDistance(turn * start), 1e-3f) << "t = " << t;
            }
            if (frame == 25) speedAtKey = world->bodyState(id).linearVelocity.norm();
            peakSpeed = std::max(peakSpeed, s.linearVelocity.norm());
        }
        // Both end on the last key's pose, and stay there.
        const BodyState end = world->bodyState(id);
        EXPECT_LT((end.pose.position - Vec3f(0.4f, 0.8f, 0.0f)).norm(), 1e-4f) << smooth;
        EXPECT_LT(end.pose.rotation.angularDistance(quarterTurn * start), 1e-3f) << smooth;
        EXPECT_LT(end.linearVelocity.norm(), 1e-3f);
        EXPECT_LT(end.angularVelocity.norm(), 1e-3f);
        if (smooth) {
            // Smoothstep: at rest at the key, peak 1.5 × the first segment's 0.8 m/s.
            EXPECT_LT(speedAtKey, 0.05f);
            EXPECT_NEAR(peakSpeed, 1.2f, 0.05f);
        } else {
            EXPECT_NEAR(speedAtKey, 0.8f, 0.02f);
        }
    }
}

TEST(WorldRigid, RejectsZeroSubstepsAndBadFrameIntervals) {
    WorldDesc desc;
    desc.rigidSubsteps = 0;
    EXPECT_FALSE(World::create(desc).ok());
    desc.rigidSubsteps = 4;
    auto world = makeWorld(desc);
    EXPECT_FALSE(world->advanceFrame(0.0f).ok());
    EXPECT_EQ(world->continuum(), nullptr);
}

}  // namespace
}  // namespace silt::physics::validation
