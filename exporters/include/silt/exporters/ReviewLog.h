#pragma once
// Review decisions: people accept or reject clips (`silt review`, docs/review.md), and
// `silt manifests --approved-only` publishes only the accepted ones, with their edited
// captions. Each reviewer's decisions live in their own file,
// <dataset>/review/<reviewer>.json, rewritten atomically after every decision: several
// reviewers can work on one dataset (on different shards, or on the same clips) without
// clobbering each other, and a killed server loses nothing it has acknowledged. Every file
// keeps the whole history (who decided what, and when); readers merge all files and, per
// clip, the latest decision wins (by UTC time; on equal times the reviewer name that sorts
// last, then the later entry in the file).
//
// File format (UTF-8 JSON):
//   {"reviewer": "alice", "decisions": [{"clip": "clip_000003", "decision": "reject",
//     "reason": "sand explodes", "caption": null, "reviewer": "alice",
//     "time": "2026-12-03T08:15:02.317Z"}, …]}
// "decision" is "accept", "reject" or "undecided" (a decision taken back); "caption" is the
// caption as the reviewer edited it, or null for the clip's own caption.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "silt/core/Result.h"
#include "silt/exporters/Dataset.h"

namespace silt::exporters {

/// The folder of review files, relative to the dataset folder.
inline constexpr std::string_view kReviewFolder = "review";

enum class Verdict { Undecided, Accepted, Rejected };

/// One decision on one clip: the reviewer's whole judgement of it at that moment.
struct ReviewDecision {
    std::string clip;  ///< clip folder name under clips/
    Verdict verdict = Verdict::Undecided;
    std::string reason;                  ///< why (rejections); may be empty
    std::optional<std::string> caption;  ///< edited caption, one line; none = the clip's own
    std::string reviewer;                ///< who decided (the review file's name)
    std::string time;                    ///< UTC, ISO 8601 with milliseconds
};

/// "accept", "reject", "undecided".
[[nodiscard]] std::string_view verdictName(Verdict verdict);
/// The inverse of verdictName(); nullopt for anything else.
[[nodiscard]] std::optional<Verdict> parseVerdict(std::string_view name);

[[nodiscard]] nlohmann::json toJson(const ReviewDecision& decision);
/// Parses one decision; the error names `where` and the field at fault.
[[nodiscard]] Result<ReviewDecision> decisionFromJson(const nlohmann::json& value,
                                                      const std::string& where);

/// True for names usable as a review file name: 1 to 64 of [A-Za-z0-9._-], no leading dot.
[[nodiscard]] bool isValidReviewerName(std::string_view name);

/// The current UTC time as "2026-12-03T08:15:02.317Z" (fixed width, so strings sort by time).
[[nodiscard]] std::string utcTimestamp();

/// One reviewer's review file: its decisions in the order they were made. Not thread-safe:
/// one writer per reviewer (the review server serialises its requests on it).
class ReviewLog {
public:
    /// Opens <datasetDir>/review/<reviewer>.json, reading the decisions already in it (a
    /// missing file is an empty log). Errors name the file and the entry at fault.
    [[nodiscard]] static Result<ReviewLog> open(const std::filesystem::path& datasetDir,
                                                const std::string& reviewer);

    /// Appends `decision` (its reviewer set to this log's, its caption made one line: line
    /// breaks become spaces, surrounding spaces go, an empty caption means none) and
    /// rewrites the file atomically. On failure the log is unchanged.
    [[nodiscard]] Status record(ReviewDecision decision);

    [[nodiscard]] const std::vector<ReviewDecision>& decisions() const { return mDecisions; }
    [[nodiscard]] const std::filesystem::path& path() const { return mPath; }
    [[nodiscard]] const std::string& reviewer() const { return mReviewer; }

private:
    ReviewLog(std::filesystem::path path, std::string reviewer)
        : mPath(std::move(path)), mReviewer(std::move(reviewer)) {}

    std::filesystem::path mPath;
    std::string mReviewer;
    std::vector<ReviewDecision> mDecisions;
};

/// Every review file of the dataset merged: the latest decision per clip (see above). No
/// review folder means no decisions. A malformed file is an Error naming it.
[[nodiscard]] Result<std::map<std::string, ReviewDecision>> readLatestDecisions(
    const std::filesystem::path& datasetDir);

/// The complete clips whose latest decision is an acceptance, with their edited captions:
/// what `silt manifests --approved-only` publishes.
[[nodiscard]] Result<ClipSelection> approvedClips(const std::filesystem::path& datasetDir);

/// Carries review decisions from other dataset folders (e.g. shards reviewed apart, then
/// merged) into `target`: per reviewer, the union of the target's and the sources' decisions,
/// each once, ordered by time; each file rewritten atomically, and nothing written when the
/// sources add nothing. A malformed file is an Error naming it (and nothing is written).
[[nodiscard]] Status mergeReviewFiles(const std::filesystem::path& target,
                                      const std::vector<std::filesystem::path>& sources);

}  // namespace silt::exporters
