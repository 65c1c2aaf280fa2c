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

// Martin & Moyce's clock did not start at the instant their column was free: the front
// barely moves between T = 0.41 and 0.84 (Z = 1.11 → 1.22) while a column released at once
// accelerates, and from T ≈ 1.2 on the converged inviscid front runs at the measured speed
// but ΔT ≈ 0.18–0.29 ahead (docs/physics.md: no grounded floor, wall, viscosity, sound-speed
// or surface-tension model removes that lead). Lethe, an open-source CFD code, compares with
// this table after correcting the time origin: its VOF example (chaos-polymtl/lethe,
// examples/multiphysics/dam-break/dam-break-2d.py, "time_correction = 0.175") adds 0.175 to
// its T. That published value is used here as it is, not fitted to this solver.
constexpr double kReleaseLag = 0.175;

struct DamBreakRun {
    std::vector<std::pair<double, double>> front;  ///< (T, Z) once per 4 ms frame
    double maxDrift = 0.0;                         ///< largest |V/V0 − 1|
    long long substeps = 0;
};

// Water column of width a and height 2a released at once against the wall x = 0,
// free-slip floor and walls, thin slab in z; the front Z = x/a against T = t √(2g/a).
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
    if (!solver) return run;
    // Largest flow speed ≈ √(2 g 2a) = 2 m/s; by default the sound speed is 10× that.
    const uint8_t water =
        solver->addMaterial(WaterDesc::forMaxFlowSpeed(2.0f * soundSpeedFactor));
    solver->addBox(water, Vec3f::Zero(), Vec3f(a, 2.0f * a, s.domainMax.z()), ppc);
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
        const double z =
            (waterFront(solver->particles(), dx, s.domainMax.x(), kMinCount) + half) / a;
        run.front.emplace_back(solver->time() * tScale, z);
        run.maxDrift = std::max(run.maxDrift, std::abs(solver->diagnostics().volume / v0 - 1.0));
    }
    run.substeps = static_cast<long long>(solver->stepCount());
    return run;
}

struct FrontError {
    double worst = 0.0;  ///< largest |Z − Z_MM| / Z_MM over T in [0.8, 3.0]
    double at = 0.0;     ///< experiment's T where it occurs
};

/// The simulated front at T is compared with the experiment at T + lag.
FrontError frontError(const std::vector<std::pair<double, double>>& front, double lag) {
    FrontError e;
    for (const auto& [t, z] : front) {
        const double te = t + lag;
        if (te < 0.8 || te > 3.0) continue;
        const double zRef = martinMoyceFront(te);
        const double err = std::abs(z - zRef) / zRef;
        if (err > e.worst) e.worst = err, e.at = te;
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
// two sound speeds. Each run must (measured figures in docs/physics.md):
// - be within 15 % of Martin & Moyce over T in [0.8, 3.0] once the experiment's release lag
//   is allowed for (4.7 / 5.4 / 8.0 / 9.1 % at 12 / 16 / 32 / 64 cells; 5.7 / 7.8 % at
//   16 / 32 cells with twice the sound speed);
// - as released at once, run ahead of the experiment by no more than the 22 % a converged
//   inviscid front does (14.7 / 16.9 / 20.1 / 20.5 %): a check that the surge is not faster;
// - move at the experiment's front speed within 10 %, which does not depend on when the
//   release happened (+5.5 / +3.2 / +1.6 % at 12 / 16 / 32 cells);
// - keep its volume within 1 % (0.18 % at 16 cells).
TEST(SILT_MPM_SUITE, DamBreakFrontFollowsMartinMoyce) {
    struct Case {
        int cells;
        float soundSpeedFactor;
    };
    const std::vector<Case> cases = kSlow
        ? std::vector<Case>{{16, 1.0f}, {32, 1.0f}, {64, 1.0f}, {32, 2.0f}}
        : std::vector<Case>{{12, 1.0f}, {16, 1.0f}, {32, 1.0f}, {16, 2.0f}};
    const double refSpeed = frontSpeed(martinMoyce());
    std::vector<std::pair<double, double>> finest;
    int finestCells = 0;
    for (const Case& c : cases) {
        const DamBreakRun run = runDamBreak(c.cells, c.soundSpeedFactor);
        ASSERT_FALSE(run.front.empty());
        const FrontError lagged = frontError(run.front, kReleaseLag);
        const FrontError instant = frontError(run.front, 0.0);
        const double speed = frontSpeed(run.front);
        std::printf(
            "dam break, %d cells per a, sound speed x%.0f: worst front error %.1f %% at T = "
            "%.2f with the release lag %.3f (%.1f %% at T = %.2f without); front speed %.3f "
            "(Martin & Moyce %.3f, %+.1f %%); volume drift %.2f %%; %lld substeps\n",
            c.cells, c.soundSpeedFactor, 100.0 * lagged.worst, lagged.at, kReleaseLag,
            100.0 * instant.worst, instant.at, speed, refSpeed,
            100.0 * (speed / refSpeed - 1.0), 100.0 * run.maxDrift, run.substeps);
        const std::string which = std::to_string(c.cells) + " cells, sound speed x" +
                                  std::to_string(static_cast<int>(c.soundSpeedFactor));
        EXPECT_LT(lagged.worst, 0.15) << which;
        EXPECT_LT(instant.worst, 0.22) << which;
        EXPECT_NEAR(speed / refSpeed, 1.0, 0.10) << which;
        EXPECT_LT(run.maxDrift, 0.01) << which;
        if (c.soundSpeedFactor == 1.0f && c.cells > finestCells)
            finest = run.front, finestCells = c.cells;
    }
    PlotSeries instant{finest, 0xd62728, false}, lagged{{}, 0xff7f0e, false},
        ref{{}, 0x1f77b4, true};
    for (const auto& [t, z] : finest) lagged.points.emplace_back(t + kReleaseLag, z);
    for (const auto& [t, z] : martinMoyce()) ref.points.emplace_back(t, z);
    const std::string path =
        plotDirectory() + (kSlow ? "/mpm_dam_break_slow.png" : "/mpm_dam_break.png");
    EXPECT_TRUE(writePlot(path, {instant, lagged, ref}, 0.0, 3.5, 0.0, 4.5));
    std::printf(
        "plot: %s (%d cells per a; red: MPM front Z(T) released at once, orange: the same "
        "at T + %.3f, blue: Martin & Moyce 1952)\n",
        path.c_str(), finestCells, kReleaseLag);
}

// Water at rest in a tank settles to p = ρ g depth. Pressure is averaged over the
// particles of a layer one cell thick and over the last 0.2 s (acoustic ringing of a weakly
// compressible fluid decays slowly). Measured: +0.4…+1.0 % at 16 cells over the depth,
// +2.4…+2.8 % at 32 (not understood yet), so the bands are 5 % (CI) and 3 % (slow).
TEST(SILT_MPM_SUITE, HydrostaticPressureInATank) {
    const float depth = 0.2f;
    const int cells = kSlow ? 32 : 16;
    const float dx = depth / static_cast<float>(cells);
    MpmSettings s;
    s.dx = dx;
    s.domainMax = Vec3f(0.15f, depth + 4.0f * dx, 2.0f * dx);
    s.floorFriction = 0.0f;
    s.wallFriction = 0.0f;
    auto solver = makeSolver(s);
    WaterDesc wd = WaterDesc::forMaxFlowSpeed(2.0f);
    const uint8_t water = solver->addMaterial(wd);
    solver->addBox(water, Vec3f::Zero(), Vec3f(s.domainMax.x(), depth, s.domainMax.z()), 2);
    const double settle = 0.8, average = 0.2;
    const float frame = 0.01f;
    const float probes[3] = {0.25f, 0.5f, 0.8f};  // fraction of the depth
    double sum[3] = {0, 0, 0};
    int count[3] = {0, 0, 0};
    while (solver->time() < settle + average) {
        const Status st = solver->advance(frame);
        ASSERT_TRUE(st.ok()) << st.error().message;
        if (solver->time() < settle) continue;
        const MpmParticles& p = solver->particles();
        for (size_t i = 0; i < p.size(); ++i)
            for (int k = 0; k < 3; ++k)
                if (std::abs((depth - p.position[i].y()) - probes[k] * depth) < 0.5f * dx) {
                    sum[k] += solver->pressure(i);
                    ++count[k];
                }
    }
    const float tol = kSlow ? 0.03f : 0.05f;
    for (int k = 0; k < 3; ++k) {
        ASSERT_GT(count[k], 0);
        const double p = sum[k] / count[k];
        const double ref = wd.density * kG * probes[k] * depth;
        std::printf("hydrostatics: depth %.3f m: p = %.1f Pa, rho g d = %.1f Pa (%+.2f %%)\n",
                    probes[k] * depth, p, ref, 100.0 * (p - ref) / ref);
        EXPECT_NEAR(p, ref, tol * ref) << "depth " << probes[k] * depth;
    }
    const MpmDiagnostics d = solver->diagnostics();
    std::printf("hydrostatics: max speed after %.1f s: %.4f m/s\n", solver->time(), d.maxSpeed);
    // Residual acoustic sloshing: under 10 % of the free-fall speed scale √(g depth) = 1.4 m/s.
    EXPECT_LT(d.maxSpeed, 0.1f);
}

}  // namespace
}  // namespace silt::physics::validation
