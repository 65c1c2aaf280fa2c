// Ground-truth label channels of Renderer::renderWithLabels against analytic geometry from
// Camera.h: depth of known planes, the silhouette of a sphere, normals, flow of moving
// objects and cameras, warping one frame onto the next, and agreement with the colour.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "render_test_scene.h"
#include "silt/render/Renderer.h"

namespace silt::render {
namespace {

constexpr uint32_t kSize = 256;

Mat4f translation(const Vec3f& t) {
    Mat4f m = Mat4f::Identity();
    m.topRightCorner<3, 1>() = t;
    return m;
}

Mat4f rotationX(float radians) {
    Mat4f m = Mat4f::Identity();
    m.topLeftCorner<3, 3>() = Eigen::AngleAxisf(radians, Vec3f::UnitX()).toRotationMatrix();
    return m;
}

/// The camera-frame ray through the centre of pixel (x, y), with z = −1 (Camera.h's model).
Vec3f pixelRay(const CameraIntrinsics& k, uint32_t x, uint32_t y) {
    return {(float(x) + 0.5f - k.cx()) / k.fx(), -(float(y) + 0.5f - k.cy()) / k.fy(), -1.0f};
}

/// The world point a label pixel shows, from its linear depth.
Vec3f unproject(const CameraState& camera, uint32_t x, uint32_t y, float depth) {
    const Vec3f p = pixelRay(camera.intrinsics, x, y) * depth;
    return (camera.cameraToWorld.matrix() * p.homogeneous()).head<3>();
}

/// Whether every pixel of the 3×3 window has the same instance id (not on a silhouette).
bool interior(const ImageU32& ids, uint32_t x, uint32_t y) {
    if (x == 0 || y == 0 || x + 1 >= ids.width || y + 1 >= ids.height) return false;
    const uint32_t id = *ids.at(x, y);
    for (uint32_t dy = 0; dy < 3; ++dy) {
        for (uint32_t dx = 0; dx < 3; ++dx) {
            if (*ids.at(x + dx - 1, y + dy - 1) != id) return false;
        }
    }
    return true;
}

float luma(const uint8_t* p) {
    return 0.2126f * float(p[0]) + 0.7152f * float(p[1]) + 0.0722f * float(p[2]);
}

/// Bilinear luma at a point in Camera.h pixel coordinates (pixel centres at half-integers).
float bilinearLuma(const ImageRGBA8& image, Vec2f q) {
    const float fx = q.x() - 0.5f, fy = q.y() - 0.5f;
    const int x0 = int(std::floor(fx)), y0 = int(std::floor(fy));
    const float tx = fx - float(x0), ty = fy - float(y0);
    auto at = [&](int x, int y) {
        x = std::clamp(x, 0, int(image.width) - 1);
        y = std::clamp(y, 0, int(image.height) - 1);
        return luma(image.at(uint32_t(x), uint32_t(y)));
    };
    return (1 - ty) * ((1 - tx) * at(x0, y0) + tx * at(x0 + 1, y0)) +
           ty * ((1 - tx) * at(x0, y0 + 1) + tx * at(x0 + 1, y0 + 1));
}

class LabelTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        Result<std::unique_ptr<Renderer>> created = Renderer::create(RendererDesc{});
        ASSERT_TRUE(created.ok()) << created.error().message;
        sRenderer = std::move(created).value().release();
        sSphere = sRenderer->addMesh(test::makeSphere(0.5f, 96, 48)).value();
        sPlane = sRenderer->addMesh(test::makeGround(1.0f)).value();
        sCube = sRenderer->addMesh(test::makeCube(0.3f)).value();
    }
    static void TearDownTestSuite() {
        delete sRenderer;
        sRenderer = nullptr;
    }

    static DrawItem item(MeshId mesh, const Mat4f& model, const Vec3f& color, uint32_t instance,
                         uint32_t semantic) {
        DrawItem d;
        d.mesh = mesh;
        d.modelToWorld = model;
        d.nextModelToWorld = model;
        d.material.baseColor = color;
        d.instanceId = instance;
        d.semanticClass = semantic;
        return d;
    }

    static FrameImages render(const FrameDesc& frame) {
        Result<FrameImages> images = sRenderer->renderWithLabels(frame);
        EXPECT_TRUE(images.ok()) << images.error().message;
        return images.ok() ? std::move(images).value() : FrameImages{};
    }

    /// A checkerboard floor of 0.5 m tiles (so motion is visible in the colour), a sphere and
    /// a cube; `t` in 0..1 moves the objects and the camera a little.
    static FrameDesc checkerScene(float t) {
        FrameDesc frame;
        frame.camera = test::makeCamera(kSize, kSize, Vec3f(0.2f * t, 2.0f, 4.0f + 0.3f * t),
                                        Vec3f(0.0f, 0.3f, 0.0f));
        frame.lighting.sunDirection = Vec3f(-0.5f, -1.0f, -0.3f);
        for (int i = -8; i < 8; ++i) {
            for (int j = -8; j < 8; ++j) {
                Mat4f tile =
                    translation(Vec3f(0.25f + 0.5f * float(i), 0.0f, 0.25f + 0.5f * float(j)));
                tile.topLeftCorner<3, 3>() *= 0.25f;
                const bool dark = ((i + j) & 1) != 0;
                frame.items.push_back(
                    item(sPlane, tile, dark ? Vec3f(0.15f, 0.15f, 0.18f) : Vec3f(0.8f, 0.8f, 0.7f),
                         0, 1));
            }
        }
        frame.items.push_back(item(sSphere, translation(Vec3f(-0.6f + 0.3f * t, 0.5f, 0.0f)),
                                   Vec3f(0.8f, 0.3f, 0.2f), 1, 20));
        frame.items.push_back(
            item(sCube, translation(Vec3f(0.7f, 0.3f, 0.3f - 0.2f * t)) * rotationX(0.4f * t),
                 Vec3f(0.2f, 0.5f, 0.8f), 2, 21));
        return frame;
    }

    static Renderer* sRenderer;
    static MeshId sSphere, sPlane, sCube;
};

Renderer* LabelTest::sRenderer = nullptr;
MeshId LabelTest::sSphere = 0;
MeshId LabelTest::sPlane = 0;
MeshId LabelTest::sCube = 0;

TEST_F(LabelTest, DepthAndNormalsOfPlanesMatchTheRayIntersection) {
    // A plane facing the camera at 3 m, and a second one tilted by 50° behind it.
    FrameDesc frame;
    frame.camera = test::makeCamera(kSize, kSize, Vec3f::Zero(), Vec3f(0.0f, 0.0f, -1.0f));
    const float distance = 3.0f;
    Mat4f facing = translation(Vec3f(-0.8f, 0.0f, -distance)) * rotationX(0.5f * kPi);
    facing.topLeftCorner<3, 3>() *= 0.7f;
    const float tilt = 0.5f * kPi - 0.87f;
    Mat4f tilted = translation(Vec3f(0.9f, 0.0f, -5.0f)) * rotationX(tilt);
    frame.items = {item(sPlane, facing, Vec3f(0.5f, 0.5f, 0.5f), 1, 1),
                   item(sPlane, tilted, Vec3f(0.5f, 0.5f, 0.5f), 2, 1)};
    const FrameImages images = render(frame);
    const LabelImages& labels = images.labels;
    const CameraIntrinsics& k = frame.camera.intrinsics;
    const Vec3f tiltedNormal = Eigen::AngleAxisf(tilt, Vec3f::UnitX()) * Vec3f::UnitY();
    const Vec3f tiltedPoint(0.9f, 0.0f, -5.0f);

    size_t facingPixels = 0, tiltedPixels = 0, background = 0;
    float facingDepthError = 0, tiltedDepthError = 0, facingNormalError = 0, tiltedNormalError = 0;
    for (uint32_t y = 0; y < kSize; ++y) {
        for (uint32_t x = 0; x < kSize; ++x) {
            const uint32_t id = *labels.instance.at(x, y);
            const float depth = *labels.depth.at(x, y);
            const Vec3f normal(labels.normals.at(x, y));
            const Vec3f ray = pixelRay(k, x, y);
            if (id == 1) {
                ++facingPixels;
                facingDepthError = std::max(facingDepthError, std::abs(depth - distance));
                facingNormalError = std::max(facingNormalError, (normal - Vec3f::UnitZ()).norm());
            } else if (id == 2) {
                ++tiltedPixels;
                // The ray p = s·ray meets the plane n·(p − p0) = 0 at s = n·p0 / n·ray; the
                // depth along −Z of that point is s (ray.z = −1).
                const float expected = tiltedNormal.dot(tiltedPoint) / tiltedNormal.dot(ray);
                tiltedDepthError = std::max(tiltedDepthError, std::abs(depth - expected));
                tiltedNormalError = std::max(tiltedNormalError, (normal - tiltedNormal).norm());
            } else {
                ++background;
                EXPECT_EQ(depth, 0.0f);
                EXPECT_EQ(*labels.semantic.at(x, y), 0u);
            }
        }
    }
    std::printf("plane depth max error: facing %.2e m over %zu px, tilted %.2e m over %zu px\n",
                double(facingDepthError), facingPixels, double(tiltedDepthError), tiltedPixels);
    std::printf("plane normal max error: facing %.2e, tilted %.2e\n", double(facingNormalError),
                double(tiltedNormalError));
    EXPECT_GT(facingPixels, 5000u);
    EXPECT_GT(tiltedPixels, 2000u);
    EXPECT_GT(background, 5000u);
    EXPECT_LT(facingDepthError, 1e-3f);
    EXPECT_LT(tiltedDepthError, 1e-3f);
    EXPECT_LT(facingNormalError, 1e-4f);
    EXPECT_LT(tiltedNormalError, 1e-4f);
}

TEST_F(LabelTest, SphereMaskMatchesItsAnalyticProjection) {
    FrameDesc frame;
    frame.camera = test::makeCamera(kSize, kSize, Vec3f(0.5f, 1.0f, 3.0f), Vec3f::Zero());
    const Vec3f centre(0.3f, -0.2f, -0.4f);
    frame.items = {item(sSphere, translation(centre), Vec3f(0.8f, 0.3f, 0.2f), 7, 3)};
    const LabelImages labels = render(frame).labels;

    // A pixel centre is inside the analytic projection when its ray meets the sphere.
    const Mat4f cameraToWorld = frame.camera.cameraToWorld.matrix();
    const Vec3f eye = frame.camera.cameraToWorld.position;
    size_t both = 0, either = 0, wrongClass = 0;
    for (uint32_t y = 0; y < kSize; ++y) {
        for (uint32_t x = 0; x < kSize; ++x) {
            const Vec3f dir =
                (cameraToWorld.topLeftCorner<3, 3>() * pixelRay(frame.camera.intrinsics, x, y))
                    .normalized();
            const Vec3f toCentre = centre - eye;
            const float along = toCentre.dot(dir);
            const bool analytic = toCentre.squaredNorm() - along * along <= 0.25f;
            const bool rendered = *labels.instance.at(x, y) == 7;
            both += analytic && rendered;
            either += analytic || rendered;
            if (rendered != (*labels.semantic.at(x, y) == 3)) ++wrongClass;
        }
    }
    const double iou = double(both) / double(either);
    std::printf("sphere mask IoU %.4f over %zu pixels\n", iou, either);
    EXPECT_GT(either, 3000u);
    EXPECT_GE(iou, 0.98);
    EXPECT_EQ(wrongClass, 0u);
}

TEST_F(LabelTest, FlowOfATranslatingObjectIsItsProjectedDisplacement) {
    FrameDesc frame;
    frame.camera = test::makeCamera(kSize, kSize, Vec3f(0.0f, 1.0f, 3.5f), Vec3f::Zero());
    const Vec3f move(0.12f, -0.05f, 0.3f);  // m per frame, partly towards the camera
    DrawItem sphere =
        item(sSphere, translation(Vec3f(-0.3f, 0.2f, 0.0f)), Vec3f(0.8f, 0.3f, 0.2f), 1, 1);
    sphere.nextModelToWorld = translation(move) * sphere.modelToWorld;
    DrawItem cube = item(sCube, translation(Vec3f(0.6f, 0.0f, -0.5f)) * rotationX(0.3f),
                         Vec3f(0.2f, 0.5f, 0.8f), 2, 1);  // static
    frame.items = {sphere, cube};
    const LabelImages labels = render(frame).labels;

    size_t moving = 0, still = 0;
    float maxError = 0, maxStill = 0;
    for (uint32_t y = 0; y < kSize; ++y) {
        for (uint32_t x = 0; x < kSize; ++x) {
            const uint32_t id = *labels.instance.at(x, y);
            const Vec2f flow(labels.flow.at(x, y));
            if (id == 0) {
                EXPECT_EQ(flow, Vec2f::Zero());
                continue;
            }
            const Vec3f point = unproject(frame.camera, x, y, *labels.depth.at(x, y));
            Vec2f now, next;
            ASSERT_TRUE(frame.camera.project(point, &now));
            ASSERT_TRUE(frame.camera.project(point + (id == 1 ? move : Vec3f::Zero()), &next));
            const float error = (flow - (next - now)).norm();
            if (id == 1) {
                ++moving;
                maxError = std::max(maxError, error);
            } else {
                ++still;
                maxStill = std::max(maxStill, flow.norm());
            }
        }
    }
    std::printf(
        "translating sphere: flow max error %.4f px over %zu px; static cube max |flow| "
        "%.2e px\n",
        double(maxError), moving, double(maxStill));
    EXPECT_GT(moving, 2000u);
    EXPECT_GT(still, 1000u);
    EXPECT_LT(maxError, 0.1f);
    EXPECT_LT(maxStill, 1e-3f);
}

TEST_F(LabelTest, FlowOfAStaticSceneFollowsTheMovingCamera) {
    FrameDesc frame = checkerScene(0.0f);
    for (DrawItem& d : frame.items) d.nextModelToWorld = d.modelToWorld;
    CameraState next = frame.camera;
    next.cameraToWorld = lookAt(Vec3f(0.25f, 2.1f, 3.8f), Vec3f(0.05f, 0.3f, 0.0f));
    frame.nextCamera = next;
    const LabelImages labels = render(frame).labels;
    size_t count = 0;
    float maxError = 0;
    for (uint32_t y = 0; y < kSize; ++y) {
        for (uint32_t x = 0; x < kSize; ++x) {
            if (*labels.semantic.at(x, y) == 0) continue;
            const Vec3f point = unproject(frame.camera, x, y, *labels.depth.at(x, y));
            Vec2f now, later;
            ASSERT_TRUE(frame.camera.project(point, &now));
            ASSERT_TRUE(next.project(point, &later));
            maxError = std::max(maxError, (Vec2f(labels.flow.at(x, y)) - (later - now)).norm());
            ++count;
        }
    }
    std::printf("moving camera: flow max error %.4f px over %zu px\n", double(maxError), count);
    EXPECT_GT(count, 30000u);
    EXPECT_LT(maxError, 0.1f);
}

TEST_F(LabelTest, WarpingAFrameByItsFlowGivesTheNextFrame) {
    // A rigid scene seen by a moving camera: only view-dependent shading may change. (Moving
    // objects would move their shadows over the ground, which no flow warp reproduces.)
    FrameDesc now = checkerScene(0.0f);
    FrameDesc later = now;
    later.camera = checkerScene(0.6f).camera;
    now.nextCamera = later.camera;
    const FrameImages a = render(now);
    const FrameImages b = render(later);
    test::writePng(a.color, "label_warp_frame0");
    test::writePng(b.color, "label_warp_frame1");

    // Non-occluded pixels: interior in both frames with the same instance at the target.
    double warpedError = 0, unwarpedError = 0;
    size_t count = 0;
    float meanFlow = 0;
    for (uint32_t y = 0; y < kSize; ++y) {
        for (uint32_t x = 0; x < kSize; ++x) {
            // Far tiles alias (smaller than a pixel): no warp reproduces aliasing.
            if (*a.labels.semantic.at(x, y) == 0 || !interior(a.labels.instance, x, y) ||
                *a.labels.depth.at(x, y) > 7.0f)
                continue;
            const Vec2f flow(a.labels.flow.at(x, y));
            const Vec2f q = Vec2f(float(x) + 0.5f, float(y) + 0.5f) + flow;
            if (q.x() < 2 || q.y() < 2 || q.x() > kSize - 2 || q.y() > kSize - 2) continue;
            const auto qx = uint32_t(q.x()), qy = uint32_t(q.y());
            if (*b.labels.instance.at(qx, qy) != *a.labels.instance.at(x, y) ||
                !interior(b.labels.instance, qx, qy) || *b.labels.semantic.at(qx, qy) == 0)
                continue;
            const float source = luma(a.color.at(x, y));
            warpedError += std::abs(bilinearLuma(b.color, q) - source);
            unwarpedError += std::abs(luma(b.color.at(x, y)) - source);
            meanFlow += flow.norm();
            ++count;
        }
    }
    warpedError /= double(count);
    unwarpedError /= double(count);
    std::printf("warp: mean |luma error| %.3f (unwarped %.3f) over %zu px, mean |flow| %.2f px\n",
                warpedError, unwarpedError, count, double(meanFlow) / double(count));
    EXPECT_GT(count, 20000u);
    EXPECT_GT(meanFlow / float(count), 2.0f);  // the motion is not trivial
    EXPECT_LT(warpedError, 2.5);               // luma 0..255
    EXPECT_LT(warpedError, 0.2 * unwarpedError);
}

TEST_F(LabelTest, LabelsAgreeWithTheColourImage) {
    // Objects against the sky only: the sky's colour per pixel is known from an empty frame.
    FrameDesc empty;
    empty.camera = test::makeCamera(kSize, kSize, Vec3f(0.0f, 0.5f, 3.0f), Vec3f(0.0f, 0.2f, 0.0f));
    FrameDesc frame = empty;
    frame.items = {
        item(sSphere, translation(Vec3f(-0.5f, 0.3f, 0.0f)), Vec3f(0.8f, 0.3f, 0.2f), 1, 5),
        item(sCube, translation(Vec3f(0.6f, 0.1f, 0.2f)) * rotationX(0.5f), Vec3f(0.9f, 0.8f, 0.2f),
             2, 6)};
    const FrameImages sky = render(empty);
    const FrameImages images = render(frame);
    Result<ImageRGBA8> plain = sRenderer->render(frame);
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->pixels, images.color.pixels) << "render() and renderWithLabels() differ";
    for (uint32_t v : sky.labels.instance.values) ASSERT_EQ(v, 0u);
    test::writePng(images.color, "label_agree_colour");

    size_t skyPixels = 0, objectPixels = 0, skyMismatch = 0, objectLikeSky = 0;
    for (uint32_t y = 0; y < kSize; ++y) {
        for (uint32_t x = 0; x < kSize; ++x) {
            if (!interior(images.labels.instance, x, y)) continue;
            const uint8_t* c = images.color.at(x, y);
            const uint8_t* s = sky.color.at(x, y);
            const int diff = std::abs(c[0] - s[0]) + std::abs(c[1] - s[1]) + std::abs(c[2] - s[2]);
            if (*images.labels.instance.at(x, y) == 0) {
                ++skyPixels;
                skyMismatch += diff != 0;
            } else {
                ++objectPixels;
                objectLikeSky += diff < 30;
            }
        }
    }
    std::printf(
        "colour vs labels: %zu sky px (%zu differ from the sky), %zu object px (%zu "
        "sky-like)\n",
        skyPixels, skyMismatch, objectPixels, objectLikeSky);
    EXPECT_GT(skyPixels, 20000u);
    EXPECT_GT(objectPixels, 3000u);
    EXPECT_EQ(skyMismatch, 0u);
    EXPECT_EQ(objectLikeSky, 0u);
}

// The labels do not depend on how the colour is made: a renderer with 4x MSAA (separate
// single-sampled label pass) and one with a 256² shadow map give the labels of the default
// renderer (labels drawn in the colour pass, automatic shadow map) — the same ids on every
// pixel, the same depth, normals and flow up to float rounding.
TEST_F(LabelTest, LabelsDoNotDependOnAntiAliasingOrShadowMapSize) {
    const FrameDesc frame = checkerScene(0.5f);
    const FrameImages reference = render(frame);
    for (const auto& [name, samples, shadowMapSize] :
         {std::tuple{"4x MSAA", 4u, 0u}, std::tuple{"shadow map 256", 1u, 256u}}) {
        SCOPED_TRACE(name);
        RendererDesc desc;
        desc.msaaSamples = samples;
        desc.shadowMapSize = shadowMapSize;
        Result<std::unique_ptr<Renderer>> created = Renderer::create(desc);
        ASSERT_TRUE(created.ok()) << created.error().message;
        Renderer& other = **created;
        // Same meshes in the same order: the same ids.
        ASSERT_EQ(other.addMesh(test::makeSphere(0.5f, 96, 48)).value(), sSphere);
        ASSERT_EQ(other.addMesh(test::makeGround(1.0f)).value(), sPlane);
        ASSERT_EQ(other.addMesh(test::makeCube(0.3f)).value(), sCube);
        Result<FrameImages> images = other.renderWithLabels(frame);
        ASSERT_TRUE(images.ok()) << images.error().message;
        const LabelImages& a = reference.labels;
        const LabelImages& b = images->labels;
        ASSERT_EQ(a.instance.values.size(), b.instance.values.size());
        size_t idMismatches = 0;
        float depthError = 0, normalError = 0, flowError = 0;
        for (size_t i = 0; i < a.instance.values.size(); ++i) {
            if (a.instance.values[i] != b.instance.values[i] ||
                a.semantic.values[i] != b.semantic.values[i]) {
                ++idMismatches;
                continue;
            }
            if (a.instance.values[i] == 0) continue;  // background
            depthError = std::max(depthError, std::abs(a.depth.values[i] - b.depth.values[i]) /
                                                  a.depth.values[i]);
            for (size_t c = 0; c < 3; ++c) {
                normalError = std::max(normalError, std::abs(a.normals.values[3 * i + c] -
                                                             b.normals.values[3 * i + c]));
            }
            for (size_t c = 0; c < 2; ++c) {
                flowError = std::max(flowError,
                                     std::abs(a.flow.values[2 * i + c] - b.flow.values[2 * i + c]));
            }
        }
        std::printf("%s: %zu id mismatches, depth %.2e (relative), normal %.2e, flow %.2e px\n",
                    name, idMismatches, double(depthError), double(normalError),
                    double(flowError));
        EXPECT_EQ(idMismatches, 0u);
        EXPECT_LT(depthError, 1e-5f);
        EXPECT_LT(normalError, 1e-4f);
        EXPECT_LT(flowError, 1e-3f);
    }
}

TEST_F(LabelTest, MismatchedNextCameraIsAnError) {
    FrameDesc frame;
    frame.camera = test::makeCamera(kSize, kSize, Vec3f(0.0f, 0.5f, 3.0f), Vec3f::Zero());
    CameraState next = frame.camera;
    next.intrinsics.width = kSize * 2;
    frame.nextCamera = next;
    Result<FrameImages> images = sRenderer->renderWithLabels(frame);
    ASSERT_FALSE(images.ok());
    EXPECT_NE(images.error().message.find("nextCamera"), std::string::npos)
        << images.error().message;
}

}  // namespace
}  // namespace silt::render
