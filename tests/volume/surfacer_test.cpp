// Surfacing of particle sets: geometry against analytic shapes (a ball, a flat bed),
// mesh topology, errors, material masks, per-particle radii and determinism.

#include "silt/volume/Surfacer.h"

#include <gtest/gtest.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <limits>

#include "particle_shapes.h"

namespace silt::volume {
namespace {

// The setting Surfacer.h recommends: particle radius 0.75 × the particle spacing.
constexpr float kRadiusPerSpacing = 0.75f;
constexpr float kJitter = 0.25f;  // ± a quarter spacing per axis

SurfacerDesc descFor(float spacing, float voxel, float search = 2.0f, uint32_t smoothing = 0) {
    SurfacerDesc desc;
    desc.searchRadiusScale = search;
    desc.smoothingIterations = smoothing;
    desc.voxelSize = voxel;
    desc.particleRadius = kRadiusPerSpacing * spacing;
    return desc;
}

double meanDistance(const TriangleMesh& mesh, const Vec3f& centre) {
    double sum = 0.0;
    for (const Vec3f& p : mesh.positions) sum += double((p - centre).norm());
    return sum / double(mesh.positions.size());
}

struct BallCase {
    float radius;   // m, of the material ball
    float spacing;  // m, particle lattice spacing
    float voxel;    // m
    float search = 2.0f;
    uint32_t smoothing = 0;
};

class BallRadius : public ::testing::TestWithParam<BallCase> {};

TEST_P(BallRadius, MeanVertexDistanceIsTheRadiusWithinOneVoxel) {
    const BallCase c = GetParam();
    const Vec3f centre(0.13f, 0.71f, -0.29f);
    const std::vector<Vec3f> particles = test::makeBall(centre, c.radius, c.spacing, kJitter, 7);
    Result<TriangleMesh> mesh =
        surfaceParticles(particles, descFor(c.spacing, c.voxel, c.search, c.smoothing));
    ASSERT_TRUE(mesh.ok()) << mesh.error().message;
    ASSERT_GT(mesh->triangleCount(), 100u);
    ASSERT_EQ(mesh->normals.size(), mesh->positions.size());

    const double mean = meanDistance(*mesh, centre);
    const double error = mean - double(c.radius);
    std::printf(
        "ball R=%.3f spacing=%.3f voxel=%.3f search=%.1f smoothing=%u: %zu particles, "
        "%zu triangles, mean distance %.5f, error %+.5f m = %+.2f voxels\n",
        double(c.radius), double(c.spacing), double(c.voxel), double(c.search), c.smoothing,
        particles.size(), mesh->triangleCount(), mean, error, error / double(c.voxel));
    EXPECT_LT(std::abs(error), double(c.voxel));

    // Outward orientation: positive enclosed volume close to the ball's, normals pointing away
    // from the centre and agreeing with the triangles' winding.
    const double volume = test::signedVolume(*mesh);
    const double ballVolume = 4.0 / 3.0 * M_PI * std::pow(double(c.radius), 3.0);
    EXPECT_NEAR(volume / ballVolume, 1.0, 0.15);
    size_t outward = 0;
    for (size_t i = 0; i < mesh->positions.size(); ++i) {
        EXPECT_NEAR(mesh->normals[i].norm(), 1.0f, 1e-4f);
        if (mesh->normals[i].dot(mesh->positions[i] - centre) > 0.0f) ++outward;
    }
    EXPECT_GT(double(outward), 0.99 * double(mesh->positions.size()));
    size_t agreeing = 0;
    for (size_t t = 0; t < mesh->indices.size(); t += 3) {
        const Vec3f& a = mesh->positions[mesh->indices[t]];
        const Vec3f& b = mesh->positions[mesh->indices[t + 1]];
        const Vec3f& d = mesh->positions[mesh->indices[t + 2]];
        const Vec3f faceNormal = (b - a).cross(d - a);
        if (faceNormal.dot(mesh->normals[mesh->indices[t]]) > 0.0f) ++agreeing;
    }
    EXPECT_GT(double(agreeing), 0.99 * double(mesh->triangleCount()));

    const test::EdgeReport edges = test::checkEdges(*mesh);
    EXPECT_EQ(edges.boundaryOrNonManifold, 0u);
    EXPECT_EQ(edges.inconsistentlyOriented, 0u);
}

INSTANTIATE_TEST_SUITE_P(Sweep, BallRadius,
                         ::testing::Values(BallCase{0.30f, 0.020f, 0.010f},
                                           BallCase{0.50f, 0.025f, 0.020f},
                                           BallCase{0.15f, 0.010f, 0.008f},
                                           BallCase{0.40f, 0.020f, 0.020f},
                                           BallCase{0.30f, 0.020f, 0.010f, 3.0f, 2}));

TEST(Surfacer, SettledSandBedIsClosedAndCoversItsFootprint) {
    // A 1 m × 0.2 m × 1 m bed resting on y = 0.
    const float spacing = 0.02f, voxel = 0.015f, top = 0.2f;
    const std::vector<Vec3f> particles =
        test::makeSlab(Vec3f(-0.5f, 0.0f, -0.5f), Vec3f(0.5f, top, 0.5f), spacing, kJitter, 11);
    Result<TriangleMesh> mesh = surfaceParticles(particles, descFor(spacing, voxel));
    ASSERT_TRUE(mesh.ok()) << mesh.error().message;

    const test::EdgeReport edges = test::checkEdges(*mesh);
    std::printf("sand bed: %zu particles, %zu triangles, %zu edges\n", particles.size(),
                mesh->triangleCount(), edges.edges);
    EXPECT_EQ(edges.boundaryOrNonManifold, 0u) << "edges not shared by exactly two triangles";
    EXPECT_EQ(edges.inconsistentlyOriented, 0u);
    EXPECT_GT(test::signedVolume(*mesh), 0.9 * 0.2);

    // Rays straight down from a 9 × 9 grid over the footprint (kept one spacing inside its
    // edges, where the bed's corners are rounded) all land on the flat top.
    double worst = 0.0;
    for (int i = 0; i < 9; ++i) {
        for (int k = 0; k < 9; ++k) {
            const float x = -0.5f + spacing + float(i) * (1.0f - 2.0f * spacing) / 8.0f;
            const float z = -0.5f + spacing + float(k) * (1.0f - 2.0f * spacing) / 8.0f;
            const Vec3f origin(x, 1.0f, z);
            const float distance = test::castRay(*mesh, origin, -Vec3f::UnitY());
            ASSERT_GT(distance, 0.0f) << "hole at x=" << x << " z=" << z;
            const float height = origin.y() - distance;
            EXPECT_NEAR(height, top, voxel) << "at x=" << x << " z=" << z;
            worst = std::max(worst, double(std::abs(height - top)));
        }
    }
    std::printf("sand bed: top within %.4f m (%.2f voxels) of %.2f m\n", worst,
                worst / double(voxel), double(top));
}

TEST(Surfacer, EmptyInputGivesAnEmptyMesh) {
    Result<TriangleMesh> mesh = surfaceParticles(std::span<const Vec3f>(), SurfacerDesc{});
    ASSERT_TRUE(mesh.ok()) << mesh.error().message;
    EXPECT_TRUE(mesh->positions.empty());
    EXPECT_TRUE(mesh->indices.empty());

    Result<LevelSet> levelSet = rasterizeParticles(ParticleView{}, SurfacerDesc{});
    ASSERT_TRUE(levelSet.ok());
    EXPECT_TRUE(levelSet->empty());
}

TEST(Surfacer, NonFinitePositionIsAnErrorNamingTheParticle) {
    std::vector<Vec3f> particles = test::makeBall(Vec3f::Zero(), 0.1f, 0.02f, kJitter, 3);
    ASSERT_GT(particles.size(), 200u);
    particles[137].y() = std::numeric_limits<float>::quiet_NaN();
    Result<TriangleMesh> mesh = surfaceParticles(particles, descFor(0.02f, 0.01f));
    ASSERT_FALSE(mesh.ok());
    EXPECT_NE(mesh.error().message.find("particle 137"), std::string::npos) << mesh.error().message;

    particles[137].y() = 0.0f;
    particles[5].x() = std::numeric_limits<float>::infinity();
    mesh = surfaceParticles(particles, descFor(0.02f, 0.01f));
    ASSERT_FALSE(mesh.ok());
    EXPECT_NE(mesh.error().message.find("particle 5"), std::string::npos) << mesh.error().message;
}

TEST(Surfacer, InvalidDescriptionsAreErrorsNamingTheField) {
    const std::vector<Vec3f> particles{Vec3f::Zero()};
    SurfacerDesc desc;
    desc.voxelSize = 0.0f;
    Result<TriangleMesh> mesh = surfaceParticles(particles, desc);
    ASSERT_FALSE(mesh.ok());
    EXPECT_NE(mesh.error().message.find("voxelSize"), std::string::npos);

    desc = SurfacerDesc{};
    desc.searchRadiusScale = 0.5f;
    mesh = surfaceParticles(particles, desc);
    ASSERT_FALSE(mesh.ok());
    EXPECT_NE(mesh.error().message.find("searchRadiusScale"), std::string::npos);

    const std::vector<float> radii{0.01f, 0.01f};
    mesh = surfaceParticles(ParticleView{particles, radii, {}}, SurfacerDesc{});
    ASSERT_FALSE(mesh.ok());
    EXPECT_NE(mesh.error().message.find("radii"), std::string::npos);
}

TEST(Surfacer, MaskSurfacesOnlyTheSelectedMaterial) {
    const float spacing = 0.02f;
    const Vec3f sandCentre(-0.4f, 0.0f, 0.0f), waterCentre(0.4f, 0.0f, 0.0f);
    std::vector<Vec3f> particles = test::makeBall(sandCentre, 0.2f, spacing, kJitter, 1);
    std::vector<uint8_t> isWater(particles.size(), 0);
    const std::vector<Vec3f> water = test::makeBall(waterCentre, 0.2f, spacing, kJitter, 2);
    particles.insert(particles.end(), water.begin(), water.end());
    isWater.resize(particles.size(), 1);

    Result<TriangleMesh> mesh =
        surfaceParticles(ParticleView{particles, {}, isWater}, descFor(spacing, 0.01f));
    ASSERT_TRUE(mesh.ok()) << mesh.error().message;
    ASSERT_FALSE(mesh->positions.empty());
    for (const Vec3f& p : mesh->positions) {
        ASSERT_LT((p - waterCentre).norm(), 0.25f) << "vertex outside the water ball";
    }
    EXPECT_NEAR(meanDistance(*mesh, waterCentre), 0.2, 0.01);

    std::fill(isWater.begin(), isWater.end(), uint8_t(0));
    mesh = surfaceParticles(ParticleView{particles, {}, isWater}, descFor(spacing, 0.01f));
    ASSERT_TRUE(mesh.ok());
    EXPECT_TRUE(mesh->positions.empty());
}

TEST(Surfacer, PerParticleRadiiScaleTheSurface) {
    const float spacing = 0.02f, voxel = 0.01f, radius = 0.2f;
    const std::vector<Vec3f> particles = test::makeBall(Vec3f::Zero(), radius, spacing, kJitter, 5);
    const SurfacerDesc desc = descFor(spacing, voxel);

    // The same radius per particle gives the same surface as the uniform radius.
    std::vector<float> radii(particles.size(), desc.particleRadius);
    Result<TriangleMesh> uniform = surfaceParticles(particles, desc);
    Result<TriangleMesh> varying = surfaceParticles(ParticleView{particles, radii, {}}, desc);
    ASSERT_TRUE(uniform.ok() && varying.ok());
    const double uniformMean = meanDistance(*uniform, Vec3f::Zero());
    const double varyingMean = meanDistance(*varying, Vec3f::Zero());
    EXPECT_NEAR(varyingMean, uniformMean, 0.25 * voxel);

    // Larger particles in the top half push only that half's surface outwards.
    for (size_t i = 0; i < particles.size(); ++i) {
        if (particles[i].y() > 0.0f) radii[i] = 2.0f * desc.particleRadius;
    }
    varying = surfaceParticles(ParticleView{particles, radii, {}}, desc);
    ASSERT_TRUE(varying.ok()) << varying.error().message;
    // Compare the poles: the equator mixes both sizes.
    float top = 0.0f, bottom = 0.0f;
    for (const Vec3f& p : varying->positions) {
        top = std::max(top, p.y());
        bottom = std::max(bottom, -p.y());
    }
    std::printf("poles with doubled radii on top: top %.4f m, bottom %.4f m\n", double(top),
                double(bottom));
    EXPECT_GT(top, bottom + 0.5f * desc.particleRadius);
}

TEST(Surfacer, FilteredSpheresPathAlsoFindsTheRadius) {
    const float spacing = 0.02f, voxel = 0.01f, radius = 0.25f;
    const Vec3f centre(0.0f, 0.3f, 0.0f);
    const std::vector<Vec3f> particles = test::makeBall(centre, radius, spacing, kJitter, 9);
    SurfacerDesc desc = descFor(spacing, voxel);
    desc.method = RasterMethod::kSpheresFiltered;
    desc.smoothingIterations = 3;
    Result<TriangleMesh> mesh = surfaceParticles(particles, desc);
    ASSERT_TRUE(mesh.ok()) << mesh.error().message;
    const double error = meanDistance(*mesh, centre) - double(radius);
    std::printf("filtered spheres: %zu triangles, radius error %+.5f m = %+.2f voxels\n",
                mesh->triangleCount(), error, error / double(voxel));
    EXPECT_LT(std::abs(error), 1.5 * double(voxel));
    const test::EdgeReport edges = test::checkEdges(*mesh);
    EXPECT_EQ(edges.boundaryOrNonManifold, 0u);
    EXPECT_GT(test::signedVolume(*mesh), 0.0);
}

TriangleMesh surfaceWithThreads(const std::vector<Vec3f>& particles, const SurfacerDesc& desc,
                                int threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, size_t(threads));
    tbb::task_arena arena(threads);
    TriangleMesh out;
    arena.execute([&] {
        Result<TriangleMesh> mesh = surfaceParticles(particles, desc);
        EXPECT_TRUE(mesh.ok()) << mesh.error().message;
        if (mesh.ok()) out = std::move(mesh).value();
    });
    return out;
}

void expectIdentical(const TriangleMesh& a, const TriangleMesh& b) {
    ASSERT_EQ(a.positions.size(), b.positions.size());
    ASSERT_EQ(a.indices, b.indices);
    for (size_t i = 0; i < a.positions.size(); ++i) {
        ASSERT_EQ(a.positions[i], b.positions[i]) << "vertex " << i;
        ASSERT_EQ(a.normals[i], b.normals[i]) << "normal " << i;
    }
}

TEST(Surfacer, DeterministicAcrossRunsAndThreadCounts) {
    // Two bodies and a smoothing pass, so every stage runs with real work to split.
    std::vector<Vec3f> particles =
        test::makeBall(Vec3f(0.0f, 0.5f, 0.0f), 0.2f, 0.02f, kJitter, 21);
    const std::vector<Vec3f> bed =
        test::makeSlab(Vec3f(-0.5f, 0.0f, -0.5f), Vec3f(0.5f, 0.1f, 0.5f), 0.02f, kJitter, 22);
    particles.insert(particles.end(), bed.begin(), bed.end());
    SurfacerDesc desc = descFor(0.02f, 0.01f);
    desc.smoothingIterations = 1;

    const TriangleMesh one = surfaceWithThreads(particles, desc, 1);
    const TriangleMesh two = surfaceWithThreads(particles, desc, 2);
    ASSERT_GT(one.triangleCount(), 1000u);
    expectIdentical(one, two);
    const TriangleMesh again = surfaceWithThreads(particles, desc, 2);
    expectIdentical(two, again);

    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
    Result<LevelSet> a = rasterizeParticles(ParticleView{particles, {}, {}}, desc);
    Result<LevelSet> b = rasterizeParticles(ParticleView{particles, {}, {}}, desc);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->contentHash(), b->contentHash());
}

}  // namespace
}  // namespace silt::volume
