// Renders small procedural scenes on the machine's Vulkan device (lavapipe here) and checks
// geometry against Camera.h's projection, lighting, shadows, materials and determinism.
// Every test writes its image under ${SILT_BINARY_DIR}/test-output/render/.

#include "silt/render/Renderer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <set>
#include <vector>

#include "render_test_scene.h"
#include "silt/core/ColorTemperature.h"

namespace silt::render {
namespace {

constexpr uint32_t kSize = 256;
const Vec3f kSphereCentre(0.0f, 0.5f, 0.0f);
constexpr float kSphereRadius = 0.5f;

// The sun comes from +x and above, so the sphere's shadow falls towards −x.
LightingDesc sideSun() {
    LightingDesc light;
    light.sunDirection = Vec3f(-1.0f, -1.0f, 0.2f);
    return light;
}

class RendererTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        Result<std::unique_ptr<Renderer>> created = Renderer::create(RendererDesc{});
        ASSERT_TRUE(created.ok()) << created.error().message;
        sRenderer = std::move(created).value().release();
        sSphere = sRenderer->addMesh(test::makeSphere(kSphereRadius, 48, 24)).value();
        sGround = sRenderer->addMesh(test::makeGround(5.0f)).value();
        sCube = sRenderer->addMesh(test::makeCube(0.3f)).value();
        std::printf("render device: %s\n", sRenderer->deviceName().c_str());
    }
    static void TearDownTestSuite() {
        delete sRenderer;
        sRenderer = nullptr;
    }

    static DrawItem item(MeshId mesh, const Vec3f& position, const Vec3f& color, uint32_t id) {
        DrawItem d;
        d.mesh = mesh;
        d.modelToWorld = Mat4f::Identity();
        d.modelToWorld.topRightCorner<3, 1>() = position;
        d.material.baseColor = color;
        d.instanceId = id;
        return d;
    }

    static ImageRGBA8 render(const FrameDesc& frame) {
        Result<ImageRGBA8> image = sRenderer->render(frame);
        EXPECT_TRUE(image.ok()) << image.error().message;
        return image.ok() ? std::move(image).value() : ImageRGBA8(kSize, kSize);
    }

    static FrameDesc sphereOverGround() {
        FrameDesc frame;
        frame.camera =
            test::makeCamera(kSize, kSize, Vec3f(0.0f, 1.6f, 4.0f), Vec3f(0.0f, 0.4f, 0.0f));
        frame.lighting = sideSun();
        frame.items = {item(sGround, Vec3f::Zero(), Vec3f(0.7f, 0.7f, 0.65f), 1),
                       item(sSphere, kSphereCentre, Vec3f(0.8f, 0.3f, 0.2f), 2)};
        return frame;
    }

    static Renderer* sRenderer;
    static MeshId sSphere, sGround, sCube;
};

Renderer* RendererTest::sRenderer = nullptr;
MeshId RendererTest::sSphere = 0;
MeshId RendererTest::sGround = 0;
MeshId RendererTest::sCube = 0;

// Pixels where `image` differs from `background`: what the objects cover.
struct Mask {
    double area = 0.0;
    Vec2f centroid = Vec2f::Zero();
};
Mask differingPixels(const ImageRGBA8& image, const ImageRGBA8& background) {
    Mask mask;
    double sx = 0.0, sy = 0.0;
    for (uint32_t y = 0; y < image.height; ++y) {
        for (uint32_t x = 0; x < image.width; ++x) {
            const uint8_t* a = image.at(x, y);
            const uint8_t* b = background.at(x, y);
            // MSAA edge pixels count by how far they moved from the background (coverage).
            const int diff =
                std::max({std::abs(a[0] - b[0]), std::abs(a[1] - b[1]), std::abs(a[2] - b[2])});
            if (diff == 0) continue;
            mask.area += 1.0;
            sx += x + 0.5;
            sy += y + 0.5;
        }
    }
    if (mask.area > 0) mask.centroid = Vec2f(float(sx / mask.area), float(sy / mask.area));
    return mask;
}

TEST_F(RendererTest, LitSphereOverGroundLandsWhereTheCameraProjectsIt) {
    const FrameDesc frame = sphereOverGround();
    const ImageRGBA8 image = render(frame);
    test::writePng(image, "sphere_over_ground");
    ASSERT_EQ(image.width, kSize);
    ASSERT_EQ(image.pixels.size(), size_t{kSize} * kSize * 4);

    std::set<uint32_t> colours;
    for (size_t i = 0; i < image.pixels.size(); i += 4) {
        colours.insert(uint32_t(image.pixels[i]) << 16 | uint32_t(image.pixels[i + 1]) << 8 |
                       image.pixels[i + 2]);
        EXPECT_EQ(image.pixels[i + 3], 255);
    }
    EXPECT_GT(colours.size(), 1000u) << "the image looks flat";

    // The top row is sky: blue-dominant, and identical to a frame with nothing in it.
    FrameDesc empty = frame;
    empty.items.clear();
    const ImageRGBA8 sky = render(empty);
    test::writePng(sky, "sky_only");
    for (uint32_t x = 0; x < kSize; x += 17) {
        const uint8_t* p = image.at(x, 0);
        EXPECT_GT(p[2], p[1]);
        EXPECT_GT(p[1], p[0]);
        EXPECT_GT(p[2], 150);
        EXPECT_EQ(std::vector<uint8_t>(p, p + 4),
                  std::vector<uint8_t>(sky.at(x, 0), sky.at(x, 0) + 4));
    }
    // The bottom row is ground (it differs from the sky), so the camera is the right way up.
    for (uint32_t x = 0; x < kSize; x += 17) {
        EXPECT_NE(image.at(x, kSize - 1)[2], sky.at(x, kSize - 1)[2]);
    }

    // On-axis sphere without the ground: its mask is a disc centred on the projected centre
    // with the analytic radius f·R / sqrt(d² − R²).
    FrameDesc alone = empty;
    const Vec3f eye(0.0f, 1.6f, 4.0f);
    alone.camera = test::makeCamera(kSize, kSize, eye, kSphereCentre);
    alone.items = {item(sSphere, kSphereCentre, Vec3f(0.8f, 0.3f, 0.2f), 2)};
    FrameDesc aloneEmpty = alone;
    aloneEmpty.items.clear();
    const ImageRGBA8 sphereImage = render(alone);
    test::writePng(sphereImage, "sphere_alone");
    const Mask mask = differingPixels(sphereImage, render(aloneEmpty));
    Vec2f projected;
    ASSERT_TRUE(alone.camera.project(kSphereCentre, &projected));
    EXPECT_NEAR(mask.centroid.x(), projected.x(), 1.5f);
    EXPECT_NEAR(mask.centroid.y(), projected.y(), 1.5f);
    const float d = (eye - kSphereCentre).norm();
    const float expectedRadius = alone.camera.intrinsics.fy() * kSphereRadius /
                                 std::sqrt(d * d - kSphereRadius * kSphereRadius);
    const float radius = float(std::sqrt(mask.area / kPi));
    EXPECT_NEAR(radius, expectedRadius, 2.0f);

    // A small sphere off-axis (up and to the right) lands where project() says: catches a
    // flipped or mirrored image, which the centred sphere cannot.
    FrameDesc offAxis = aloneEmpty;
    const Vec3f small(0.9f, 1.2f, 0.3f);
    Mat4f scale = Mat4f::Identity();
    scale.topLeftCorner<3, 3>() *= 0.3f;
    DrawItem smallItem = item(sSphere, small, Vec3f(0.2f, 0.8f, 0.3f), 3);
    smallItem.modelToWorld = smallItem.modelToWorld * scale;
    offAxis.items = {smallItem};
    const ImageRGBA8 offImage = render(offAxis);
    test::writePng(offImage, "sphere_off_axis");
    const Mask offMask = differingPixels(offImage, render(aloneEmpty));
    ASSERT_TRUE(offAxis.camera.project(small, &projected));
    EXPECT_GT(projected.x(), kSize * 0.6f);
    EXPECT_LT(projected.y(), kSize * 0.4f);
    EXPECT_GT(offMask.area, 50.0);
    EXPECT_NEAR(offMask.centroid.x(), projected.x(), 1.5f);
    EXPECT_NEAR(offMask.centroid.y(), projected.y(), 1.5f);
}

TEST_F(RendererTest, SunLitSideIsBrighterAndTheSphereShadowsTheGround) {
    const FrameDesc frame = sphereOverGround();
    const ImageRGBA8 image = render(frame);
    test::writePng(image, "lit_and_shadow");
    const Vec3f eye = frame.camera.cameraToWorld.position;

    // Two visible points on the sphere, one turned towards the sun (+x), one away from it.
    const Vec3f litPoint = kSphereCentre + kSphereRadius * Vec3f(1.0f, 0.3f, 1.0f).normalized();
    const Vec3f darkPoint = kSphereCentre + kSphereRadius * Vec3f(-1.0f, 0.3f, 1.0f).normalized();
    Vec2f litPixel, darkPixel;
    ASSERT_TRUE(frame.camera.project(litPoint, &litPixel));
    ASSERT_TRUE(frame.camera.project(darkPoint, &darkPixel));
    const float lit = test::meanLuma(image, litPixel);
    const float dark = test::meanLuma(image, darkPixel);
    EXPECT_GT(lit, dark * 1.5f) << "lit " << lit << " dark " << dark;

    // The shadow's centre on the ground lies along the sun's direction from the sphere's
    // centre; pick a point in it left of the sphere and its mirror image on the sunny side.
    const Vec3f sunDir = frame.lighting.sunDirection.normalized();
    const Vec3f shadowCentre = kSphereCentre + (kSphereCentre.y() / -sunDir.y()) * sunDir;
    const Vec3f inShadow = shadowCentre + Vec3f(-0.35f, 0.0f, 0.0f);
    const Vec3f inSun(-inShadow.x(), 0.0f, inShadow.z());
    ASSERT_FALSE(test::segmentHitsSphere(eye, inShadow, kSphereCentre, kSphereRadius));
    ASSERT_FALSE(test::segmentHitsSphere(eye, inSun, kSphereCentre, kSphereRadius));
    Vec2f shadowPixel, sunPixel;
    ASSERT_TRUE(frame.camera.project(inShadow, &shadowPixel));
    ASSERT_TRUE(frame.camera.project(inSun, &sunPixel));
    const float shadowed = test::meanLuma(image, shadowPixel);
    const float sunny = test::meanLuma(image, sunPixel);
    EXPECT_LT(shadowed, sunny * 0.7f) << "shadow " << shadowed << " sun " << sunny;

    // Without the sphere the same ground point is sunny: the darkening is its shadow.
    FrameDesc noSphere = frame;
    noSphere.items.pop_back();
    const ImageRGBA8 groundOnly = render(noSphere);
    EXPECT_GT(test::meanLuma(groundOnly, shadowPixel), shadowed * 1.4f);
}

TEST_F(RendererTest, SameFrameGivesIdenticalBytesAcrossCallsAndInstances) {
    FrameDesc frame = sphereOverGround();
    frame.items.push_back(item(sCube, Vec3f(-1.0f, 0.3f, 0.8f), Vec3f(0.2f, 0.4f, 0.8f), 3));
    const ImageRGBA8 first = render(frame);
    const ImageRGBA8 second = render(frame);
    EXPECT_EQ(first.pixels, second.pixels);

    Result<std::unique_ptr<Renderer>> other = Renderer::create(RendererDesc{});
    ASSERT_TRUE(other.ok()) << other.error().message;
    // The same meshes, added in the same order, get the same ids.
    ASSERT_EQ((*other)->addMesh(test::makeSphere(kSphereRadius, 48, 24)).value(), sSphere);
    ASSERT_EQ((*other)->addMesh(test::makeGround(5.0f)).value(), sGround);
    ASSERT_EQ((*other)->addMesh(test::makeCube(0.3f)).value(), sCube);
    Result<ImageRGBA8> third = (*other)->render(frame);
    ASSERT_TRUE(third.ok()) << third.error().message;
    EXPECT_EQ(first.pixels, third->pixels);
    test::writePng(first, "determinism");

    // And the comparison has teeth: moving the cube changes the picture.
    frame.items.back().modelToWorld(0, 3) += 0.1f;
    EXPECT_NE(first.pixels, render(frame).pixels);
}

TEST_F(RendererTest, MaterialsChangeTheObjectsColour) {
    FrameDesc frame;
    frame.camera = test::makeCamera(kSize, kSize, Vec3f(0.0f, 1.6f, 4.0f), kSphereCentre);
    frame.lighting = sideSun();
    FrameDesc empty = frame;
    const ImageRGBA8 sky = render(empty);

    struct Case {
        const char* name;
        SurfaceMaterial material;
        Vec3f mean = Vec3f::Zero();
    };
    std::vector<Case> cases(3);
    cases[0] = {"red", {{0.8f, 0.1f, 0.1f}, 0.0f, 0.5f}};
    cases[1] = {"green", {{0.1f, 0.8f, 0.1f}, 0.0f, 0.5f}};
    cases[2] = {"gold_metal", {{1.0f, 0.77f, 0.34f}, 1.0f, 0.3f}};
    for (Case& c : cases) {
        DrawItem d = item(sSphere, kSphereCentre, Vec3f::Zero(), 1);
        d.material = c.material;
        frame.items = {d};
        const ImageRGBA8 image = render(frame);
        test::writePng(image, std::string("material_") + c.name);
        double sum[3] = {0, 0, 0};
        int count = 0;
        for (uint32_t y = 0; y < kSize; ++y) {
            for (uint32_t x = 0; x < kSize; ++x) {
                if (std::equal(image.at(x, y), image.at(x, y) + 3, sky.at(x, y))) continue;
                for (int ch = 0; ch < 3; ++ch) sum[ch] += image.at(x, y)[ch];
                ++count;
            }
        }
        ASSERT_GT(count, 1000);
        c.mean = Vec3f(float(sum[0] / count), float(sum[1] / count), float(sum[2] / count));
    }
    EXPECT_GT(cases[0].mean.x(), cases[0].mean.y() + 40.0f);
    EXPECT_GT(cases[1].mean.y(), cases[1].mean.x() + 40.0f);
    EXPECT_GT((cases[0].mean - cases[1].mean).norm(), 60.0f);
    EXPECT_GT((cases[2].mean - cases[0].mean).norm(), 30.0f);
    EXPECT_GT(cases[2].mean.x(), cases[2].mean.z());  // gold stays warm
}

TEST_F(RendererTest, ShowcaseOfSeveralObjects) {
    FrameDesc frame;
    frame.camera = test::makeCamera(kSize, kSize, Vec3f(2.5f, 2.2f, 4.5f), Vec3f(0.0f, 0.3f, 0.0f));
    frame.items.push_back(item(sGround, Vec3f::Zero(), Vec3f(0.6f, 0.6f, 0.55f), 1));
    frame.items.push_back(item(sSphere, kSphereCentre, Vec3f(0.8f, 0.25f, 0.2f), 2));
    frame.items.push_back(item(sCube, Vec3f(1.1f, 0.3f, 0.4f), Vec3f(0.2f, 0.4f, 0.85f), 3));
    DrawItem metal = item(sSphere, Vec3f(-1.0f, 0.35f, 0.9f), Vec3f(0.95f, 0.95f, 0.95f), 4);
    metal.modelToWorld.topLeftCorner<3, 3>() *= 0.7f;
    metal.material.metallic = 1.0f;
    metal.material.roughness = 0.25f;
    frame.items.push_back(metal);
    DrawItem tilted = item(sCube, Vec3f(1.0f, 0.3f, -1.3f), Vec3f(0.3f, 0.75f, 0.3f), 5);
    tilted.modelToWorld.topLeftCorner<3, 3>() =
        Eigen::AngleAxisf(0.6f, Vec3f::UnitY()).toRotationMatrix();
    frame.items.push_back(tilted);
    const ImageRGBA8 image = render(frame);
    const std::string path = test::writePng(image, "showcase");
    std::printf("showcase image: %s\n", path.c_str());
    // The ground between the objects and the sky at the top are both present.
    EXPECT_GT(image.at(kSize / 2, 2)[2], image.at(kSize / 2, 2)[0]);
    EXPECT_NE(image.at(kSize / 2, kSize - 2)[2], image.at(kSize / 2, 2)[2]);
}

TEST_F(RendererTest, SixtyDrawItemsAreAllDrawn) {
    FrameDesc frame;
    frame.camera = test::makeCamera(kSize, kSize, Vec3f(0.0f, 6.0f, 7.0f), Vec3f(0.0f, 0.0f, 0.0f));
    frame.lighting = sideSun();
    frame.items.push_back(item(sGround, Vec3f::Zero(), Vec3f(0.6f, 0.6f, 0.55f), 1));
    const ImageRGBA8 groundOnly = render(frame);
    std::vector<Vec3f> centres;
    for (int row = 0; row < 6; ++row) {
        for (int col = 0; col < 10; ++col) {
            const Vec3f centre(-2.7f + 0.6f * float(col), 0.15f, -1.5f + 0.6f * float(row));
            DrawItem cube = item(sCube, centre, Vec3f(0.1f * float(col), 0.2f, 0.15f * float(row)),
                                 uint32_t(centres.size() + 2));
            cube.modelToWorld.topLeftCorner<3, 3>() *= 0.5f;
            frame.items.push_back(cube);
            centres.push_back(centre + Vec3f(0.0f, 0.15f, 0.0f));  // top face centre
        }
    }
    const ImageRGBA8 image = render(frame);
    test::writePng(image, "sixty_cubes");
    for (size_t i = 0; i < centres.size(); ++i) {
        Vec2f pixel;
        ASSERT_TRUE(frame.camera.project(centres[i], &pixel));
        const uint8_t* a = image.at(uint32_t(pixel.x()), uint32_t(pixel.y()));
        const uint8_t* b = groundOnly.at(uint32_t(pixel.x()), uint32_t(pixel.y()));
        EXPECT_FALSE(std::equal(a, a + 3, b)) << "cube " << i << " is missing";
    }
}

TEST_F(RendererTest, BadInputIsAnErrorNotACrash) {
    FrameDesc frame = sphereOverGround();
    frame.camera.intrinsics.width = kSize + 1;
    Result<ImageRGBA8> wrongSize = sRenderer->render(frame);
    ASSERT_FALSE(wrongSize.ok());
    EXPECT_NE(wrongSize.error().message.find("257"), std::string::npos)
        << wrongSize.error().message;

    frame = sphereOverGround();
    frame.items.push_back(item(MeshId(999), Vec3f::Zero(), Vec3f::Ones(), 9));
    Result<ImageRGBA8> unknownMesh = sRenderer->render(frame);
    ASSERT_FALSE(unknownMesh.ok());
    EXPECT_NE(unknownMesh.error().message.find("999"), std::string::npos)
        << unknownMesh.error().message;

    TriangleMesh broken = test::makeCube(0.5f);
    broken.indices.back() = 1000;
    EXPECT_FALSE(sRenderer->addMesh(broken).ok());
    broken = test::makeCube(0.5f);
    broken.normals.pop_back();
    EXPECT_FALSE(sRenderer->addMesh(broken).ok());

    RendererDesc badSamples;
    badSamples.msaaSamples = 3;
    EXPECT_FALSE(Renderer::create(badSamples).ok());

    // The renderer still works after refusing bad input.
    EXPECT_TRUE(sRenderer->render(sphereOverGround()).ok());
}

// Anti-aliasing softens silhouettes: across the sphere's outline (from the labels, which
// are the same for every setting) neighbouring colour pixels differ less with FXAA (the
// default) and with 4x MSAA than single-sampled without anti-aliasing.
TEST(RendererAntiAliasing, FxaaAndMsaaSoftenEdgesThatNoAntiAliasingLeavesHard) {
    auto edgeJump = [](uint32_t samples, bool fxaa, const char* png) {
        RendererDesc desc;
        desc.msaaSamples = samples;
        desc.fxaa = fxaa;
        Result<std::unique_ptr<Renderer>> renderer = Renderer::create(desc);
        EXPECT_TRUE(renderer.ok()) << renderer.error().message;
        if (!renderer.ok()) return 0.0;
        const MeshId sphere =
            (*renderer)->addMesh(test::makeSphere(kSphereRadius, 48, 24)).value();
        FrameDesc frame;
        frame.camera =
            test::makeCamera(desc.width, desc.height, Vec3f(0.0f, 1.6f, 4.0f), kSphereCentre);
        DrawItem d;
        d.mesh = sphere;
        d.modelToWorld.topRightCorner<3, 1>() = kSphereCentre;
        d.instanceId = 1;
        frame.items = {d};
        Result<FrameImages> images = (*renderer)->renderWithLabels(frame);
        EXPECT_TRUE(images.ok()) << images.error().message;
        if (!images.ok()) return 0.0;
        test::writePng(images->color, png);
        const ImageRGBA8& c = images->color;
        const ImageU32& ids = images->labels.instance;
        auto luma = [&](uint32_t x, uint32_t y) {
            const uint8_t* p = c.at(x, y);
            return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
        };
        double sum = 0;
        size_t count = 0;
        for (uint32_t y = 0; y < c.height; ++y) {
            for (uint32_t x = 0; x + 1 < c.width; ++x) {
                if (*ids.at(x, y) != *ids.at(x + 1, y)) {
                    sum += std::abs(luma(x, y) - luma(x + 1, y));
                    ++count;
                }
            }
        }
        EXPECT_GT(count, 20u);
        return count > 0 ? sum / double(count) : 0.0;
    };
    const double hard = edgeJump(1, false, "single_sample");
    const double fxaa = edgeJump(1, true, "single_sample_fxaa");
    const double msaa = edgeJump(4, false, "msaa4");
    std::printf("mean luma step across the outline: none %.1f, FXAA %.1f, 4x MSAA %.1f\n", hard,
                fxaa, msaa);
    EXPECT_LT(fxaa, 0.8 * hard);
    EXPECT_LT(msaa, 0.8 * hard);
}

TEST(RendererNoDevice, MissingDriverIsAnErrorThatSaysWhatToInstall) {
    // Point the loader at a driver manifest that does not exist, as on a machine without
    // any Vulkan driver; the loader rescans drivers on every instance it creates.
    const char* oldIcd = std::getenv("VK_ICD_FILENAMES");
    const char* oldDrivers = std::getenv("VK_DRIVER_FILES");
    const std::string savedIcd = oldIcd ? oldIcd : "";
    const std::string savedDrivers = oldDrivers ? oldDrivers : "";
    setenv("VK_ICD_FILENAMES", "/nonexistent/silt_icd.json", 1);
    setenv("VK_DRIVER_FILES", "/nonexistent/silt_icd.json", 1);
    Result<std::unique_ptr<Renderer>> renderer = Renderer::create(RendererDesc{});
    if (oldIcd)
        setenv("VK_ICD_FILENAMES", savedIcd.c_str(), 1);
    else
        unsetenv("VK_ICD_FILENAMES");
    if (oldDrivers)
        setenv("VK_DRIVER_FILES", savedDrivers.c_str(), 1);
    else
        unsetenv("VK_DRIVER_FILES");
    ASSERT_FALSE(renderer.ok());
    EXPECT_NE(renderer.error().message.find("no Vulkan device found"), std::string::npos)
        << renderer.error().message;
    EXPECT_NE(renderer.error().message.find("mesa-vulkan-drivers"), std::string::npos);
}

// Throughput on this machine's device: printed for the record, not asserted.
TEST_F(RendererTest, ThroughputTenMeshesOfTwoThousandTriangles) {
    std::vector<MeshId> meshes;
    for (int i = 0; i < 10; ++i) {
        TriangleMesh sphere = test::makeSphere(0.25f + 0.02f * float(i), 46, 23);  // 2024 triangles
        meshes.push_back(sRenderer->addMesh(sphere).value());
    }
    FrameDesc frame;
    frame.camera = test::makeCamera(kSize, kSize, Vec3f(0.0f, 2.5f, 5.0f), Vec3f(0.0f, 0.3f, 0.0f));
    frame.items.push_back(item(sGround, Vec3f::Zero(), Vec3f(0.6f, 0.6f, 0.55f), 1));
    for (int i = 0; i < 10; ++i) {
        const float angle = 2.0f * kPi * float(i) / 10.0f;
        frame.items.push_back(
            item(meshes[size_t(i)], Vec3f(1.5f * std::cos(angle), 0.35f, 1.5f * std::sin(angle)),
                 Vec3f(0.3f + 0.06f * float(i), 0.5f, 0.9f - 0.06f * float(i)), uint32_t(i + 2)));
    }
    ImageRGBA8 image = render(frame);  // warm-up
    test::writePng(image, "throughput");
    constexpr int kFrames = 20;
    const auto start = std::chrono::steady_clock::now();
    for (int f = 0; f < kFrames; ++f) {
        frame.items[1].modelToWorld(1, 3) = 0.35f + 0.01f * float(f);
        image = render(frame);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf(
        "render throughput: %.1f frames/s (%ux%u, 4x MSAA, shadow map 2048, 11 draws, "
        "~20k triangles, %s)\n",
        kFrames / seconds, kSize, kSize, sRenderer->deviceName().c_str());
    EXPECT_EQ(image.width, kSize);

    // The same frame with a smaller shadow map and no MSAA, for the cost breakdown.
    RendererDesc light;
    light.msaaSamples = 1;
    light.shadowMapSize = 1024;
    Result<std::unique_ptr<Renderer>> cheap = Renderer::create(light);
    ASSERT_TRUE(cheap.ok()) << cheap.error().message;
    (*cheap)->addMesh(test::makeSphere(kSphereRadius, 48, 24)).value();
    (*cheap)->addMesh(test::makeGround(5.0f)).value();
    (*cheap)->addMesh(test::makeCube(0.3f)).value();
    for (int i = 0; i < 10; ++i) {
        (*cheap)->addMesh(test::makeSphere(0.25f + 0.02f * float(i), 46, 23)).value();
    }
    ASSERT_TRUE((*cheap)->render(frame).ok());
    const auto cheapStart = std::chrono::steady_clock::now();
    for (int f = 0; f < kFrames; ++f) ASSERT_TRUE((*cheap)->render(frame).ok());
    const double cheapSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - cheapStart).count();
    std::printf("render throughput: %.1f frames/s (1x MSAA, shadow map 1024)\n",
                kFrames / cheapSeconds);
}

}  // namespace
}  // namespace silt::render

namespace silt::render {
namespace {

// Surfaces of sand and water are rebuilt every frame: replacing a mesh's geometry must draw
// the new one under the same id, exactly as a freshly added mesh would.
TEST(RendererReplaceMesh, ReplacedMeshDrawsLikeANewlyAddedOne) {
    auto created = Renderer::create(RendererDesc{});
    ASSERT_TRUE(created.ok()) << created.error().message;
    Renderer& renderer = **created;
    const MeshId ground = renderer.addMesh(test::makeGround(5.0f)).value();
    const MeshId dynamic = renderer.addMesh(test::makeSphere(0.5f, 48, 24)).value();
    const MeshId reference = renderer.addMesh(test::makeCube(0.3f)).value();
    auto frameWith = [&](MeshId mesh) {
        FrameDesc frame;
        frame.camera = test::makeCamera(kSize, kSize, Vec3f(0.0f, 1.6f, 4.0f), Vec3f(0.0f, 0.4f, 0.0f));
        DrawItem g;
        g.mesh = ground;
        DrawItem o;
        o.mesh = mesh;
        o.modelToWorld.topRightCorner<3, 1>() = Vec3f(0, 0.5f, 0);
        o.material.baseColor = Vec3f(0.8f, 0.3f, 0.2f);
        frame.items = {g, o};
        return renderer.render(frame).value();
    };
    ImageRGBA8 sphere = frameWith(dynamic);
    ASSERT_TRUE(renderer.replaceMesh(dynamic, test::makeCube(0.3f)).ok());
    ImageRGBA8 replaced = frameWith(dynamic);
    EXPECT_NE(replaced.pixels, sphere.pixels);
    EXPECT_EQ(replaced.pixels, frameWith(reference).pixels);
    EXPECT_FALSE(renderer.replaceMesh(99, test::makeCube(0.3f)).ok());
    EXPECT_FALSE(renderer.replaceMesh(dynamic, TriangleMesh{}).ok());
}

// Pipelined frames (submit k+1 before collecting k, a mesh replaced while a frame is in
// flight) give exactly the bytes of frames rendered one at a time.
TEST(RendererPipelined, FramesInFlightEqualFramesRenderedOneAtATime) {
    auto created = Renderer::create(RendererDesc{});
    ASSERT_TRUE(created.ok()) << created.error().message;
    Renderer& renderer = **created;
    const MeshId ground = renderer.addMesh(test::makeGround(5.0f)).value();
    const MeshId dynamic = renderer.addMesh(test::makeSphere(0.5f, 48, 24)).value();
    auto frameAt = [&](int k) {
        FrameDesc frame;
        frame.camera = test::makeCamera(kSize, kSize, Vec3f(0.2f * float(k), 1.6f, 4.0f),
                                        Vec3f(0.0f, 0.4f, 0.0f));
        DrawItem g;
        g.mesh = ground;
        g.semanticClass = 1;
        DrawItem o;
        o.mesh = dynamic;
        o.modelToWorld.topRightCorner<3, 1>() = Vec3f(0.1f * float(k), 0.5f, 0);
        o.nextModelToWorld = o.modelToWorld;
        o.nextModelToWorld(0, 3) += 0.1f;
        o.instanceId = 3;
        frame.items = {g, o};
        return frame;
    };
    // One at a time, replacing the mesh between frames 1 and 2.
    std::vector<FrameImages> reference;
    for (int k = 0; k < 4; ++k) {
        if (k == 2) {
            ASSERT_TRUE(renderer.replaceMesh(dynamic, test::makeCube(0.4f)).ok());
        }
        reference.push_back(renderer.renderWithLabels(frameAt(k)).value());
    }
    ASSERT_TRUE(renderer.replaceMesh(dynamic, test::makeSphere(0.5f, 48, 24)).ok());
    // Pipelined: two in flight; the replacement happens while frame 1 is pending.
    EXPECT_FALSE(renderer.collect().ok());  // nothing pending
    std::vector<FrameImages> pipelined;
    for (int k = 0; k < 4; ++k) {
        if (renderer.pendingFrames() == Renderer::kFramesInFlight)
            pipelined.push_back(renderer.collect().value());
        if (k == 2) {
            ASSERT_TRUE(renderer.replaceMesh(dynamic, test::makeCube(0.4f)).ok());
        }
        ASSERT_TRUE(renderer.submitWithLabels(frameAt(k)).ok());
        if (k == 1) {
            EXPECT_EQ(renderer.pendingFrames(), 2u);
            EXPECT_FALSE(renderer.submitWithLabels(frameAt(k)).ok());  // no third slot
            EXPECT_FALSE(renderer.render(frameAt(k)).ok());            // must collect first
        }
    }
    while (renderer.pendingFrames() > 0) pipelined.push_back(renderer.collect().value());
    ASSERT_EQ(pipelined.size(), reference.size());
    for (size_t k = 0; k < reference.size(); ++k) {
        EXPECT_EQ(pipelined[k].color.pixels, reference[k].color.pixels) << "frame " << k;
        EXPECT_EQ(pipelined[k].labels.depth.values, reference[k].labels.depth.values);
        EXPECT_EQ(pipelined[k].labels.instance.values, reference[k].labels.instance.values);
        EXPECT_EQ(pipelined[k].labels.flow.values, reference[k].labels.flow.values);
    }
    EXPECT_NE(reference[1].color.pixels, reference[2].color.pixels);
}

// The intrinsics clip metadata records (fx, fy, cx, cy of CameraIntrinsics) are the ones the
// renderer projects with: a small ball's instance mask is centred where the pinhole model
// with those numbers puts its centre, also off the optical axis and for a wide-angle lens.
TEST_F(RendererTest, InstanceMaskCentroidMatchesThePinholeProjectionOfTheIntrinsics) {
    for (float fovDeg : {35.0f, 70.0f}) {
        FrameDesc frame;
        frame.camera =
            test::makeCamera(kSize, kSize, Vec3f(0.3f, 1.2f, 3.5f), Vec3f(0.0f, 0.4f, 0.0f));
        frame.camera.intrinsics.verticalFov = degToRad(fovDeg);
        const Vec3f centre(0.35f, 0.6f, 0.2f);
        DrawItem ball = item(sSphere, centre, Vec3f(0.5f, 0.5f, 0.5f), 9);
        ball.modelToWorld.topLeftCorner<3, 3>() *= 0.06f / kSphereRadius;  // 6 cm ball
        frame.items = {ball};
        auto images = sRenderer->renderWithLabels(frame);
        ASSERT_TRUE(images.ok()) << images.error().message;
        double sx = 0, sy = 0, n = 0;
        for (uint32_t y = 0; y < kSize; ++y)
            for (uint32_t x = 0; x < kSize; ++x)
                if (images->labels.instance.values[size_t(y) * kSize + x] == 9) {
                    sx += x + 0.5;
                    sy += y + 0.5;
                    n += 1;
                }
        ASSERT_GT(n, 20.0);
        // Pinhole with the recorded numbers, written out as a reader of clip.json would.
        const CameraIntrinsics& k = frame.camera.intrinsics;
        const Vec4f c = frame.camera.worldToCamera() * centre.homogeneous();
        const double u = k.fx() * c.x() / -c.z() + k.cx();
        const double v = -k.fy() * c.y() / -c.z() + k.cy();
        EXPECT_NEAR(sx / n, u, 0.25) << "fov " << fovDeg;
        EXPECT_NEAR(sy / n, v, 0.25) << "fov " << fovDeg;
    }
}

// Colour temperature sets the white balance of the sun: a grey ball under a 2500 K sun is
// redder (higher R/B) than under a 9000 K sun.
TEST_F(RendererTest, WarmSunGivesAGreyObjectAHigherRedToBlueRatioThanACoolOne) {
    auto ratioAt = [&](float kelvin) {
        FrameDesc frame;
        frame.camera =
            test::makeCamera(kSize, kSize, Vec3f(0.0f, 1.6f, 4.0f), Vec3f(0.0f, 0.4f, 0.0f));
        frame.lighting.sunDirection = Vec3f(0.0f, -1.0f, -1.0f);
        frame.lighting.sunTemperature = kelvin;
        frame.lighting.sunColor = colorTemperatureToLinearRgb(kelvin);
        frame.lighting.skyColor = Vec3f(0.6f, 0.6f, 0.6f);  // neutral sky: only the sun tints
        frame.items = {item(sSphere, kSphereCentre, Vec3f(0.5f, 0.5f, 0.5f), 2)};
        const ImageRGBA8 image = render(frame);
        Vec2f pixel;
        EXPECT_TRUE(frame.camera.project(kSphereCentre, &pixel));
        const uint8_t* p = image.at(uint32_t(pixel.x()), uint32_t(pixel.y()));
        test::writePng(image, fmt::format("sun-{}k", int(kelvin)));
        return double(p[0]) / double(std::max<uint8_t>(p[2], 1));
    };
    const double warm = ratioAt(2500.0f), neutral = ratioAt(6500.0f), cool = ratioAt(9000.0f);
    std::printf("R/B of a grey ball: 2500 K %.2f, 6500 K %.2f, 9000 K %.2f\n", warm, neutral, cool);
    EXPECT_GT(warm, 1.3);
    EXPECT_LT(cool, 1.0);
    EXPECT_GT(warm, neutral);
    EXPECT_GT(neutral, cool);
}

}  // namespace
}  // namespace silt::render
