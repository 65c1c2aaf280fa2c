#include "silt/exporters/ReviewLog.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "silt/core/FileAtomics.h"
#include "silt/exporters/Manifests.h"

namespace silt::exporters {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Result<std::vector<ReviewDecision>> readLogFile(const fs::path& path) {
    auto text = readFile(path);
    if (!text) return text.error();
    json root = json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded() || !root.is_object() || !root.contains("decisions") ||
        !root["decisions"].is_array()) {
        return Error{
            fmt::format("{}: expected a JSON object with a \"decisions\" array", path.string())};
    }
    std::vector<ReviewDecision> decisions;
    const json& list = root["decisions"];
    for (size_t i = 0; i < list.size(); ++i) {
        auto decision =
            decisionFromJson(list[i], fmt::format("{}: decisions[{}]", path.string(), i));
        if (!decision) return decision.error();
        decisions.push_back(std::move(*decision));
    }
    return decisions;
}

// One decision per line: readable, and diffs of the file stay small.
Status writeLogFile(const fs::path& path, const std::string& reviewer,
                    const std::vector<ReviewDecision>& decisions) {
    std::string text = fmt::format("{{\"reviewer\": {}, \"decisions\": [\n", json(reviewer).dump());
    for (size_t i = 0; i < decisions.size(); ++i)
        text += "  " + toJson(decisions[i]).dump() + (i + 1 < decisions.size() ? ",\n" : "\n");
    text += "]}\n";
    if (Status s = ensureWritableDirectory(path.parent_path()); !s) return s;
    return writeFileAtomic(path, text);
}

// The review files of a dataset folder (writeFileAtomic's temporaries and anything that is
// not <reviewer>.json skipped), by file name.
std::vector<fs::path> reviewFiles(const fs::path& datasetDir) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry :
         fs::directory_iterator(datasetDir / kReviewFolder, ec)) {
        const std::string name = entry.path().filename().string();
        if (!name.ends_with(".json") || !entry.is_regular_file(ec) ||
            !isValidReviewerName(name.substr(0, name.size() - 5)))
            continue;
        files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

std::string_view verdictName(Verdict verdict) {
    switch (verdict) {
        case Verdict::Accepted:
            return "accept";
        case Verdict::Rejected:
            return "reject";
        case Verdict::Undecided:
            break;
    }
    return "undecided";
}

std::optional<Verdict> parseVerdict(std::string_view name) {
    for (Verdict v : {Verdict::Undecided, Verdict::Accepted, Verdict::Rejected}) {
        if (verdictName(v) == name) return v;
    }
    return std::nullopt;
}

json toJson(const ReviewDecision& d) {
    return {{"clip", d.clip},         {"decision", verdictName(d.verdict)},
            {"reason", d.reason},     {"caption", d.caption ? json(*d.caption) : json(nullptr)},
            {"reviewer", d.reviewer}, {"time", d.time}};
}

Result<ReviewDecision> decisionFromJson(const json& value, const std::string& where) {
    if (!value.is_object()) return Error{where + ": expected a JSON object"};
    auto text = [&](const char* key, bool required) -> Result<std::string> {
        auto it = value.find(key);
        if (it == value.end() || it->is_null()) {
            if (required) return Error{fmt::format("{}: expected a string \"{}\"", where, key)};
            return std::string();
        }
        if (!it->is_string()) return Error{fmt::format("{}: \"{}\" must be a string", where, key)};
        return it->get<std::string>();
    };
    ReviewDecision d;
    auto clip = text("clip", true);
    if (!clip) return clip.error();
    auto verdict = text("decision", true);
    if (!verdict) return verdict.error();
    auto reason = text("reason", false);
    if (!reason) return reason.error();
    auto reviewer = text("reviewer", true);
    if (!reviewer) return reviewer.error();
    auto time = text("time", true);
    if (!time) return time.error();
    auto parsed = parseVerdict(*verdict);
    if (!parsed) {
        return Error{fmt::format("{}: \"decision\" is \"{}\", expected accept, reject or undecided",
                                 where, *verdict)};
    }
    if (auto caption = value.find("caption"); caption != value.end() && !caption->is_null()) {
        if (!caption->is_string()) return Error{where + ": \"caption\" must be a string or null"};
        d.caption = caption->get<std::string>();
    }
    d.clip = std::move(*clip);
    d.verdict = *parsed;
    d.reason = std::move(*reason);
    d.reviewer = std::move(*reviewer);
    d.time = std::move(*time);
    return d;
}

bool isValidReviewerName(std::string_view name) {
    if (name.empty() || name.size() > 64 || name.front() == '.') return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

std::string utcTimestamp() {
    // Review times are records of when a person decided, not inputs of any clip: the one
    // place outside benchmarks that reads the clock.
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                       utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                       ms.count() % 1000);
}

Result<ReviewLog> ReviewLog::open(const fs::path& datasetDir, const std::string& reviewer) {
    if (!isValidReviewerName(reviewer)) {
        return Error{fmt::format(
            "reviewer name \"{}\": expected 1 to 64 letters, digits, '.', '_' or '-' (it names "
            "the review file)",
            reviewer)};
    }
    ReviewLog log(datasetDir / kReviewFolder / (reviewer + ".json"), reviewer);
    std::error_code ec;
    if (fs::exists(log.mPath, ec)) {
        auto decisions = readLogFile(log.mPath);
        if (!decisions) return decisions.error();
        log.mDecisions = std::move(*decisions);
    }
    return log;
}

Status ReviewLog::record(ReviewDecision decision) {
    decision.reviewer = mReviewer;
    if (decision.caption) {
        decision.caption = oneLine(*decision.caption);
        if (decision.caption->empty()) decision.caption.reset();
    }
    decision.reason = oneLine(decision.reason);
    std::vector<ReviewDecision> all = mDecisions;
    all.push_back(decision);
    if (Status s = writeLogFile(mPath, mReviewer, all); !s) return s;
    mDecisions.push_back(std::move(decision));
    return {};
}

Result<std::map<std::string, ReviewDecision>> readLatestDecisions(const fs::path& datasetDir) {
    std::map<std::string, ReviewDecision> latest;
    // Reviewer-name order: ties go to the last name.
    const std::vector<fs::path> files = reviewFiles(datasetDir);
    for (const fs::path& file : files) {
        auto decisions = readLogFile(file);
        if (!decisions) return decisions.error();
        for (ReviewDecision& d : *decisions) {
            auto it = latest.find(d.clip);
            if (it == latest.end()) {
                latest.emplace(d.clip, std::move(d));
            } else if (d.time >= it->second.time) {
                it->second = std::move(d);
            }
        }
    }
    return latest;
}

Result<ClipSelection> approvedClips(const fs::path& datasetDir) {
    auto decisions = readLatestDecisions(datasetDir);
    if (!decisions) return decisions.error();
    ClipSelection selection;
    for (const std::string& name : listCompleteClips(datasetDir)) {
        auto it = decisions->find(name);
        if (it == decisions->end() || it->second.verdict != Verdict::Accepted) continue;
        selection.clips.insert(name);
        if (it->second.caption) selection.captions[name] = oneLine(*it->second.caption);
    }
    return selection;
}

Status mergeReviewFiles(const fs::path& target, const std::vector<fs::path>& sources) {
    // Per reviewer: the target's decisions first, then each source's in order.
    std::map<std::string, std::vector<ReviewDecision>> byReviewer;
    std::map<std::string, std::set<std::string>> seen;  // per reviewer: decisions as JSON text
    std::vector<fs::path> folders{target};
    folders.insert(folders.end(), sources.begin(), sources.end());
    bool anyNew = false;
    for (size_t f = 0; f < folders.size(); ++f) {
        for (const fs::path& file : reviewFiles(folders[f])) {
            auto decisions = readLogFile(file);
            if (!decisions) return decisions.error();
            const std::string reviewer = file.stem().string();
            std::vector<ReviewDecision>& merged = byReviewer[reviewer];
            for (ReviewDecision& d : *decisions) {
                // The same decision reaches the target through several shards (or a second
                // merge): keep one.
                if (!seen[reviewer].insert(toJson(d).dump()).second) continue;
                anyNew = anyNew || f > 0;
                merged.push_back(std::move(d));
            }
        }
    }
    if (!anyNew) return {};
    for (auto& [reviewer, decisions] : byReviewer) {
        // By time; equal times keep their order, which readers take as "later entry wins".
        std::stable_sort(decisions.begin(), decisions.end(),
                         [](const ReviewDecision& a, const ReviewDecision& b) {
                             return a.time < b.time;
                         });
        if (Status s = writeLogFile(target / kReviewFolder / (reviewer + ".json"), reviewer,
                                    decisions);
            !s)
            return s;
    }
    return {};
}

}  // namespace silt::exporters
