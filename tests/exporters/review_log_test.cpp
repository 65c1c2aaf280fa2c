// Review decisions (ReviewLog) and approved-only publishing: one atomic file per reviewer,
// merged on read with the latest decision per clip winning, and manifests, shards and card
// that hold exactly the accepted clips with their edited captions.

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "TestSupport.h"
#include "silt/core/FileAtomics.h"
#include "silt/exporters/ClipWriter.h"
#include "silt/exporters/Dataset.h"
#include "silt/exporters/Manifests.h"
#include "silt/exporters/Publish.h"
#include "silt/exporters/ReviewLog.h"
#include "silt/exporters/Validate.h"
#include "silt/exporters/WebDataset.h"

namespace silt::exporters {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using test::TempDir;

ReviewDecision decision(const std::string& clip, Verdict verdict, const std::string& time,
                        std::optional<std::string> caption = std::nullopt,
                        const std::string& reason = "") {
    ReviewDecision d;
    d.clip = clip;
    d.verdict = verdict;
    d.time = time;
    d.caption = std::move(caption);
    d.reason = reason;
    return d;
}

ReviewLog openLog(const fs::path& dir, const std::string& reviewer) {
    auto log = ReviewLog::open(dir, reviewer);
    EXPECT_TRUE(log.ok()) << log.error().message;
    return std::move(*log);
}

std::vector<std::string> lines(const fs::path& file) {
    std::vector<std::string> out;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

TEST(ReviewLog, RecordsEveryDecisionAndReadsThemBack) {
    TempDir tmp;
    ReviewLog log = openLog(tmp.path(), "alice");
    ASSERT_TRUE(
        log.record(decision("clip_000000", Verdict::Accepted, "2026-12-03T08:00:00.000Z")).ok());
    ASSERT_TRUE(log.record(decision("clip_000001", Verdict::Rejected, "2026-12-03T08:00:01.000Z",
                                    std::nullopt, "sand\nexplodes"))
                    .ok());
    ASSERT_TRUE(log.record(decision("clip_000000", Verdict::Accepted, "2026-12-03T08:00:02.000Z",
                                    "  A cup\r\nfalls.  "))
                    .ok());
    EXPECT_EQ(log.path(), tmp.path() / "review" / "alice.json");

    // No temporaries left beside the file; the file is the whole history.
    for (const auto& entry : fs::directory_iterator(tmp.path() / "review"))
        EXPECT_EQ(entry.path().filename(), "alice.json");
    ReviewLog again = openLog(tmp.path(), "alice");
    ASSERT_EQ(again.decisions().size(), 3u);
    EXPECT_EQ(again.decisions()[1].reason, "sand explodes");  // one line
    EXPECT_EQ(again.decisions()[1].verdict, Verdict::Rejected);
    EXPECT_EQ(again.decisions()[2].caption, "A cup  falls.");  // one line, trimmed
    for (const ReviewDecision& d : again.decisions()) EXPECT_EQ(d.reviewer, "alice");
    auto text = readFile(log.path());
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(json::parse(*text)["decisions"].size(), 3u);

    // An empty edited caption means the clip's own caption.
    ASSERT_TRUE(
        again.record(decision("clip_000000", Verdict::Accepted, "2026-12-03T08:00:03.000Z", "  "))
            .ok());
    EXPECT_FALSE(again.decisions().back().caption.has_value());
}

TEST(ReviewLog, AFailedWriteLeavesTheLogAndFileUnchanged) {
    TempDir tmp;
    ReviewLog log = openLog(tmp.path(), "bob");
    ASSERT_TRUE(
        log.record(decision("clip_000000", Verdict::Accepted, "2026-12-03T08:00:00.000Z")).ok());
    const std::string before = *readFile(log.path());
    // Replace the review folder by a file: the next write cannot succeed.
    fs::remove_all(tmp.path() / "review");
    std::ofstream(tmp.path() / "review") << "in the way";
    Status s = log.record(decision("clip_000001", Verdict::Rejected, "2026-12-03T08:00:01.000Z"));
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(log.decisions().size(), 1u);
    fs::remove(tmp.path() / "review");
    ASSERT_TRUE(
        log.record(decision("clip_000002", Verdict::Accepted, "2026-12-03T08:00:02.000Z")).ok());
    auto reread = openLog(tmp.path(), "bob");
    ASSERT_EQ(reread.decisions().size(), 2u);
    EXPECT_EQ(reread.decisions()[0].clip, "clip_000000");
    EXPECT_EQ(reread.decisions()[1].clip, "clip_000002");
    EXPECT_NE(before, *readFile(log.path()));
}

TEST(ReviewLog, RefusesBadReviewerNamesAndMalformedFiles) {
    TempDir tmp;
    for (const char* bad : {"", "../x", "a/b", ".hidden", "with space", "ümlaut"}) {
        EXPECT_FALSE(ReviewLog::open(tmp.path(), bad).ok()) << bad;
        EXPECT_FALSE(isValidReviewerName(bad)) << bad;
    }
    EXPECT_TRUE(isValidReviewerName("shard-03_carol.v2"));
    fs::create_directories(tmp.path() / "review");
    std::ofstream(tmp.path() / "review" / "dave.json")
        << R"({"reviewer": "dave", "decisions": [{"clip": "c", "decision": "maybe", "reviewer": "dave", "time": "t"}]})";
    auto log = ReviewLog::open(tmp.path(), "dave");
    ASSERT_FALSE(log.ok());
    EXPECT_NE(log.error().message.find("dave.json: decisions[0]"), std::string::npos)
        << log.error().message;
    EXPECT_NE(log.error().message.find("maybe"), std::string::npos) << log.error().message;
    auto merged = readLatestDecisions(tmp.path());
    ASSERT_FALSE(merged.ok());
    EXPECT_NE(merged.error().message.find("dave.json"), std::string::npos);
}

TEST(ReviewLog, ReviewersAreMergedAndTheLatestDecisionWins) {
    TempDir tmp;
    EXPECT_TRUE(readLatestDecisions(tmp.path())->empty());  // no review folder yet
    ReviewLog alice = openLog(tmp.path(), "alice");
    ReviewLog bob = openLog(tmp.path(), "bob");
    // a: alice accepts, bob rejects later -> rejected by bob.
    ASSERT_TRUE(alice.record(decision("a", Verdict::Accepted, "2026-12-03T08:00:01.000Z")).ok());
    ASSERT_TRUE(
        bob.record(decision("a", Verdict::Rejected, "2026-12-03T08:00:02.000Z", {}, "blurry"))
            .ok());
    // b: bob accepts, then alice's older decision is written later -> bob's (newer) wins.
    ASSERT_TRUE(bob.record(decision("b", Verdict::Accepted, "2026-12-03T08:00:05.000Z")).ok());
    ASSERT_TRUE(alice.record(decision("b", Verdict::Rejected, "2026-12-03T08:00:04.000Z")).ok());
    // c: the same millisecond -> the reviewer name that sorts last.
    ASSERT_TRUE(bob.record(decision("c", Verdict::Rejected, "2026-12-03T08:00:06.000Z")).ok());
    ASSERT_TRUE(alice.record(decision("c", Verdict::Accepted, "2026-12-03T08:00:06.000Z")).ok());
    // d: one reviewer changes their mind -> the last entry.
    ASSERT_TRUE(alice.record(decision("d", Verdict::Rejected, "2026-12-03T08:00:07.000Z")).ok());
    ASSERT_TRUE(
        alice.record(decision("d", Verdict::Accepted, "2026-12-03T08:00:08.000Z", "Edited.")).ok());
    // A temporary of a killed write is not a review file.
    std::ofstream(tmp.path() / "review" / "alice.json.tmp-123") << "{half";

    auto merged = readLatestDecisions(tmp.path());
    ASSERT_TRUE(merged.ok()) << merged.error().message;
    ASSERT_EQ(merged->size(), 4u);
    EXPECT_EQ(merged->at("a").verdict, Verdict::Rejected);
    EXPECT_EQ(merged->at("a").reviewer, "bob");
    EXPECT_EQ(merged->at("a").reason, "blurry");
    EXPECT_EQ(merged->at("b").verdict, Verdict::Accepted);
    EXPECT_EQ(merged->at("b").reviewer, "bob");
    EXPECT_EQ(merged->at("c").reviewer, "bob");
    EXPECT_EQ(merged->at("d").verdict, Verdict::Accepted);
    EXPECT_EQ(merged->at("d").caption, "Edited.");
    // Each reviewer's file holds only their own decisions: nobody clobbers anybody.
    EXPECT_EQ(openLog(tmp.path(), "alice").decisions().size(), 5u);
    EXPECT_EQ(openLog(tmp.path(), "bob").decisions().size(), 3u);
}

TEST(ReviewLog, MergingShardsCarriesEveryDecisionOnceInTimeOrder) {
    TempDir tmp;
    struct Folder {
        fs::path dir;
        const fs::path& path() const { return dir; }
    };
    const Folder shardA{tmp.path() / "a"}, shardB{tmp.path() / "b"}, merged{tmp.path() / "m"};
    ReviewLog aliceA = openLog(shardA.path(), "alice");
    ASSERT_TRUE(aliceA.record(decision("a", Verdict::Accepted, "2026-12-03T08:00:03.000Z")).ok());
    ASSERT_TRUE(aliceA.record(decision("b", Verdict::Rejected, "2026-12-03T08:00:01.000Z")).ok());
    ReviewLog aliceB = openLog(shardB.path(), "alice");
    ASSERT_TRUE(
        aliceB.record(decision("c", Verdict::Accepted, "2026-12-03T08:00:02.000Z", "Cap.")).ok());
    ReviewLog bobB = openLog(shardB.path(), "bob");
    ASSERT_TRUE(bobB.record(decision("a", Verdict::Rejected, "2026-12-03T08:00:04.000Z")).ok());
    // The merged folder already holds one of alice's decisions (an earlier merge).
    ReviewLog aliceM = openLog(merged.path(), "alice");
    ASSERT_TRUE(aliceM.record(decision("b", Verdict::Rejected, "2026-12-03T08:00:01.000Z")).ok());

    ASSERT_TRUE(mergeReviewFiles(merged.path(), {shardA.path(), shardB.path()}).ok());
    std::vector<ReviewDecision> alice = openLog(merged.path(), "alice").decisions();
    ASSERT_EQ(alice.size(), 3u);  // b once, though both the target and shard A had it
    EXPECT_EQ(alice[0].clip, "b");
    EXPECT_EQ(alice[1].clip, "c");
    EXPECT_EQ(alice[1].caption, "Cap.");
    EXPECT_EQ(alice[2].clip, "a");
    EXPECT_EQ(openLog(merged.path(), "bob").decisions().size(), 1u);
    auto latest = readLatestDecisions(merged.path());
    ASSERT_TRUE(latest.ok());
    EXPECT_EQ(latest->at("a").verdict, Verdict::Rejected);  // bob's, later than alice's
    EXPECT_EQ(latest->at("c").verdict, Verdict::Accepted);

    // Merging again changes nothing, byte for byte.
    const auto before = readFile(merged.path() / "review" / "alice.json");
    ASSERT_TRUE(mergeReviewFiles(merged.path(), {shardB.path(), shardA.path()}).ok());
    EXPECT_EQ(*readFile(merged.path() / "review" / "alice.json"), *before);

    // A malformed source file is an error naming it, and the target is left as it was.
    std::ofstream(shardB.path() / "review" / "carol.json") << "{\"decisions\": 3}";
    auto bad = mergeReviewFiles(merged.path(), {shardA.path(), shardB.path()});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("carol.json"), std::string::npos) << bad.error().message;
    EXPECT_FALSE(fs::exists(merged.path() / "review" / "carol.json"));
    EXPECT_EQ(*readFile(merged.path() / "review" / "alice.json"), *before);
}

TEST(ReviewLog, TimestampsAreUtcWithMillisecondsAndSortAsText) {
    const std::string t = utcTimestamp();
    ASSERT_EQ(t.size(), 24u) << t;
    EXPECT_EQ(t[4], '-');
    EXPECT_EQ(t[10], 'T');
    EXPECT_EQ(t[19], '.');
    EXPECT_EQ(t.back(), 'Z');
    EXPECT_LE(t, utcTimestamp());
}

void writeClip(const fs::path& dir, uint64_t index, const std::string& caption) {
    VideoEncoderDesc video;
    video.width = 32;
    video.height = 32;
    video.fps = 12;
    auto writer = ClipWriter::open(dir, fmt::format("clip_{:06d}", index), video);
    ASSERT_TRUE(writer.ok()) << writer.error().message;
    for (uint32_t f = 0; f < 2; ++f)
        ASSERT_TRUE((*writer)->addFrame(test::syntheticFrame(32, 32, f + uint32_t(index))).ok());
    json meta = {{"clip_index", index}, {"frames", 2}, {"fps", 12},         {"width", 32},
                 {"height", 32},        {"seed", 1},   {"caption", caption}};
    ASSERT_TRUE((*writer)->commit(meta).ok());
}

TEST(ApprovedOnly, ManifestsShardsAndCardHoldExactlyTheAcceptedClips) {
    TempDir tmp;
    const fs::path dir = tmp.path();
    for (uint64_t i = 0; i < 4; ++i) writeClip(dir, i, fmt::format("Clip {} as generated.", i));
    ReviewLog alice = openLog(dir, "alice");
    ReviewLog bob = openLog(dir, "bob");
    ASSERT_TRUE(
        alice.record(decision("clip_000000", Verdict::Accepted, "2026-12-03T08:00:00.000Z")).ok());
    ASSERT_TRUE(alice
                    .record(decision("clip_000001", Verdict::Rejected, "2026-12-03T08:00:01.000Z",
                                     {}, "no"))
                    .ok());
    ASSERT_TRUE(bob.record(decision("clip_000002", Verdict::Accepted, "2026-12-03T08:00:02.000Z",
                                    "A reviewer's caption, with \"quotes\"."))
                    .ok());
    // clip_000003: accepted, then taken back.
    ASSERT_TRUE(
        bob.record(decision("clip_000003", Verdict::Accepted, "2026-12-03T08:00:03.000Z")).ok());
    ASSERT_TRUE(
        alice.record(decision("clip_000003", Verdict::Undecided, "2026-12-03T08:00:04.000Z")).ok());

    auto approved = approvedClips(dir);
    ASSERT_TRUE(approved.ok()) << approved.error().message;
    EXPECT_EQ(approved->clips, (std::set<std::string>{"clip_000000", "clip_000002"}));

    ASSERT_TRUE(
        publishDataset(dir, json{{"seed", 1}}, ShardDesc{1}, PublishedClips::ApprovedOnly).ok());
    const std::string edited = "A reviewer's caption, with \"quotes\".";
    EXPECT_EQ(lines(dir / kVideosTxt),
              (std::vector<std::string>{"videos/clip_000000.mp4", "videos/clip_000002.mp4"}));
    EXPECT_EQ(lines(dir / kPromptsTxt), (std::vector<std::string>{"Clip 0 as generated.", edited}));
    EXPECT_EQ(lines(dir / kVideoFolderMetadata),
              (std::vector<std::string>{"file_name,caption", "clip_000000.mp4,Clip 0 as generated.",
                                        "clip_000002.mp4," + csvField(edited)}));
    std::vector<std::string> jsonl = lines(dir / kClipsJsonl);
    ASSERT_EQ(jsonl.size(), 2u);
    EXPECT_EQ(json::parse(jsonl[1])["caption"], edited);
    EXPECT_EQ(lines(dir / kOpenSoraCsv).size(), 3u);
    std::set<std::string> videos;
    for (const auto& entry : fs::directory_iterator(dir / kVideoFolder))
        videos.insert(entry.path().filename().string());
    EXPECT_EQ(videos,
              (std::set<std::string>{"clip_000000.mp4", "clip_000002.mp4", "metadata.csv"}));
    // Two shards of one clip each; the caption member of the second is the edited caption.
    auto members = readTarMembers(dir / kShardFolder / shardFileName(1));
    ASSERT_TRUE(members.ok()) << members.error().message;
    ASSERT_EQ(members->size(), 3u);
    EXPECT_EQ((*members)[2].name, "clip_000002.txt");
    EXPECT_EQ((*members)[2].size, edited.size());
    EXPECT_FALSE(fs::exists(dir / kShardFolder / shardFileName(2)));

    json card = json::parse(*readFile(dir / "dataset.json"));
    ASSERT_EQ(card["clips"].size(), 2u);
    EXPECT_EQ(card["clips"][1]["name"], "clip_000002");
    EXPECT_EQ(card["clips"][1]["caption"], edited);
    EXPECT_EQ(card["review"]["approved_only"], true);
    EXPECT_EQ(card["review"]["clips_accepted"], 2);
    EXPECT_EQ(card["review"]["clips_complete"], 4);

    // validate follows the card: the published clips are the accepted ones.
    ValidationReport report = validateDataset(dir);
    EXPECT_TRUE(report.ok()) << fmt::format("{}", fmt::join(report.problems, "\n"));
    // A decision changed after publishing is a mismatch until the manifests are rebuilt.
    ASSERT_TRUE(
        bob.record(decision("clip_000001", Verdict::Accepted, "2026-12-03T09:00:00.000Z")).ok());
    EXPECT_FALSE(validateDataset(dir).ok());

    // Publishing everything again drops the review marker and lists all four clips.
    ASSERT_TRUE(publishDataset(dir, json{{"seed", 1}}, ShardDesc{1}).ok());
    card = json::parse(*readFile(dir / "dataset.json"));
    EXPECT_FALSE(card.contains("review"));
    EXPECT_EQ(card["clips"].size(), 4u);
    EXPECT_EQ(lines(dir / kPromptsTxt).size(), 4u);
    EXPECT_EQ(lines(dir / kPromptsTxt)[2], "Clip 2 as generated.");
    report = validateDataset(dir);
    EXPECT_TRUE(report.ok()) << fmt::format("{}", fmt::join(report.problems, "\n"));
}

}  // namespace
}  // namespace silt::exporters
