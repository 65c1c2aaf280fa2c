// Levels of detail (MeshLod.h): the levels halve the triangles and their stated error bounds
// how far they stray from the mesh; the pixel bound really bounds how far a displacement
// moves on screen; and a renderer that draws levels under half a pixel of error gives the
// same labels as one that draws every triangle, except within a pixel of silhouettes, for a
// fraction of the triangles — while close-ups, where no level is good enough, stay exact.

#include "silt/render/MeshLod.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "render_test_scene.h"
#include "silt/core/Check.h"
#include "silt/render/RenderMath.h"
#include "silt/render/Renderer.h"

namespace silt::render {
namespace {

// The largest distance (sampled densely) by which the triangles of `indices` dip inside the
// sphere of radius r at the origin that all their vertices lie on.
float sagBelowSphere(const TriangleMesh& mesh, const std::vector<uint32_t>& indices, float r) {
    float worst = 0.0f;
    constexpr int kSteps = 12;
    for (size_t t = 0; t < indices.size(); t += 3) {
        const Vec3f& a = mesh.positions[indices[t]];
        const Vec3f& b = mesh.positions[indices[t + 1]];
        const Vec3f& c = mesh.positions[indices[t + 2]];
        for (int i = 0; i <= kSteps; ++i)
            for (int j = 0; i + j <= kSteps; ++j) {
                const Vec3f p = a + (b - a) * (float(i) / kSteps) + (c - a) * (float(j) / kSteps);
                worst = std::max(worst, r - p.norm());
            }
    }
    return worst;
}

TEST(MeshLod, LevelsHalveTheTrianglesAndStateHowFarTheyStray) {
    const float r = 0.5f;
    const TriangleMesh sphere = test::makeSphere(r, 128, 64);
    const std::vector<MeshLodLevel> levels =
        buildMeshLods(sphere.positions, sphere.normals, sphere.indices);
    ASSERT_GE(levels.size(), 4u);
    const float ownSag = sagBelowSphere(sphere, sphere.indices, r);
    size_t previous = sphere.indices.size();
    float previousError = 0.0f;
    for (const MeshLodLevel& level : levels) {
        ASSERT_EQ(level.indices.size() % 3, 0u);
        EXPECT_LE(level.indices.size(), previous * 17 / 20);
        EXPECT_GE(level.error, previousError);
        for (uint32_t i : level.indices) ASSERT_LT(i, sphere.positions.size());
        // Every vertex of a level is a vertex of the sphere mesh, so the level strays from
        // the mesh by how much deeper its flat triangles sag below the true sphere.
        const float sag = sagBelowSphere(sphere, level.indices, r);
        std::printf("level of %zu triangles: stated error %.5f m, sag below the sphere %.5f m\n",
                    level.indices.size() / 3, level.error, sag);
        if (sag < 0.2f * r) {  // the coarsest levels are no longer sphere-like at all
            EXPECT_GE(level.error, sag - ownSag - 1e-5f);
            EXPECT_LE(level.error, sag + 1e-5f + 0.1f * sag) << "an error far above the truth";
        }
        previous = level.indices.size();
        previousError = level.error;
    }
    // Small meshes are left alone.
    const TriangleMesh cube = test::makeCube(0.5f);
    EXPECT_TRUE(buildMeshLods(cube.positions, cube.normals, cube.indices).empty());
    // Deterministic.
    const std::vector<MeshLodLevel> again =
        buildMeshLods(sphere.positions, sphere.normals, sphere.indices);
    ASSERT_EQ(again.size(), levels.size());
    for (size_t k = 0; k < levels.size(); ++k) {
        EXPECT_EQ(again[k].indices, levels[k].indices);
        EXPECT_EQ(again[k].error, levels[k].error);
    }
}

// An open-topped tube (radius 0.05 m, height 0.1 m, 64 x 32 quads); with `tiltedRim` its top
// ring's normals tilt 45° up, as where a mug's wall meets its rim and the two share vertex
// normals. Flat along its height, so the simplifier can merge rows without any geometric
// error — and, with the tilted rim, stretch the tilted normals down the whole wall.
TriangleMesh makeTube(bool tiltedRim) {
    TriangleMesh mesh;
    constexpr int kSegments = 64, kRows = 32;
    for (int i = 0; i <= kRows; ++i) {
        for (int j = 0; j <= kSegments; ++j) {
            const float phi = 2.0f * kPi * float(j) / float(kSegments);
            const Vec3f radial(std::cos(phi), 0.0f, std::sin(phi));
            mesh.positions.push_back(0.05f * radial + Vec3f(0.0f, 0.1f * float(i) / kRows, 0.0f));
            mesh.normals.push_back(
                tiltedRim && i == kRows ? Vec3f(radial + Vec3f::UnitY()).normalized() : radial);
        }
    }
    auto at = [](int i, int j) { return uint32_t(i * (kSegments + 1) + j); };
    for (int i = 0; i < kRows; ++i)
        for (int j = 0; j < kSegments; ++j)  // counter-clockwise seen from outside
            mesh.indices.insert(mesh.indices.end(), {at(i, j), at(i + 1, j), at(i + 1, j + 1),
                                                     at(i, j), at(i + 1, j + 1), at(i, j + 1)});
    return mesh;
}

TEST(MeshLod, LevelsDoNotTiltTheShadingNormals) {
    // Without the tilt, merging rows turns no normal: the tube gets levels.
    const TriangleMesh plain = makeTube(false);
    EXPECT_FALSE(buildMeshLods(plain.positions, plain.normals, plain.indices).empty());

    const TriangleMesh tube = makeTube(true);
    const std::vector<MeshLodLevel> levels =
        buildMeshLods(tube.positions, tube.normals, tube.indices);
    // The original's shading normal at height y: radial, tilting up within the top row.
    const float topRow = 0.1f - 0.1f / 32.0f;
    auto originalNormal = [&](const Vec3f& p) {
        const Vec3f radial = Vec3f(p.x(), 0.0f, p.z()).normalized();
        const float t = std::clamp((p.y() - topRow) / (0.1f - topRow), 0.0f, 1.0f);
        return Vec3f((1.0f - t) * radial + t * Vec3f(radial + Vec3f::UnitY()).normalized())
            .normalized();
    };
    float worst = 0.0f;
    for (const MeshLodLevel& level : levels) {
        for (size_t t = 0; t < level.indices.size(); t += 3) {
            const uint32_t a = level.indices[t], b = level.indices[t + 1], c = level.indices[t + 2];
            const Vec3f centroid =
                (tube.positions[a] + tube.positions[b] + tube.positions[c]) / 3.0f;
            const Vec3f shading =
                (tube.normals[a] + tube.normals[b] + tube.normals[c]).normalized();
            worst = std::max(
                worst, std::acos(std::clamp(shading.dot(originalNormal(centroid)), -1.0f, 1.0f)));
        }
    }
    std::printf("rimmed tube: %zu levels, worst shading-normal turn at a centroid %.3f rad\n",
                levels.size(), worst);
    // kMaxLodShadingAngle (0.2 rad) plus the slack of comparing at centroids against an
    // analytic profile. Without the shading rule the simplifier builds 5 levels that merge the
    // rows and turn the normals by 0.53 rad.
    EXPECT_LE(worst, 0.25f);
}

// Projects world point p through a Vulkan clip transform onto a width x height target.
Vec2f toPixels(const Mat4f& clip, const Vec3f& p, uint32_t width, uint32_t height, float& w) {
    const Eigen::Vector4f c = clip * Eigen::Vector4f(p.x(), p.y(), p.z(), 1.0f);
    w = c.w();
    return Vec2f(0.5f * float(width) * (c.x() / c.w() + 1.0f),
                 0.5f * float(height) * (c.y() / c.w() + 1.0f));
}

TEST(MeshLod, PixelBoundHoldsForPerspectiveAndOrthographicViews) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    const uint32_t width = 320, height = 200;
    const CameraState camera =
        test::makeCamera(width, height, Vec3f(2.0f, 1.5f, 3.0f), Vec3f(0.0f, 0.3f, 0.0f));
    Mat4f orthographic = Mat4f::Identity();
    orthographic.diagonal() << 0.4f, 0.5f, 0.1f, 1.0f;
    orthographic(2, 3) = 0.5f;
    for (const Mat4f& clip : {viewProjection(camera), orthographic}) {
        int inside = 0;
        for (int trial = 0; trial < 2000; ++trial) {
            const Vec3f center(u(rng), 0.3f + 0.5f * u(rng), u(rng));
            const float radius = 0.05f + 0.3f * std::abs(u(rng));
            const float bound = pixelsPerMetreBound(clip, width, height, center, radius);
            ASSERT_TRUE(std::isfinite(bound));
            Vec3f p(u(rng), u(rng), u(rng));
            p = center + radius * std::abs(u(rng)) * p.normalized();
            const Vec3f step = 1e-3f * Vec3f(u(rng), u(rng), u(rng));
            float w0 = 0, w1 = 0;
            const Vec2f a = toPixels(clip, p, width, height, w0);
            const Vec2f b = toPixels(clip, p + step, width, height, w1);
            const auto inImage = [&](const Vec2f& q) {
                return q.x() >= 0 && q.x() <= float(width) && q.y() >= 0 && q.y() <= float(height);
            };
            if (!inImage(a) || !inImage(b)) continue;
            ++inside;
            EXPECT_LE((b - a).norm(), 1.001f * bound * step.norm()) << "trial " << trial;
        }
        EXPECT_GT(inside, 200);
    }
    // A sphere that reaches the eye's plane has no bound; selectLod then keeps level 0.
    const Vec3f eye = camera.cameraToWorld.position;
    const float atEye = pixelsPerMetreBound(viewProjection(camera), width, height, eye, 0.1f);
    EXPECT_FALSE(std::isfinite(atEye));
    const std::vector<float> errors{0.001f, 0.004f, 0.02f};
    EXPECT_EQ(selectLod(errors, atEye, 0.5f), 0u);
    EXPECT_EQ(selectLod(errors, 100.0f, 0.5f), 2u);   // 0.4 px fits, 2 px does not
    EXPECT_EQ(selectLod(errors, 1000.0f, 0.5f), 0u);  // even 1 px is too much
    EXPECT_EQ(selectLod(errors, 10.0f, 0.5f), 3u);
    EXPECT_EQ(selectLod(errors, 10.0f, 0.0f), 0u);  // LOD off
}

struct LodScene {
    std::unique_ptr<Renderer> renderer;
    FrameDesc frame;
};

// Six 16k-triangle spheres around a ground, as in `silt bench render`, seen from `eye`.
LodScene makeScene(float lodPixelError, const Vec3f& eye) {
    RendererDesc desc;
    desc.width = 256;
    desc.height = 256;
    desc.lodPixelError = lodPixelError;
    auto renderer = Renderer::create(desc);
    SILT_CHECK(renderer.ok());
    LodScene scene;
    scene.renderer = std::move(*renderer);
    auto sphere = scene.renderer->addMesh(test::makeSphere(0.4f, 128, 64));
    auto ground = scene.renderer->addMesh(test::makeGround(3.0f));
    SILT_CHECK(sphere.ok() && ground.ok());
    scene.frame.camera = test::makeCamera(256, 256, eye, Vec3f(0.0f, 0.4f, 0.0f));
    DrawItem floor;
    floor.mesh = *ground;
    floor.semanticClass = 1;
    scene.frame.items.push_back(floor);
    for (uint32_t i = 0; i < 6; ++i) {
        const float angle = 2.0f * kPi * float(i) / 6.0f;
        DrawItem item;
        item.mesh = *sphere;
        item.modelToWorld.topRightCorner<3, 1>() =
            Vec3f(1.6f * std::cos(angle), 0.45f, 1.6f * std::sin(angle));
        item.nextModelToWorld = item.modelToWorld;
        item.material.baseColor = Vec3f(0.3f + 0.12f * float(i), 0.4f, 0.5f);
        item.instanceId = i + 1;
        item.semanticClass = 16;
        scene.frame.items.push_back(item);
    }
    return scene;
}

// Whether any pixel within one of (x, y) holds another instance than (x, y) in `ids`.
bool nearSilhouette(const ImageU32& ids, uint32_t x, uint32_t y) {
    const uint32_t id = *ids.at(x, y);
    for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
            const int nx = int(x) + dx, ny = int(y) + dy;
            if (nx < 0 || ny < 0 || nx >= int(ids.width) || ny >= int(ids.height)) continue;
            if (*ids.at(uint32_t(nx), uint32_t(ny)) != id) return true;
        }
    return false;
}

TEST(MeshLod, DistantMeshesDrawFewerTrianglesWithLabelsExactAwayFromSilhouettes) {
    const Vec3f eye(0.0f, 2.5f, 4.7f);
    LodScene full = makeScene(0.0f, eye);
    LodScene lod = makeScene(0.5f, eye);
    auto reference = full.renderer->renderWithLabels(full.frame);
    const RenderTimings fullTimings = full.renderer->lastTimings();
    auto drawn = lod.renderer->renderWithLabels(lod.frame);
    const RenderTimings lodTimings = lod.renderer->lastTimings();
    ASSERT_TRUE(reference.ok() && drawn.ok());
    std::printf("triangles drawn, main / shadow pass: full detail %llu / %llu, LOD %llu / %llu\n",
                (unsigned long long)fullTimings.mainTriangles,
                (unsigned long long)fullTimings.shadowTriangles,
                (unsigned long long)lodTimings.mainTriangles,
                (unsigned long long)lodTimings.shadowTriangles);
    EXPECT_LT(4 * lodTimings.mainTriangles, fullTimings.mainTriangles);
    EXPECT_LT(3 * lodTimings.shadowTriangles, fullTimings.shadowTriangles);

    const LabelImages& a = reference->labels;
    const LabelImages& b = drawn->labels;
    size_t silhouette = 0, idChanged = 0, idChangedInside = 0, colourChanged = 0;
    double worstDepth = 0.0, colourError = 0.0;
    for (uint32_t y = 0; y < 256; ++y)
        for (uint32_t x = 0; x < 256; ++x) {
            const bool edge = nearSilhouette(a.instance, x, y);
            silhouette += edge;
            if (*a.instance.at(x, y) != *b.instance.at(x, y)) {
                ++idChanged;
                idChangedInside += !edge;
            } else if (!edge && *a.instance.at(x, y) > 1) {
                worstDepth = std::max(worstDepth, double(std::abs(*a.depth.at(x, y) -
                                                                  *b.depth.at(x, y))));
            }
            for (int c = 0; c < 3; ++c) {
                const int d = std::abs(int(reference->color.at(x, y)[c]) - int(drawn->color.at(x, y)[c]));
                colourError += d;
                colourChanged += d > 24;
            }
        }
    colourError /= 256.0 * 256.0 * 3.0;
    std::printf("instance ids changed at %zu pixels (%zu silhouette pixels, %zu changes away from "
                "them); worst depth change inside spheres %.4f m; mean colour change %.3f / 255, "
                "%zu channel values off by more than 24\n",
                idChanged, silhouette, idChangedInside, worstDepth, colourError, colourChanged);
    test::writePng(reference->color, "lod_full_detail");
    test::writePng(drawn->color, "lod_half_pixel");
    EXPECT_EQ(idChangedInside, 0u);
    EXPECT_LT(idChanged, silhouette / 4);
    // Half a pixel at this distance is about 1 cm; depth is along the view axis.
    EXPECT_LT(worstDepth, 0.02);
    EXPECT_LT(colourError, 1.0);
}

TEST(MeshLod, CloseUpsDrawFullDetailBitForBit) {
    // The camera 0.3 m from a sphere's surface: half a pixel is far below any level's error.
    const Vec3f eye(1.6f, 0.45f, 0.7f);
    LodScene full = makeScene(0.0f, eye);
    LodScene lod = makeScene(0.5f, eye);
    full.frame.camera = test::makeCamera(256, 256, eye, Vec3f(1.6f, 0.45f, 0.0f));
    lod.frame.camera = full.frame.camera;
    // Only the ground and the sphere in front (the others, further away, may draw coarser).
    for (LodScene* scene : {&full, &lod}) scene->frame.items.resize(2);
    auto reference = full.renderer->renderWithLabels(full.frame);
    auto drawn = lod.renderer->renderWithLabels(lod.frame);
    ASSERT_TRUE(reference.ok() && drawn.ok());
    EXPECT_EQ(reference->color.pixels, drawn->color.pixels);
    EXPECT_EQ(reference->labels.instance, drawn->labels.instance);
    EXPECT_EQ(reference->labels.depth, drawn->labels.depth);
    test::writePng(drawn->color, "lod_close_up");
}

}  // namespace
}  // namespace silt::render
