#pragma once
// The dataset folder: complete clips under clips/, and a dataset.json card listing them.
// The card is rewritten atomically from the clips that are complete on disk, so it never
// lists a partial clip, and a re-run after a kill produces the same card.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "silt/core/Result.h"

namespace silt::exporters {

/// A subset of the complete clips to publish (approved clips, ReviewLog.h), and captions that
/// replace the clips' own.
struct ClipSelection {
    std::set<std::string> clips;                  ///< clip names to publish
    std::map<std::string, std::string> captions;  ///< clip name -> edited caption
};

/// Names of committed clip folders under <datasetDir>/clips, sorted; staging folders skipped.
[[nodiscard]] std::vector<std::string> listCompleteClips(const std::filesystem::path& datasetDir);

/// Writes <datasetDir>/dataset.json: `card` (a JSON object, or null for none) plus
/// "clips": [{"name", "frames", "caption" (when the clip.json has one), "video":
/// "clips/<name>/rgb.mp4"}] built from each complete clip's clip.json, in name order.
/// Pretty-printed with sorted keys and written atomically; an unreadable clip.json is an
/// Error naming it. With a `selection`, lists only its clips, with its captions.
[[nodiscard]] Status writeDatasetCard(const std::filesystem::path& datasetDir, nlohmann::json card,
                                      const ClipSelection* selection = nullptr);

/// Removes staging folders left in <datasetDir>/clips by killed runs. Call it before writers
/// start (it cannot tell a killed run's folder from a live writer's).
void removeStaleStaging(const std::filesystem::path& datasetDir);

}  // namespace silt::exporters
