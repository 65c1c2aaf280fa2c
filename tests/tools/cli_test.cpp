// The `silt` executable end to end: determinism across thread counts, and bad input that
// must end with one clear message, a non-zero exit code and no partial clip.

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "silt/core/FileAtomics.h"
#include "silt/exporters/Dataset.h"

namespace {
namespace fs = std::filesystem;

struct RunResult {
    int exitCode = -1;
    std::string out, err;
};

// CTest runs each test in its own process, possibly in parallel: one folder per process.
fs::path outputRoot() {
    return fs::path(SILT_BINARY_DIR) / "test-output" / ("cli_" + std::to_string(getpid()));
}

RunResult runSilt(const std::string& args, const std::string& env = "") {
    fs::create_directories(outputRoot());
    fs::path outFile = outputRoot() / "stdout.txt", errFile = outputRoot() / "stderr.txt";
    std::string command = fmt::format("{} {}/bin/silt {} >{} 2>{}", env, SILT_BINARY_DIR, args,
                                      outFile.string(), errFile.string());
    int status = std::system(command.c_str());
    RunResult result;
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = *silt::readFile(outFile);
    result.err = *silt::readFile(errFile);
    return result;
}

fs::path freshDir(const std::string& name) {
    fs::path dir = outputRoot() / name;
    fs::remove_all(dir);
    return dir;
}

fs::path writeScene(const std::string& name, const std::string& text) {
    fs::path path = outputRoot() / name;
    fs::create_directories(outputRoot());
    std::ofstream(path) << text;
    return path;
}

TEST(Cli, VersionScenesAndHelp) {
    RunResult version = runSilt("--version");
    EXPECT_EQ(version.exitCode, 0);
    EXPECT_NE(version.out.find("silt 0."), std::string::npos) << version.out;
    RunResult scenes = runSilt("scenes");
    EXPECT_EQ(scenes.exitCode, 0);
    EXPECT_NE(scenes.out.find("default"), std::string::npos) << scenes.out;
    RunResult help = runSilt("generate --help");
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_NE(help.out.find("--clips"), std::string::npos);
}

TEST(Cli, SameCommandWithOneOrTwoThreadsGivesIdenticalClips) {
    fs::path a = freshDir("det_t1"), b = freshDir("det_t2"), c = freshDir("det_t2_again");
    const std::string common = "generate --clips 2 --seed 11 --frames 12 --width 96 --height 96";
    ASSERT_EQ(runSilt(fmt::format("{} --threads 1 --out {}", common, a.string())).exitCode, 0);
    ASSERT_EQ(runSilt(fmt::format("{} --threads 2 --out {}", common, b.string())).exitCode, 0);
    ASSERT_EQ(runSilt(fmt::format("{} --threads 2 --out {}", common, c.string())).exitCode, 0);
    for (const std::string clip : {"clip_000000", "clip_000001"}) {
        for (const fs::path& other : {b, c}) {
            auto metaA = silt::readFile(a / "clips" / clip / "clip.json");
            auto metaB = silt::readFile(other / "clips" / clip / "clip.json");
            ASSERT_TRUE(metaA.ok() && metaB.ok());
            EXPECT_EQ(*metaA, *metaB) << clip << " metadata differs (frame hashes are inside it)";
            EXPECT_EQ(*silt::readFile(a / "clips" / clip / "rgb.mp4"),
                      *silt::readFile(other / "clips" / clip / "rgb.mp4"))
                << clip << " video bytes differ";
        }
    }
    EXPECT_EQ(*silt::readFile(a / "dataset.json"), *silt::readFile(b / "dataset.json"));
    // No timestamps or host names inside clip files.
    auto meta = *silt::readFile(a / "clips" / "clip_000000" / "clip.json");
    char host[256] = {};
    gethostname(host, sizeof host);
    EXPECT_EQ(meta.find(host), std::string::npos);
    EXPECT_EQ(meta.find(a.string()), std::string::npos);
}

// `silt bench physics`: one JSON line per material × particle count × thread count, each
// with the fields the MPM issue asks for, and a peak memory of its own. Before the peak was
// reset per configuration, a small run after a large one reported the large one's peak.
TEST(Cli, BenchPhysicsPrintsEachConfigurationWithItsOwnPeakMemory) {
    const RunResult run = runSilt(
        "bench physics --materials sand water --particles 100000 2000 --threads 1 2 --steps 1 "
        "--warmup 0");
    ASSERT_EQ(run.exitCode, 0) << run.err;
    std::vector<nlohmann::json> rows;
    std::istringstream lines(run.out);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
    ASSERT_EQ(rows.size(), 8u) << run.out;
    size_t row = 0;
    for (const std::string material : {"sand", "water"}) {
        double largePeak = 0.0, largeOwn = 0.0;
        for (const int requested : {100000, 2000}) {
            for (const int threads : {1, 2}) {
                const nlohmann::json& r = rows[row++];
                SCOPED_TRACE(r.dump());
                EXPECT_EQ(r.at("material"), material);
                EXPECT_EQ(r.at("threads"), threads);
                const double particles = r.at("particles").get<double>();
                EXPECT_GT(particles, 0.8 * requested);
                EXPECT_LT(particles, 1.2 * requested);
                EXPECT_GT(r.at("particle_steps_per_s").get<double>(), 0.0);
                const double peak = r.at("peak_rss_mb").get<double>();
                const double baseline = r.at("baseline_rss_mb").get<double>();
                EXPECT_GE(peak, baseline);
                if (requested == 100000) {
                    largePeak = std::max(largePeak, peak);
                    largeOwn = std::max(largeOwn, peak - baseline);
                    // 100k particles carry well over 50 bytes each of solver state.
                    EXPECT_GT(peak - baseline, 5.0);
                } else {
                    // The small run's peak is its own: under the large run's by most of the
                    // large solver's share.
                    EXPECT_LT(peak, largePeak - 0.5 * largeOwn);
                }
            }
        }
    }
}

struct BadInput {
    std::string name;
    std::string args;       ///< extra arguments; {scene} and {out} are substituted
    std::string sceneText;  ///< written to a file if not empty
    std::vector<std::string> messageMustContain;
    std::string env;
};

// CTest lists parameterized tests with their parameter: show the case name, not bytes.
void PrintTo(const BadInput& bad, std::ostream* os) { *os << bad.name; }

class CliBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliBadInput, FailsWithOneClearMessageAndNoPartialClip) {
    const BadInput& bad = GetParam();
    fs::path out = freshDir("bad_" + bad.name);
    std::string scene =
        bad.sceneText.empty() ? "" : writeScene(bad.name + ".json", bad.sceneText).string();
    std::string args = bad.args;
    auto replace = [&args](const std::string& key, const std::string& value) {
        for (size_t at; (at = args.find(key)) != std::string::npos;)
            args.replace(at, key.size(), value);
    };
    replace("{scene}", scene);
    replace("{out}", out.string());
    RunResult result = runSilt(args, bad.env);
    EXPECT_NE(result.exitCode, 0) << result.err;
    for (const std::string& needle : bad.messageMustContain) {
        EXPECT_NE(result.err.find(needle), std::string::npos)
            << "stderr lacks '" << needle << "':\n"
            << result.err;
    }
    EXPECT_EQ(result.err.find("internal error"), std::string::npos) << result.err;
    if (fs::exists(out / "clips")) {
        EXPECT_TRUE(silt::exporters::listCompleteClips(out).empty());
        for (const auto& entry : fs::directory_iterator(out / "clips")) {
            ADD_FAILURE() << "left behind: " << entry.path();
        }
    }
}

const std::string kSmall = "generate --clips 1 --frames 4 --width 64 --height 64 --out {out}";

INSTANTIATE_TEST_SUITE_P(
    Cases, CliBadInput,
    ::testing::Values(
        BadInput{"malformed_json",
                 kSmall + " --scene {scene}",
                 "{\n  \"silt_scene\": 1,\n  \"name\": \"x\",\n  \"objects\": [,]\n}\n",
                 {"malformed_json.json", "4:"},
                 ""},
        BadInput{"unknown_asset",
                 kSmall + " --scene {scene}",
                 R"({"silt_scene": 1, "name": "x", "objects": [{"asset": "chiar"}]})",
                 {"unknown_asset.json", "/objects/0/asset", "chiar"},
                 ""},
        BadInput{"negative_density",
                 kSmall + " --scene {scene}",
                 R"({"silt_scene": 1, "name": "x", "objects": [{"asset": "cup", "density": -5}]})",
                 {"negative_density.json", "/objects/0/density"},
                 ""},
        BadInput{"bench_unknown_material",
                 "bench physics --materials gravel",
                 "",
                 {"--materials", "gravel", "sand"},
                 ""},
        BadInput{
            "bench_zero_particles", "bench physics --particles 0", "", {"--particles", "0"}, ""},
        BadInput{"zero_frames", "generate --frames 0 --out {out}", "", {"--frames", "0"}, ""},
        BadInput{"odd_width", "generate --width 33 --out {out}", "", {"--width", "33", "even"}, ""},
        BadInput{"missing_scene_file",
                 kSmall + " --scene /nonexistent/scene.json",
                 "",
                 {"/nonexistent/scene.json"},
                 ""},
        BadInput{"unwritable_out",
                 "generate --clips 1 --out /proc/silt-cannot-write",
                 "",
                 {"/proc/silt-cannot-write"},
                 ""},
        BadInput{"corrupt_asset",
                 kSmall + " --scene {scene}",
                 R"({"silt_scene": 1, "name": "x", "objects": [{"asset": "broken"}]})",
                 {"broken"},
                 "SILT_ASSET_DIR=" + (outputRoot() / "broken_assets").string()}),
    [](const auto& testInfo) { return testInfo.param.name; });

// The corrupt-asset case needs a library whose one asset's file is garbage.
class CorruptAssetEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        fs::path dir = outputRoot() / "broken_assets";
        fs::remove_all(dir);
        fs::create_directories(dir);
        std::ofstream(dir / "broken.json")
            << R"({"name": "broken", "category": "junk", "density": 500, "description": "garbage bytes"})";
        std::ofstream(dir / "broken.gltf") << "\x7f\x01 not a gltf {{{";
        std::ofstream(dir / "broken.obj") << "\x7f\x01 not an obj";
    }
    void TearDown() override { fs::remove_all(outputRoot()); }
};
const auto* const kCorruptAssetEnvironment =
    ::testing::AddGlobalTestEnvironment(new CorruptAssetEnvironment);

}  // namespace
