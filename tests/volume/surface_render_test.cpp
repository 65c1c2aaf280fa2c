// Renders surfaced particle sets with silt::render::Renderer and writes the image to
// ${SILT_BINARY_DIR}/test-output/volume/surfaces.png for people to look at: a smooth ball over
// a flat sand bed. The checks below catch the failure modes a glance would: missing or
// inside-out meshes (wrong colour where the shape should be) and noisy, bumpy surfaces
// (large pixel-to-pixel jumps in shading across the ball and the bed).

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <stb/stb_image_write.h>

#include <cmath>
#include <filesystem>

#include "particle_shapes.h"
#include "silt/render/Renderer.h"
#include "silt/volume/SurfaceVelocity.h"
#include "silt/volume/Surfacer.h"

namespace silt::volume {
namespace {

constexpr uint32_t kSize = 384;
const Vec3f kBallCentre(0.2f, 0.55f, 0.0f);
constexpr float kBallRadius = 0.25f;
constexpr float kBedTop = 0.2f;
constexpr float kSpacing = 0.02f;

float luma(const ImageRGBA8& image, int x, int y) {
    const uint8_t* p = image.at(uint32_t(x), uint32_t(y));
    return 0.2126f * float(p[0]) + 0.7152f * float(p[1]) + 0.0722f * float(p[2]);
}

Vec2f project(const CameraState& camera, const Vec3f& world) {
    Vec2f pixel;
    SILT_CHECK(camera.project(world, &pixel));
    return pixel;
}

TEST(SurfaceRender, BallOverSandBedLooksSmooth) {
    // Render-quality settings: a wider kernel and two smoothing passes iron out the bumps
    // that the lattice jitter (±¼ spacing) leaves with the fast defaults.
    SurfacerDesc desc;
    desc.voxelSize = 0.01f;
    desc.particleRadius = 0.75f * kSpacing;
    desc.searchRadiusScale = 3.0f;
    desc.smoothingIterations = 2;
    Result<TriangleMesh> ball =
        surfaceParticles(test::makeBall(kBallCentre, kBallRadius, kSpacing, 0.25f, 31), desc);
    Result<TriangleMesh> bed = surfaceParticles(
        test::makeSlab(Vec3f(-0.6f, 0.0f, -0.6f), Vec3f(0.6f, kBedTop, 0.6f), kSpacing, 0.25f, 32),
        desc);
    ASSERT_TRUE(ball.ok() && bed.ok());

    render::RendererDesc rendererDesc;
    rendererDesc.width = kSize;
    rendererDesc.height = kSize;
    Result<std::unique_ptr<render::Renderer>> renderer = render::Renderer::create(rendererDesc);
    ASSERT_TRUE(renderer.ok()) << renderer.error().message;
    Result<render::MeshId> ballId = (*renderer)->addMesh(*ball);
    Result<render::MeshId> bedId = (*renderer)->addMesh(*bed);
    ASSERT_TRUE(ballId.ok() && bedId.ok());

    render::FrameDesc frame;
    frame.camera.intrinsics.width = kSize;
    frame.camera.intrinsics.height = kSize;
    frame.camera.cameraToWorld = lookAt(Vec3f(0.0f, 1.1f, 1.9f), Vec3f(0.0f, 0.3f, 0.0f));
    frame.lighting.sunDirection = Vec3f(-0.6f, -1.0f, -0.4f);
    frame.lighting.sunIntensity = 1.6f;
    render::DrawItem ballItem;
    ballItem.mesh = *ballId;
    ballItem.material.baseColor = Vec3f(0.8f, 0.25f, 0.15f);
    ballItem.instanceId = 1;
    render::DrawItem bedItem;
    bedItem.mesh = *bedId;
    bedItem.material.baseColor = Vec3f(0.76f, 0.66f, 0.45f);
    bedItem.material.roughness = 0.9f;
    bedItem.instanceId = 2;
    frame.items = {ballItem, bedItem};

    Result<ImageRGBA8> image = (*renderer)->render(frame);
    ASSERT_TRUE(image.ok()) << image.error().message;
    const std::filesystem::path dir =
        std::filesystem::path(SILT_BINARY_DIR) / "test-output" / "volume";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "surfaces.png").string();
    ASSERT_NE(stbi_write_png(path.c_str(), int(kSize), int(kSize), 4, image->pixels.data(),
                             int(kSize * 4)),
              0);
    std::printf("wrote %s (%s)\n", path.c_str(), (*renderer)->deviceName().c_str());

    // Colours where the shapes project: the red ball, the sand bed, the blue sky.
    const Vec2f ballPixel = project(frame.camera, kBallCentre);
    const Vec2f bedPixel = project(frame.camera, Vec3f(-0.35f, kBedTop, 0.35f));
    const uint8_t* b = image->at(uint32_t(ballPixel.x()), uint32_t(ballPixel.y()));
    EXPECT_GT(int(b[0]), int(b[1]) + 30) << "ball pixel is not red";
    const uint8_t* s = image->at(uint32_t(bedPixel.x()), uint32_t(bedPixel.y()));
    EXPECT_GT(int(s[0]), int(s[2]) + 10) << "bed pixel is not sand-coloured";
    const uint8_t* sky = image->at(kSize / 2, 2);
    EXPECT_GT(int(sky[2]), int(sky[0])) << "top of the frame is not sky";

    // Smoothness: across the ball's middle row (inside its silhouette) and across a patch of
    // the flat top, shading changes gradually; noise or particle bumps would show as jumps.
    const Vec2f ballEdge = project(frame.camera, kBallCentre + Vec3f(kBallRadius, 0.0f, 0.0f));
    const int halfWidth = int(0.7f * (ballEdge.x() - ballPixel.x()));
    const int row = int(ballPixel.y());
    float worstBall = 0.0f;
    for (int x = int(ballPixel.x()) - halfWidth + 1; x < int(ballPixel.x()) + halfWidth; ++x) {
        const float second =
            luma(*image, x + 1, row) - 2.0f * luma(*image, x, row) + luma(*image, x - 1, row);
        worstBall = std::max(worstBall, std::abs(second));
    }
    float worstBed = 0.0f;
    for (int y = int(bedPixel.y()) - 10; y <= int(bedPixel.y()) + 10; ++y) {
        for (int x = int(bedPixel.x()) - 10; x <= int(bedPixel.x()) + 10; ++x) {
            worstBed = std::max(worstBed, std::abs(luma(*image, x + 1, y) - luma(*image, x, y)));
        }
    }
    std::printf(
        "largest luma second difference across the ball: %.1f; largest step on the bed: "
        "%.1f\n",
        double(worstBall), double(worstBed));
    EXPECT_LT(worstBall, 8.0f);
    EXPECT_LT(worstBed, 4.0f);
}


// Flow of a particle surface comes from the particles' velocities: a blob translating at a
// constant velocity has, at every pixel it covers, the flow of its surface point moved by
// v·dt and projected — the exact displacement, within 0.1 px.
TEST(SurfaceRender, TranslatingBlobFlowEqualsItsProjectedDisplacement) {
    constexpr uint32_t kFlowSize = 128;
    const Vec3f centre(0.0f, 0.3f, 0.0f);
    const Vec3f velocity(0.6f, 0.25f, -0.4f);  // m/s
    const float dt = 1.0f / 24.0f;
    const std::vector<Vec3f> particles = test::makeBall(centre, 0.2f, kSpacing, 0.25f, 7);
    const std::vector<Vec3f> velocities(particles.size(), velocity);
    SurfacerDesc desc;
    desc.voxelSize = kSpacing;
    desc.particleRadius = 0.75f * kSpacing;
    Result<TriangleMesh> blob = surfaceParticles(particles, desc);
    ASSERT_TRUE(blob.ok()) << blob.error().message;
    ASSERT_TRUE(attachParticleVelocities(*blob, particles, velocities, {}, 2.0f * kSpacing).ok());
    ASSERT_EQ(blob->velocities.size(), blob->positions.size());
    for (const Vec3f& v : blob->velocities) ASSERT_LT((v - velocity).norm(), 1e-5f);

    render::RendererDesc rendererDesc;
    rendererDesc.width = kFlowSize;
    rendererDesc.height = kFlowSize;
    rendererDesc.shadowMapSize = 256;
    auto renderer = render::Renderer::create(rendererDesc);
    ASSERT_TRUE(renderer.ok()) << renderer.error().message;
    auto id = (*renderer)->addMesh(*blob);
    ASSERT_TRUE(id.ok()) << id.error().message;
    render::FrameDesc frame;
    frame.camera.intrinsics.width = kFlowSize;
    frame.camera.intrinsics.height = kFlowSize;
    frame.camera.cameraToWorld = lookAt(Vec3f(0.4f, 0.8f, 1.2f), centre);
    frame.timeStep = dt;
    render::DrawItem item;
    item.mesh = *id;
    item.instanceId = 5;
    item.shading = render::Shading::Sand;
    frame.items = {item};
    auto images = (*renderer)->renderWithLabels(frame);
    ASSERT_TRUE(images.ok()) << images.error().message;

    const CameraIntrinsics& k = frame.camera.intrinsics;
    const Mat4f cameraToWorld = frame.camera.cameraToWorld.matrix();
    size_t covered = 0;
    float worst = 0.0f;
    for (uint32_t y = 0; y < kFlowSize; ++y) {
        for (uint32_t x = 0; x < kFlowSize; ++x) {
            const size_t i = size_t(y) * kFlowSize + x;
            if (images->labels.instance.values[i] != 5) continue;
            ++covered;
            // The surface point at this pixel's centre, from the depth label.
            const float depth = images->labels.depth.values[i];
            const float u = float(x) + 0.5f, v = float(y) + 0.5f;
            const Vec3f cameraPoint((u - k.cx()) / k.fx() * depth, -(v - k.cy()) / k.fy() * depth,
                                    -depth);
            const Vec3f world = (cameraToWorld * cameraPoint.homogeneous()).head<3>();
            Vec2f moved;
            ASSERT_TRUE(frame.camera.project(world + velocity * dt, &moved));
            const Vec2f expected = moved - Vec2f(u, v);
            const Vec2f flow(images->labels.flow.values[2 * i], images->labels.flow.values[2 * i + 1]);
            worst = std::max(worst, (flow - expected).norm());
        }
    }
    std::printf("blob covers %zu px; largest flow error %.4f px\n", covered, double(worst));
    EXPECT_GT(covered, 1000u);
    EXPECT_LT(worst, 0.1f);
}

}  // namespace
}  // namespace silt::volume
