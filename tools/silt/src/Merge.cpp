#include "silt/app/Merge.h"

#include <unistd.h>

#include <map>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "silt/core/FileAtomics.h"
#include "silt/core/Log.h"
#include "silt/exporters/ClipWriter.h"
#include "silt/exporters/Dataset.h"
#include "silt/exporters/Publish.h"
#include "silt/exporters/ReviewLog.h"

namespace silt::app {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// The batch a dataset folder belongs to: its card without the parts that differ by shard.
Result<json> batchCard(const fs::path& dir) {
    const fs::path path = dir / "dataset.json";
    auto text = readFile(path);
    if (!text)
        return text.error().prefixed(
            "merge input has no dataset card (was it made by "
            "`silt generate`?)");
    json card = json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (!card.is_object()) return Error{fmt::format("{}: expected a JSON object", path.string())};
    card.erase("clips");
    card.erase("shard");
    card.erase("checks");  // counts over the folder's clips, like "clips"
    card.erase("review");  // whether the folder was last published approved-only
    return card;
}

/// Copies a clip folder into `target` (a staging folder), hard-linking files where it can.
Status copyClip(const fs::path& source, const fs::path& target) {
    std::error_code ec;
    fs::copy(source, target, fs::copy_options::recursive | fs::copy_options::create_hard_links, ec);
    if (ec) {
        fs::remove_all(target, ec);
        fs::create_directories(target, ec);
        fs::copy(source, target, fs::copy_options::recursive, ec);
        if (ec) {
            return Error{fmt::format("{}: cannot copy into {}: {}", source.string(),
                                     target.string(), ec.message())};
        }
    }
    return {};
}

}  // namespace

Result<MergeReport> mergeDatasets(const fs::path& out, const std::vector<fs::path>& inputs,
                                  const exporters::ShardDesc& webDataset) {
    if (inputs.empty()) return Error{"silt merge: expected at least one shard folder"};
    std::optional<json> card;
    fs::path cardSource;
    auto sameBatch = [&](const fs::path& dir) -> Status {
        auto other = batchCard(dir);
        if (!other) return other.error();
        if (!card) {
            card = std::move(*other);
            cardSource = dir;
        } else if (*other != *card) {
            return Error{
                fmt::format("{}/dataset.json: describes another batch than {}/dataset.json "
                            "(template, seed, clip count or Silt version differ)",
                            dir.string(), cardSource.string())};
        }
        return {};
    };
    for (const fs::path& input : inputs) {
        if (Status s = sameBatch(input); !s) return s.error();
    }
    if (Status s = ensureWritableDirectory(out); !s) return s.error();
    std::error_code ec;
    if (fs::exists(out / "dataset.json", ec)) {
        if (Status s = sameBatch(out); !s) return s.error();
    }
    exporters::removeStaleStaging(out);

    MergeReport report;
    std::map<std::string, fs::path> origin;
    for (const fs::path& input : inputs) {
        for (const std::string& name : exporters::listCompleteClips(input)) {
            const fs::path source = exporters::clipDirectory(input, name);
            const fs::path target = exporters::clipDirectory(out, name);
            auto sourceMeta = readFile(source / "clip.json");
            if (!sourceMeta) return sourceMeta.error();
            if (auto seen = origin.find(name); seen != origin.end() && seen->second != input) {
                auto first = readFile(exporters::clipDirectory(seen->second, name) / "clip.json");
                if (!first || *first != *sourceMeta) {
                    return Error{
                        fmt::format("{} and {}: two different clips named {}", source.string(),
                                    exporters::clipDirectory(seen->second, name).string(), name)};
                }
                continue;
            }
            origin.emplace(name, input);
            if (fs::exists(target / "clip.json", ec)) {
                auto existing = readFile(target / "clip.json");
                if (existing && *existing == *sourceMeta) {
                    ++report.clipsPresent;
                    continue;
                }
                return Error{fmt::format("{}: differs from {} already in {}", source.string(), name,
                                         out.string())};
            }
            StagingDirectory staging(target, fmt::format("merge-{}", ::getpid()));
            std::error_code removeEc;
            fs::remove_all(staging.path(), removeEc);
            if (Status s = copyClip(source, staging.path()); !s) return s.error();
            if (Status s = staging.commit(); !s) return s.error();
            ++report.clipsAdded;
        }
    }
    // Decisions made on the shards follow their clips, so `silt manifests --approved-only`
    // on the merged folder publishes what the shards' reviewers accepted.
    if (Status s = exporters::mergeReviewFiles(out, inputs); !s) return s.error();
    if (Status s = exporters::publishDataset(out, *card, webDataset); !s) return s.error();
    return report;
}

}  // namespace silt::app
