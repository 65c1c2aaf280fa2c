#include "silt/exporters/Dataset.h"

#include <algorithm>
#include <system_error>

#include <fmt/format.h>

#include "silt/core/FileAtomics.h"

namespace silt::exporters {
namespace fs = std::filesystem;

std::vector<std::string> listCompleteClips(const fs::path& datasetDir) {
    std::vector<std::string> names;
    std::error_code ec;
    fs::directory_iterator it(datasetDir / "clips", ec);
    if (ec) return names;  // no clips folder yet: no complete clips
    for (const fs::directory_entry& entry : it) {
        std::string name = entry.path().filename().string();
        if (isStagingName(name) || !entry.is_directory(ec)) continue;
        // clip.json is the last file a clip gets before its rename: without it the folder
        // is not a clip Silt wrote.
        if (!fs::is_regular_file(entry.path() / "clip.json", ec)) continue;
        names.push_back(std::move(name));
    }
    std::sort(names.begin(), names.end());
    return names;
}

Status writeDatasetCard(const fs::path& datasetDir, nlohmann::json card,
                        const ClipSelection* selection) {
    const fs::path cardPath = datasetDir / "dataset.json";
    if (!card.is_object() && !card.is_null()) {
        return Error{fmt::format("{}: dataset card must be a JSON object, got {}",
                                 cardPath.string(), card.type_name())};
    }
    nlohmann::json clips = nlohmann::json::array();
    for (const std::string& name : listCompleteClips(datasetDir)) {
        if (selection && !selection->clips.contains(name)) continue;
        const fs::path clipJson = datasetDir / "clips" / name / "clip.json";
        Result<std::string> text = readFile(clipJson);
        if (!text) return text.error();
        nlohmann::json meta = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
        if (meta.is_discarded() || !meta.is_object()) {
            return Error{fmt::format("{}: expected a JSON object", clipJson.string())};
        }
        auto hashes = meta.find("frame_hashes");
        if (hashes == meta.end() || !hashes->is_array()) {
            return Error{fmt::format("{}: expected a \"frame_hashes\" array", clipJson.string())};
        }
        nlohmann::json entry = {{"name", name},
                                {"frames", hashes->size()},
                                {"video", fmt::format("clips/{}/rgb.mp4", name)}};
        if (auto caption = meta.find("caption"); caption != meta.end()) {
            entry["caption"] = *caption;
        }
        if (selection) {
            if (auto edited = selection->captions.find(name); edited != selection->captions.end())
                entry["caption"] = edited->second;
        }
        clips.push_back(std::move(entry));
    }
    card["clips"] = std::move(clips);
    std::string text;
    try {
        text = card.dump(2) + "\n";
    } catch (const nlohmann::json::exception& e) {
        return Error{
            fmt::format("{}: cannot serialise the dataset card: {}", cardPath.string(), e.what())};
    }
    return writeFileAtomic(cardPath, text);
}

void removeStaleStaging(const fs::path& datasetDir) {
    std::error_code ec;
    fs::directory_iterator it(datasetDir / "clips", ec);
    if (ec) return;
    std::vector<fs::path> stale;
    for (const fs::directory_entry& entry : it) {
        if (isStagingName(entry.path().filename().string())) stale.push_back(entry.path());
    }
    for (const fs::path& path : stale) fs::remove_all(path, ec);
}

}  // namespace silt::exporters
