#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "silt/scenes/ScenePlan.h"

namespace silt::scenes {
namespace {

Vec3f eyeOf(const CameraState& state) {
    return state.cameraToWorld.position;
}
Vec3f forwardOf(const CameraState& state) {
    return -(state.cameraToWorld.rotation * Vec3f::UnitZ());
}

TEST(CameraPlan, StaticCameraIsConstantAndLooksAtTheTarget) {
    CameraPlan camera;
    camera.position = Vec3f(2.5f, 1.6f, 2.5f);
    camera.target = Vec3f(0.0f, 0.3f, 0.0f);
    camera.intrinsics.width = 320;
    camera.orbitRate = 1.0f;  // ignored by a static path
    CameraState start = camera.at(0.0f), later = camera.at(3.7f);
    EXPECT_EQ(start.cameraToWorld.matrix(), later.cameraToWorld.matrix());
    EXPECT_EQ(start.cameraToWorld.matrix(), lookAt(camera.position, camera.target).matrix());
    EXPECT_EQ(later.intrinsics.width, 320u);
    Vec3f expectedForward = (camera.target - camera.position).normalized();
    EXPECT_LT((forwardOf(later) - expectedForward).norm(), 1e-5f);
}

TEST(CameraPlan, OrbitTurnsAboutTheVerticalThroughTheTarget) {
    CameraPlan camera;
    camera.path = "orbit";
    camera.position = Vec3f(3.0f, 2.0f, 1.0f);
    camera.target = Vec3f(0.5f, 0.3f, -0.5f);
    camera.orbitRate = 0.4f;  // rad/s
    const float t = 1.5f;
    CameraState start = camera.at(0.0f), later = camera.at(t);
    EXPECT_LT((eyeOf(start) - camera.position).norm(), 1e-6f);

    Vec3f before = eyeOf(start) - camera.target, after = eyeOf(later) - camera.target;
    EXPECT_NEAR(after.norm(), before.norm(), 1e-5f);            // same distance
    EXPECT_NEAR(eyeOf(later).y(), camera.position.y(), 1e-5f);  // same height
    // Signed angle about +Y from the old horizontal offset to the new one.
    Vec2f a(before.x(), before.z()), b(after.x(), after.z());
    // Right-handed about +Y: x turns towards −z.
    float angle = std::atan2(a.y() * b.x() - a.x() * b.y(), a.dot(b));
    EXPECT_NEAR(angle, camera.orbitRate * t, 1e-5f);
    Vec3f expectedForward = (camera.target - eyeOf(later)).normalized();
    EXPECT_LT((forwardOf(later) - expectedForward).norm(), 1e-5f);
}

TEST(CameraPlan, OrbitAtTimeZeroMatchesTheStaticCamera) {
    CameraPlan orbit;
    orbit.path = "orbit";
    orbit.orbitRate = 2.0f;
    CameraPlan still = orbit;
    still.path = "static";
    EXPECT_LT(
        (orbit.at(0.0f).cameraToWorld.matrix() - still.at(0.0f).cameraToWorld.matrix()).norm(),
        1e-6f);
    EXPECT_GT(
        (orbit.at(1.0f).cameraToWorld.matrix() - still.at(1.0f).cameraToWorld.matrix()).norm(),
        0.1f);
}


TEST(CameraPlan, DollyHitsBothEndpointsAndEasesInAndOut) {
    CameraPlan camera;
    camera.path = "dolly";
    camera.position = Vec3f(3.0f, 2.0f, 3.0f);
    camera.target = Vec3f(0.0f, 0.3f, 0.0f);
    camera.dollyPosition = Vec3f(1.5f, 1.0f, 2.0f);
    camera.dollyTarget = Vec3f(0.2f, 0.1f, -0.1f);
    camera.duration = 2.0f;
    const CameraState start = camera.at(0.0f), end = camera.at(camera.duration);
    EXPECT_LT((eyeOf(start) - camera.position).norm(), 1e-6f);
    EXPECT_LT((eyeOf(end) - camera.dollyPosition).norm(), 1e-6f);
    EXPECT_LT((forwardOf(end) - (camera.dollyTarget - camera.dollyPosition).normalized()).norm(),
              1e-5f);
    // After the end the camera stays put.
    EXPECT_LT((eyeOf(camera.at(5.0f)) - camera.dollyPosition).norm(), 1e-6f);
    // Smoothstep: half way in time is half way in space; near the ends it moves slowly.
    const Vec3f move = camera.dollyPosition - camera.position;
    EXPECT_LT((eyeOf(camera.at(1.0f)) - (camera.position + 0.5f * move)).norm(), 1e-5f);
    const float dt = 0.01f;
    const float startSpeed = (eyeOf(camera.at(dt)) - eyeOf(start)).norm() / dt;
    const float midSpeed = (eyeOf(camera.at(1.0f + dt)) - eyeOf(camera.at(1.0f))).norm() / dt;
    EXPECT_LT(startSpeed, 0.05f * midSpeed);
    EXPECT_NEAR(midSpeed, 1.5f * move.norm() / camera.duration, 0.02f * midSpeed);
    // Linear easing: constant speed, the straight line at every instant.
    camera.dollyEasing = "linear";
    for (float t : {0.3f, 0.9f, 1.7f}) {
        EXPECT_LT((eyeOf(camera.at(t)) - (camera.position + t / camera.duration * move)).norm(),
                  1e-5f);
    }
}

TEST(CameraPlan, HandheldJitterStaysWithinItsDeclaredRangeAndIsSmooth) {
    CameraPlan camera;  // static path: everything that moves is jitter
    camera.handheldAmplitude = 0.02f;
    camera.handheldAngle = degToRad(1.5f);
    camera.handheldFrequency = 2.0f;
    camera.handheldSeed = 1234;
    Vec3f largestOffset = Vec3f::Zero(), largestAngle = Vec3f::Zero();
    const float dt = 1.0f / 240.0f;
    CameraPlan::Jitter previous = camera.handheldJitter(0.0f);
    // A sum of sines no faster than f changes by at most 2π·f·amplitude per second.
    const float maxRate = 2.0f * 3.14159265f * camera.handheldFrequency;
    for (int i = 1; i <= 240 * 20; ++i) {
        const CameraPlan::Jitter j = camera.handheldJitter(float(i) * dt);
        largestOffset = largestOffset.cwiseMax(j.offset.cwiseAbs());
        largestAngle = largestAngle.cwiseMax(j.angles.cwiseAbs());
        EXPECT_LE((j.offset - previous.offset).cwiseAbs().maxCoeff(),
                  maxRate * camera.handheldAmplitude * dt * 1.001f);
        EXPECT_LE((j.angles - previous.angles).cwiseAbs().maxCoeff(),
                  maxRate * camera.handheldAngle * dt * 1.001f);
        previous = j;
    }
    for (int axis = 0; axis < 3; ++axis) {
        EXPECT_LE(largestOffset[axis], camera.handheldAmplitude);
        EXPECT_LE(largestAngle[axis], camera.handheldAngle);
        // It does use its range: over 20 s each channel goes past a third of it.
        EXPECT_GT(largestOffset[axis], camera.handheldAmplitude / 3.0f);
        EXPECT_GT(largestAngle[axis], camera.handheldAngle / 3.0f);
    }
    // The eye moves by exactly the offset; the view turns by at most the declared angles.
    const float t = 3.3f;
    const CameraState state = camera.at(t);
    EXPECT_LT((eyeOf(state) - (camera.position + camera.handheldJitter(t).offset)).norm(), 1e-6f);
    const Vec3f unshaken = (camera.target - camera.position).normalized();
    const float turned = std::acos(std::clamp(forwardOf(state).dot(unshaken), -1.0f, 1.0f));
    EXPECT_LE(turned, 2.0f * camera.handheldAngle);
}

TEST(CameraPlan, HandheldJitterIsAPureFunctionOfItsSeed) {
    CameraPlan a;
    a.path = "orbit";
    a.orbitRate = 0.3f;
    a.handheldAmplitude = 0.05f;
    a.handheldAngle = 0.02f;
    a.handheldSeed = 99;
    CameraPlan b = a;
    CameraPlan other = a;
    other.handheldSeed = 100;
    // Asked in different orders: the same poses bit for bit.
    std::vector<Mat4f> forward, backward;
    for (int i = 0; i < 10; ++i) forward.push_back(a.at(0.1f * float(i)).cameraToWorld.matrix());
    for (int i = 9; i >= 0; --i) backward.push_back(b.at(0.1f * float(i)).cameraToWorld.matrix());
    for (int i = 0; i < 10; ++i) EXPECT_EQ(forward[size_t(i)], backward[size_t(9 - i)]);
    EXPECT_GT((a.at(0.5f).cameraToWorld.matrix() - other.at(0.5f).cameraToWorld.matrix()).norm(),
              1e-4f);
    // No jitter declared: the plain path exactly.
    CameraPlan still = a;
    still.handheldAmplitude = 0.0f;
    still.handheldAngle = 0.0f;
    CameraPlan plain = still;
    plain.handheldSeed = 7;
    EXPECT_EQ(still.at(0.7f).cameraToWorld.matrix(), plain.at(0.7f).cameraToWorld.matrix());
}

}  // namespace
}  // namespace silt::scenes
