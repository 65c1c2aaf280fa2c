// World validation with sand: bodies dropped on a sand bed sink in and stop (deeper for
// larger drop heights, a light body rests on top), a kinematic box pulled out of the sand
// is held back by the sand above it, and coupled runs are bit-identical for 1 and 2 solver
// threads. Built twice: label "physics" (coarse grid, CI) and, with SILT_WORLD_SLOW=1,
// label "slow" (finer grid).

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <span>
#include <vector>

#include "mpm_validation.h"
#include "silt/core/Hash.h"
#include "world_fixtures.h"

#ifndef SILT_WORLD_SLOW
#define SILT_WORLD_SLOW 0
#endif

#if SILT_WORLD_SLOW
#define SILT_WORLD_SUITE WorldSandSlow
#else
#define SILT_WORLD_SUITE WorldSand
#endif

namespace silt::physics::validation {
namespace {

constexpr bool kSlow = SILT_WORLD_SLOW != 0;
constexpr float kDx = kSlow ? 0.005f : 0.01f;
constexpr float kSandDensity = 1600.0f;  // loose bulk sand

SandDesc bedSand() {
    SandDesc d;
    d.density = kSandDensity;
    return d;
}

// Planar set-up shared by the cases: a slab 4 cells thick in z (free-slip walls) holding a
// sand bed; boxes span the slab in z (their mass is that of the slab's thickness, and the
// out-of-plane rotations get a huge inertia: the slab walls would stop them).
struct SandScene {
    std::unique_ptr<World> world;
    std::unique_ptr<BoxBody> box;
    BodyId id = 0;
    float tz = 0.0f;
    float bedTop = 0.0f;
};

SandScene makeScene(float lx, float ly, float bedDepth, const Vec3f& boxXY, float boxDensity,
                    const Vec3f& boxBase, const Vec3f& boxVelocity, int threads = 0,
                    BodyDrive drive = BodyDrive::Dynamic) {
    SandScene scene;
    scene.tz = 4.0f * kDx;
    scene.bedTop = bedDepth;
    const Vec3f size(boxXY.x(), boxXY.y(), scene.tz + 4.0f * kDx);
    scene.box = makeBox(size, boxDensity * scene.tz / size.z(), 0.5f * kDx);
    WorldDesc desc;
    MpmSettings s;
    s.dx = kDx;
    s.domainMax = Vec3f(lx, ly, scene.tz);
    s.floorFriction = 0.5f;
    s.threads = threads;
    desc.continuum = s;
    auto created = World::create(desc);
    EXPECT_TRUE(created.ok());
    scene.world = std::move(*created);
    const uint8_t sand = scene.world->continuum()->addMaterial(bedSand());
    WorldBodyDesc body = boxBodyDesc(*scene.box, boxBase);
    body.body.linearVelocity = boxVelocity;
    body.body.inertia(0, 0) *= 1.0e6f;
    body.body.inertia(1, 1) *= 1.0e6f;
    body.drive = drive;
    const Vec3f half(0.5f * size.x(), 0.0f, 0.5f * size.z());
    const Vec3f lo = boxBase - half, hi = boxBase + half + Vec3f(0.0f, size.y(), 0.0f);
    addLattice(*scene.world->continuum(), sand, Vec3f::Zero(), Vec3f(lx, bedDepth, scene.tz), 2,
               [&](const Vec3f& p) {
                   return (p.array() >= lo.array()).all() && (p.array() <= hi.array()).all();
               });
    scene.id = scene.world->addBody(body);
    return scene;
}

struct SinkResult {
    double penetration = 0.0;  ///< m below the original bed surface
    double speed = 0.0;        ///< m/s at the end
    double restTime = 0.0;     ///< s after which the body's speed stayed under 0.02 m/s
    int64_t steps = 0;
    double wallSeconds = 0.0;
};

// A box released just above the bed with the speed of a fall from `height`.
SinkResult dropOnSand(float density, float height, double duration) {
    const float lx = 0.3f, bed = 0.08f;
    const float v = std::sqrt(2.0f * kG * height);
    SandScene scene =
        makeScene(lx, 0.2f, bed, Vec3f(0.06f, 0.06f, 0.0f), density,
                  Vec3f(0.5f * lx, bed + 0.5f * kDx, 2.0f * kDx), Vec3f(0.0f, -v, 0.0f));
    SinkResult r;
    const auto start = std::chrono::steady_clock::now();
    while (scene.world->time() < duration - 1e-6) {
        const Status st = scene.world->advanceFrame(0.01f);
        EXPECT_TRUE(st.ok()) << st.error().message;
        if (!st.ok()) return r;
        const BodyState b = scene.world->bodyState(scene.id);
        r.speed = b.linearVelocity.norm();
        if (r.speed > 0.02) r.restTime = scene.world->time();
        r.penetration = bed - boxBottom(*scene.box, b.pose);
    }
    r.steps = scene.world->stepCount();
    r.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

// Penetration is measured from the original bed surface to the box's bottom. A body sits
// on the continuum's band (WorldBodyDesc::continuumBand, half a cell), so a light body at
// rest on the surface reads about −0.5 cells: "buried" means deeper than it by half a cell.
TEST(SILT_WORLD_SUITE, DenseBodySinksDeeperFromHigherDropsAndStops) {
    // A light body put on the surface stays on top.
    const SinkResult light = dropOnSand(300.0f, 0.0f, 0.3);
    std::printf(
        "sand: rho_b 300 set on the surface: penetration %.4f m (%.2f cells), final "
        "speed %.4f m/s\n",
        light.penetration, light.penetration / kDx, light.speed);
    EXPECT_LT(light.penetration, kDx);
    EXPECT_GT(light.penetration, -kDx);
    EXPECT_LT(light.speed, 0.02);

    const float density = 3000.0f;
    const std::vector<float> heights = {0.05f, 0.2f, 0.5f};
    PlotSeries sim{{}, 0xd62728, true};
    std::vector<double> depths;
    for (float h : heights) {
        const SinkResult r = dropOnSand(density, h, 0.6);
        std::printf(
            "sand: rho_b %.0f dropped from %.2f m: penetration %.4f m (%.2f cells), "
            "final speed %.4f m/s, at rest after %.2f s, %lld substeps, %.1f s wall\n",
            density, h, r.penetration, r.penetration / kDx, r.speed, r.restTime,
            static_cast<long long>(r.steps), r.wallSeconds);
        EXPECT_LT(r.speed, 0.02) << "still moving after a drop from " << h;
        EXPECT_GT(r.penetration, light.penetration + 0.5 * kDx) << "not buried from " << h;
        EXPECT_LT(r.penetration, 0.06) << "sank through the bed from " << h;
        if (!depths.empty()) {
            EXPECT_GT(r.penetration, depths.back()) << "not monotonic at " << h;
        }
        depths.push_back(r.penetration);
        sim.points.emplace_back(h, r.penetration);
    }
    const std::string path =
        plotDirectory() + (kSlow ? "/world_sand_sinking_slow.png" : "/world_sand_sinking.png");
    EXPECT_TRUE(writePlot(path, {sim}, 0.0, 0.6, -0.01, 0.03));
    std::printf("plot: %s (penetration, m, vs drop height, m)\n", path.c_str());
}

}  // namespace
}  // namespace silt::physics::validation
