// World validation with sand: bodies dropped on a sand bed sink in and stop (deeper for
// larger drop heights, a light body rests on top), a kinematic box pulled out of the sand
// is held back by the sand above it, and coupled runs are bit-identical for 1 and 2 solver
// threads. Built twice: label "physics" (coarse grid, CI) and, with SILT_WORLD_SLOW=1,
// label "slow" (finer grid).

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <span>
#include <string>
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
                    const std::function<void(WorldBodyDesc&)>& configure = {}) {
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
    if (configure) configure(body);
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
    double drift = 0.0;        ///< m, change of the penetration over the last 0.2 s
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
    std::vector<std::pair<double, double>> history;  // (t, penetration)
    const auto start = std::chrono::steady_clock::now();
    while (scene.world->time() < duration - 1e-6) {
        const Status st = scene.world->advanceFrame(0.01f);
        EXPECT_TRUE(st.ok()) << st.error().message;
        if (!st.ok()) return r;
        const BodyState b = scene.world->bodyState(scene.id);
        r.speed = b.linearVelocity.norm();
        if (r.speed > 0.02) r.restTime = scene.world->time();
        r.penetration = bed - boxBottom(*scene.box, b.pose);
        history.emplace_back(scene.world->time(), r.penetration);
        if (std::getenv("SILT_WORLD_TRACE"))
            std::printf("t %.2f penetration %.4f vy %.4f F %.3f weight %.3f\n", scene.world->time(),
                        r.penetration, b.linearVelocity.y(),
                        scene.world->continuumForce(scene.id).y(), scene.box->mass.mass * kG);
    }
    for (const auto& [t, d] : history)
        if (t >= duration - 0.2 - 1e-6) {
            r.drift = r.penetration - d;
            break;
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
        "sand: rho_b 300 set on the surface: penetration %.4f m (%.2f cells), drift over the "
        "last 0.2 s %+.4f m, final speed %.4f m/s\n",
        light.penetration, light.penetration / kDx, light.drift, light.speed);
    EXPECT_LT(std::abs(light.drift), 0.2 * kDx);
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
            "drift over the last 0.2 s %+.4f m, final speed %.4f m/s, speed under 0.02 m/s "
            "after %.2f s, %lld substeps, %.1f s wall\n",
            density, h, r.penetration, r.penetration / kDx, r.drift, r.speed, r.restTime,
            static_cast<long long>(r.steps), r.wallSeconds);
        // At rest: no sinking left (the body may still ring a little on the elastic bed).
        EXPECT_LT(r.drift, 0.2 * kDx) << "still sinking after a drop from " << h;
        EXPECT_LT(std::abs(r.drift), 0.5 * kDx) << "not at rest after a drop from " << h;
        EXPECT_LT(r.speed, 0.05) << "still moving after a drop from " << h;
        EXPECT_GT(r.penetration, light.penetration + 0.5 * kDx) << "not buried from " << h;
        EXPECT_LT(r.penetration, 0.06) << "sank through the bed from " << h;
        if (!depths.empty()) {
            EXPECT_GT(r.penetration, depths.back()) << "not monotonic at " << h;
        }
        depths.push_back(r.penetration);
        sim.points.emplace_back(h, r.penetration);
    }
    // Denser bodies sink deeper from the same height (0.2 m; 3000 kg/m³ is from the sweep).
    PlotSeries byDensity{{}, 0x2ca02c, true};
    byDensity.points.emplace_back(3000.0 / 1.0e4, depths[1]);
    double previous = -1.0;
    for (float rho : {1500.0f, 6000.0f}) {
        const SinkResult r = dropOnSand(rho, 0.2f, 0.6);
        std::printf(
            "sand: rho_b %.0f dropped from 0.20 m: penetration %.4f m (%.2f cells), "
            "drift over the last 0.2 s %+.4f m, final speed %.4f m/s\n",
            rho, r.penetration, r.penetration / kDx, r.drift, r.speed);
        EXPECT_LT(r.drift, 0.2 * kDx) << "rho_b " << rho;
        EXPECT_LT(std::abs(r.drift), 0.5 * kDx) << "rho_b " << rho;
        EXPECT_LT(r.speed, 0.05) << "rho_b " << rho;
        if (rho < 3000.0f) {
            EXPECT_LT(r.penetration, depths[1]);
            EXPECT_GT(r.penetration, light.penetration);
        } else {
            EXPECT_GT(r.penetration, depths[1]);
        }
        EXPECT_GT(r.penetration, previous);
        previous = r.penetration;
        byDensity.points.emplace_back(rho / 1.0e4, r.penetration);
    }
    std::sort(byDensity.points.begin(), byDensity.points.end());
    PlotSeries lightPoint{{{0.0, light.penetration}}, 0x1f77b4, true};
    PlotSeries surface{{{0.0, 0.0}, {0.6, 0.0}}, 0x888888, false};
    const std::string path =
        plotDirectory() + (kSlow ? "/world_sand_sinking_slow.png" : "/world_sand_sinking.png");
    EXPECT_TRUE(writePlot(path, {surface, sim, lightPoint, byDensity}, 0.0, 0.6, -0.01, 0.03));
    std::printf(
        "plot: %s (penetration below the original surface, m, from -0.01 to 0.03; "
        "red: 3000 kg/m3 vs drop height 0-0.6 m; blue: 300 kg/m3 set on the surface; "
        "green: drop from 0.2 m vs density/10^4 kg/m3)\n",
        path.c_str());
}

// A kinematic box buried under `cover` of sand is held for 0.1 s (the sand settles onto it)
// and then pulled straight up at 0.3 m/s. While it is in the sand the reaction on it points
// down and early on is at least the weight of the sand column above it (that column has to
// be lifted, plus the shear along its sides); it comes out above the surface, and most of
// the sand that was above it has streamed off.
TEST(SILT_WORLD_SUITE, KinematicBoxPulledOutOfSandIsHeldBackBySand) {
    const float lx = 0.3f, bed = 0.12f, cover = 0.04f;
    const Vec3f boxXY(0.06f, 0.04f, 0.0f);
    const float start = 0.1f, speed = 0.3f;
    const Vec3f base(0.5f * lx, bed - cover - boxXY.y(), 2.0f * kDx);
    SandScene scene =
        makeScene(lx, 0.25f, bed, boxXY, 1000.0f, base, Vec3f::Zero(), 0, [&](WorldBodyDesc& d) {
            d.drive = BodyDrive::Kinematic;
            d.kinematicVelocity = Vec3f(0.0f, speed, 0.0f);
            d.kinematicStart = start;
        });
    World& world = *scene.world;
    const double sandAbove = kSandDensity * kG * boxXY.x() * cover * scene.tz;  // N
    // The heap on the top face reaches half a cell past its edges (the continuum band).
    const float halfWidth = 0.5f * boxXY.x() + 0.5f * kDx;
    // kg of sand resting on the box: particles over its top face.
    auto massOnTop = [&] {
        const float top = world.bodyState(scene.id).pose.position.y() + boxXY.y();
        const MpmParticles& p = world.continuum()->particles();
        double m = 0.0;
        for (size_t i = 0; i < p.size(); ++i)
            if (std::abs(p.position[i].x() - base.x()) < halfWidth && p.position[i].y() > top)
                m += p.mass[i];
        return m;
    };
    const double initialOnTop = massOnTop();
    double earlyForce = 0.0, worstInSand = -1e9, largest = 0.0, lateForce = 0.0;
    int earlyFrames = 0, lateFrames = 0;
    const auto t0 = std::chrono::steady_clock::now();
    while (world.time() < 0.55 - 1e-6) {
        const Status st = world.advanceFrame(0.01f);
        ASSERT_TRUE(st.ok()) << st.error().message;
        const double t = world.time();
        const double fy = world.continuumForce(scene.id).y();
        const float bottom = world.bodyState(scene.id).pose.position.y();
        largest = std::max(largest, std::abs(fy));
        if (t > start + 1e-6 && bottom < bed) worstInSand = std::max(worstInSand, fy);
        if (t > start + 1e-6 && t <= start + 0.05 + 1e-6) {
            earlyForce += fy;
            ++earlyFrames;
        }
        if (t > 0.45 + 1e-6) {
            lateForce += fy;
            ++lateFrames;
        }
        if (std::getenv("SILT_WORLD_TRACE"))
            std::printf("t %.2f bottom %.4f Fy %.3f on top %.4f kg\n", t, bottom, fy, massOnTop());
    }
    earlyForce /= earlyFrames;
    lateForce /= lateFrames;
    const float finalBottom = world.bodyState(scene.id).pose.position.y();
    const double finalOnTop = massOnTop();
    std::printf(
        "excavation: weight of the sand above %.3f N; mean force over the first 0.05 s "
        "of the pull %.3f N (%.2f x), least downward force in the sand %.3f N, largest "
        "|F| %.3f N; box bottom ends at %.3f m (surface %.3f m); sand on top %.4f kg "
        "-> %.4f kg (%.0f %%), its weight %.3f N vs the force over the last 0.1 s %.3f N; "
        "%lld substeps, %.1f s wall\n",
        sandAbove, earlyForce, -earlyForce / sandAbove, worstInSand, largest, finalBottom, bed,
        initialOnTop, finalOnTop, 100.0 * finalOnTop / initialOnTop, finalOnTop * kG, lateForce,
        static_cast<long long>(world.stepCount()),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    EXPECT_LT(earlyForce, -sandAbove);         // down, at least the column's weight
    EXPECT_GT(earlyForce, -20.0 * sandAbove);  // but not a blow-up
    EXPECT_LT(worstInSand, 0.0);               // always down while in the sand
    EXPECT_GT(finalBottom, bed);               // out of the sand
    // A good part of the cover streamed off the sides; what stays is a heap that rides
    // along at constant speed, so the final force is its weight.
    EXPECT_LT(finalOnTop, 0.75 * initialOnTop);
    // (40 %: which grains count as "on top" of a moving heap is a cut at the box's edges.)
    EXPECT_NEAR(-lateForce, finalOnTop * kG, 0.4 * finalOnTop * kG);
}

// The same coupled scene (a dense box dropped on sand) with 1 and 2 solver threads gives
// bit-identical body states and particles.
TEST(SILT_WORLD_SUITE, CoupledRunIsBitIdenticalForOneAndTwoThreads) {
    std::string particleHash[2];
    BodyState state[2];
    for (int threads = 1; threads <= 2; ++threads) {
        SandScene scene = makeScene(0.2f, 0.15f, 0.06f, Vec3f(0.06f, 0.06f, 0.0f), 3000.0f,
                                    Vec3f(0.1f, 0.06f + 0.5f * kDx, 2.0f * kDx),
                                    Vec3f(0.3f, -1.5f, 0.0f), threads);
        for (int frame = 0; frame < 8; ++frame) {
            const Status st = scene.world->advanceFrame(0.01f);
            ASSERT_TRUE(st.ok()) << st.error().message;
        }
        const MpmParticles& p = scene.world->continuum()->particles();
        std::vector<uint8_t> bytes;
        auto append = [&](const auto& v) {
            const auto* b = reinterpret_cast<const uint8_t*>(v.data());
            bytes.insert(bytes.end(), b, b + v.size() * sizeof(v[0]));
        };
        append(p.position);
        append(p.velocity);
        append(p.elasticF);
        particleHash[threads - 1] = hashHex(bytes);
        state[threads - 1] = scene.world->bodyState(scene.id);
        // It did interact: the box was slowed down by the sand.
        EXPECT_GT(state[threads - 1].linearVelocity.y(), -1.0f);
    }
    std::printf("determinism: particle hash %s (1 thread) vs %s (2 threads)\n",
                particleHash[0].c_str(), particleHash[1].c_str());
    EXPECT_EQ(particleHash[0], particleHash[1]);
    EXPECT_EQ(std::memcmp(&state[0].pose.position, &state[1].pose.position, sizeof(Vec3f)), 0);
    EXPECT_EQ(std::memcmp(state[0].pose.rotation.coeffs().data(),
                          state[1].pose.rotation.coeffs().data(), 4 * sizeof(float)),
              0);
    EXPECT_EQ(std::memcmp(&state[0].linearVelocity, &state[1].linearVelocity, sizeof(Vec3f)), 0);
    EXPECT_EQ(std::memcmp(&state[0].angularVelocity, &state[1].angularVelocity, sizeof(Vec3f)), 0);
}

}  // namespace
}  // namespace silt::physics::validation
