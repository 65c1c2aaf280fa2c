// Shadow-map reuse (RendererDesc::shadowMapReuse): a frame whose sun frustum and shadow
// casters (meshes and poses) equal those of the frame that last drew the map skips the shadow
// pass, and its colour and labels are bit-identical to a renderer that redraws the map every
// frame — through a moved object, a moved camera, a replaced mesh and frames in flight.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "render_test_scene.h"
#include "silt/render/Renderer.h"

namespace silt::render {
namespace {

constexpr uint32_t kSize = 128;

struct Scene {
    MeshId ground, sphere, cube;
};

Scene addMeshes(Renderer& renderer) {
    Scene s;
    s.ground = renderer.addMesh(test::makeGround(4.0f)).value();
    s.sphere = renderer.addMesh(test::makeSphere(0.4f, 48, 24)).value();
    s.cube = renderer.addMesh(test::makeCube(0.25f)).value();
    return s;
}

FrameDesc frameAt(const Scene& s, const Vec3f& eye, const Vec3f& spherePosition) {
    FrameDesc f;
    f.camera = test::makeCamera(kSize, kSize, eye, Vec3f(0.0f, 0.3f, 0.0f));
    f.lighting.sunDirection = Vec3f(-0.5f, -1.0f, 0.4f);
    auto item = [](MeshId mesh, const Vec3f& p, uint32_t id) {
        DrawItem d;
        d.mesh = mesh;
        d.modelToWorld.topRightCorner<3, 1>() = p;
        d.nextModelToWorld = d.modelToWorld;
        d.instanceId = id;
        d.semanticClass = id;
        d.material.baseColor = Vec3f(0.2f + 0.2f * float(id), 0.5f, 0.6f);
        return d;
    };
    f.items = {item(s.ground, Vec3f::Zero(), 1), item(s.sphere, spherePosition, 2),
               item(s.cube, Vec3f(0.6f, 0.25f, 0.3f), 3)};
    return f;
}

bool sameBytes(const FrameImages& a, const FrameImages& b) {
    auto same = [](const auto& x, const auto& y) {
        return x.size() == y.size() &&
               std::memcmp(x.data(), y.data(), x.size() * sizeof(x[0])) == 0;
    };
    return same(a.color.pixels, b.color.pixels) && same(a.labels.depth.values, b.labels.depth.values) &&
           same(a.labels.instance.values, b.labels.instance.values) &&
           same(a.labels.semantic.values, b.labels.semantic.values) &&
           same(a.labels.normals.values, b.labels.normals.values) &&
           same(a.labels.flow.values, b.labels.flow.values);
}

TEST(ShadowMapReuse, ReusedShadowsGiveTheBytesOfRedrawnOnes) {
    RendererDesc reuseDesc;
    reuseDesc.width = reuseDesc.height = kSize;
    RendererDesc redrawDesc = reuseDesc;
    redrawDesc.shadowMapReuse = false;
    auto reusing = Renderer::create(reuseDesc);
    auto redrawing = Renderer::create(redrawDesc);
    ASSERT_TRUE(reusing.ok()) << reusing.error().message;
    ASSERT_TRUE(redrawing.ok()) << redrawing.error().message;
    const Scene s = addMeshes(**reusing);
    addMeshes(**redrawing);

    const Vec3f eye(2.5f, 1.8f, 2.5f), otherEye(-2.0f, 1.5f, 2.8f);
    const Vec3f here(-0.3f, 0.4f, 0.0f), there(-0.3f, 0.6f, -0.2f);
    struct Step {
        const char* what;
        Vec3f eye, sphere;
        bool replaceCube;  ///< before this frame, in both renderers
        int expectReuse;   ///< 1 yes, 0 no, −1 either
    };
    const std::vector<Step> steps{
        {"first frame", eye, here, false, 0},
        {"same frame again", eye, here, false, 1},
        {"sphere moved", eye, there, false, 0},
        {"settled", eye, there, false, 1},
        // The sun's frustum is narrowed to what the camera sees: it may or may not change.
        {"camera moved", otherEye, there, false, -1},
        {"settled again", otherEye, there, false, 1},
        {"cube mesh replaced", otherEye, there, true, 0},
        {"after the replacement", otherEye, there, false, 1},
    };
    for (const Step& step : steps) {
        SCOPED_TRACE(step.what);
        if (step.replaceCube) {
            ASSERT_TRUE((*reusing)->replaceMesh(s.cube, test::makeSphere(0.3f, 16, 8)).ok());
            ASSERT_TRUE((*redrawing)->replaceMesh(s.cube, test::makeSphere(0.3f, 16, 8)).ok());
        }
        const FrameDesc frame = frameAt(s, step.eye, step.sphere);
        Result<FrameImages> a = (*reusing)->renderWithLabels(frame);
        const bool reused = (*reusing)->lastTimings().shadowMapReused;
        Result<FrameImages> b = (*redrawing)->renderWithLabels(frame);
        ASSERT_TRUE(a.ok()) << a.error().message;
        ASSERT_TRUE(b.ok()) << b.error().message;
        if (step.expectReuse >= 0) {
            EXPECT_EQ(reused, step.expectReuse == 1);
        }
        EXPECT_FALSE((*redrawing)->lastTimings().shadowMapReused);
        EXPECT_TRUE(sameBytes(*a, *b));
    }
    // Frames in flight: both pending frames read the map the last drawn frame left.
    const FrameDesc settled = frameAt(s, otherEye, there);
    ASSERT_TRUE((*reusing)->submitWithLabels(settled).ok());
    ASSERT_TRUE((*reusing)->submitWithLabels(settled).ok());
    Result<FrameImages> reference = (*redrawing)->renderWithLabels(settled);
    ASSERT_TRUE(reference.ok());
    for (int i = 0; i < 2; ++i) {
        Result<FrameImages> images = (*reusing)->collect();
        ASSERT_TRUE(images.ok()) << images.error().message;
        EXPECT_TRUE((*reusing)->lastTimings().shadowMapReused);
        EXPECT_TRUE(sameBytes(*images, *reference));
    }
    test::writePng(reference->color, "shadow_reuse");
}

}  // namespace
}  // namespace silt::render
