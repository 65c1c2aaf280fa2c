// Plausibility checks end to end: clips forced to fail a check are drawn again from the next
// seed of their stream (regenerate) or written and flagged (flag); clip.json and the dataset
// card record it, `silt validate` still passes, and regenerated datasets are the same for any
// job count or shard split. Tiny clips (64², 8 frames) keep the file at a few seconds.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "DatasetCompare.h"
#include "silt/app/ClipChecks.h"
#include "silt/app/ClipProducer.h"
#include "silt/assets/AssetLibrary.h"
#include "silt/app/Generate.h"
#include "silt/core/FileAtomics.h"
#include "silt/exporters/Dataset.h"
#include "silt/exporters/Validate.h"

namespace silt::app {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr uint64_t kSeed = 3;
constexpr uint32_t kClips = 2;

fs::path root() {
    return test::outputRoot("checks_e2e");
}

json readJson(const fs::path& path) {
    auto text = readFile(path);
    EXPECT_TRUE(text.ok()) << path;
    return json::parse(*text);
}

json clipJson(const fs::path& dir, uint64_t clip) {
    return readJson(dir / "clips" / clipName(clip) / "clip.json");
}

/// A --checks file with `checks` in it.
fs::path checksFile(const std::string& name, const json& checks) {
    fs::create_directories(root());
    fs::path file = root() / (name + ".json");
    std::ofstream(file) << checks.dump(2);
    return file;
}

GenerateOptions options(const std::string& dir, const fs::path& checks) {
    GenerateOptions o;
    o.out = root() / dir;
    fs::remove_all(o.out);
    o.clips = kClips;
    o.seed = kSeed;
    o.frames = 8;
    o.width = 64;
    o.height = 64;
    o.threads = 1;
    o.quiet = true;
    o.checks = checks;
    return o;
}

void expectValid(const fs::path& dir) {
    exporters::ValidationReport report = exporters::validateDataset(dir);
    for (const std::string& problem : report.problems) ADD_FAILURE() << problem;
    EXPECT_EQ(report.clipsChecked, kClips);
}

/// Two impossible thresholds: every attempt fails, and records both values it measured.
const json kImpossible = {{"on_fail", "regenerate"},
                          {"max_attempts", 3},
                          {"thresholds", {{"frame_contrast", 1000}, {"frame_difference", 1000}}}};

class ChecksEndToEnd : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        GenerateOptions o = options("exhausted", checksFile("impossible", kImpossible));
        auto report = generateDataset(o);
        ASSERT_TRUE(report.ok()) << report.error().message;
        sExhausted = *report;
        sExhaustedDir = o.out;
        std::cout << "checks overhead: " << 1e3 * report->times.checks / double(report->attempts)
                  << " ms per clip attempt (64x64, 8 frames; the rest of the attempt took "
                  << 1e3 *
                         (report->times.plan + report->times.physics + report->times.render +
                          report->times.encode) /
                         double(report->attempts)
                  << " ms)\n";
    }
    static void TearDownTestSuite() { fs::remove_all(root()); }
    static inline GenerateReport sExhausted;
    static inline fs::path sExhaustedDir;
};

TEST_F(ChecksEndToEnd, ExhaustedAttemptsWriteTheLastOneFlagged) {
    EXPECT_EQ(sExhausted.clipsWritten, kClips);
    EXPECT_EQ(sExhausted.attempts, 3u * kClips);
    EXPECT_EQ(sExhausted.clipsFlagged, kClips);
    EXPECT_EQ(sExhausted.clipsRegenerated, kClips);
    for (uint64_t clip = 0; clip < kClips; ++clip) {
        json meta = clipJson(sExhaustedDir, clip);
        const json& checks = meta["checks"];
        EXPECT_EQ(meta["seed"], kSeed);  // the dataset seed identifies the clip
        EXPECT_EQ(checks["passed"], false);
        EXPECT_EQ(checks["attempt"], 2);
        EXPECT_EQ(checks["seed_stream"], attemptSeed(kSeed, clip, 2));
        EXPECT_EQ(checks["frame_contrast"]["passed"], false);
        EXPECT_EQ(checks["frame_contrast"]["threshold"], 1000.0);
        EXPECT_EQ(checks["energy_gain"]["passed"], true);
        ASSERT_EQ(checks["rejected_attempts"].size(), 2u);
        for (uint32_t k = 0; k < 2; ++k) {
            const json& rejected = checks["rejected_attempts"][k];
            EXPECT_EQ(rejected["attempt"], k);
            EXPECT_EQ(rejected["seed_stream"], attemptSeed(kSeed, clip, k));
            EXPECT_TRUE(rejected["failed"]["frame_contrast"].is_number());
        }
        // Different attempts are different clips.
        EXPECT_NE(checks["rejected_attempts"][0]["failed"], checks["rejected_attempts"][1]["failed"]);
    }
    json card = readJson(sExhaustedDir / "dataset.json");
    EXPECT_EQ(card["checks"], (json{{"clips_checked", kClips},
                                    {"clips_flagged", kClips},
                                    {"clips_regenerated", kClips}}));
    EXPECT_EQ(card["checks_config"]["on_fail"], "regenerate");
    for (const json& entry : card["clips"]) EXPECT_EQ(entry["checks_passed"], false);
    expectValid(sExhaustedDir);
}

/// A threshold that attempt 0 of some clip fails and its attempt 1 passes, from the values the
/// exhausted run recorded: {clip, check, threshold}.
struct Split {
    uint64_t clip = 0;
    std::string check;
    double threshold = 0.0;
};
std::optional<Split> splitBetweenFirstAttempts(const fs::path& dir) {
    for (uint64_t clip = 0; clip < kClips; ++clip) {
        const json rejected = clipJson(dir, clip)["checks"]["rejected_attempts"];
        for (const std::string check : {"frame_contrast", "frame_difference"}) {
            const double v0 = rejected[0]["failed"][check], v1 = rejected[1]["failed"][check];
            if (v1 > v0) return Split{clip, check, 0.5 * (v0 + v1)};  // both are minimum checks
        }
    }
    return std::nullopt;
}

TEST_F(ChecksEndToEnd, RegenerateDrawsTheNextSeedUntilAClipPasses) {
    auto split = splitBetweenFirstAttempts(sExhaustedDir);
    ASSERT_TRUE(split) << "no clip whose second attempt measures higher than its first";
    const json config = {{"on_fail", "regenerate"},
                         {"max_attempts", 3},
                         {"thresholds", {{split->check, split->threshold}}}};
    GenerateOptions o = options("regenerated", checksFile("split", config));
    auto report = generateDataset(o);
    ASSERT_TRUE(report.ok()) << report.error().message;

    json checks = clipJson(o.out, split->clip)["checks"];
    EXPECT_EQ(checks["passed"], true);
    EXPECT_EQ(checks["attempt"], 1);
    EXPECT_EQ(checks["seed_stream"], attemptSeed(kSeed, split->clip, 1));
    EXPECT_GE(double(checks[split->check]["value"]), split->threshold);
    ASSERT_EQ(checks["rejected_attempts"].size(), 1u);
    EXPECT_EQ(checks["rejected_attempts"][0]["seed_stream"], kSeed);
    EXPECT_GE(report->clipsRegenerated, 1u);

    // The card counts what the clips record.
    json card = readJson(o.out / "dataset.json");
    uint32_t flagged = 0, regenerated = 0;
    for (uint64_t clip = 0; clip < kClips; ++clip) {
        json c = clipJson(o.out, clip)["checks"];
        flagged += c["passed"] == false;
        regenerated += c["attempt"] != 0;
    }
    EXPECT_EQ(card["checks"]["clips_flagged"], flagged);
    EXPECT_EQ(card["checks"]["clips_regenerated"], regenerated);
    EXPECT_EQ(report->clipsFlagged, flagged);
    expectValid(o.out);

    // Regeneration is a pure function of (seed, clip, attempt): two jobs and a shard split
    // give the same bytes.
    GenerateOptions jobs = options("regenerated_jobs2", o.checks);
    jobs.jobs = 2;
    ASSERT_TRUE(generateDataset(jobs).ok());
    test::expectSameTree(o.out, jobs.out);
    for (uint32_t shard = 0; shard < 2; ++shard) {
        GenerateOptions part = options("regenerated_shard" + std::to_string(shard), o.checks);
        part.shard = ShardSpec{shard, 2, "test"};
        ASSERT_TRUE(generateDataset(part).ok());
        for (const std::string& clip : exporters::listCompleteClips(part.out)) {
            EXPECT_EQ(test::fileTree(part.out / "clips" / clip), test::fileTree(o.out / "clips" / clip))
                << clip;
        }
    }
}

TEST_F(ChecksEndToEnd, FlagWritesTheFirstAttemptAndRerunsFollowTheSettings) {
    const fs::path file = checksFile(
        "flag", {{"on_fail", "flag"}, {"thresholds", {{"frame_contrast", 1000}}}});
    GenerateOptions o = options("flagged", file);
    auto report = generateDataset(o);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->attempts, kClips);
    EXPECT_EQ(report->clipsFlagged, kClips);
    for (uint64_t clip = 0; clip < kClips; ++clip) {
        json checks = clipJson(o.out, clip)["checks"];
        EXPECT_EQ(checks["passed"], false);
        EXPECT_EQ(checks["attempt"], 0);
        EXPECT_EQ(checks["seed_stream"], kSeed);
        EXPECT_EQ(checks["on_fail"], "flag");
        EXPECT_TRUE(checks["rejected_attempts"].empty());
    }
    EXPECT_EQ(readJson(o.out / "dataset.json")["checks"]["clips_flagged"], kClips);
    expectValid(o.out);

    // The same settings again: complete clips are kept.
    auto again = generateDataset(o);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->clipsSkipped, kClips);
    // Other settings (the defaults): the clips are checked and written again, and pass.
    o.checks.clear();
    auto defaults = generateDataset(o);
    ASSERT_TRUE(defaults.ok()) << defaults.error().message;
    EXPECT_EQ(defaults->clipsWritten, kClips);
    EXPECT_EQ(defaults->clipsFlagged, 0u) << clipJson(o.out, 0)["checks"].dump(2);
    EXPECT_EQ(readJson(o.out / "dataset.json")["checks"]["clips_flagged"], 0);
}

TEST_F(ChecksEndToEnd, BadChecksFileFailsBeforeAnyClipIsWritten) {
    const fs::path file = checksFile("typo", {{"thresholds", {{"energy_gian", 2}}}});
    GenerateOptions o = options("typo", file);
    auto report = generateDataset(o);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().message,
              fmt::format("--checks: {}: /thresholds/energy_gian: unknown field (did you mean "
                          "\"energy_gain\"?)",
                          file.string()));
    EXPECT_TRUE(exporters::listCompleteClips(o.out).empty());
}

// A small water tank whose viscosity is drawn from {0.01, 2000} Pa·s: at 2000 the explicit
// viscous update is unstable at the solver's time step and the simulation blows up within
// the first frame (the solver reports runaway speed).
constexpr const char* kUnstableTank = R"({
  "silt_scene": 1, "name": "unstable-tank", "frames": 4, "fps": 24,
  "image": {"width": 64, "height": 64},
  "continuum": {
    "cell_size": 0.04, "particles_per_cell": 2,
    "domain": {"min": [-0.2, 0, -0.2], "max": [0.2, 0.4, 0.2]},
    "water": [{"min": [-0.2, 0, -0.2], "max": [0.2, 0.1, 0.2], "max_flow_speed": 1.5,
               "viscosity": {"choice": [0.01, 2000]}}]
  },
  "objects": [{"asset": "boat", "position": [0, 0.3, 0], "scale": 0.35}],
  "camera": {"position": [0.8, 0.7, 1.0], "target": [0, 0.12, 0], "fov_deg": 45}
})";

TEST_F(ChecksEndToEnd, ExplodedSimulationIsRegeneratedFromTheNextSeed) {
    auto scene = scenes::parseSceneTemplate(kUnstableTank, "unstable-tank.json");
    ASSERT_TRUE(scene.ok()) << scene.error().message;
    auto library = assets::AssetLibrary::open(assets::bundledMeshDir());
    ASSERT_TRUE(library.ok()) << library.error().message;
    // A clip whose first attempt draws the unstable viscosity and whose second does not.
    auto lookup = assetLookup(*library);
    auto viscosity = [&](uint64_t clip, uint32_t attempt) {
        auto plan = scenes::randomize(*scene, lookup, attemptSeed(kSeed, clip, attempt), clip);
        EXPECT_TRUE(plan.ok()) << plan.error().message;
        return plan->continuum->water.at(0).viscosity;
    };
    std::optional<uint64_t> clip;
    for (uint64_t c = 0; c < 64 && !clip; ++c)
        if (viscosity(c, 0) > 1000.0f && viscosity(c, 1) < 1.0f) clip = c;
    ASSERT_TRUE(clip) << "no clip among 64 draws 2000 then 0.01";

    configureThreads(1);
    auto producer = ClipProducer::create(*library, 64, 64, 1);
    ASSERT_TRUE(producer.ok()) << producer.error().message;
    const fs::path dir = root() / "unstable";
    scenes::ChecksConfig checks;
    checks.onFail = scenes::CheckFailPolicy::Regenerate;
    checks.maxAttempts = 2;
    auto outcome = (*producer)->produce(*scene, kSeed, *clip, {}, dir, checks, nullptr);
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    EXPECT_EQ(outcome->attempts, 2u);
    json record = clipJson(dir, *clip)["checks"];
    EXPECT_EQ(record["attempt"], 1);
    ASSERT_EQ(record["rejected_attempts"].size(), 1u);
    const std::string error = record["rejected_attempts"][0]["simulation_error"];
    EXPECT_NE(error.find("runaway"), std::string::npos) << error;

    // Under "flag" there is only one attempt: the failure is the clip's error, and no clip.
    fs::remove_all(dir);
    checks.onFail = scenes::CheckFailPolicy::Flag;
    auto flagged = (*producer)->produce(*scene, kSeed, *clip, {}, dir, checks, nullptr);
    ASSERT_FALSE(flagged.ok());
    EXPECT_NE(flagged.error().message.find("simulating frame 1"), std::string::npos);
    EXPECT_TRUE(exporters::listCompleteClips(dir).empty());
}

TEST_F(ChecksEndToEnd, CommandLineTakesAChecksFileAndReportsItsErrors) {
    const fs::path typo = checksFile("cli_typo", {{"on_fail", "retry"}});
    const fs::path out = root() / "cli";
    test::CommandResult run = test::runCommand(
        fmt::format("{} generate --clips 1 --frames 4 --width 64 --height 64 --threads 1 "
                    "--checks {} --out {}",
                    test::siltBinary(), typo.string(), out.string()),
        root());
    EXPECT_EQ(run.exitCode, 1);
    EXPECT_EQ(run.err, fmt::format("silt: error: --checks: {}: /on_fail: expected \"flag\" or "
                                   "\"regenerate\", got \"retry\"\n",
                                   typo.string()));
    EXPECT_TRUE(exporters::listCompleteClips(out).empty());

    const fs::path flag = checksFile("cli_flag", {{"thresholds", {{"frame_contrast", 1000}}}});
    run = test::runCommand(
        fmt::format("{} generate --clips 1 --frames 4 --width 64 --height 64 --threads 1 "
                    "--checks {} --out {}",
                    test::siltBinary(), flag.string(), out.string()),
        root());
    EXPECT_EQ(run.exitCode, 0) << run.err;
    EXPECT_NE(run.out.find("0 clips regenerated, 1 flagged"), std::string::npos) << run.out;
    EXPECT_NE(run.err.find("clip_000000: flagged after 1 attempt(s): frame_contrast"),
              std::string::npos)
        << run.err;
}

}  // namespace
}  // namespace silt::app
