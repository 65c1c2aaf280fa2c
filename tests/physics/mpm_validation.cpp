#include "mpm_validation.h"

#include <gtest/gtest.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace silt::physics::validation {

double interpolate(const std::vector<std::pair<double, double>>& curve, double x) {
    if (x <= curve.front().first) return curve.front().second;
    for (size_t i = 1; i < curve.size(); ++i) {
        if (x <= curve[i].first) {
            const auto& [x0, y0] = curve[i - 1];
            const auto& [x1, y1] = curve[i];
            return y0 + (x - x0) / (x1 - x0) * (y1 - y0);
        }
    }
    return curve.back().second;
}

double martinMoyceFront(double t) {
    return interpolate(martinMoyce(), t);
}

ColumnResult runColumnCollapse(const ColumnSetup& c) {
    ColumnResult out;
    const float dx = c.l0 / static_cast<float>(c.cellsAcross);
    const double h0 = c.aspect * c.l0;
    const double expected = 1.3 * lajeunesseRunout(c.aspect) + 1.0;  // generous upper bound
    MpmSettings s;
    s.dx = dx;
    s.domainMin = Vec3f::Zero();
    const double lengths = c.domainLengths > 0.0 ? c.domainLengths : expected + 0.5;
    s.domainMax =
        Vec3f(static_cast<float>(lengths * c.l0), static_cast<float>(h0) + 2.0f * dx, 2.0f * dx);
    s.floorFriction = c.floorFriction;
    s.wallFriction = 0.0f;
    s.threads = c.threads;
    s.cfl = c.cfl;
    auto created = MpmSolver::create(s);
    EXPECT_TRUE(created.ok());
    if (!created.ok()) return out;
    MpmSolver& solver = **created;
    const uint8_t sand = solver.addMaterial(c.sand);
    const int ppc = 2;
    solver.addBox(sand, Vec3f::Zero(), Vec3f(c.l0, static_cast<float>(h0), s.domainMax.z()), ppc);
    const double massTotal = solver.diagnostics().mass;
    const double potential = massTotal * 9.81 * h0;
    const double tMax = c.maxTime > 0.0 ? c.maxTime : 1.5 + 6.0 * std::sqrt(h0 / 9.81);
    const float frame = 1.0f / 50.0f;
    int quietFrames = 0;
    while (solver.time() < tMax) {
        const Status st = solver.advance(frame);
        EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
        if (!st.ok()) return out;
        const MpmDiagnostics d = solver.diagnostics();
        quietFrames =
            d.kineticEnergy < 1.0e-5 * potential && d.maxSpeed < 0.01f ? quietFrames + 1 : 0;
        if (solver.time() > 0.3 && quietFrames >= 5) break;
    }
    out.settleTime = solver.time();
    out.substeps = solver.stepCount();

    // Deposit: bins of one cell in x; the front is the end of the run of bins, from the
    // wall, that hold at least half a particle layer (isolated grains do not count).
    const MpmParticles& p = solver.particles();
    const int bins = static_cast<int>(std::ceil(s.domainMax.x() / dx));
    std::vector<int> count(static_cast<size_t>(bins), 0);
    std::vector<float> top(static_cast<size_t>(bins), 0.0f), far(static_cast<size_t>(bins), 0.0f);
    for (size_t i = 0; i < p.size(); ++i) {
        const int b = std::clamp(static_cast<int>(p.position[i].x() / dx), 0, bins - 1);
        ++count[static_cast<size_t>(b)];
        top[static_cast<size_t>(b)] = std::max(top[static_cast<size_t>(b)], p.position[i].y());
        far[static_cast<size_t>(b)] = std::max(far[static_cast<size_t>(b)], p.position[i].x());
    }
    const int layer = ppc * ppc * 2;  // particles in one layer of a bin (x × z)
    float front = 0.0f;
    float hMax = 0.0f;
    for (int b = 0; b < bins && count[static_cast<size_t>(b)] * 2 >= layer; ++b) {
        front = far[static_cast<size_t>(b)];
        hMax = std::max(hMax, top[static_cast<size_t>(b)]);
        out.profile.emplace_back((static_cast<float>(b) + 0.5f) * dx, top[static_cast<size_t>(b)]);
    }
    // Particle centres sit half a spacing inside the material.
    const float half = 0.5f * dx / static_cast<float>(ppc);
    out.runout = (front + half - c.l0) / c.l0;
    out.finalHeight = (hMax + half) / c.l0;
    // Slope: median of the local surface slopes (over 4 bins) where the surface is between
    // 10 % and 90 % of the peak height and actually inclined (> 3°): flat plateaus left by
    // columns that barely fail do not dilute it.
    std::vector<double> local;
    const auto& pr = out.profile;
    for (size_t i = 2; i + 2 < pr.size(); ++i) {
        const float y = pr[i].second;
        if (y < 0.1f * hMax || y > 0.9f * hMax) continue;
        const double dydx =
            (pr[i + 2].second - pr[i - 2].second) / (pr[i + 2].first - pr[i - 2].first);
        const double deg = std::atan(-dydx) * 180.0 / 3.14159265358979;
        if (deg > 3.0) local.push_back(deg);
    }
    if (!local.empty()) {
        std::sort(local.begin(), local.end());
        out.slopeDeg = local[local.size() / 2];
    }
    return out;
}

PourResult runPour(const PourSetup& c) {
    PourResult out;
    MpmSettings s;
    s.dx = c.dx;
    float nozzleHeight = c.nozzleHeight;
    if (!(nozzleHeight > 0.0f)) {
        // Just above the apex of a cone 10° steeper than φ: low enough that the stream lands
        // softly, high enough that a pile overshooting the ±5° band is not capped by the
        // nozzle (the test must be able to fail that way).
        const double t = std::tan((c.sand.frictionAngleDeg + 10.0) * 3.14159265358979 / 180.0);
        nozzleHeight = static_cast<float>(std::cbrt(3.0 * c.pileVolume * t * t / 3.14159265358979)) +
                       3.0f * c.dx;
    }
    s.domainMin = Vec3f(-c.halfWidth, 0.0f, -c.halfWidth);
    s.domainMax = Vec3f(c.halfWidth, nozzleHeight + 3.0f * c.dx, c.halfWidth);
    s.floorFriction = c.floorFriction;
    s.wallFriction = 0.0f;
    s.cfl = c.cfl;
    s.threads = c.threads;
    auto created = MpmSolver::create(s);
    EXPECT_TRUE(created.ok());
    if (!created.ok()) return out;
    MpmSolver& solver = **created;
    const uint8_t sand = solver.addMaterial(c.sand);
    EmitterDesc pour;
    pour.material = sand;
    pour.shape = NozzleShape::Disc;
    pour.centre = Vec3f(0.0f, nozzleHeight, 0.0f);
    pour.radius = 0.5f * c.nozzleWidth;
    const float rate = c.pileVolume / c.pourTime;
    // The stream leaves as a lattice of the particle spacing: speed = rate / nozzle area.
    pour.velocity = Vec3f(0.0f, -rate / (3.14159265f * pour.radius * pour.radius), 0.0f);
    pour.rate = rate;
    pour.start = 0.0f;
    pour.end = c.pourTime;
    pour.spacing = 0.5f * c.dx;
    pour.jitter = 0.25f;
    pour.seed = c.seed;
    pour.maxParticles = 10000000;
    const Status added = solver.addEmitter(pour);
    EXPECT_TRUE(added.ok()) << (added.ok() ? "" : added.error().message);
    if (!added.ok()) return out;
    const float frame = 1.0f / 50.0f;
    int quietFrames = 0;
    while (solver.time() < c.pourTime + c.settleTime) {
        const Status st = solver.advance(frame);
        EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
        if (!st.ok()) return out;
        if (c.followGap > 0.0f && solver.time() < c.pourTime) {
            // Apex of the heap: the highest particle near the axis that is not falling.
            const MpmParticles& p = solver.particles();
            float apex = 0.0f;
            for (size_t i = 0; i < p.size(); ++i)
                if (p.velocity[i].y() > -0.3f && std::abs(p.position[i].x()) < 2.0f * pour.radius &&
                    std::abs(p.position[i].z()) < 2.0f * pour.radius)
                    apex = std::max(apex, p.position[i].y());
            const float y = std::min(nozzleHeight, apex + c.followGap);
            EXPECT_TRUE(solver.moveEmitter(0, Vec3f(0.0f, y, 0.0f)).ok());
        }
        if (solver.time() < c.pourTime) continue;
        quietFrames = solver.diagnostics().maxSpeed < 0.01f ? quietFrames + 1 : 0;
        if (quietFrames >= 5) break;
    }
    out.substeps = solver.stepCount();
    const MpmParticles& p = solver.particles();
    out.particles = p.size();
    out.mass = solver.diagnostics().mass;

    // Surface: the highest particle per one-cell column + a quarter cell (half a particle
    // spacing: particle centres sit inside the material).
    const int bins = static_cast<int>(std::round(2.0f * c.halfWidth / c.dx));
    std::vector<float> top(static_cast<size_t>(bins * bins), -1.0f);
    auto binOf = [&](float v) {
        return std::clamp(static_cast<int>((v + c.halfWidth) / c.dx), 0, bins - 1);
    };
    for (size_t i = 0; i < p.size(); ++i) {
        float& t = top[static_cast<size_t>(binOf(p.position[i].x()) * bins +
                                           binOf(p.position[i].z()))];
        t = std::max(t, p.position[i].y());
    }
    struct Column {
        float x, r, y;
    };
    std::vector<Column> columns;
    float apex = 0.0f;
    for (int bx = 0; bx < bins; ++bx)
        for (int bz = 0; bz < bins; ++bz) {
            const float t = top[static_cast<size_t>(bx * bins + bz)];
            if (t < 0.0f) continue;
            const float x = (static_cast<float>(bx) + 0.5f) * c.dx - c.halfWidth;
            const float z = (static_cast<float>(bz) + 0.5f) * c.dx - c.halfWidth;
            const float y = t + 0.25f * c.dx;
            columns.push_back({x, std::hypot(x, z), y});
            apex = std::max(apex, y);
            if (bz == bins / 2) out.profile.emplace_back(x, y);
        }
    out.height = apex;
    auto flank = [&](bool left) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int n = 0;
        for (const Column& col : columns) {
            if ((col.x < 0.0f) != left) continue;
            if (col.y < 0.25f * apex || col.y > 0.75f * apex) continue;
            sx += col.r, sy += col.y, sxx += col.r * col.r, sxy += col.r * col.y, ++n;
        }
        if (n < 2) return 0.0;
        const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        return std::atan(-slope) * 180.0 / 3.14159265358979;
    };
    out.leftDeg = flank(true);
    out.rightDeg = flank(false);
    out.slopeDeg = 0.5 * (out.leftDeg + out.rightDeg);
    return out;
}

std::string plotDirectory() {
    if (const char* env = std::getenv("SILT_MPM_PLOT_DIR")) return env;
    return std::string(SILT_BINARY_DIR) + "/validation";
}

bool writePlot(const std::string& path, const std::vector<PlotSeries>& series, double xMin,
               double xMax, double yMin, double yMax) {
    constexpr int kW = 640, kH = 480, kMargin = 50;
    std::vector<uint8_t> img(static_cast<size_t>(kW * kH * 3), 255);
    auto put = [&](int x, int y, unsigned rgb) {
        if (x < 0 || y < 0 || x >= kW || y >= kH) return;
        uint8_t* px = &img[static_cast<size_t>((y * kW + x) * 3)];
        px[0] = static_cast<uint8_t>(rgb >> 16);
        px[1] = static_cast<uint8_t>(rgb >> 8);
        px[2] = static_cast<uint8_t>(rgb);
    };
    auto toPx = [&](double x, double y) {
        const double u = (x - xMin) / (xMax - xMin), v = (y - yMin) / (yMax - yMin);
        return std::pair<double, double>{kMargin + u * (kW - 2 * kMargin),
                                         kH - kMargin - v * (kH - 2 * kMargin)};
    };
    auto line = [&](double x0, double y0, double x1, double y1, unsigned rgb, int thick) {
        const int steps = static_cast<int>(std::max(std::abs(x1 - x0), std::abs(y1 - y0))) + 1;
        for (int i = 0; i <= steps; ++i) {
            const double t = static_cast<double>(i) / steps;
            for (int d = -thick / 2; d <= thick / 2; ++d)
                for (int e = -thick / 2; e <= thick / 2; ++e)
                    put(static_cast<int>(x0 + t * (x1 - x0)) + d,
                        static_cast<int>(y0 + t * (y1 - y0)) + e, rgb);
        }
    };
    // Axes with 10 ticks each and a light grid.
    for (int i = 0; i <= 10; ++i) {
        const auto [gx, gy0] = toPx(xMin + (xMax - xMin) * i / 10.0, yMin);
        const auto [gx1, gy1] = toPx(xMin + (xMax - xMin) * i / 10.0, yMax);
        line(gx, gy0, gx1, gy1, 0xdddddd, 1);
        const auto [hx0, hy] = toPx(xMin, yMin + (yMax - yMin) * i / 10.0);
        const auto [hx1, hy1] = toPx(xMax, yMin + (yMax - yMin) * i / 10.0);
        line(hx0, hy, hx1, hy1, 0xdddddd, 1);
        line(gx, gy0, gx, gy0 + 6, 0x000000, 1);
        line(hx0 - 6, hy, hx0, hy, 0x000000, 1);
    }
    const auto [ox, oy] = toPx(xMin, yMin);
    const auto [ex, ey] = toPx(xMax, yMax);
    line(ox, oy, ex, oy, 0x000000, 2);
    line(ox, oy, ox, ey, 0x000000, 2);
    for (const PlotSeries& s : series) {
        for (size_t i = 0; i < s.points.size(); ++i) {
            const auto [px, py] = toPx(s.points[i].first, s.points[i].second);
            if (s.markers) {
                for (int d = -4; d <= 4; ++d) {
                    line(px - 4, py + d, px + 4, py + d, s.rgb, 1);
                }
            } else if (i > 0) {
                const auto [qx, qy] = toPx(s.points[i - 1].first, s.points[i - 1].second);
                line(qx, qy, px, py, s.rgb, 3);
            }
        }
    }
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    return stbi_write_png(path.c_str(), kW, kH, 3, img.data(), kW * 3) != 0;
}

}  // namespace silt::physics::validation
