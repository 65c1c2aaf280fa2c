#pragma once
// `silt generate`: a whole dataset from one scene template.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "silt/app/ClipProducer.h"
#include "silt/app/Sharding.h"
#include "silt/core/Result.h"
#include "silt/exporters/WebDataset.h"

namespace silt::app {

struct GenerateOptions {
    std::string scene;  ///< builtin name or JSON file; empty = default template
    std::filesystem::path out = "out/demo";
    std::filesystem::path assets;  ///< a user's folder of models to add (empty: bundled only)
    uint32_t clips = 2;
    uint64_t seed = 0;
    std::optional<uint32_t> frames, fps, width, height;  ///< override the template
    uint32_t threads = 0;  ///< worker threads for simulation and rendering; 0 = all cores
    /// Clips produced at once, each by its own ClipProducer (and so its own renderer) on its
    /// own thread. The clips do not depend on it.
    uint32_t jobs = 1;
    ShardSpec shard;                  ///< the part of the batch this process makes
    exporters::ShardDesc webDataset;  ///< WebDataset tar shard size
    bool quiet = false;               ///< no progress lines
    /// A JSON file of check settings (docs/checks.md) applied over the template's "checks"
    /// block; empty: the template's (or the defaults).
    std::filesystem::path checks;
};

struct GenerateReport {
    uint32_t clipsWritten = 0;  ///< clips produced by this run
    uint32_t clipsSkipped = 0;  ///< complete clips found from an earlier run
    uint64_t framesWritten = 0;
    uint32_t clipsFlagged = 0;     ///< clips written that failed a check (checks.passed false)
    uint32_t clipsRegenerated = 0; ///< clips written that took more than one attempt
    uint64_t attempts = 0;         ///< clip attempts drawn, summed over clips written
    StageTimes times;          ///< summed over clips written
    double wallSeconds = 0.0;  ///< producing clips, for throughput figures
};

/// Sets the thread count for every stage (TBB, lavapipe; `threads` 0 = all cores), shared
/// among `jobs` parallel clips. Call before any Vulkan device is created: lavapipe reads
/// LP_NUM_THREADS once.
void configureThreads(uint32_t threads, uint32_t jobs = 1);

/// Generates the clips of `options.shard` that are not complete yet (a complete clip made
/// from the same inputs is kept), then publishes the card, manifests and WebDataset shards
/// from every complete clip (exporters/Publish.h). On a failure the clips already committed
/// stay valid and are still published; the first error is returned.
[[nodiscard]] Result<GenerateReport> generateDataset(const GenerateOptions& options);

/// The dataset card of a batch (without its "clips" list): the same for every shard of it
/// except for "shard", which a whole batch does not have.
[[nodiscard]] nlohmann::json datasetCard(const scenes::SceneTemplate& scene,
                                         const GenerateOptions& options);

/// The check settings of a batch: the template's, then options.checks applied over them.
[[nodiscard]] Result<scenes::ChecksConfig> batchChecks(const scenes::SceneTemplate& scene,
                                                      const GenerateOptions& options);

}  // namespace silt::app
