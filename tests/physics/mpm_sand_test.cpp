// Granular validation of the MPM sand model: planar column collapse (runout vs aspect
// ratio against Lube et al. 2005 and Lajeunesse et al. 2005) and the angle of repose of a
// poured pile against the friction angle. Built twice: label "physics" (coarse, CI) and, with
// SILT_MPM_SLOW=1, label "slow" (20 cells across, a = 8, the 2/3 exponent check).

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
#define SILT_MPM_SUITE MpmSandSlow
#else
#define SILT_MPM_SUITE MpmSand
#endif

namespace silt::physics::validation {
namespace {

constexpr bool kSlow = SILT_MPM_SLOW != 0;
// CI: the column's smaller side (its width, or its height when a < 1) is 12 cells, the slow
// build 20. Runout is not grid-converged at 12 (8 cells gave 30–40 % shorter runouts), which
// is why the slow build exists.
constexpr int kCellsAcross = kSlow ? 20 : 12;
// Basal Coulomb friction of the floor (≈ 17°): a rough floor, but below the internal
// friction so that the base is not a sticky grid layer (a sticky floor smears a no-slip
// condition over 1.5 cells and halves the runout at this resolution).
constexpr float kFloorFriction = 0.3f;

SandDesc collapseSand() {
    SandDesc d;
    d.hardening = false;
    d.frictionAngleDeg = 30.0f;  // dry quartz sand, Lube et al.'s 30–35°
    return d;
}

// Both builds run at CFL 0.1: at the solver's default 0.3 the runouts at a ≤ 2 are not
// converged in the time step (20 cells, a = 0.5 / 2: 0.57 / 3.67 at 0.3, 0.43 / 3.00 at 0.1,
// 2.99–3.26 at 0.05–0.15 on 12 cells), and the old slow test's pass at a = 0.5 and on the
// exponent rested on that error.
// Band: between the Lube and Lajeunesse laws, widened by ±10 % (slow) and ±30 % (CI). The
// two laws' prefactors differ by 20 % between materials (sand, glass beads; Balmforth &
// Kerswell 2005 find the prefactor material-dependent), and this sand is neither's. CI is
// wider because its grid is coarse (a = 1 is 12 % under Lube there). Slow build, 20 cells
// (a = 0.5: 40), CFL 0.1: 0.70 / 1.54 / 3.00 / 6.27 / 7.89 / 9.39 for a = 0.5 / 1 / 2 / 4 /
// 6 / 8, against the unwidened band in / in / −0.7 % / +8.1 % / +4.0 % / +2.1 %.
// The large-a exponent is fitted over a ≥ 4, above the transition to the power law
// (a ≈ 1.8–2.8, PHYSICS.md): 0.58 over a = 4 / 6 / 8. Over a = 2 / 4 / 8 it would be 0.82,
// because a = 2 sits in the transition. a = 0.5 is not grid-converged: its runout grows by
// about 0.013 per added cell across L0 (0.34 / 0.43 / 0.48 / 0.54 / 0.67 / 0.70 at 12 / 20 /
// 24 / 28 / 36 / 40 cells) as the deposit's one-particle-thick toe lengthens.
// docs/physics.md ("Granular column collapse") has the grid, time-step, floor-friction,
// friction-angle and runout-definition sweeps.
TEST(SILT_MPM_SUITE, ColumnCollapseRunoutFollowsLubeAndLajeunesse) {
    std::vector<double> aspects = {0.5, 1.0, 2.0, 4.0};
    if (kSlow) aspects.insert(aspects.end(), {6.0, 8.0});
    const double tol = kSlow ? 0.1 : 0.3;
    std::vector<double> runouts;
    PlotSeries sim{{}, 0xd62728, true}, lube{{}, 0x1f77b4, false}, laj{{}, 0x2ca02c, false};
    for (double a : aspects) {
        ColumnSetup setup;
        setup.aspect = a;
        // The smaller side of the column gets kCellsAcross cells.
        setup.cellsAcross = static_cast<int>(std::lround(kCellsAcross / std::min(a, 1.0)));
        setup.cfl = 0.1f;
        setup.sand = collapseSand();
        setup.floorFriction = kFloorFriction;
        const ColumnResult r = runColumnCollapse(setup);
        std::printf(
            "column a = %.1f: runout (Linf-L0)/L0 = %.3f (Lube %.3f, Lajeunesse %.3f), "
            "Hinf/L0 = %.3f, settled at t = %.2f s after %lld substeps\n",
            a, r.runout, lubeRunout(a), lajeunesseRunout(a), r.finalHeight, r.settleTime,
            static_cast<long long>(r.substeps));
        const double lo = (1.0 - tol) * std::min(lubeRunout(a), lajeunesseRunout(a));
        const double hi = (1.0 + tol) * std::max(lubeRunout(a), lajeunesseRunout(a));
        EXPECT_GE(r.runout, lo) << "a = " << a;
        EXPECT_LE(r.runout, hi) << "a = " << a;
        if (a <= 1.0) {
            // Small columns keep their undisturbed top: H∞ ≈ H0 (within a cell or two).
            EXPECT_NEAR(r.finalHeight, a, 0.15 + 2.0 / kCellsAcross) << "a = " << a;
        }
        runouts.push_back(r.runout);
        sim.points.emplace_back(a, r.runout);
    }
    for (size_t i = 1; i < runouts.size(); ++i)
        EXPECT_GT(runouts[i], runouts[i - 1]) << "runout must grow with the aspect ratio";
    // Large-a exponent: least squares of log runout on log a over the power-law regime,
    // a ≥ 4 (slow); CI has only a = 2 and 4, so it takes both and checks loosely.
    const double fitFrom = kSlow ? 4.0 : 2.0;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int n = 0;
    for (size_t i = 0; i < aspects.size(); ++i) {
        if (aspects[i] < fitFrom) continue;
        const double x = std::log(aspects[i]), y = std::log(runouts[i]);
        sx += x, sy += y, sxx += x * x, sxy += x * y, ++n;
    }
    const double exponent = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    std::printf("large-a runout exponent (a >= %.0f): %.3f (laws: 2/3)\n", fitFrom, exponent);
    if (kSlow) {
        EXPECT_NEAR(exponent, 2.0 / 3.0, 0.15);
    } else {
        // Two points only at CI size: require clearly sub-linear, super-constant growth.
        EXPECT_GT(exponent, 0.35);
        EXPECT_LT(exponent, 1.0);
    }
    for (double a = 0.25; a <= aspects.back() + 1e-9; a += 0.05) {
        lube.points.emplace_back(a, lubeRunout(a));
        laj.points.emplace_back(a, lajeunesseRunout(a));
    }
    const std::string path = plotDirectory() + (kSlow ? "/mpm_runout_slow.png" : "/mpm_runout.png");
    EXPECT_TRUE(
        writePlot(path, {lube, laj, sim}, 0.0, aspects.back() * 1.05, 0.0, kSlow ? 12.0 : 8.0));
    std::printf("plot: %s (red: MPM, blue: Lube 2005, green: Lajeunesse 2005)\n", path.c_str());
}

// Angle of repose by pouring (PHYSICS.md): sand of fixed friction angle φ (no hardening)
// poured for 6 s from a narrow disc nozzle (3 cm) that is raised with the heap, 3 cm above its apex,
// as a funnel is in the lab (the stream lands softly however tall the heap grows), onto a
// rough floor. The flanks, fitted away from apex and toe, must rise with φ and lie within
// ±5° of φ. CI: 1 cm grid (a heap 7–9 cells high, 20k particles); slow: 6 mm.
// Softer sand (E = 50 kPa) than the default allows longer steps.
// The time step is part of the answer (docs/physics.md, "Angle of repose"): with the nozzle
// held fixed above the final apex, the φ = 45° heap at 1 cm measured 47.5° / 43.1–46.6° /
// 40.2° / 38.5° / 37.4° / 36.1° / 39.4° at CFL 0.4 / 0.3 / 0.25 / 0.2 / 0.15 / 0.1 / 0.05:
// the steep heaps of the old CI set-up came from the time-step error at CFL 0.3, and the
// converged heap was 6–9° under φ (the stream's fall from the fixed nozzle flattens it).
// With the raised nozzle the 45° heap measured 41.0–44.4° at CFL 0.1 and 41.4° at 0.05, so
// both builds run at a converged CFL (0.1 at 1 cm, 0.15 at 6 mm, the same time step within
// 10 %). The pour takes 6 s: over 3 s the 6 mm heap at 45° came out 38.1° (1 cm: 44.4°),
// over 6 s 40.4° (1 cm: 42.8°). Plots: mpm_repose_pour.png (x: φ 20–50°, y: fitted slope 10–55°;
// red: MPM, grey: slope = φ and the ±5° band) and mpm_repose_profiles.png (surface through
// the axis, x −0.3..0.3 m, y 0..0.3 m; blue 25°, green 35°, red 45°).
TEST(SILT_MPM_SUITE, PouredPileSlopeMatchesFrictionAngle) {
    const float phis[3] = {25.0f, 35.0f, 45.0f};
    double slopes[3] = {0, 0, 0};
    PlotSeries sim{{}, 0xd62728, true}, ideal{{{20, 20}, {50, 50}}, 0x888888, false};
    PlotSeries lo{{{20, 15}, {50, 45}}, 0xbbbbbb, false}, hi{{{20, 25}, {50, 55}}, 0xbbbbbb, false};
    std::vector<PlotSeries> profiles;
    const unsigned colours[3] = {0x1f77b4, 0x2ca02c, 0xd62728};
    for (int i = 0; i < 3; ++i) {
        PourSetup setup;
        setup.sand.hardening = false;
        setup.sand.frictionAngleDeg = phis[i];
        setup.sand.density = 1600.0f;
        setup.sand.youngsModulus = 5.0e4f;
        setup.dx = kSlow ? 0.006f : 0.01f;
        setup.cfl = kSlow ? 0.15f : 0.1f;
        setup.followGap = 0.03f;
        setup.pourTime = 6.0f;
        const PourResult r = runPour(setup);
        slopes[i] = r.slopeDeg;
        std::printf(
            "repose by pouring: phi = %.0f deg -> slope %.1f deg (left %.1f, right %.1f), "
            "apex %.3f m, %zu particles, %lld substeps\n",
            phis[i], r.slopeDeg, r.leftDeg, r.rightDeg, r.height, r.particles,
            static_cast<long long>(r.substeps));
        sim.points.emplace_back(phis[i], r.slopeDeg);
        PlotSeries prof{{}, colours[i], false};
        for (const auto& [x, y] : r.profile) prof.points.emplace_back(x, y);
        profiles.push_back(prof);
    }
    EXPECT_LT(slopes[0], slopes[1]);
    EXPECT_LT(slopes[1], slopes[2]);
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(slopes[i], phis[i], 5.0) << "phi = " << phis[i];
    const std::string dir = plotDirectory();
    const std::string suffix = kSlow ? "_slow.png" : ".png";
    EXPECT_TRUE(writePlot(dir + "/mpm_repose_pour" + suffix, {lo, hi, ideal, sim}, 20, 50, 10, 55));
    EXPECT_TRUE(writePlot(dir + "/mpm_repose_profiles" + suffix, profiles, -0.3, 0.3, 0.0, 0.3));
    std::printf("plots: %s/mpm_repose_pour%s, mpm_repose_profiles%s\n", dir.c_str(),
                suffix.c_str(), suffix.c_str());
}

}  // namespace
}  // namespace silt::physics::validation
