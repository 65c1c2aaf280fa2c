#include "silt/exporters/Publish.h"

#include <string_view>
#include <system_error>
#include <vector>

#include "silt/exporters/Dataset.h"
#include "silt/exporters/Manifests.h"

namespace silt::exporters {

namespace {

/// Temporaries that writeFileAtomic leaves when a run is killed mid-write.
void removeStaleTemporaries(const std::filesystem::path& datasetDir) {
    std::error_code ec;
    std::vector<std::filesystem::path> stale;
    for (const auto& entry : std::filesystem::directory_iterator(datasetDir, ec)) {
        const std::string name = entry.path().filename().string();
        for (std::string_view ours : {std::string_view("dataset.json"), kVideosTxt, kPromptsTxt,
                                      kOpenSoraCsv, kClipsJsonl}) {
            if (name.starts_with(std::string(ours) + ".tmp-")) stale.push_back(entry.path());
        }
    }
    for (const auto& path : stale) std::filesystem::remove(path, ec);
}

}  // namespace

Status publishDataset(const std::filesystem::path& datasetDir, nlohmann::json card,
                      const ShardDesc& shards) {
    removeStaleTemporaries(datasetDir);
    auto clips = readCompleteClips(datasetDir);
    if (!clips) return clips.error();
    if (Status s = writeManifests(datasetDir, *clips); !s) return s;
    if (Status s = writeWebDatasetShards(datasetDir, *clips, shards); !s) return s;
    // The card last: a dataset.json that lists N clips means every other file does too.
    return writeDatasetCard(datasetDir, std::move(card));
}

}  // namespace silt::exporters
