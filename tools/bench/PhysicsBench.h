#pragma once
// MPM throughput benchmark: for each material × particle count × thread count, builds a
// collapsing block, runs a fixed number of substeps and prints one JSON line
// {"material","particles","threads","steps","particle_steps_per_s","ns_per_particle_step",
// "cpu_ns_per_particle_step","peak_rss_mb"}. Timing uses the wall clock (this is a
// benchmark, not a simulation input); cpu_ns_per_particle_step is the process CPU time
// over the same steps (all threads), which other programs on a shared machine do not
// inflate: wall ≈ cpu / threads when the cores are free.

#include <iosfwd>
#include <string>
#include <vector>

namespace silt::bench {

struct PhysicsBenchOptions {
    std::vector<std::string> materials = {"sand", "water"};  ///< "sand" and/or "water"
    std::vector<int> particles = {50000, 200000, 800000};    ///< approximate counts
    std::vector<int> threads = {1, 2};
    int steps = 0;        ///< timed substeps per configuration (0: ~4 M particle-steps)
    int warmupSteps = 3;  ///< untimed substeps first (the block starts to move)
};

/// Runs every configuration and writes one JSON line each to out. Returns 0 on success,
/// 1 when a configuration fails (the message goes to out as {"error": ...}).
int runPhysicsBench(const PhysicsBenchOptions& options, std::ostream& out);

}  // namespace silt::bench
