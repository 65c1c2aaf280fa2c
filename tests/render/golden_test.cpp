// Golden images: canonical scenes (rigid only, sand, water) rendered and compared with PNGs
// committed under tests/render/golden/. Software rasterizers differ in the last bit between
// CPUs and driver versions, so the comparison has a tolerance: a pixel differs when any
// channel is off by more than kChannelTolerance, and at most kMaxDifferingFraction of the
// pixels may differ. A real regression (a shading change, a missing item, a moved camera)
// changes far more.
//
// Regenerate after an intended change (then LOOK at the PNGs before committing them):
//   SILT_UPDATE_GOLDEN=1 ctest --preset release -R Golden
// The test then writes the new goldens into the source tree and passes.

#include <gtest/gtest.h>
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "particle_shapes.h"
#include "render_test_scene.h"
#include "silt/render/Renderer.h"
#include "silt/volume/Surfacer.h"

namespace silt::render {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kWidth = 192;
constexpr uint32_t kHeight = 144;
constexpr int kChannelTolerance = 6;           ///< 8-bit levels per channel
constexpr double kMaxDifferingFraction = 0.005;  ///< of all pixels
constexpr float kSpacing = 0.02f;                ///< m, particle spacing of sand and water

const fs::path kGoldenDir = fs::path(SILT_SOURCE_DIR) / "tests" / "render" / "golden";

class Golden : public ::testing::Test {
protected:
    void SetUp() override {
        RendererDesc desc;
        desc.width = kWidth;
        desc.height = kHeight;
        desc.shadowMapSize = 1024;
        auto renderer = Renderer::create(desc);
        ASSERT_TRUE(renderer.ok()) << renderer.error().message;
        mRenderer = std::move(*renderer);
        auto ground = mRenderer->addMesh(test::makeGround(4.0f));
        ASSERT_TRUE(ground.ok());
        mGround = *ground;
    }

    FrameDesc frameLookingAt(const Vec3f& eye, const Vec3f& target) const {
        FrameDesc frame;
        frame.camera = test::makeCamera(kWidth, kHeight, eye, target);
        frame.lighting.sunDirection = Vec3f(-0.5f, -1.0f, -0.35f);
        DrawItem ground;
        ground.mesh = mGround;
        ground.material = SurfaceMaterial{Vec3f(0.5f, 0.5f, 0.5f), 0.0f, 0.85f};
        frame.items.push_back(ground);
        return frame;
    }

    MeshId add(const TriangleMesh& mesh) {
        auto id = mRenderer->addMesh(mesh);
        SILT_CHECK(id.ok());
        return *id;
    }

    MeshId addSurface(const std::vector<Vec3f>& particles) {
        volume::SurfacerDesc desc;
        desc.voxelSize = kSpacing;
        desc.particleRadius = 0.75f * kSpacing;
        desc.searchRadiusScale = 3.0f;
        desc.smoothingIterations = 1;
        auto mesh = volume::surfaceParticles(particles, desc);
        SILT_CHECK(mesh.ok());
        auto id = mRenderer->addMesh(*mesh, MeshUsage::Rebuilt);  // as clips add surfaces
        SILT_CHECK(id.ok());
        return *id;
    }

    /// Renders, compares with (or with SILT_UPDATE_GOLDEN=1, writes) golden/<name>.png.
    void check(const FrameDesc& frame, const std::string& name) {
        auto image = mRenderer->render(frame);
        ASSERT_TRUE(image.ok()) << image.error().message;
        const std::string rendered = test::writePng(*image, "golden-" + name);
        const fs::path golden = kGoldenDir / (name + ".png");
        const char* update = std::getenv("SILT_UPDATE_GOLDEN");
        if (update && std::string(update) == "1") {
            fs::create_directories(kGoldenDir);
            ASSERT_NE(stbi_write_png(golden.string().c_str(), int(kWidth), int(kHeight), 4,
                                     image->pixels.data(), int(kWidth * 4)),
                      0);
            std::printf("updated %s\n", golden.string().c_str());
            return;
        }
        int w = 0, h = 0, channels = 0;
        std::unique_ptr<stbi_uc, void (*)(void*)> expected(
            stbi_load(golden.string().c_str(), &w, &h, &channels, 4), stbi_image_free);
        ASSERT_TRUE(expected) << "no golden image " << golden
                              << " (create it with SILT_UPDATE_GOLDEN=1)";
        ASSERT_EQ(uint32_t(w), kWidth);
        ASSERT_EQ(uint32_t(h), kHeight);
        size_t differing = 0;
        int largest = 0;
        for (size_t i = 0; i < size_t(kWidth) * kHeight; ++i) {
            int worst = 0;
            for (int c = 0; c < 3; ++c)
                worst = std::max(worst, std::abs(int(image->pixels[4 * i + size_t(c)]) -
                                                 int(expected.get()[4 * i + size_t(c)])));
            largest = std::max(largest, worst);
            if (worst > kChannelTolerance) ++differing;
        }
        const double fraction = double(differing) / double(size_t(kWidth) * kHeight);
        std::printf("%s: %zu pixels differ by more than %d levels (%.3f%%), largest %d\n",
                    name.c_str(), differing, kChannelTolerance, 100.0 * fraction, largest);
        EXPECT_LE(fraction, kMaxDifferingFraction)
            << "rendered " << rendered << " differs from " << golden;
    }

    /// Water over a floor, a red cube floating in it and a yellow one sunk beneath it.
    FrameDesc waterScene();

    std::unique_ptr<Renderer> mRenderer;
    MeshId mGround = 0;
};

TEST_F(Golden, RigidOnly) {
    FrameDesc frame = frameLookingAt(Vec3f(2.2f, 1.5f, 2.6f), Vec3f(0.0f, 0.35f, 0.0f));
    DrawItem sphere;
    sphere.mesh = add(test::makeSphere(0.35f, 48, 24));
    sphere.modelToWorld.topRightCorner<3, 1>() = Vec3f(-0.45f, 0.35f, 0.1f);
    sphere.material = SurfaceMaterial{Vec3f(0.9f, 0.75f, 0.2f), 1.0f, 0.3f};
    DrawItem cube;
    cube.mesh = add(test::makeCube(0.3f));
    cube.modelToWorld.topLeftCorner<3, 3>() =
        Eigen::AngleAxisf(0.6f, Vec3f::UnitY()).toRotationMatrix();
    cube.modelToWorld.topRightCorner<3, 1>() = Vec3f(0.5f, 0.3f, -0.2f);
    cube.material = SurfaceMaterial{Vec3f(0.7f, 0.15f, 0.1f), 0.0f, 0.6f};
    frame.items.push_back(sphere);
    frame.items.push_back(cube);
    check(frame, "rigid");
}

TEST_F(Golden, Sand) {
    FrameDesc frame = frameLookingAt(Vec3f(0.9f, 0.75f, 1.1f), Vec3f(0.0f, 0.1f, 0.0f));
    DrawItem bed;
    bed.mesh = addSurface(
        volume::test::makeSlab(Vec3f(-0.4f, 0.0f, -0.4f), Vec3f(0.4f, 0.12f, 0.4f), kSpacing,
                               0.25f, 3));
    bed.material = SurfaceMaterial{Vec3f(0.76f, 0.62f, 0.42f), 0.0f, 0.95f};
    bed.shading = Shading::Sand;
    DrawItem pile;
    pile.mesh = addSurface(
        volume::test::makeBall(Vec3f(0.05f, 0.12f, 0.0f), 0.16f, kSpacing, 0.25f, 4));
    pile.material = bed.material;
    pile.shading = Shading::Sand;
    frame.items.push_back(bed);
    frame.items.push_back(pile);
    check(frame, "sand");
}

FrameDesc Golden::waterScene() {
    FrameDesc frame = frameLookingAt(Vec3f(0.8f, 0.7f, 1.0f), Vec3f(0.0f, 0.08f, 0.0f));
    DrawItem water;
    water.mesh = addSurface(volume::test::makeSlab(Vec3f(-0.45f, 0.0f, -0.3f),
                                                   Vec3f(0.45f, 0.16f, 0.3f), kSpacing, 0.25f, 5));
    water.material = SurfaceMaterial{Vec3f(0.1f, 0.3f, 0.45f), 0.0f, 0.05f};
    water.shading = Shading::Water;
    // A red cube half under water (refraction and absorption show on its lower half) and a
    // yellow one resting on the floor beneath the water.
    DrawItem floating;
    floating.mesh = add(test::makeCube(0.08f));
    floating.modelToWorld.topRightCorner<3, 1>() = Vec3f(-0.15f, 0.16f, 0.05f);
    floating.material = SurfaceMaterial{Vec3f(0.75f, 0.12f, 0.08f), 0.0f, 0.5f};
    DrawItem sunk;
    sunk.mesh = floating.mesh;
    sunk.modelToWorld.topRightCorner<3, 1>() = Vec3f(0.2f, 0.06f, -0.05f);
    sunk.material = SurfaceMaterial{Vec3f(0.85f, 0.7f, 0.1f), 0.0f, 0.5f};
    // Water first in the list: the renderer must still draw it after the opaque items.
    frame.items.insert(frame.items.begin(), water);
    frame.items.push_back(floating);
    frame.items.push_back(sunk);
    return frame;
}

TEST_F(Golden, Water) { check(waterScene(), "water"); }

// The default renderer is single-sampled with FXAA and copies the opaque depth for water;
// with 4x MSAA the water pass resolves it instead and a separate pass draws the labels. The
// images must match except along edges (the two anti-aliasing methods differ there).
TEST_F(Golden, WaterWithMsaaMatchesWaterWithFxaa) {
    const FrameDesc fxaaFrame = waterScene();
    auto fxaa = mRenderer->render(fxaaFrame);
    ASSERT_TRUE(fxaa.ok()) << fxaa.error().message;
    RendererDesc desc;
    desc.width = kWidth;
    desc.height = kHeight;
    desc.shadowMapSize = 1024;
    desc.msaaSamples = 4;
    auto created = Renderer::create(desc);
    ASSERT_TRUE(created.ok()) << created.error().message;
    mRenderer = std::move(*created);
    ASSERT_EQ(*mRenderer->addMesh(test::makeGround(4.0f)), mGround);
    auto msaa = mRenderer->render(waterScene());  // same meshes, same ids
    ASSERT_TRUE(msaa.ok()) << msaa.error().message;
    test::writePng(*msaa, "golden-water-msaa");
    size_t far = 0;
    for (size_t i = 0; i < size_t(kWidth) * kHeight; ++i) {
        int worst = 0;
        for (size_t c = 0; c < 3; ++c)
            worst = std::max(worst, std::abs(int(fxaa->pixels[4 * i + c]) -
                                             int(msaa->pixels[4 * i + c])));
        if (worst > 24) ++far;
    }
    std::printf("FXAA vs 4x MSAA water: %zu of %u pixels differ by more than 24 levels\n", far,
                kWidth * kHeight);
    EXPECT_LT(double(far), 0.03 * kWidth * kHeight);
}

}  // namespace
}  // namespace silt::render
