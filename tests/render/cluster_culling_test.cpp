// Cluster culling (MeshClusters.h): the clusters it skips cannot produce a fragment — every
// triangle of a skipped back-facing cluster has a non-positive framebuffer area by Vulkan's
// own formula, every vertex of a skipped outside cluster lies beyond one clip plane — and a
// renderer with culling gives bit-identical colour and labels to one without, for scenes
// with objects partly off-screen, mirrored and stretched items, a camera inside a mesh's
// bounds and close enough to a face to sit inside its cluster's sphere.

#include "silt/render/MeshClusters.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "render_test_scene.h"
#include "silt/render/RenderMath.h"
#include "silt/render/Renderer.h"

namespace silt::render {
namespace {

// An affine model transform: rotation about a random axis, per-axis scale, translation.
Mat4f modelTransform(std::mt19937& rng, bool mirror) {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    Mat4f m = Mat4f::Identity();
    const Vec3f axis = Vec3f(u(rng), u(rng), u(rng)).normalized();
    const Mat3f rotation = Eigen::AngleAxisf(3.0f * u(rng), axis).toRotationMatrix();
    const Vec3f scale(1.0f + 0.5f * u(rng), 1.0f + 0.5f * u(rng), (mirror ? -1.0f : 1.0f) * 1.2f);
    m.topLeftCorner<3, 3>() = rotation * scale.asDiagonal();
    m.topRightCorner<3, 1>() = Vec3f(u(rng), 0.5f + 0.3f * u(rng), u(rng));
    return m;
}

// Vulkan's signed framebuffer area (×2, up to the positive viewport scale) of a triangle
// whose clip-space w are all positive: positive is front-facing for counter-clockwise fronts.
double framebufferArea(const std::array<Eigen::Vector4d, 3>& clip) {
    double sum = 0.0;
    for (int i = 0; i < 3; ++i) {
        const Eigen::Vector4d& a = clip[i];
        const Eigen::Vector4d& b = clip[(i + 1) % 3];
        sum += a.x() / a.w() * b.y() / b.w() - b.x() / b.w() * a.y() / a.w();
    }
    return -sum;
}

// The input vertex a clustered mesh's vertex comes from.
uint32_t inputVertex(const ClusteredIndices& mesh, uint32_t v) {
    return mesh.vertexSource.empty() ? v : mesh.vertexSource[v];
}

struct CullCounts {
    size_t triangles = 0;
    size_t backFacingSkipped = 0;  ///< triangles in clusters clusterBackFacing() skipped
    size_t outsideSkipped = 0;     ///< triangles in clusters outside the clip volume

    CullCounts& operator+=(const CullCounts& o) {
        triangles += o.triangles;
        backFacingSkipped += o.backFacingSkipped;
        outsideSkipped += o.outsideSkipped;
        return *this;
    }
};

// Checks every skipped cluster of `mesh` through `clip` by brute force over its triangles.
CullCounts checkSkippedClusters(const TriangleMesh& source, const ClusteredIndices& mesh,
                                const Mat4f& clip) {
    CullCounts counts;
    const Eigen::Matrix4d clipD = clip.cast<double>();
    auto toClip = [&](uint32_t index) {
        const Vec3f& p = source.positions[inputVertex(mesh, index)];
        return Eigen::Vector4d(clipD * Eigen::Vector4d(p.x(), p.y(), p.z(), 1.0));
    };
    for (const MeshCluster& cluster : mesh.clusters) {
        counts.triangles += cluster.indexCount / 3;
        if (sphereOutsideClipVolume(clip, cluster.center, cluster.radius)) {
            counts.outsideSkipped += cluster.indexCount / 3;
            // One plane has every vertex of the cluster strictly outside it.
            bool someDiscards = false;
            for (int plane = 0; plane < 6 && !someDiscards; ++plane) {
                bool allOutside = true;
                for (uint32_t i = cluster.firstIndex; i < cluster.firstIndex + cluster.indexCount; ++i) {
                    const Eigen::Vector4d c = toClip(mesh.indices[i]);
                    const double values[6] = {c.w() + c.x(), c.w() - c.x(), c.w() + c.y(),
                                              c.w() - c.y(), c.z(),         c.w() - c.z()};
                    allOutside = allOutside && values[plane] < 0.0;
                }
                someDiscards = allOutside;
            }
            EXPECT_TRUE(someDiscards) << "cluster at index " << cluster.firstIndex;
            continue;
        }
        if (!clusterBackFacing(clip, cluster)) continue;
        counts.backFacingSkipped += cluster.indexCount / 3;
        for (uint32_t t = cluster.firstIndex; t < cluster.firstIndex + cluster.indexCount; t += 3) {
            const std::array<Eigen::Vector4d, 3> c{toClip(mesh.indices[t]), toClip(mesh.indices[t + 1]),
                                                   toClip(mesh.indices[t + 2])};
            if (c[0].w() <= 0.0 || c[1].w() <= 0.0 || c[2].w() <= 0.0) continue;  // clipped
            EXPECT_LE(framebufferArea(c), 0.0) << "front-facing triangle at index " << t;
        }
    }
    return counts;
}

TEST(MeshClusters, ClustersCoverEveryTriangleOnceWithTheSameWinding) {
    const TriangleMesh sphere = test::makeSphere(0.5f, 64, 32);
    const ClusteredIndices clustered = buildMeshClusters(sphere.positions, sphere.indices, 100);
    ASSERT_EQ(clustered.indices.size(), sphere.indices.size());
    // Each triangle (as a rotation-normalised index triple) appears exactly once.
    auto canonical = [](const uint32_t* t) {
        const int first = t[0] <= t[1] && t[0] <= t[2] ? 0 : (t[1] <= t[2] ? 1 : 2);
        return std::array<uint32_t, 3>{t[first], t[(first + 1) % 3], t[(first + 2) % 3]};
    };
    std::vector<std::array<uint32_t, 3>> a, b;
    for (size_t t = 0; t < sphere.indices.size(); t += 3) {
        a.push_back(canonical(&sphere.indices[t]));
        const std::array<uint32_t, 3> input{inputVertex(clustered, clustered.indices[t]),
                                            inputVertex(clustered, clustered.indices[t + 1]),
                                            inputVertex(clustered, clustered.indices[t + 2])};
        b.push_back(canonical(input.data()));
    }
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b);
    uint32_t next = 0, firstVertex = 0;
    for (const MeshCluster& c : clustered.clusters) {
        EXPECT_EQ(c.firstIndex, next);
        EXPECT_LE(c.indexCount, 300u);
        next += c.indexCount;
        // Each cluster's vertices are its own contiguous run, after the previous cluster's.
        uint32_t lowest = ~0u, highest = 0;
        for (uint32_t i = c.firstIndex; i < c.firstIndex + c.indexCount; ++i) {
            const Vec3f& p = sphere.positions[inputVertex(clustered, clustered.indices[i])];
            EXPECT_LE((p - c.center).norm(), c.radius);
            EXPECT_LE((p - clustered.center).norm(), clustered.radius);
            lowest = std::min(lowest, clustered.indices[i]);
            highest = std::max(highest, clustered.indices[i]);
        }
        EXPECT_EQ(lowest, firstVertex);
        firstVertex = highest + 1;
    }
    EXPECT_EQ(next, clustered.indices.size());
    EXPECT_EQ(firstVertex, clustered.vertexSource.size());
    float widest = 0.0f, sum = 0.0f;
    for (const MeshCluster& c : clustered.clusters) {
        widest = std::max(widest, c.coneAngle);
        sum += c.coneAngle;
    }
    std::printf("%zu clusters, normal cones: mean %.3f rad, widest %.3f rad\n",
                clustered.clusters.size(), double(sum / float(clustered.clusters.size())),
                double(widest));
    // Narrow cones are what make clusters cullable: the clustering cuts where normals stray.
    EXPECT_LT(sum / float(clustered.clusters.size()), 0.3f);
    EXPECT_LT(widest, 0.7f);
}

// Random cameras (perspective, inside and outside the mesh) and suns (orthographic shadow
// views) over randomly posed, stretched and mirrored meshes: no skipped cluster holds a
// triangle that could be drawn, and culling skips a real share of the triangles.
TEST(MeshClusters, SkippedClustersHoldOnlyTrianglesTheDeviceWouldDiscard) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    const TriangleMesh sphere = test::makeSphere(0.5f, 64, 32);
    const TriangleMesh cube = test::makeCube(0.4f);
    const ClusteredIndices sphereClusters = buildMeshClusters(sphere.positions, sphere.indices);
    const ClusteredIndices cubeClusters = buildMeshClusters(cube.positions, cube.indices);
    CullCounts perspective, orthographic;
    for (int trial = 0; trial < 60; ++trial) {
        const Mat4f model = modelTransform(rng, trial % 3 == 2);
        // Most eyes outside at a few metres; every fifth inside the mesh's bounds.
        const Vec3f target = model.topRightCorner<3, 1>() + 0.4f * Vec3f(u(rng), u(rng), u(rng));
        const Vec3f eye = trial % 5 == 4 ? Vec3f(model.topRightCorner<3, 1>() +
                                                 0.05f * Vec3f(u(rng), u(rng), u(rng)))
                                         : Vec3f(target + 3.0f * Vec3f(u(rng), u(rng), u(rng)));
        const CameraState camera = test::makeCamera(128, 96, eye, target + Vec3f(0.0f, 0.01f, 0.0f));
        const Mat4f cameraClip = viewProjection(camera) * model;
        Eigen::AlignedBox3f scene(Vec3f(-2, -1, -2), Vec3f(2, 2, 2));
        const ShadowFrustum sun = fitSunShadow(Vec3f(u(rng), -1.0f, u(rng)), scene, scene, camera, 512);
        const Mat4f lightClip = sun.worldToClip * model;
        for (const auto& [source, clustered] :
             {std::pair{&sphere, &sphereClusters}, std::pair{&cube, &cubeClusters}}) {
            perspective += checkSkippedClusters(*source, *clustered, cameraClip);
            orthographic += checkSkippedClusters(*source, *clustered, lightClip);
        }
    }
    std::printf("camera: %zu of %zu triangles skipped as back-facing, %zu as outside; sun: %zu "
                "back-facing, %zu outside\n",
                perspective.backFacingSkipped, perspective.triangles, perspective.outsideSkipped,
                orthographic.backFacingSkipped, orthographic.outsideSkipped);
    // A closed mesh shows about half its triangles from outside; the cones and margins cost
    // some of the other half.
    EXPECT_GT(double(perspective.backFacingSkipped), 0.25 * double(perspective.triangles));
    EXPECT_GT(double(orthographic.backFacingSkipped), 0.3 * double(orthographic.triangles));
    EXPECT_GT(perspective.outsideSkipped, 0u);
}

TEST(MeshClusters, ARangeListMergesNeighboursAndSkipsWhatIsCulled) {
    const TriangleMesh sphere = test::makeSphere(0.5f, 64, 32);
    const ClusteredIndices clustered = buildMeshClusters(sphere.positions, sphere.indices);
    const CameraState camera =
        test::makeCamera(128, 128, Vec3f(0.0f, 0.0f, 3.0f), Vec3f::Zero());
    const Mat4f clip = viewProjection(camera);
    std::vector<IndexRange> all, culled;
    appendVisibleRanges(clustered, clip, false, all);
    ASSERT_EQ(all.size(), 1u);  // every cluster in view: one range, the whole buffer
    EXPECT_EQ(all[0].firstIndex, 0u);
    EXPECT_EQ(all[0].indexCount, clustered.indices.size());
    appendVisibleRanges(clustered, clip, true, culled);
    uint32_t drawn = 0, end = 0;
    for (size_t i = 0; i < culled.size(); ++i) {
        if (i > 0) {
            EXPECT_GT(culled[i].firstIndex, end);  // in order, merged: gaps between
        }
        end = culled[i].firstIndex + culled[i].indexCount;
        drawn += culled[i].indexCount;
    }
    EXPECT_LT(drawn, 0.75 * double(clustered.indices.size()));
    EXPECT_GT(drawn, 0.4 * double(clustered.indices.size()));
    // Behind the camera: nothing.
    std::vector<IndexRange> behind;
    const CameraState away = test::makeCamera(128, 128, Vec3f(0.0f, 0.0f, 3.0f), Vec3f(0, 0, 6));
    appendVisibleRanges(clustered, viewProjection(away), true, behind);
    EXPECT_TRUE(behind.empty());
}

// ---------------------------------------------------------------------------------------
// Culling on and off give the same bytes.

struct Meshes {
    MeshId sphere, ground, cube, big, replaced;
};

Meshes addMeshes(Renderer& renderer) {
    Meshes m;
    m.sphere = renderer.addMesh(test::makeSphere(0.4f, 96, 48)).value();
    m.ground = renderer.addMesh(test::makeGround(6.0f)).value();
    m.cube = renderer.addMesh(test::makeCube(0.3f)).value();
    m.big = renderer.addMesh(test::makeSphere(3.0f, 64, 32)).value();
    m.replaced = renderer.addMesh(test::makeCube(0.1f)).value();
    // Replaced meshes (surfaces rebuilt per frame) take the single-cluster path.
    EXPECT_TRUE(renderer.replaceMesh(m.replaced, test::makeSphere(0.25f, 40, 20)).ok());
    return m;
}

DrawItem item(MeshId mesh, const Mat4f& pose, uint32_t id, const Vec3f& color) {
    DrawItem d;
    d.mesh = mesh;
    d.modelToWorld = pose;
    d.nextModelToWorld = pose;
    d.nextModelToWorld(1, 3) += 0.02f;  // moving up: flow
    d.instanceId = id;
    d.semanticClass = 10 + id;
    d.material.baseColor = color;
    return d;
}

Mat4f at(const Vec3f& p, float scale = 1.0f) {
    Mat4f m = Mat4f::Identity();
    m.topLeftCorner<3, 3>() *= scale;
    m.topRightCorner<3, 1>() = p;
    return m;
}

// Several objects, some partly off-screen, one mirrored, one stretched, one rotated cube.
std::vector<FrameDesc> scenes(const Meshes& m, uint32_t size) {
    std::vector<FrameDesc> frames;
    LightingDesc light;
    light.sunDirection = Vec3f(-0.6f, -1.0f, 0.3f);
    auto frameFrom = [&](const Vec3f& eye, const Vec3f& target) {
        FrameDesc f;
        f.camera = test::makeCamera(size, size, eye, target);
        f.nextCamera = test::makeCamera(size, size, eye + Vec3f(0.03f, 0.0f, 0.0f), target);
        f.lighting = light;
        return f;
    };
    Mat4f mirrored = at(Vec3f(-0.9f, 0.5f, 0.2f));
    mirrored(0, 0) = -1.0f;
    Mat4f stretched = at(Vec3f(0.9f, 0.45f, -0.3f));
    stretched(1, 1) = 1.6f;
    stretched(0, 0) = 0.7f;
    Mat4f rotated = at(Vec3f(0.0f, 0.35f, 0.9f));
    rotated.topLeftCorner<3, 3>() =
        Eigen::AngleAxisf(0.7f, Vec3f(0.3f, 1.0f, 0.2f).normalized()).toRotationMatrix();
    const std::vector<DrawItem> objects{
        item(m.ground, at(Vec3f::Zero()), 1, Vec3f(0.6f, 0.6f, 0.55f)),
        item(m.sphere, at(Vec3f(0.0f, 0.45f, 0.0f)), 2, Vec3f(0.8f, 0.3f, 0.2f)),
        item(m.sphere, mirrored, 3, Vec3f(0.2f, 0.7f, 0.3f)),
        item(m.sphere, stretched, 4, Vec3f(0.2f, 0.3f, 0.8f)),
        item(m.cube, rotated, 5, Vec3f(0.8f, 0.8f, 0.2f)),
        item(m.replaced, at(Vec3f(-0.3f, 0.3f, -1.0f)), 6, Vec3f(0.9f, 0.9f, 0.9f)),
        // Partly off-screen to the left and right of the first views.
        item(m.sphere, at(Vec3f(-2.6f, 0.4f, 0.0f)), 7, Vec3f(0.5f, 0.2f, 0.6f)),
        item(m.cube, at(Vec3f(2.7f, 0.3f, 0.4f)), 8, Vec3f(0.3f, 0.6f, 0.6f)),
    };
    // Orbiting views of the objects.
    for (int view = 0; view < 3; ++view) {
        const float a = 0.9f + 1.7f * float(view);
        FrameDesc f = frameFrom(Vec3f(3.2f * std::sin(a), 1.4f, 3.2f * std::cos(a)), Vec3f(0, 0.4f, 0));
        f.items = objects;
        frames.push_back(f);
    }
    // Low and close: the near plane cuts the ground and the camera sits within the rotated
    // cube's face cluster's sphere (5 cm from its face).
    {
        const Vec3f eye = rotated.topRightCorner<3, 1>() +
                          rotated.topLeftCorner<3, 3>() * Vec3f(0.05f, 0.05f, 0.35f);
        FrameDesc f = frameFrom(eye, Vec3f(0.0f, 0.4f, 0.0f));
        f.items = objects;
        frames.push_back(f);
    }
    // Inside a big closed sphere (its inner faces are back faces: none is drawn), with the
    // objects inside it too.
    {
        FrameDesc f = frameFrom(Vec3f(0.4f, 1.2f, 2.0f), Vec3f(0, 0.4f, 0));
        f.items = objects;
        f.items.push_back(item(m.big, at(Vec3f(0.0f, 0.5f, 0.0f)), 9, Vec3f(0.7f, 0.7f, 0.7f)));
        frames.push_back(f);
    }
    return frames;
}

template <typename T>
size_t differingValues(const std::vector<T>& a, const std::vector<T>& b, size_t perPixel) {
    if (a.size() != b.size()) return a.size() + b.size();
    size_t differing = 0;
    for (size_t i = 0; i < a.size(); i += perPixel) {
        differing += std::memcmp(&a[i], &b[i], perPixel * sizeof(T)) != 0 ? 1 : 0;
    }
    return differing;
}

void expectCullingChangesNoByte(uint32_t msaaSamples) {
    constexpr uint32_t kSize = 192;
    RendererDesc on;
    on.width = on.height = kSize;
    on.msaaSamples = msaaSamples;
    RendererDesc off = on;
    off.clusterCulling = false;
    Result<std::unique_ptr<Renderer>> culled = Renderer::create(on);
    Result<std::unique_ptr<Renderer>> plain = Renderer::create(off);
    ASSERT_TRUE(culled.ok()) << culled.error().message;
    ASSERT_TRUE(plain.ok()) << plain.error().message;
    const Meshes m = addMeshes(**culled);
    addMeshes(**plain);
    size_t view = 0;
    for (const FrameDesc& frame : scenes(m, kSize)) {
        SCOPED_TRACE(fmt::format("view {}", view));
        Result<FrameImages> a = (*culled)->renderWithLabels(frame);
        const RenderTimings culledCounts = (*culled)->lastTimings();
        Result<FrameImages> b = (*plain)->renderWithLabels(frame);
        const RenderTimings plainCounts = (*plain)->lastTimings();
        ASSERT_TRUE(a.ok()) << a.error().message;
        ASSERT_TRUE(b.ok()) << b.error().message;
        test::writePng(a->color, fmt::format("culling-msaa{}-view{}", msaaSamples, view));
        const LabelImages& la = a->labels;
        const LabelImages& lb = b->labels;
        const size_t colour = differingValues(a->color.pixels, b->color.pixels, 4);
        const size_t depth = differingValues(la.depth.values, lb.depth.values, 1);
        const size_t instance = differingValues(la.instance.values, lb.instance.values, 1);
        const size_t semantic = differingValues(la.semantic.values, lb.semantic.values, 1);
        const size_t normals = differingValues(la.normals.values, lb.normals.values, 3);
        const size_t flow = differingValues(la.flow.values, lb.flow.values, 2);
        std::printf("msaa %u view %zu: triangles shadow %llu -> %llu, main %llu -> %llu; "
                    "differing px: colour %zu depth %zu ids %zu/%zu normals %zu flow %zu\n",
                    msaaSamples, view, (unsigned long long)plainCounts.shadowTriangles,
                    (unsigned long long)culledCounts.shadowTriangles,
                    (unsigned long long)plainCounts.mainTriangles,
                    (unsigned long long)culledCounts.mainTriangles, colour, depth, instance,
                    semantic, normals, flow);
        EXPECT_EQ(colour, 0u);
        EXPECT_EQ(depth, 0u);
        EXPECT_EQ(instance, 0u);
        EXPECT_EQ(semantic, 0u);
        EXPECT_EQ(normals, 0u);
        EXPECT_EQ(flow, 0u);
        // The culled renderer really sent fewer triangles through both passes.
        EXPECT_LT(double(culledCounts.mainTriangles), 0.8 * double(plainCounts.mainTriangles));
        EXPECT_LT(double(culledCounts.shadowTriangles), 0.8 * double(plainCounts.shadowTriangles));
        // Something of the scene is on screen (not an empty frame compared with itself).
        size_t covered = 0;
        for (uint32_t id : la.instance.values) covered += id != 0 ? 1 : 0;
        EXPECT_GT(covered, size_t(kSize) * kSize / 10);
        ++view;
    }
}

TEST(ClusterCulling, ColourAndEveryLabelAreBitIdenticalWithAndWithoutCulling) {
    expectCullingChangesNoByte(1);
}

TEST(ClusterCulling, MsaaColourAndLabelPassAreBitIdenticalWithAndWithoutCulling) {
    expectCullingChangesNoByte(4);
}

}  // namespace
}  // namespace silt::render
