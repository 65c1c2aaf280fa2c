// Batches through the `silt` executable: parallel jobs, shards and merge, kill-and-resume,
// validate, ffprobe, and a full disk. Every comparison is of whole dataset folders, byte for
// byte (clips, card, manifests, tar shards), against an uninterrupted one-machine run.

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "DatasetCompare.h"
#include "silt/core/FileAtomics.h"
#include "silt/core/Hash.h"
#include "silt/exporters/Dataset.h"
#include "silt/exporters/ReviewLog.h"
#include "silt/exporters/VideoDecoder.h"

namespace {
namespace fs = std::filesystem;
using nlohmann::json;

using silt::test::CommandResult;
using silt::test::expectSameTree;

fs::path root() {
    return silt::test::outputRoot("dataset_cli");
}

fs::path fresh(const std::string& name) {
    fs::path dir = root() / name;
    fs::remove_all(dir);
    return dir;
}

CommandResult runCommand(const std::string& command) {
    return silt::test::runCommand(command, root());
}

std::string silt() {
    return silt::test::siltBinary();
}

// Tiny clips keep the whole file under a minute on two shared cores.
const std::string kBatch =
    "generate --clips 4 --seed 5 --frames 6 --width 64 --height 64 "
    "--threads 1 --clips-per-tar 3";

CommandResult generate(const fs::path& out, const std::string& extra = "",
                       const std::string& env = "") {
    return runCommand(
        fmt::format("{} {} {} --out {} {}", env, silt(), kBatch, out.string(), extra));
}

/// The uninterrupted one-machine, one-job run everything is compared against.
class Batch : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        sReference = fresh("reference");
        CommandResult run = generate(sReference);
        ASSERT_EQ(run.exitCode, 0) << run.err;
        sReferenceErr = run.err;
    }
    static void TearDownTestSuite() { fs::remove_all(root()); }
    static inline fs::path sReference;
    static inline std::string sReferenceErr;
};

TEST_F(Batch, ReferenceIsValidAndShowsProgress) {
    EXPECT_EQ(silt::exporters::listCompleteClips(sReference).size(), 4u);
    EXPECT_NE(sReferenceErr.find("4/4 clips"), std::string::npos) << sReferenceErr;
    EXPECT_NE(sReferenceErr.find("clips/s"), std::string::npos) << sReferenceErr;
    EXPECT_NE(sReferenceErr.find("ETA"), std::string::npos) << sReferenceErr;
    CommandResult validate = runCommand(fmt::format("{} validate {}", silt(), sReference.string()));
    EXPECT_EQ(validate.exitCode, 0) << validate.err;
    EXPECT_NE(validate.out.find("4 clips decoded"), std::string::npos) << validate.out;
    EXPECT_TRUE(fs::exists(sReference / "shards" / "shard-000001.tar"));
}

TEST_F(Batch, FfprobeReadsEveryClipAsStated) {
    for (const std::string& clip : silt::exporters::listCompleteClips(sReference)) {
        CommandResult probe = runCommand(fmt::format(
            "ffprobe -v error -count_frames -select_streams v:0 -show_entries "
            "stream=codec_name,pix_fmt,width,height,nb_read_frames,r_frame_rate -of json {}",
            (sReference / "clips" / clip / "rgb.mp4").string()));
        ASSERT_EQ(probe.exitCode, 0) << probe.err;
        json stream = json::parse(probe.out)["streams"][0];
        json meta = json::parse(*silt::readFile(sReference / "clips" / clip / "clip.json"));
        EXPECT_EQ(stream["codec_name"], "h264");
        EXPECT_EQ(stream["pix_fmt"], "yuv420p");
        EXPECT_EQ(stream["width"], meta["width"]);
        EXPECT_EQ(stream["height"], meta["height"]);
        EXPECT_EQ(stream["nb_read_frames"], fmt::format("{}", meta["frames"].get<int>()));
        EXPECT_EQ(stream["r_frame_rate"], fmt::format("{}/1", meta["fps"].get<int>()));
        auto info = silt::exporters::decodeVideo(sReference / "videos" / (clip + ".mp4"));
        ASSERT_TRUE(info.ok()) << info.error().message;
        EXPECT_EQ(info->frameCount, meta["frames"].get<int64_t>());
    }
}

TEST_F(Batch, TwoJobsGiveTheSameDatasetAsOne) {
    fs::path out = fresh("jobs2");
    CommandResult run = generate(out, "--jobs 2");
    ASSERT_EQ(run.exitCode, 0) << run.err;
    expectSameTree(sReference, out);
}

TEST_F(Batch, ShardsMergedGiveTheSameDatasetAsOneMachine) {
    fs::path a = fresh("shard0"), b = fresh("shard1"), merged = fresh("merged");
    CommandResult first = generate(a, "--shard 0/2");
    ASSERT_EQ(first.exitCode, 0) << first.err;
    // The second shard takes its index from a Slurm job array's environment.
    CommandResult second = generate(b, "",
                                    "SLURM_ARRAY_TASK_ID=7 SLURM_ARRAY_TASK_MIN=6 "
                                    "SLURM_ARRAY_TASK_COUNT=2");
    ASSERT_EQ(second.exitCode, 0) << second.err;
    EXPECT_EQ(silt::exporters::listCompleteClips(a),
              (std::vector<std::string>{"clip_000000", "clip_000002"}));
    EXPECT_EQ(silt::exporters::listCompleteClips(b),
              (std::vector<std::string>{"clip_000001", "clip_000003"}));
    // Each shard is a valid dataset of its own subset.
    CommandResult validateShard = runCommand(fmt::format("{} validate {}", silt(), b.string()));
    EXPECT_EQ(validateShard.exitCode, 0) << validateShard.err;

    CommandResult merge = runCommand(fmt::format("{} merge {} {} {} --clips-per-tar 3", silt(),
                                                 merged.string(), b.string(), a.string()));
    ASSERT_EQ(merge.exitCode, 0) << merge.err;
    expectSameTree(sReference, merged);
    // Merging again changes nothing.
    CommandResult again = runCommand(fmt::format("{} merge {} {} {} --clips-per-tar 3", silt(),
                                                 merged.string(), a.string(), b.string()));
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_NE(again.out.find("0 clips added, 4 already there"), std::string::npos) << again.out;
    expectSameTree(sReference, merged);

    // Shards reviewed apart: the decisions follow their clips into the merged folder, and an
    // approved-only publication of it holds what the shards' reviewers accepted.
    auto review = [](const fs::path& dir, const std::string& reviewer, const std::string& clip,
                     silt::exporters::Verdict verdict) {
        auto log = silt::exporters::ReviewLog::open(dir, reviewer);
        ASSERT_TRUE(log.ok()) << log.error().message;
        silt::exporters::ReviewDecision d;
        d.clip = clip;
        d.verdict = verdict;
        d.time = silt::exporters::utcTimestamp();
        ASSERT_TRUE(log->record(d).ok());
    };
    review(a, "alice", "clip_000000", silt::exporters::Verdict::Accepted);
    review(b, "bob", "clip_000001", silt::exporters::Verdict::Rejected);
    review(b, "alice", "clip_000003", silt::exporters::Verdict::Accepted);
    CommandResult reviewed = runCommand(fmt::format("{} merge {} {} {}", silt(), merged.string(),
                                                    a.string(), b.string()));
    ASSERT_EQ(reviewed.exitCode, 0) << reviewed.err;
    EXPECT_TRUE(fs::is_regular_file(merged / "review" / "alice.json"));
    EXPECT_TRUE(fs::is_regular_file(merged / "review" / "bob.json"));
    CommandResult approved = runCommand(
        fmt::format("{} manifests {} --approved-only", silt(), merged.string()));
    ASSERT_EQ(approved.exitCode, 0) << approved.err;
    auto card = silt::readFile(merged / "dataset.json");
    ASSERT_TRUE(card.ok());
    const nlohmann::json cardJson = nlohmann::json::parse(*card);
    ASSERT_EQ(cardJson["clips"].size(), 2u) << *card;
    EXPECT_EQ(cardJson["review"]["clips_accepted"], 2);

    // A shard of another batch is refused.
    fs::path otherSeed = fresh("other_seed");
    ASSERT_EQ(runCommand(fmt::format("{} generate --clips 4 --seed 6 --frames 6 --width 64 "
                                     "--height 64 --threads 1 --shard 1/2 --out {}",
                                     silt(), otherSeed.string()))
                  .exitCode,
              0);
    CommandResult refused = runCommand(fmt::format(
        "{} merge {} {} {}", silt(), fresh("bad_merge").string(), a.string(), otherSeed.string()));
    EXPECT_NE(refused.exitCode, 0);
    EXPECT_NE(refused.err.find("another batch"), std::string::npos) << refused.err;
}

TEST_F(Batch, KilledAndResumedGivesTheSameDataset) {
    fs::path out = fresh("killed");
    fs::create_directories(out);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        const std::string bin = silt();
        freopen("/dev/null", "w", stderr);
        execl(bin.c_str(), bin.c_str(), "generate", "--clips", "4", "--seed", "5", "--frames", "6",
              "--width", "64", "--height", "64", "--threads", "1", "--clips-per-tar", "3", "--out",
              out.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    // Kill it as soon as the first clip is complete: mid-batch, before any manifest.
    size_t completeAtKill = 0;
    for (int i = 0; i < 6000; ++i) {
        completeAtKill = silt::exporters::listCompleteClips(out).size();
        if (completeAtKill > 0) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "silt finished before it could be killed";
    ASSERT_GE(completeAtKill, 1u);
    size_t complete = silt::exporters::listCompleteClips(out).size();
    EXPECT_LT(complete, 4u) << "the batch was not interrupted";
    // Whatever was published lists only complete clips.
    if (fs::exists(out / "dataset.json")) {
        json card = json::parse(*silt::readFile(out / "dataset.json"));
        EXPECT_LE(card["clips"].size(), complete);
    }
    // validate sees the interrupted batch for what it is.
    CommandResult validate = runCommand(fmt::format("{} validate {}", silt(), out.string()));
    EXPECT_NE(validate.exitCode, 0);

    CommandResult resumed = generate(out);
    ASSERT_EQ(resumed.exitCode, 0) << resumed.err;
    EXPECT_NE(resumed.out.find(fmt::format("({} already complete)", complete)), std::string::npos)
        << resumed.out;
    expectSameTree(sReference, out);
}

TEST_F(Batch, ValidateListsEveryProblemAndFails) {
    fs::path out = fresh("damaged");
    fs::copy(sReference, out, fs::copy_options::recursive);
    fs::remove(out / "videos" / "clip_000001.mp4");
    ASSERT_TRUE(silt::writeFileAtomic(out / "prompts.txt", "one line\n").ok());
    CommandResult validate = runCommand(fmt::format("{} validate {}", silt(), out.string()));
    EXPECT_EQ(validate.exitCode, 1);
    EXPECT_NE(validate.err.find("clip_000001.mp4"), std::string::npos) << validate.err;
    EXPECT_NE(validate.err.find("prompts.txt"), std::string::npos) << validate.err;
    // `silt manifests` repairs what is derived from the clips.
    ASSERT_EQ(
        runCommand(fmt::format("{} manifests {} --clips-per-tar 3", silt(), out.string())).exitCode,
        0);
    expectSameTree(sReference, out);
}

TEST(BatchDiskFull, FailsClearlyAndKeepsCommittedClipsValid) {
    fs::path mountPoint = fresh("tmpfs");
    fs::create_directories(mountPoint);
    // Room for a few tiny clips but not for a batch of 40.
    if (::mount("tmpfs", mountPoint.c_str(), "tmpfs", 0, "size=4m") != 0) {
        GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno)
                     << "); the disk-full test needs root or CAP_SYS_ADMIN";
    }
    struct Unmount {
        fs::path path;
        ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
    } unmount{mountPoint};
    CommandResult run =
        runCommand(fmt::format("{} generate --clips 40 --seed 5 --frames 6 --width 64 "
                               "--height 64 --threads 1 --out {}",
                               silt(), (mountPoint / "ds").string()));
    EXPECT_NE(run.exitCode, 0);
    EXPECT_NE(run.err.find("No space left on device"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find(mountPoint.string()), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("internal error"), std::string::npos) << run.err;
    auto complete = silt::exporters::listCompleteClips(mountPoint / "ds");
    EXPECT_GE(complete.size(), 1u) << run.err;
    EXPECT_LT(complete.size(), 40u);
    for (const std::string& clip : complete) {
        json meta = json::parse(*silt::readFile(mountPoint / "ds" / "clips" / clip / "clip.json"));
        auto info = silt::exporters::decodeVideo(mountPoint / "ds" / "clips" / clip / "rgb.mp4");
        ASSERT_TRUE(info.ok()) << info.error().message;
        EXPECT_EQ(info->frameCount, meta["frames"].get<int64_t>()) << clip;
        EXPECT_EQ(meta["frame_hashes"].size(), 6u);
    }
    for (const auto& entry : fs::directory_iterator(mountPoint / "ds" / "clips")) {
        EXPECT_EQ(entry.path().filename().string().find(".partial-"), std::string::npos)
            << "left behind: " << entry.path();
    }
}

}  // namespace
