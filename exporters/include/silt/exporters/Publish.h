#pragma once
// Publishing a dataset folder: everything beside clips/ that is derived from the complete
// clips — the dataset card, the trainer manifests (Manifests.h) and the WebDataset shards
// (WebDataset.h). Run after a batch, after a merge, or on its own (`silt manifests`). Every
// file is written atomically and depends only on the complete clips and the card, so a
// killed-and-resumed batch publishes byte-identical files.

#include <filesystem>

#include <nlohmann/json.hpp>

#include "silt/core/Result.h"
#include "silt/exporters/WebDataset.h"

namespace silt::exporters {

/// Writes dataset.json (writeDatasetCard with `card`), the manifests and the shards.
[[nodiscard]] Status publishDataset(const std::filesystem::path& datasetDir, nlohmann::json card,
                                    const ShardDesc& shards = {});

}  // namespace silt::exporters
