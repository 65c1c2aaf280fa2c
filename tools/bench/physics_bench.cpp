#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ostream>

#include "PhysicsBench.h"
#include "silt/core/Check.h"
#include "silt/core/ResourceUsage.h"
#include "silt/physics/mpm/MpmSolver.h"

namespace silt::bench {

Status validatePhysicsBenchOptions(const PhysicsBenchOptions& options) {
    if (options.materials.empty()) return Error{"--materials: none given (expected sand or water)"};
    for (const std::string& material : options.materials)
        if (material != "sand" && material != "water")
            return Error{
                fmt::format("--materials: \"{}\" is unknown (expected sand or water)", material)};
    if (options.particles.empty())
        return Error{"--particles: none given (expected counts in 1..100000000)"};
    for (int count : options.particles)
        if (count < 1 || count > 100'000'000)
            return Error{
                fmt::format("--particles: {} is out of range (expected 1..100000000)", count)};
    if (options.threads.empty()) return Error{"--threads: none given (expected 1..256)"};
    for (int threads : options.threads)
        if (threads < 1 || threads > 256)
            return Error{fmt::format("--threads: {} is out of range (expected 1..256)", threads)};
    if (options.steps < 0)
        return Error{fmt::format("--steps: {} is negative (expected 0 or more)", options.steps)};
    if (options.warmupSteps < 0)
        return Error{
            fmt::format("--warmup: {} is negative (expected 0 or more)", options.warmupSteps)};
    return {};
}

int runPhysicsBench(const PhysicsBenchOptions& options, std::ostream& out) {
    using physics::MpmSettings;
    using physics::MpmSolver;
    SILT_CHECK(validatePhysicsBenchOptions(options).ok());
    int rc = 0;
    for (const std::string& material : options.materials) {
        for (int count : options.particles) {
            for (int threads : options.threads) {
                const bool peakReset = resetPeakRss();
                const double baselineMiB = residentMiB();
                // A block of 8 particles per cell (2 per axis) in the corner of a box 1.6×
                // wider, so it collapses and flows while timed.
                const double cells = std::cbrt(count / 8.0);
                MpmSettings s;
                s.dx = 0.01f;
                const float side = static_cast<float>(cells) * s.dx;
                s.domainMax = Vec3f(1.6f * side, 1.2f * side, 1.6f * side);
                s.threads = threads;
                auto created = MpmSolver::create(s);
                if (!created.ok()) {
                    out << nlohmann::json{{"error", created.error().message}}.dump() << "\n";
                    rc = 1;
                    continue;
                }
                MpmSolver& solver = **created;
                const uint8_t id = material == "water" ? solver.addMaterial(physics::WaterDesc{})
                                                       : solver.addMaterial(physics::SandDesc{});
                solver.addBox(id, Vec3f::Zero(), Vec3f(side, side, side), 2);
                const size_t n = solver.particles().size();
                const int steps =
                    options.steps > 0
                        ? options.steps
                        : std::clamp(static_cast<int>(4.0e6 / static_cast<double>(n)), 5, 100000);
                for (int i = 0; i < options.warmupSteps; ++i)
                    if (!solver.substep(solver.stableDt()).ok()) rc = 1;
                const auto t0 = std::chrono::steady_clock::now();
                const double cpu0 = processCpuSeconds();
                for (int i = 0; i < steps; ++i) {
                    const Status st = solver.substep(solver.stableDt());
                    if (!st.ok()) {
                        out << nlohmann::json{{"error", st.error().message}}.dump() << "\n";
                        rc = 1;
                        break;
                    }
                }
                const double seconds =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                const double cpuSeconds = processCpuSeconds() - cpu0;
                out << nlohmann::json{{"material", material},
                                      {"particles", n},
                                      {"threads", threads},
                                      {"steps", steps},
                                      {"particle_steps_per_s",
                                       std::round(static_cast<double>(n) * steps / seconds)},
                                      {"ns_per_particle_step",
                                       1.0e9 * seconds / (static_cast<double>(n) * steps)},
                                      {"cpu_ns_per_particle_step",
                                       1.0e9 * cpuSeconds / (static_cast<double>(n) * steps)},
                                      {"baseline_rss_mb", std::round(baselineMiB * 10.0) / 10.0},
                                      {"peak_rss_mb", std::round(peakRssMiB() * 10.0) / 10.0},
                                      {"peak_rss_scope", peakReset ? "configuration" : "process"}}
                           .dump()
                    << std::endl;
            }
        }
    }
    return rc;
}

}  // namespace silt::bench
