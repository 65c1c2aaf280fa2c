// The demonstration the fine-tuning stage exists for, end to end through the `silt` binary:
// generate rigid-only clips and sand clips, train a base model on the rigid clips, fine-tune
// it on the sand clips, and score both on held-out sand clips. The fine-tuned model must
// predict where and when sand and objects move (spatiotemporal IoU of Physics-IQ motion
// masks) and the frames themselves (MSE) better than the base model, by a margin.
//
// Tiny on purpose (32×32 frames, 12 per clip, a two-block model) so that it fits the CI
// budget on two cores; the `slow` variant (SILT_FINETUNE_DEMO_SLOW) trains longer on more clips.

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "silt/core/FileAtomics.h"

namespace {
namespace fs = std::filesystem;

#ifdef SILT_FINETUNE_DEMO_SLOW
#define SILT_DEMO_SUITE FinetuneDemoSlow
constexpr int kRigidClips = 48, kSandClips = 60, kBaseSteps = 400, kTuneSteps = 400;
constexpr const char* kModel = "--size 32 --patch 4 --hidden 96 --depth 4 --heads 4";
#else
#define SILT_DEMO_SUITE FinetuneDemo
constexpr int kRigidClips = 20, kSandClips = 24, kBaseSteps = 120, kTuneSteps = 120;
constexpr const char* kModel = "--size 32 --patch 8 --hidden 64 --depth 2 --heads 4";
#endif

fs::path root() {
    return fs::path(SILT_BINARY_DIR) / "test-output" /
           ("finetune_demo_" + std::to_string(getpid()));
}

// Runs `silt ARGS`, output to <root>/<log>.txt; returns the exit code.
int silt(const std::string& args, const std::string& log) {
    fs::create_directories(root());
    const std::string command = std::string(SILT_BINARY_DIR) + "/bin/silt " + args + " >" +
                                (root() / (log + ".txt")).string() + " 2>&1";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string logOf(const std::string& log) {
    auto text = silt::readFile(root() / (log + ".txt"));
    return text ? *text : std::string();
}

nlohmann::json readJson(const fs::path& path) {
    auto text = silt::readFile(path);
    if (!text) return nlohmann::json();
    return nlohmann::json::parse(*text, nullptr, false);
}

TEST(SILT_DEMO_SUITE, FineTuningOnSandBeatsTheRigidBaseModelOnHeldOutSand) {
    fs::remove_all(root());
    const fs::path rigid = root() / "rigid", sand = root() / "sand";
    const std::string sandScene =
        std::string(SILT_SOURCE_DIR) + "/tests/tools/data/finetune-sand.json";
    ASSERT_EQ(silt("generate --scene default --frames 12 --width 32 --height 32 --threads 1 -j 2 "
                   "-q --clips " +
                       std::to_string(kRigidClips) + " --out " + rigid.string(),
                   "generate_rigid"),
              0)
        << logOf("generate_rigid");
    ASSERT_EQ(silt("generate --scene " + sandScene + " --threads 1 -j 2 -q --clips " +
                       std::to_string(kSandClips) + " --out " + sand.string(),
                   "generate_sand"),
              0)
        << logOf("generate_sand");

    const std::string common =
        std::string(" --threads 1 --batch 8 --lr 2e-3 --checkpoint-every 40 ");
    const fs::path base = root() / "base", tuned = root() / "tuned";
    ASSERT_EQ(silt("finetune --data " + rigid.string() + " --out " + base.string() + " " + kModel +
                       common + "--steps " + std::to_string(kBaseSteps),
                   "finetune_base"),
              0)
        << logOf("finetune_base");
    ASSERT_EQ(silt("finetune --data " + sand.string() + " --init " + base.string() +
                       "/checkpoint --out " + tuned.string() + common + "--seed 1 --steps " +
                       std::to_string(kTuneSteps),
                   "finetune_sand"),
              0)
        << logOf("finetune_sand");

    const std::string evalArgs =
        " --data " + sand.string() + " --threads 1 --sample-steps 8 --strips 2";
    ASSERT_EQ(silt("eval --model " + base.string() + " --out " + (root() / "eval_base").string() +
                       evalArgs,
                   "eval_base"),
              0)
        << logOf("eval_base");
    // The tuned model's headline scores use the true masks from the labels; both runs score
    // both mask sources (mean_by_masks), compared below source by source.
    ASSERT_EQ(silt("eval --model " + tuned.string() + " --out " + (root() / "eval_tuned").string() +
                       evalArgs + " --masks labels",
                   "eval_tuned"),
              0)
        << logOf("eval_tuned");

    // The run folders hold what the docs promise.
    for (const fs::path& run : {base, tuned}) {
        for (const char* f : {"checkpoint/model.safetensors", "checkpoint/optimizer.safetensors",
                              "checkpoint/model.json", "checkpoint/trainer.json", "loss.csv",
                              "loss.png", "split.json"})
            EXPECT_TRUE(fs::is_regular_file(run / f)) << (run / f);
    }
    std::ifstream csv(tuned / "loss.csv");
    int rows = 0;
    for (std::string line; std::getline(csv, line);) ++rows;
    EXPECT_EQ(rows, kTuneSteps + 1);  // header + one row per step

    nlohmann::json baseScores = readJson(root() / "eval_base" / "eval.json");
    nlohmann::json tunedScores = readJson(root() / "eval_tuned" / "eval.json");
    ASSERT_TRUE(baseScores.is_object() && tunedScores.is_object());
    ASSERT_EQ(baseScores["true_masks"], "recipe");
    ASSERT_EQ(tunedScores["true_masks"], "labels");
    EXPECT_EQ(tunedScores["mean"]["spatiotemporal_iou"],
              tunedScores["mean_by_masks"]["labels"]["spatiotemporal_iou"]);
    ASSERT_GE(tunedScores["mean"]["clips"].get<int>(), 4);
    EXPECT_EQ(tunedScores["mean"]["clips"], baseScores["mean"]["clips"]);
    const nlohmann::json& b = baseScores["mean_by_masks"]["recipe"];
    const nlohmann::json& t = tunedScores["mean_by_masks"]["recipe"];
    const double bIou = b["spatiotemporal_iou"], tIou = t["spatiotemporal_iou"];
    const double bMse = b["mse"], tMse = t["mse"];
    std::printf(
        "base:  spatiotemporal IoU %.4f, MSE %.5f\ntuned: spatiotemporal IoU %.4f, MSE %.5f\n",
        bIou, bMse, tIou, tMse);
    EXPECT_GT(tIou, bIou + 0.05) << "fine-tuning on sand must improve where and when things move";
    EXPECT_LT(tMse, 0.8 * bMse) << "fine-tuning on sand must improve the predicted frames";
    // With the true motion taken from the flow and instance labels instead of the pixels.
    ASSERT_TRUE(baseScores["mean_by_masks"].contains("labels"));
    const double bLabelIou = baseScores["mean_by_masks"]["labels"]["spatiotemporal_iou"];
    const double tLabelIou = tunedScores["mean_by_masks"]["labels"]["spatiotemporal_iou"];
    const double agreement = tunedScores["label_masks"]["recipe_label_agreement"];
    std::printf("label masks: base %.4f, tuned %.4f; recipe vs labels on the truth %.4f\n",
                bLabelIou, tLabelIou, agreement);
    EXPECT_GT(tLabelIou, bLabelIou + 0.05);
    // The pixel recipe and the labels see largely the same motion in the true frames (the
    // recipe also picks up shading changes and misses slow sand; the labels see both).
    EXPECT_GT(agreement, 0.25);
    EXPECT_LT(agreement, 1.0);
    EXPECT_TRUE(fs::is_regular_file(root() / "eval_tuned" / "strips" /
                                    (tunedScores["clips"][0]["clip"].get<std::string>() + ".png")));
}

#ifndef SILT_FINETUNE_DEMO_SLOW
// `silt finetune` killed (SIGKILL) right after its first checkpoint, then run again with the
// same command: the run resumes and its loss.csv is byte-identical to an uninterrupted run's.
TEST(FinetuneDemo, KilledRunResumesToTheUninterruptedLosses) {
    fs::remove_all(root());
    const fs::path data = root() / "rigid";
    ASSERT_EQ(silt("generate --scene default --frames 12 --width 32 --height 32 --threads 1 -q "
                   "--clips 8 --out " +
                       data.string(),
                   "generate"),
              0)
        << logOf("generate");
    const std::string args = "finetune --data " + data.string() + " " + kModel +
                             " --threads 1 --batch 4 --steps 10 --checkpoint-every 2 --out ";
    const fs::path killed = root() / "killed", straight = root() / "straight";
    // Started in the background; killed as soon as its first checkpoint is in place.
    const fs::path pidFile = root() / "pid";
    const std::string background = "sh -c '" + std::string(SILT_BINARY_DIR) + "/bin/silt " + args +
                                   killed.string() + " >" + (root() / "killed.txt").string() +
                                   " 2>&1 & echo $! >" + pidFile.string() + "'";
    ASSERT_EQ(std::system(background.c_str()), 0);
    pid_t pid = 0;
    for (int i = 0; i < 2000 && pid == 0; ++i) {
        std::ifstream(pidFile) >> pid;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_GT(pid, 0);
    bool sawCheckpoint = false;
    for (int i = 0; i < 60000 && !sawCheckpoint; ++i) {
        sawCheckpoint = fs::exists(killed / "checkpoint" / "trainer.json");
        if (!sawCheckpoint) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ::kill(pid, SIGKILL);
    ASSERT_TRUE(sawCheckpoint) << logOf("killed");
    for (int i = 0; i < 1000 && ::kill(pid, 0) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));

    ASSERT_EQ(silt(args + killed.string(), "resumed"), 0) << logOf("resumed");
    EXPECT_NE(logOf("resumed").find("resuming at step"), std::string::npos) << logOf("resumed");
    EXPECT_EQ(logOf("resumed").find("resuming at step 10"), std::string::npos)
        << "the kill came after the run had finished: nothing was resumed";
    ASSERT_EQ(silt(args + straight.string(), "straight"), 0) << logOf("straight");
    auto resumedCsv = silt::readFile(killed / "loss.csv");
    auto straightCsv = silt::readFile(straight / "loss.csv");
    ASSERT_TRUE(resumedCsv && straightCsv);
    EXPECT_EQ(*resumedCsv, *straightCsv);
    EXPECT_EQ(std::count(straightCsv->begin(), straightCsv->end(), '\n'), 11);
    // The weights too, byte for byte.
    EXPECT_EQ(*silt::readFile(killed / "checkpoint" / "model.safetensors"),
              *silt::readFile(straight / "checkpoint" / "model.safetensors"));

    // Label masks on a clip that lost a flow file: one error naming the file, no eval.json.
    const fs::path lost = data / "clips" / "clip_000000" / "labels" / "flow" / "000006.npy";
    ASSERT_TRUE(fs::remove(lost));
    const std::string eval = "eval --model " + straight.string() + " --data " + data.string() +
                             " --all --clips 1 --sample-steps 2 --threads 1 --out ";
    EXPECT_NE(silt(eval + (root() / "eval_lost").string() + " --masks labels", "eval_lost"), 0);
    EXPECT_NE(logOf("eval_lost").find(lost.string()), std::string::npos) << logOf("eval_lost");
    EXPECT_FALSE(fs::exists(root() / "eval_lost" / "eval.json"));
    // The recipe needs no labels: the same clip scores, and says why there are no label masks.
    ASSERT_EQ(silt(eval + (root() / "eval_recipe").string(), "eval_recipe"), 0)
        << logOf("eval_recipe");
    nlohmann::json recipeOnly = readJson(root() / "eval_recipe" / "eval.json");
    EXPECT_FALSE(recipeOnly["mean_by_masks"].contains("labels"));
    EXPECT_NE(recipeOnly["label_masks"]["unavailable"].get<std::string>().find("000006.npy"),
              std::string::npos);
    EXPECT_NE(silt(eval + (root() / "eval_bogus").string() + " --masks pixels", "eval_bogus"), 0);
}

TEST(FinetuneDemo, BadInputIsOneClearError) {
    EXPECT_NE(silt("finetune --data " + (root() / "no-such-dataset").string() + " --out " +
                       (root() / "bad").string() + " --steps 1",
                   "bad_data"),
              0);
    EXPECT_NE(logOf("bad_data").find("no-such-dataset: not a Silt dataset"), std::string::npos)
        << logOf("bad_data");
    EXPECT_NE(silt("eval --model " + (root() / "nothing").string() + " --data " + root().string(),
                   "bad_model"),
              0);
    EXPECT_NE(logOf("bad_model").find("not a checkpoint folder"), std::string::npos)
        << logOf("bad_model");
}
#endif

}  // namespace
