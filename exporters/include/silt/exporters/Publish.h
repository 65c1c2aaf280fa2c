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

/// Which complete clips the card, manifests and shards list.
enum class PublishedClips {
    All,           ///< every complete clip
    ApprovedOnly,  ///< the clips people accepted (ReviewLog.h), with their edited captions
};

/// Writes dataset.json (writeDatasetCard with `card`), the manifests and the shards. With
/// ApprovedOnly, the card also gets "review": {"approved_only": true, "clips_accepted",
/// "clips_complete"} (which `silt validate` follows); with All, any "review" is dropped.
[[nodiscard]] Status publishDataset(const std::filesystem::path& datasetDir, nlohmann::json card,
                                    const ShardDesc& shards = {},
                                    PublishedClips which = PublishedClips::All);

}  // namespace silt::exporters
