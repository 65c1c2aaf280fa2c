// Water validation of the weakly compressible MPM model: the dam break against Martin &
// Moyce 1952 and hydrostatic pressure in a tank. Built twice: label "physics" (coarse) and,
// with SILT_MPM_SLOW=1, label "slow" (finer grid, tighter bands).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "mpm_validation.h"

#ifndef SILT_MPM_SLOW
#define SILT_MPM_SLOW 0
#endif

// Distinct suite names for the two builds: ctest keys test properties (labels) by name.
#if SILT_MPM_SLOW
#define SILT_MPM_SUITE MpmWaterSlow
#else
#define SILT_MPM_SUITE MpmWater
#endif

namespace silt::physics::validation {
namespace {

constexpr bool kSlow = SILT_MPM_SLOW != 0;
constexpr float kG = 9.81f;

std::unique_ptr<MpmSolver> makeSolver(const MpmSettings& s) {
    auto r = MpmSolver::create(s);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return std::move(r).value();
}

/// A tank 0.75 H wide (free-slip floor and walls, 2 cells thick in z) filled to depth H
/// with 2³ particles per cell at p = 0; its water particles are 0..count−1.
struct WaterTank {
    std::unique_ptr<MpmSolver> solver;
    size_t count = 0;
};
WaterTank fillTank(float depth, float dx, const WaterDesc& water) {
    MpmSettings s;
    s.dx = dx;
    s.domainMax = Vec3f(0.75f * depth, depth + 4.0f * dx, 2.0f * dx);
    s.floorFriction = 0.0f;
    s.wallFriction = 0.0f;
    WaterTank tank{makeSolver(s), 0};
    const uint8_t material = tank.solver->addMaterial(water);
    tank.count = tank.solver->addBox(material, Vec3f::Zero(),
                                     Vec3f(s.domainMax.x(), depth, s.domainMax.z()), 2);
    return tank;
}

struct LayerMean {
    double pressure = 0.0;  ///< Pa
    double height = 0.0;    ///< m
};
/// Mean pressure and height of particles 0..count−1 within half a cell of height `level`
/// (fails the test if the layer is empty).
LayerMean layerAt(const MpmSolver& solver, size_t count, float level, float dx) {
    const MpmParticles& p = solver.particles();
    LayerMean mean;
    int n = 0;
    for (size_t i = 0; i < count; ++i)
        if (std::abs(p.position[i].y() - level) < 0.5f * dx) {
            mean.pressure += solver.pressure(i);
            mean.height += p.position[i].y();
            ++n;
        }
    EXPECT_GT(n, 0) << "no particle near " << level << " m";
    if (n > 0) mean.pressure /= n, mean.height /= n;
    return mean;
}

/// Front: end of the run of one-cell bins from the wall x = 0 that hold at least
/// minCount particles (a film one particle thick holds ppc × particles across z).
float waterFront(const MpmParticles& p, float dx, float length, int minCount) {
    const int bins = static_cast<int>(std::ceil(length / dx));
    std::vector<float> far(static_cast<size_t>(bins), -1.0f);
    std::vector<int> count(static_cast<size_t>(bins), 0);
    for (size_t i = 0; i < p.size(); ++i) {
        const int b = std::clamp(static_cast<int>(p.position[i].x() / dx), 0, bins - 1);
        far[static_cast<size_t>(b)] = std::max(far[static_cast<size_t>(b)], p.position[i].x());
        ++count[static_cast<size_t>(b)];
    }
    float front = 0.0f;
    for (int b = 0; b < bins && count[static_cast<size_t>(b)] >= minCount; ++b)
        front = far[static_cast<size_t>(b)];
    return front;
}

struct DamBreakRun {
    std::vector<std::pair<double, double>> front;   ///< (T, Z) once per 4 ms frame
    std::vector<std::pair<double, double>> height;  ///< (τ, H) once per 4 ms frame
    double maxDrift = 0.0;                          ///< largest |V/V0 − 1|
    long long substeps = 0;
};

// Water column of width a and height 2a released at once against the wall x = 0,
// free-slip floor and walls, thin slab in z. Recorded: the front Z = x/a against
// T = t √(2g/a), and the highest point of the water (the column at the wall) H = h/(2a)
// against τ = t √(g/a), Martin & Moyce's two measurements.
DamBreakRun runDamBreak(int cells, float soundSpeedFactor) {
    const float a = 0.1f;
    const float dx = a / static_cast<float>(cells);
    const int ppc = 2;
    MpmSettings s;
    s.dx = dx;
    s.domainMax = Vec3f(4.6f * a, 2.0f * a + 4.0f * dx, 2.0f * dx);
    s.floorFriction = 0.0f;
    s.wallFriction = 0.0f;
    DamBreakRun run;
    auto solver = makeSolver(s);
    // Largest flow speed ≈ √(2 g 2a) = 2 m/s; by default the sound speed is 10× that.
    const uint8_t water = solver->addMaterial(WaterDesc::forMaxFlowSpeed(2.0f * soundSpeedFactor));
    const size_t n = solver->addBox(water, Vec3f::Zero(), Vec3f(a, 2.0f * a, s.domainMax.z()), ppc);
    // Held by the diaphragm until released, the column is at hydrostatic pressure. Filled at
    // p = 0 it would first compress and ring; that start put the column height 0.7–4.3 points
    // further from the experiment (docs/physics.md).
    const Status held = solver->setHydrostatic(0, n, Vec3f(0.0f, 2.0f * a, 0.0f));
    EXPECT_TRUE(held.ok()) << held.error().message;
    const double v0 = solver->diagnostics().volume;
    const double tScale = std::sqrt(2.0 * kG / a);  // T = t · tScale
    const float half = 0.5f * dx / static_cast<float>(ppc);
    // Any particle counts: requiring a one-particle film (8 per bin) gives the same front,
    // so the front is the body of the surge, not stray particles.
    constexpr int kMinCount = 1;
    while (solver->time() * tScale < 3.0) {
        const Status st = solver->advance(0.004f);
        EXPECT_TRUE(st.ok()) << st.error().message;
        if (!st.ok()) break;
        const MpmParticles& p = solver->particles();
        const double t = solver->time() * tScale;
        run.front.emplace_back(t, (waterFront(p, dx, s.domainMax.x(), kMinCount) + half) / a);
        float top = 0.0f;
        for (size_t i = 0; i < p.size(); ++i) top = std::max(top, p.position[i].y());
        run.height.emplace_back(t / std::sqrt(2.0), (top + half) / (2.0 * a));
        run.maxDrift = std::max(run.maxDrift, std::abs(solver->diagnostics().volume / v0 - 1.0));
    }
    run.substeps = static_cast<long long>(solver->stepCount());
    return run;
}

struct CurveError {
    double worst = 0.0;  ///< largest |sim / experiment − 1| over the compared range
    double at = 0.0;     ///< where it occurs (the experiment's time)
};

/// The simulated front at T is compared with the experiment at T + lag, T + lag in [0.8, 3].
CurveError frontError(const std::vector<std::pair<double, double>>& front, double lag) {
    CurveError e;
    for (const auto& [t, z] : front) {
        const double te = t + lag;
        if (te < 0.8 || te > 3.0) continue;
        const double err = std::abs(z / martinMoyceFront(te) - 1.0);
        if (err > e.worst) e.worst = err, e.at = te;
    }
    return e;
}

/// Mean of |Z_sim / Z − 1| over the table's points with T in [0.8, 3], the simulated front
/// interpolated at each tabulated T (the figure the interFoam comparison in docs quotes).
double frontMeanError(const std::vector<std::pair<double, double>>& front) {
    double sum = 0.0;
    int n = 0;
    for (const auto& [t, z] : martinMoyce()) {
        if (t < 0.8 || t > 3.0) continue;
        sum += std::abs(interpolate(front, t) / z - 1.0);
        ++n;
    }
    return sum / n;
}

/// The simulated column height, interpolated at each tabulated τ − lag, against the table
/// (before the first frame the column stands at its initial height, H = 1).
CurveError heightError(const std::vector<std::pair<double, double>>& height, double lag) {
    CurveError e;
    for (const auto& [tau, hRef] : martinMoyceHeight()) {
        const double h = tau - lag > 0.0 ? interpolate(height, tau - lag) : 1.0;
        const double err = std::abs(h / hRef - 1.0);
        if (err > e.worst) e.worst = err, e.at = tau;
    }
    return e;
}

/// Front speed dZ/dT, least squares over T in [1.5, 3.0].
double frontSpeed(const std::vector<std::pair<double, double>>& pts) {
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& [t, z] : pts) {
        if (t < 1.5 || t > 3.0) continue;
        n += 1, sx += t, sy += z, sxx += t * t, sxy += t * z;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

// A sweep over grids (12 / 16 / 32 cells per a in CI, 16 / 32 / 64 in the slow build) and
// two sound speeds, against both of Martin & Moyce's measurements (figures in
// docs/physics.md):
// - The column starts at hydrostatic pressure, as it stood behind the diaphragm.
// - The residual column height converges onto the experiment with no correction of any
//   kind: worst 8.3 / 6.2 / 2.7 / 1.5 % at 12 / 16 / 32 / 64 cells over τ in [0.56, 2]
//   (with twice the sound speed 11.8 / 5.3 % at 16 / 32 cells: stiffer water stands a
//   little higher). Bands 13 % (under 32 cells), 6 % (32) and 3 % (64); the error must
//   shrink as the grid is refined.
// - The front runs ahead of the experiment: worst 15.3 / 17.6 / 20.8 / 21.2 % over T in
//   [0.8, 3], so the band is 22 %, not the 15 % of issue #3. It is not a late release in
//   the experiment: the time lag that would put the front within 15 % (ΔT = 0.175, the
//   correction Lethe applies to this table) makes the column height 9.6 % off at 32 cells
//   instead of 2.7 %. From T = 1.5 on the front moves at the measured speed (+5.5 / +3.2 /
//   +1.7 / +3.1 %), checked within 10 %. Mean front error over the table's points in
//   [0.8, 3]: 12.9 / 13.9 / 14.7 / 15.0 %, band 16 %.
// - Volume drift under 1 % (0.23 % at 10× the flow speed, 0.06 % at 20×; most of it is
//   the hydrostatic compression ρ g a / K springing back as the column spreads).
TEST(SILT_MPM_SUITE, DamBreakFollowsMartinMoyce) {
    struct Case {
        int cells;
        float soundSpeedFactor;
    };
    const std::vector<Case> cases =
        kSlow ? std::vector<Case>{{16, 1.0f}, {32, 1.0f}, {64, 1.0f}, {32, 2.0f}}
              : std::vector<Case>{{12, 1.0f}, {16, 1.0f}, {32, 1.0f}, {16, 2.0f}};
    const double refSpeed = frontSpeed(martinMoyce());
    // The time-origin correction Lethe applies to this table (chaos-polymtl/lethe,
    // examples/multiphysics/dam-break/dam-break-2d.py, "time_correction = 0.175"): printed
    // for both curves; the height's shows that the experiment's column did not start late.
    constexpr double kLethesLag = 0.175;
    DamBreakRun finest;
    int finestCells = 0;
    double coarserHeightError = 1.0;
    for (const Case& c : cases) {
        const DamBreakRun run = runDamBreak(c.cells, c.soundSpeedFactor);
        ASSERT_FALSE(run.front.empty());
        const CurveError front = frontError(run.front, 0.0);
        const CurveError height = heightError(run.height, 0.0);
        const CurveError frontLagged = frontError(run.front, kLethesLag);
        const CurveError heightLagged = heightError(run.height, kLethesLag / std::sqrt(2.0));
        const double speed = frontSpeed(run.front);
        const double frontMean = frontMeanError(run.front);
        std::printf(
            "dam break, %d cells per a, sound speed x%.0f: column height worst %.1f %% at "
            "tau = %.2f; front worst %.1f %% at T = %.2f, mean %.1f %%; front speed %.3f "
            "(Martin & Moyce %.3f, %+.1f %%); volume drift %.2f %%; %lld substeps. Started "
            "%.3f late: front %.1f %%, height %.1f %%\n",
            c.cells, c.soundSpeedFactor, 100.0 * height.worst, height.at, 100.0 * front.worst,
            front.at, 100.0 * frontMean, speed, refSpeed, 100.0 * (speed / refSpeed - 1.0),
            100.0 * run.maxDrift, run.substeps, kLethesLag, 100.0 * frontLagged.worst,
            100.0 * heightLagged.worst);
        const std::string which = std::to_string(c.cells) + " cells, sound speed x" +
                                  std::to_string(static_cast<int>(c.soundSpeedFactor));
        const double heightBand = c.cells >= 64 ? 0.03 : c.cells >= 32 ? 0.06 : 0.13;
        EXPECT_LT(height.worst, heightBand) << which;
        EXPECT_LT(front.worst, 0.22) << which;
        EXPECT_LT(frontMean, 0.16) << which;
        EXPECT_NEAR(speed / refSpeed, 1.0, 0.10) << which;
        EXPECT_LT(run.maxDrift, 0.01) << which;
        // The experiment's column did not start late: shifted by Lethe's lag, the column
        // height fits worse (9.6 instead of 2.7 % at 32 cells).
        EXPECT_GT(heightLagged.worst, height.worst) << which;
        if (c.soundSpeedFactor == 1.0f) {
            EXPECT_LT(height.worst, coarserHeightError) << which << ": no closer than coarser";
            coarserHeightError = height.worst;
            if (c.cells > finestCells) finest = run, finestCells = c.cells;
        }
    }
    PlotSeries front{finest.front, 0xd62728, false}, frontRef{{}, 0x1f77b4, true};
    for (const auto& [t, z] : martinMoyce()) frontRef.points.emplace_back(t, z);
    // Height on the same T axis as the front: τ √2 = T, and 2H in [0, 2] fits Z's axis.
    PlotSeries height{{}, 0xff7f0e, false}, heightRef{{}, 0x2ca02c, true};
    for (const auto& [tau, h] : finest.height)
        height.points.emplace_back(tau * std::sqrt(2.0), 2.0 * h);
    for (const auto& [tau, h] : martinMoyceHeight())
        heightRef.points.emplace_back(tau * std::sqrt(2.0), 2.0 * h);
    const std::string path =
        plotDirectory() + (kSlow ? "/mpm_dam_break_slow.png" : "/mpm_dam_break.png");
    EXPECT_TRUE(writePlot(path, {front, frontRef, height, heightRef}, 0.0, 3.5, 0.0, 4.5));
    std::printf(
        "plot: %s (%d cells per a, x: T = t sqrt(2g/a) from 0 to 3.5, y: 0 to 4.5; red: MPM "
        "front Z, blue: Martin & Moyce's front; orange: MPM column height 2H = h/a, green: "
        "Martin & Moyce's)\n",
        path.c_str(), finestCells);
}

// Water at rest in a tank (free-slip floor and walls, thin slab in z) settles to
// p = ρ g z, z the depth below the settled free surface. Swept over two tank depths and two
// sound speeds, at 16 cells over the depth (CI) and 32 (slow). See docs/physics.md.
//
// Loading: gravity is ramped smoothly, (1 − cos)/2, over 10 periods P = 4 H / c of the
// column's quarter-wave acoustic mode. Released at rest under full gravity, the inviscid
// column rings in that mode with the pressure swinging between 0 and 2 ρ g z and almost no
// decay (mid-depth 0.12…1.90 ρ g z after 0.8 s at 16 cells, 0.22…1.79 at 32, c = 20 m/s);
// averaged over 0.2 s at one sample per 10 ms frame (4 per period) that gave +0.4…+1.0 % at
// 16 cells and +2.4…+2.8 % at 32: aliasing (one more frame in the window moved the 16-cell
// figures by up to 4 %), not a solver bias. Ramped, the residual speed is 0.4–3.4 % of
// g H / c, and sampling every 1 or 10 ms agrees within 0.25 %.
// Measurement: z = s − ȳ, with s the settled surface (mean height of the top particle layer
// plus half a particle spacing) and ȳ the mean height of the probed particles. The initial
// surface is off by the column's compression ρ g H² / (2K) (0.5 mm at c = 20 m/s: 1 % of
// z = 0.05 m), and a fixed one-cell window holds two or three particle layers, so its
// particles' depth is not the nominal one (up to 1.9 % at 16 cells). ρ is the rest density,
// which under-estimates ∫ ρ g dz by p / (2K) ≤ 0.25 % here.
// Measured (depths 25 / 50 / 80 %, time-averaged over 5 P after 5 P of rest):
//   H = 0.2 m, c = 20 m/s: 16 cells +0.14 / +0.18 / +0.73 %, 32 cells +0.39 / +0.33 / −0.45 %
//   H = 0.2 m, c = 40 m/s: 16 cells −0.22 / +0.08 / +0.39 %, 32 cells −0.35 / +0.09 / +0.04 %
//   H = 0.1 m, c = 20 m/s: 16 cells +0.08 / +0.11 / +0.46 %, 32 cells +0.01 / +0.11 / +0.10 %
// so the band is the 2 % asked for at both grids. A 4-cell-thick slab changes these by
// under 0.6 %.
TEST(SILT_MPM_SUITE, HydrostaticPressureInATank) {
    const int cells = kSlow ? 32 : 16;
    struct Tank {
        float depth;         ///< m, H
        float maxFlowSpeed;  ///< m/s, sets the sound speed c = 10× this
    };
    const Tank tanks[] = {{0.2f, 2.0f}, {0.2f, 4.0f}, {0.1f, 2.0f}};
    for (const Tank& tank : tanks) {
        const float depth = tank.depth;
        const float dx = depth / static_cast<float>(cells);
        const WaterDesc wd = WaterDesc::forMaxFlowSpeed(tank.maxFlowSpeed);
        WaterTank filled = fillTank(depth, dx, wd);
        MpmSolver* solver = filled.solver.get();
        const size_t n = filled.count;
        const float h = dx / 2.0f;  // particle spacing
        const size_t perLayer = n / static_cast<size_t>(std::lround(depth / h));
        const double period = 4.0 * depth / wd.soundSpeed();
        const double ramp = 10.0 * period, settle = ramp + 5.0 * period, average = 5.0 * period;
        const float frame = static_cast<float>(period / 10.0);
        const float probes[3] = {0.25f, 0.5f, 0.8f};  // fraction of the depth
        double sumP[3] = {0, 0, 0}, sumRef[3] = {0, 0, 0}, surface = 0.0;
        int frames = 0;
        std::vector<float> heights(n);
        // p / ρ g z at the three depths (red, blue, green) and g(t) / g (black) against t / P.
        std::vector<PlotSeries> trace = {{{}, 0xd62728, false},
                                         {{}, 0x1f77b4, false},
                                         {{}, 0x2ca02c, false},
                                         {{}, 0x000000, false}};
        std::printf("hydrostatics: H = %.2f m, c = %.0f m/s, %d cells:\n", depth, wd.soundSpeed(),
                    cells);
        while (solver->time() < settle + average - 0.5 * frame) {
            const double r = std::min(1.0, solver->time() / ramp);
            solver->setGravity(Vec3f(
                0.0f,
                static_cast<float>(-kG * 0.5 * (1.0 - std::cos(static_cast<double>(kPi) * r))),
                0.0f));
            const Status st = solver->advance(frame);
            ASSERT_TRUE(st.ok()) << st.error().message;
            const bool measure = solver->time() >= settle;
            const MpmParticles& p = solver->particles();
            for (size_t i = 0; i < n; ++i) heights[i] = p.position[i].y();
            std::nth_element(heights.begin(),
                             heights.begin() + static_cast<std::ptrdiff_t>(perLayer), heights.end(),
                             [](float a, float b) { return a > b; });
            double top = 0.0;
            for (size_t i = 0; i < perLayer; ++i) top += heights[i];
            const double surf = top / static_cast<double>(perLayer) + 0.5 * h;
            if (measure) surface += surf, ++frames;
            for (int k = 0; k < 3; ++k) {
                const LayerMean layer = layerAt(*solver, n, depth - probes[k] * depth, dx);
                const double ref = wd.density * kG * (surf - layer.height);
                trace[k].points.emplace_back(solver->time() / period, layer.pressure / ref);
                if (measure) sumP[k] += layer.pressure, sumRef[k] += ref;
            }
            trace[3].points.emplace_back(solver->time() / period,
                                         -solver->settings().gravity.y() / kG);
        }
        std::printf("  settled surface %.5f m (%+.3f cells from the initial one)\n",
                    surface / frames, (surface / frames - depth) / dx);
        for (int k = 0; k < 3; ++k) {
            const double p = sumP[k] / frames, ref = sumRef[k] / frames;
            const double nominal = wd.density * kG * probes[k] * depth;
            std::printf(
                "  depth %.3f m: p = %.1f Pa, rho g z = %.1f Pa (%+.2f %%; against the initial "
                "surface and nominal depth %+.2f %%)\n",
                probes[k] * depth, p, ref, 100.0 * (p - ref) / ref,
                100.0 * (p - nominal) / nominal);
            EXPECT_NEAR(p, ref, 0.02 * ref) << "H " << depth << " m, c " << wd.soundSpeed()
                                            << " m/s, depth " << probes[k] * depth;
        }
        // Settled: the residual speed is under 10 % of g H / c, the velocity amplitude of
        // the column's ringing when it is released under full gravity (which reaches ~50 %).
        const float maxSpeed = solver->diagnostics().maxSpeed;
        const float ringing = kG * depth / wd.soundSpeed();
        std::printf("  max speed after %.2f s: %.4f m/s (%.1f %% of g H / c)\n", solver->time(),
                    maxSpeed, 100.0f * maxSpeed / ringing);
        EXPECT_LT(maxSpeed, 0.1f * ringing) << "H " << depth << " m, c " << wd.soundSpeed();
        if (&tank == &tanks[0]) {
            const std::string path =
                plotDirectory() + (kSlow ? "/mpm_hydrostatics_slow.png" : "/mpm_hydrostatics.png");
            EXPECT_TRUE(writePlot(path, trace, 0.0, (settle + average) / period, 0.0, 1.5));
            std::printf(
                "plot: %s (p / rho g z at 25 / 50 / 80 %% depth: red / blue / green; "
                "g(t) / g: black; x: t / P)\n",
                path.c_str());
        }
    }
}

// A tank filled with MpmSolver::setHydrostatic (and relax) starts in equilibrium under full
// gravity: the pressure stays near ρ g z from the first substep and the water stays still.
// The same tank filled at p = 0 rings (the case HydrostaticPressureInATank avoids with its
// gravity ramp), so the comparison shows what the calls are for. Each start runs 10 acoustic
// periods P = 4 H / c, sampled 10 times per period, at 25 / 50 / 80 % of the depth below the
// filled surface; the figure is the worst |p / ρ g z − 1| over all samples and depths.
// The relaxation count is fixed (kDefaultRelaxSubsteps), not scaled with the depth in
// cells, so the slow build sweeps the grid up to 64 cells over the depth.
TEST(SILT_MPM_SUITE, HydrostaticStartHoldsStill) {
    const float depth = 0.2f;
    const WaterDesc wd = WaterDesc::forMaxFlowSpeed(2.0f);
    const double period = 4.0 * depth / wd.soundSpeed();
    // relaxSubsteps < 0: filled at p = 0 (no setHydrostatic).
    auto worstError = [&](float dx, int relaxSubsteps) {
        WaterTank filled = fillTank(depth, dx, wd);
        MpmSolver* solver = filled.solver.get();
        const size_t n = filled.count;
        if (relaxSubsteps >= 0) {
            const Status set = solver->setHydrostatic(0, n, Vec3f(0.0f, depth, 0.0f));
            EXPECT_TRUE(set.ok()) << set.error().message;
            const Status relaxed = solver->relax(relaxSubsteps);
            EXPECT_TRUE(relaxed.ok()) << relaxed.error().message;
            EXPECT_EQ(solver->time(), 0.0);
            EXPECT_EQ(solver->stepCount(), 0);
        }
        double worst = 0.0;
        while (solver->time() < 10.0 * period) {
            const Status st = solver->advance(static_cast<float>(period / 10.0));
            EXPECT_TRUE(st.ok()) << st.error().message;
            if (!st.ok()) return worst;
            for (const float fraction : {0.25f, 0.5f, 0.8f}) {
                const LayerMean layer = layerAt(*solver, n, depth - fraction * depth, dx);
                const double ref = wd.density * kG * (depth - layer.height);
                worst = std::max(worst, std::abs(layer.pressure / ref - 1.0));
            }
        }
        return worst;
    };
    for (const int cells : kSlow ? std::vector<int>{32, 64} : std::vector<int>{16}) {
        const float dx = depth / static_cast<float>(cells);
        const double released = worstError(dx, -1), filled = worstError(dx, 0);
        const double relaxed = worstError(dx, kDefaultRelaxSubsteps);
        std::printf(
            "hydrostatic start (H = %.2f m, c = %.0f m/s, %d cells, 10 periods), worst |p / rho "
            "g z - 1|: released at p = 0 %.1f %%, setHydrostatic %.1f %%, then relax(%d) "
            "%.1f %%\n",
            depth, wd.soundSpeed(), cells, 100.0 * released, 100.0 * filled, kDefaultRelaxSubsteps,
            100.0 * relaxed);
        EXPECT_GT(released, 0.5) << cells << " cells: the p = 0 start is expected to ring";
        EXPECT_LT(filled, 0.25 * released) << cells << " cells";
        EXPECT_LT(relaxed, 0.05) << cells << " cells";
        EXPECT_LT(relaxed, 0.5 * filled) << cells << " cells";
    }
}

}  // namespace
}  // namespace silt::physics::validation
