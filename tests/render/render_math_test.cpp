#include "silt/render/RenderMath.h"

#include <gtest/gtest.h>

#include "render_test_scene.h"

namespace silt::render {
namespace {

TEST(RenderMath, ProjectionLandsWhereCameraProjectSays) {
    CameraState camera =
        test::makeCamera(320, 200, Vec3f(1.0f, 2.0f, 4.0f), Vec3f(0.2f, 0.3f, -0.5f));
    const Mat4f viewProj = viewProjection(camera);
    const Vec3f points[] = {{0.2f, 0.3f, -0.5f},
                            {1.5f, 0.0f, 0.0f},
                            {-1.0f, 1.0f, -2.0f},
                            {0.0f, 3.0f, 1.0f},
                            {2.0f, -0.5f, -3.0f}};
    for (const Vec3f& p : points) {
        Vec2f pixel;
        ASSERT_TRUE(camera.project(p, &pixel));
        const Vec4f clip = viewProj * p.homogeneous();
        ASSERT_GT(clip.w(), 0.0f);
        // Vulkan's viewport maps NDC −1..1 to the pixel edges 0..W (y down).
        const float u = (clip.x() / clip.w() * 0.5f + 0.5f) * 320.0f;
        const float v = (clip.y() / clip.w() * 0.5f + 0.5f) * 200.0f;
        EXPECT_NEAR(u, pixel.x(), 1e-3f);
        EXPECT_NEAR(v, pixel.y(), 1e-3f);
        const float depth = clip.z() / clip.w();
        EXPECT_GT(depth, 0.0f);
        EXPECT_LT(depth, 1.0f);
    }
}

TEST(RenderMath, DepthIsReversedBetweenNearAndFar) {
    CameraIntrinsics k;
    const Mat4f p = vulkanProjection(k);
    auto depthAt = [&](float distance) {
        const Vec4f clip = p * Vec4f(0.0f, 0.0f, -distance, 1.0f);
        return clip.z() / clip.w();
    };
    EXPECT_NEAR(depthAt(k.nearPlane), 1.0f, 1e-5f);
    EXPECT_NEAR(depthAt(k.farPlane), 0.0f, 1e-5f);
    EXPECT_GT(depthAt(1.0f), depthAt(2.0f));
}

TEST(RenderMath, ShadowFrustumHoldsTheCastersInDepthAndTheVisibleGround) {
    const Eigen::AlignedBox3f scene(Vec3f(-5.0f, -0.01f, -5.0f), Vec3f(5.0f, 1.5f, 5.0f));
    CameraState camera =
        test::makeCamera(256, 256, Vec3f(0.0f, 1.6f, 4.0f), Vec3f(0.0f, 0.4f, 0.0f));
    const ShadowFrustum shadow =
        fitSunShadow(Vec3f(-1.0f, -1.0f, 0.2f), scene, Eigen::AlignedBox3f(), camera, 2048);
    for (int c = 0; c < 8; ++c) {
        const Vec3f corner(c & 1 ? 5.0f : -5.0f, c & 2 ? 1.5f : -0.01f, c & 4 ? 5.0f : -5.0f);
        const Vec4f clip = shadow.worldToClip * corner.homogeneous();
        EXPECT_GE(clip.z(), 0.0f);
        EXPECT_LE(clip.z(), 1.0f);
    }
    // The middle of the view lies inside the map, and a caster above it is nearer the sun.
    const Vec4f ground = shadow.worldToClip * Vec4f(0.0f, 0.0f, 0.0f, 1.0f);
    const Vec4f above = shadow.worldToClip * Vec4f(0.0f, 1.0f, 0.0f, 1.0f);
    EXPECT_LT(std::abs(ground.x()), 1.0f);
    EXPECT_LT(std::abs(ground.y()), 1.0f);
    EXPECT_LT(above.z(), ground.z());
    EXPECT_GT(shadow.texelSize, 0.0f);
    EXPECT_LT(shadow.texelSize, 10.0f / 2048.0f * 1.5f);
}

TEST(RenderMath, ShadowFocusSharpensTheMapAndStillHoldsTheFocus) {
    const Eigen::AlignedBox3f ground(Vec3f(-30.0f, 0.0f, -30.0f), Vec3f(30.0f, 0.0f, 30.0f));
    const Eigen::AlignedBox3f object(Vec3f(-0.5f, 0.0f, -0.5f), Vec3f(0.5f, 1.0f, 0.5f));
    Eigen::AlignedBox3f scene = ground;
    scene.extend(object);
    EXPECT_TRUE(isHorizontalSlab(ground));
    EXPECT_FALSE(isHorizontalSlab(object));
    CameraState camera =
        test::makeCamera(256, 256, Vec3f(1.5f, 1.2f, 2.5f), Vec3f(0.0f, 0.3f, 0.0f));
    const Vec3f sun(-1.0f, -0.6f, -0.4f);
    const ShadowFrustum wide = fitSunShadow(sun, scene, Eigen::AlignedBox3f(), camera, 2048);
    const ShadowFrustum tight = fitSunShadow(sun, scene, object, camera, 2048);
    EXPECT_LT(tight.texelSize * 5.0f, wide.texelSize);
    // The object and the ground point where its top centre's shadow falls are both in the map.
    const Vec3f top(0.0f, 1.0f, 0.0f);
    const Vec3f shadowPoint = top + (1.0f / 0.6f) * sun;
    for (const Vec3f& p : {top, shadowPoint, Vec3f(0.5f, 0.0f, 0.5f), Vec3f(-0.5f, 1.0f, -0.5f)}) {
        const Vec4f clip = tight.worldToClip * p.homogeneous();
        EXPECT_LE(std::abs(clip.x()), 1.0f);
        EXPECT_LE(std::abs(clip.y()), 1.0f);
        EXPECT_GE(clip.z(), 0.0f);
        EXPECT_LE(clip.z(), 1.0f);
    }
}

}  // namespace
}  // namespace silt::render
