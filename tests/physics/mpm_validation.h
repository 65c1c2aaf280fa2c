#pragma once
// Shared set-ups and measurements for the MPM validation tests (planar granular columns,
// water columns) and the reference laws they are checked against.

#include <cmath>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "silt/physics/mpm/MpmSolver.h"

namespace silt::physics::validation {

/// Lube et al. 2005 and Lajeunesse et al. 2005 (planar): normalised runout (L∞ − L0)/L0.
inline double lubeRunout(double a) {
    return a < 1.8 ? 1.2 * a : 1.9 * std::pow(a, 2.0 / 3.0);
}
inline double lajeunesseRunout(double a) {
    return a < 1.8 ? 1.8 * a : 2.3 * std::pow(a, 2.0 / 3.0);
}

/// Martin & Moyce 1952 dam break, (T = t √(2g/a), Z = x/a), from PHYSICS.md.
inline const std::vector<std::pair<double, double>>& martinMoyce() {
    static const std::vector<std::pair<double, double>> kTable = {
        {0.41, 1.11}, {0.84, 1.22}, {1.19, 1.44}, {1.43, 1.67}, {1.63, 1.89},
        {1.83, 2.11}, {1.98, 2.33}, {2.20, 2.56}, {2.32, 2.78}, {2.51, 3.00},
        {2.65, 3.22}, {2.83, 3.44}, {2.98, 3.67}, {3.11, 3.89}, {3.33, 4.11}};
    return kTable;
}
/// y at x on a curve of (x, y) points sorted by x: linear between points, the end values
/// outside them.
double interpolate(const std::vector<std::pair<double, double>>& curve, double x);
/// Z at T by linear interpolation of the table (T inside its range).
double martinMoyceFront(double t);
/// Martin & Moyce 1952, the same column (a = 2¼ in, height 2a): residual height at the wall
/// H = h/(2a) against τ = t √(g/a), up to τ = 2 (Tables 2 and 6 of the paper, as tabulated
/// in TormodLandet/Ocellaris, scripts/plot_dam_break.py; not in PHYSICS.md).
inline const std::vector<std::pair<double, double>>& martinMoyceHeight() {
    static const std::vector<std::pair<double, double>> kTable = {
        {0.56, 0.94}, {0.77, 0.89}, {0.93, 0.83}, {1.08, 0.78}, {1.28, 0.72},
        {1.46, 0.67}, {1.66, 0.61}, {1.84, 0.56}, {2.00, 0.50}};
    return kTable;
}

struct ColumnResult {
    double runout = 0.0;       ///< (L∞ − L0)/L0
    double finalHeight = 0.0;  ///< H∞/L0
    double slopeDeg = 0.0;     ///< mean free-surface slope of the deposit, degrees
    double settleTime = 0.0;   ///< s simulated
    int64_t substeps = 0;
    std::vector<std::pair<float, float>> profile;  ///< (x, surface height) per bin, m
};

struct ColumnSetup {
    double aspect = 1.0;   ///< H0/L0
    float l0 = 0.1f;       ///< m, column width
    int cellsAcross = 10;  ///< grid cells across L0
    SandDesc sand;
    float floorFriction = 2.0f;  ///< rough floor
    double domainLengths = 0.0;  ///< domain length in L0 (0: from the expected runout)
    double maxTime = 0.0;        ///< s (0: from H0)
    float cfl = 0.3f;            ///< MpmSettings::cfl (the runout depends on it above 0.1)
    int threads = 0;
};

/// A planar column (thin slab in z, free-slip side walls) against the wall x = 0, released
/// at rest and run until it stops. Fails the calling test on solver errors.
ColumnResult runColumnCollapse(const ColumnSetup& setup);

struct PourSetup {
    SandDesc sand;               ///< fixed friction angle for the sweep (hardening off)
    float dx = 0.01f;            ///< m, grid spacing (particle spacing dx / 2)
    float halfWidth = 0.3f;      ///< m, half side of the square box around the nozzle axis
    float pileVolume = 2.5e-3f;  ///< m³ poured
    float pourTime = 3.0f;       ///< s
    /// m above the floor (with followGap: the highest the nozzle is raised); 0: 3 cells above
    /// the apex of a cone 10° steeper than φ holding pileVolume.
    float nozzleHeight = 0.0f;
    float nozzleWidth = 0.03f;   ///< m, disc nozzle diameter (a wider one rounds the apex)
    float floorFriction = 1.0f;  ///< Coulomb coefficient of the rough floor
    double settleTime = 1.5;     ///< s, at most, after the pour ends
    float cfl = 0.3f;            ///< MpmSettings::cfl (the heap's slope depends on it: see
                                 ///< docs/physics.md)
    uint64_t seed = 2024;        ///< EmitterDesc::seed (nozzle jitter)
    /// m; > 0: the nozzle is raised with the pile, this far above its apex (a funnel kept
    /// just above the heap: the stream lands softly however high the pile grows).
    float followGap = 0.0f;
    int threads = 0;
};

struct PourResult {
    double slopeDeg = 0.0;   ///< mean of the two flanks' fitted slopes, degrees
    double leftDeg = 0.0;    ///< x < 0 flank
    double rightDeg = 0.0;   ///< x > 0 flank
    double height = 0.0;     ///< m, apex height
    double mass = 0.0;       ///< kg poured
    size_t particles = 0;
    int64_t substeps = 0;
    std::vector<std::pair<float, float>> profile;  ///< (x, surface height) through the axis, m
};

/// Angle of repose by pouring: sand poured slowly from a narrow disc nozzle onto a rough
/// floor forms a conical pile, left to settle. The surface is the top particle of each
/// one-cell column; each flank's slope (x < 0, x > 0) is a least-squares line of height on
/// distance from the axis through the columns between 25 % and 75 % of the apex height (away
/// from apex and toe). Fails the calling test on solver errors.
PourResult runPour(const PourSetup& setup);

/// Writes a simple line plot (axes, ticks, series as polylines or markers) as PNG.
struct PlotSeries {
    std::vector<std::pair<double, double>> points;
    unsigned rgb = 0x000000;
    bool markers = false;
};
bool writePlot(const std::string& path, const std::vector<PlotSeries>& series, double xMin,
               double xMax, double yMin, double yMax);

/// Where validation plots go: $SILT_MPM_PLOT_DIR if set, else <build>/validation.
std::string plotDirectory();

}  // namespace silt::physics::validation
