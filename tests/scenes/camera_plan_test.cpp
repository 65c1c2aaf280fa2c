#include <gtest/gtest.h>

#include <cmath>

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

}  // namespace
}  // namespace silt::scenes
