#pragma once
// `silt bench …`: benchmarks that print one JSON object per line (DESIGN.md "Performance,
// measured honestly"). Figures only; nothing is asserted.

#include <cstdint>
#include <iosfwd>
#include <string>

#include "silt/core/Result.h"

namespace silt::app {

struct GenerateBenchOptions {
    std::string scene;  ///< empty = default template
    uint32_t clips = 1;
    uint32_t frames = 48;
    uint32_t width = 256;
    uint32_t height = 256;
    uint32_t threads = 0;  ///< 0 = all cores
};

/// Generates clips into a temporary folder (removed afterwards) and prints
/// {"bench":"generate", "cpu_s_per_frame", "wall_s_per_frame", "peak_rss_mb", stage times …}.
[[nodiscard]] Status benchGenerate(const GenerateBenchOptions& options, std::ostream& out);

}  // namespace silt::app
