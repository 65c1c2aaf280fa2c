#include "silt/exporters/Publish.h"

#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "silt/exporters/Dataset.h"
#include "silt/exporters/Manifests.h"
#include "silt/exporters/ReviewLog.h"

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
                      const ShardDesc& shards, PublishedClips which) {
    removeStaleTemporaries(datasetDir);
    auto clips = readCompleteClips(datasetDir);
    if (!clips) return clips.error();
    std::optional<ClipSelection> selection;
    if (card.is_object()) card.erase("review");
    if (which == PublishedClips::ApprovedOnly) {
        auto approved = approvedClips(datasetDir);
        if (!approved) return approved.error();
        selection = std::move(*approved);
        const size_t complete = clips->size();
        std::erase_if(*clips,
                      [&](const ClipEntry& c) { return !selection->clips.contains(c.name); });
        for (ClipEntry& clip : *clips) {
            if (auto it = selection->captions.find(clip.name); it != selection->captions.end())
                clip.caption = it->second;
        }
        if (card.is_null()) card = nlohmann::json::object();
        card["review"] = {{"approved_only", true},
                          {"clips_accepted", clips->size()},
                          {"clips_complete", complete}};
    }
    if (Status s = writeManifests(datasetDir, *clips); !s) return s;
    if (Status s = writeWebDatasetShards(datasetDir, *clips, shards); !s) return s;
    // The card last: a dataset.json that lists N clips means every other file does too.
    return writeDatasetCard(datasetDir, std::move(card), selection ? &*selection : nullptr);
}

}  // namespace silt::exporters
