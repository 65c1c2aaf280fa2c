#pragma once
// `silt generate`: a whole dataset from one scene template.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "silt/app/ClipProducer.h"
#include "silt/core/Result.h"

namespace silt::app {

struct GenerateOptions {
    std::string scene;  ///< builtin name or JSON file; empty = default template
    std::filesystem::path out = "out/demo";
    std::filesystem::path assets;  ///< a user's folder of models to add (empty: bundled only)
    uint32_t clips = 2;
    uint64_t seed = 0;
    std::optional<uint32_t> frames, fps, width, height;  ///< override the template
    uint32_t threads = 0;  ///< worker threads for simulation and rendering; 0 = all cores
    bool quiet = false;    ///< no progress lines
};

struct GenerateReport {
    uint32_t clipsWritten = 0;  ///< clips produced by this run
    uint32_t clipsSkipped = 0;  ///< complete clips found from an earlier run
    uint64_t framesWritten = 0;
    StageTimes times;  ///< summed over clips written
};

/// Sets the thread count for every stage (TBB, lavapipe). Call before any Vulkan device is
/// created: lavapipe reads LP_NUM_THREADS once.
void configureThreads(uint32_t threads);

[[nodiscard]] Result<GenerateReport> generateDataset(const GenerateOptions& options);

}  // namespace silt::app
