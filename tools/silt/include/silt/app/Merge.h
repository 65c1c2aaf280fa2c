#pragma once
// `silt merge OUT SHARD_DIR...`: combines the outputs of a sharded batch (each shard's own
// dataset folder) into one dataset, then publishes its card, manifests and WebDataset shards.
// Clips are hard-linked where the filesystem allows (copied otherwise), each through a
// staging folder, so a killed merge can simply be re-run. The result is byte-identical to
// the same batch generated on one machine.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "silt/core/Result.h"
#include "silt/exporters/WebDataset.h"

namespace silt::app {

struct MergeReport {
    uint32_t clipsAdded = 0;    ///< clips brought into OUT by this run
    uint32_t clipsPresent = 0;  ///< identical clips OUT already had
};

/// Every input's dataset.json must describe the same batch (the card without "clips" and
/// "shard"); a clip found twice must have identical clip.json bytes. Errors name the
/// folders involved.
[[nodiscard]] Result<MergeReport> mergeDatasets(const std::filesystem::path& out,
                                                const std::vector<std::filesystem::path>& inputs,
                                                const exporters::ShardDesc& webDataset = {});

}  // namespace silt::app
