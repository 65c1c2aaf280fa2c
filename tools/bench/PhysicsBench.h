#pragma once
// MPM throughput benchmark: for each material × particle count × thread count, builds a
// collapsing block, runs a fixed number of substeps and prints one JSON line
// {"material","particles","threads","steps","particle_steps_per_s","ns_per_particle_step",
// "cpu_ns_per_particle_step","baseline_rss_mb","peak_rss_mb","peak_rss_scope"}. Timing uses the
// wall clock (this is a benchmark, not a simulation input); cpu_ns_per_particle_step is the process
// CPU time over the same steps (all threads), which other programs on a shared machine do not
// inflate: wall ≈ cpu / threads when the cores are free. peak_rss_mb is the process's peak
// during that configuration alone ("peak_rss_scope": "configuration"; "process" where the
// kernel refused to reset the peak); baseline_rss_mb its resident set before the solver
// existed (program and libraries), so the solver's own share is the difference.

#include <iosfwd>
#include <string>
#include <vector>

#include "silt/core/Result.h"

namespace silt::bench {

struct PhysicsBenchOptions {
    std::vector<std::string> materials = {"sand", "water"};  ///< "sand" and/or "water"
    std::vector<int> particles = {50000, 200000, 800000};    ///< approximate counts
    std::vector<int> threads = {1, 2};
    int steps = 0;        ///< timed substeps per configuration (0: ~4 M particle-steps, 5..100,000)
    int warmupSteps = 3;  ///< untimed substeps first (the block starts to move)
};

/// Checks the options: materials "sand" or "water", particle counts in 1..100,000,000, thread
/// counts in 1..256, steps and warm-up steps ≥ 0. The error names the option (as `silt bench
/// physics` spells it), the value and what was expected.
Status validatePhysicsBenchOptions(const PhysicsBenchOptions& options);

/// Runs every configuration of options that validatePhysicsBenchOptions() accepted and
/// writes one JSON line each to out. Returns 0 on success, 1 when a configuration fails (the
/// message goes to out as {"error": ...}).
int runPhysicsBench(const PhysicsBenchOptions& options, std::ostream& out);

}  // namespace silt::bench
