#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "silt/core/Hash.h"
#include "cube_body.h"
#include "silt/physics/RigidWorld.h"

namespace silt::physics {
namespace {

using test::cubeBody;
using test::cubeMesh;

// Points on a sphere of radius r centred at (0, r, 0) (a fine hull is enough for Bullet).
TriangleMesh sphereCloud(float r) {
    TriangleMesh mesh;
    const int rings = 16, segments = 32;
    for (int i = 0; i <= rings; ++i) {
        float theta = kPi * float(i) / rings;
        for (int j = 0; j < segments; ++j) {
            float phi = 2 * kPi * float(j) / segments;
            Vec3f n(std::sin(theta) * std::cos(phi), std::cos(theta),
                    std::sin(theta) * std::sin(phi));
            mesh.positions.push_back(n * r + Vec3f(0, r, 0));
            mesh.normals.push_back(n);
        }
    }
    return mesh;
}

TEST(RigidWorld, FreeFallContactTimeWithinOneStepOfTheory) {
    const float dt = 1.0f / 240.0f;
    for (float h : {0.25f, 0.5f, 1.0f, 2.0f}) {
        TriangleMesh cube = cubeMesh(0.2f);
        RigidWorld world;
        RigidBodyDesc desc = cubeBody(cube, 0.2f, 2.0f);
        desc.pose.position = Vec3f(0, h, 0);
        desc.restitution = 0.0f;
        BodyId id = world.addBody(desc);
        float previousVy = 0.0f;
        int contactStep = -1;
        for (int step = 1; step < 2000 && contactStep < 0; ++step) {
            world.step(dt);
            float vy = world.bodyState(id).linearVelocity.y();
            if (vy > previousVy) contactStep = step;  // the ground pushed back
            previousVy = vy;
        }
        ASSERT_GT(contactStep, 0) << "never hit the ground from h=" << h;
        double expected = std::sqrt(2.0 * h / 9.81) / dt;
        EXPECT_NEAR(contactStep, expected, 1.5) << "h=" << h;
    }
}

TEST(RigidWorld, BounceHeightRatioIsRestitutionSquared) {
    const float dt = 1.0f / 600.0f;
    for (float e : {0.5f, 0.7f, 0.9f}) {
        TriangleMesh sphere = sphereCloud(0.1f);
        RigidWorldDesc worldDesc;
        worldDesc.groundRestitution = 1.0f;  // Bullet multiplies: effective e = e_body
        RigidWorld world(worldDesc);
        RigidBodyDesc desc;
        desc.mesh = &sphere;
        desc.mass = 1.0f;
        desc.centerOfMass = Vec3f(0, 0.1f, 0);
        desc.inertia = Mat3f::Identity() * 0.4f * 0.01f;
        desc.restitution = e;
        const float h = 1.0f;
        desc.pose.position = Vec3f(0, h, 0);
        BodyId id = world.addBody(desc);
        float maxAfterBounce = 0.0f;
        bool bounced = false;
        for (int step = 0; step < 1500; ++step) {
            world.step(dt);
            BodyState s = world.bodyState(id);
            if (!bounced && s.linearVelocity.y() > 0) bounced = true;
            if (bounced) {
                if (s.linearVelocity.y() < 0) break;  // apex passed
                maxAfterBounce = std::max(maxAfterBounce, s.pose.position.y());
            }
        }
        ASSERT_TRUE(bounced);
        EXPECT_NEAR(maxAfterBounce / h, e * e, 0.06) << "e=" << e;
    }
}

TEST(RigidWorld, CubeComesToRestOnTheGroundWithoutSinking) {
    TriangleMesh cube = cubeMesh(0.3f);
    RigidWorld world;
    RigidBodyDesc desc = cubeBody(cube, 0.3f, 5.0f);
    desc.pose.position = Vec3f(0, 0.8f, 0);
    desc.pose.rotation = Quatf(Eigen::AngleAxisf(0.6f, Vec3f(1, 0.3f, 0.2f).normalized()));
    desc.angularVelocity = Vec3f(1, 2, 0.5f);
    BodyId id = world.addBody(desc);
    for (int step = 0; step < 240 * 4; ++step) world.step(1.0f / 240.0f);
    BodyState s = world.bodyState(id);
    EXPECT_LT(s.linearVelocity.norm(), 0.02f);
    EXPECT_LT(s.angularVelocity.norm(), 0.1f);
    // At rest on a face: the lowest corner touches y = 0, the centre sits at half the side.
    float lowest = 1e9f;
    for (const Vec3f& p : cube.positions) lowest = std::min(lowest, s.pose.apply(p).y());
    EXPECT_NEAR(lowest, 0.0f, 0.01f);
    EXPECT_NEAR(s.pose.apply(Vec3f(0, 0.15f, 0)).y(), 0.15f, 0.01f);
}

TEST(RigidWorld, OffsetCentreOfMassIsHonoured) {
    // The asset frame is not at the centre of mass: the reported pose must still be the
    // asset frame's, so a body at rest reports the pose it was given.
    TriangleMesh cube = cubeMesh(0.4f);
    RigidWorld world(RigidWorldDesc{Vec3f::Zero(), 0.6f, 0.2f, {}});
    RigidBodyDesc desc = cubeBody(cube, 0.4f, 3.0f);
    desc.pose.position = Vec3f(1, 2, 3);
    desc.pose.rotation = Quatf(Eigen::AngleAxisf(0.3f, Vec3f::UnitZ()));
    BodyId id = world.addBody(desc);
    world.step(0.01f);
    BodyState s = world.bodyState(id);
    EXPECT_LT((s.pose.position - desc.pose.position).norm(), 1e-5f);
    EXPECT_LT(s.pose.rotation.angularDistance(desc.pose.rotation), 1e-5f);
}

std::string stateHash(int bodies) {
    std::vector<TriangleMesh> meshes;
    for (int i = 0; i < bodies; ++i) meshes.push_back(cubeMesh(0.1f + 0.02f * float(i)));
    RigidWorld world;
    for (int i = 0; i < bodies; ++i) {
        RigidBodyDesc desc = cubeBody(meshes[size_t(i)], 0.1f + 0.02f * float(i), 1.0f);
        desc.pose.position = Vec3f(0.05f * float(i), 0.3f + 0.25f * float(i), 0.0f);
        desc.angularVelocity = Vec3f(float(i), 1, 0);
        world.addBody(desc);
    }
    std::vector<float> state;
    for (int step = 0; step < 400; ++step) {
        world.step(1.0f / 240.0f);
        for (BodyId id = 0; id < world.bodyCount(); ++id) {
            BodyState s = world.bodyState(id);
            state.insert(state.end(), s.pose.position.data(), s.pose.position.data() + 3);
            state.insert(state.end(), s.pose.rotation.coeffs().data(),
                         s.pose.rotation.coeffs().data() + 4);
        }
    }
    return hashHex(
        std::span(reinterpret_cast<const uint8_t*>(state.data()), state.size() * sizeof(float)));
}

TEST(RigidWorld, StackingIsBitReproducible) {
    EXPECT_EQ(stateHash(5), stateHash(5));
    EXPECT_NE(stateHash(5), stateHash(4));
}

}  // namespace
}  // namespace silt::physics

namespace silt::physics {
namespace {

RigidWorldDesc zeroGravityWorld() {
    RigidWorldDesc desc;
    desc.gravity = Vec3f::Zero();
    return desc;
}

TEST(RigidWorld, ImpulsesChangeMomentumAndSpinAsNewtonSays) {
    TriangleMesh cube = cubeMesh(0.2f);
    RigidWorld world(zeroGravityWorld());
    RigidBodyDesc desc = cubeBody(cube, 0.2f, 2.0f);
    desc.pose.position = Vec3f(0, 5, 0);
    BodyId id = world.addBody(desc);
    EXPECT_LT((world.centerOfMass(id) - Vec3f(0, 5.1f, 0)).norm(), 1e-6f);
    world.applyImpulse(id, Vec3f(4, 0, 0), Vec3f(0, 0.02f, 0));
    world.step(0.01f);
    BodyState s = world.bodyState(id);
    EXPECT_NEAR(s.linearVelocity.x(), 2.0f, 1e-5f);  // Δv = J / m
    const float inertia = 2.0f * 0.04f / 6.0f;
    EXPECT_NEAR(s.angularVelocity.y(), 0.02f / inertia, 1e-3f);  // Δω = L / I
}

}  // namespace
}  // namespace silt::physics
