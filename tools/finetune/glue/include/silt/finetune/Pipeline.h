#pragma once
// `silt finetune` and `silt eval` as functions over plain options, torch-free, so that the CLI
// files that call them compile without libtorch's headers. Implemented in Pipeline.cpp, the
// one glue file that includes torch; libtorch's exceptions end there and come back as Errors.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "silt/core/Result.h"

namespace silt::finetune {

struct FinetuneOptions {
    std::vector<std::filesystem::path> data;     ///< Silt dataset folders (their training splits)
    std::filesystem::path out = "finetune-run";  ///< run folder: checkpoint/, loss.csv, loss.png
    std::optional<std::filesystem::path> init;   ///< base checkpoint to fine-tune from
    std::optional<std::filesystem::path>
        cache;  ///< tensor cache (default <dataset>/.cache/finetune)
    // Model shape for a new model (ignored with --init or when resuming: the checkpoint's).
    int64_t frames = 12;        ///< frames per clip
    int64_t contextFrames = 4;  ///< given frames
    int64_t size = 32;          ///< px, square frames
    int64_t patch = 4;          ///< px
    int64_t tubelet = 1;        ///< frames per tubelet
    int64_t hidden = 96;
    int64_t depth = 4;
    int64_t heads = 4;
    // Training.
    int64_t steps = 500;  ///< total steps of this run folder (a resumed run continues)
    int64_t batch = 8;
    double learningRate = 5e-4;
    int64_t warmup = 20;
    double condDrop = 0.1;  ///< classifier-free guidance dropout
    uint64_t seed = 0;
    double heldOut = 0.2;          ///< fraction of each dataset's clips held out for eval
    int64_t checkpointEvery = 50;  ///< steps between checkpoints (0: only at the end)
    int threads = 0;               ///< torch intra-op threads (0: torch's default)
    std::string device = "cpu";    ///< "cpu", "cuda", "cuda:1"
    bool quiet = false;            ///< no progress bar
};

struct FinetuneReport {
    int64_t startStep = 0;  ///< > 0 when resumed from a checkpoint
    int64_t steps = 0;      ///< completed steps
    int64_t trainClips = 0;
    double firstLoss = 0.0;  ///< loss of the first step run now
    double finalLoss = 0.0;  ///< mean loss of the last (up to) 20 steps run now
    double seconds = 0.0;
};

[[nodiscard]] Result<FinetuneReport> runFinetune(const FinetuneOptions& options);

struct EvalOptions {
    std::filesystem::path model;  ///< checkpoint folder, or a run folder with checkpoint/
    std::filesystem::path data;   ///< Silt dataset folder
    std::filesystem::path out = "eval";
    std::optional<std::filesystem::path> cache;
    double heldOut = 0.2;      ///< same meaning as FinetuneOptions::heldOut
    bool allClips = false;     ///< evaluate every clip, not only the held-out ones
    int64_t maxClips = 0;      ///< 0: all in the split
    int64_t sampleSteps = 16;  ///< Euler steps
    double guidance = 1.0;     ///< classifier-free guidance scale
    uint64_t seed = 0;         ///< sampling noise
    int64_t strips = 4;        ///< PNG strips written (first clips)
    int threads = 0;
    std::string device = "cpu";
    /// Where the true motion masks come from for the headline scores: "recipe" (the
    /// Physics-IQ recipe on the true frames) or "labels" (the clips' flow and instance labels;
    /// an error when a clip has none). The other source is scored too when available.
    std::string masks = "recipe";
};

struct EvalReport {
    int64_t clips = 0;
    double spatiotemporalIou = 0.0;  ///< means over the clips
    double spatialIou = 0.0;
    double weightedSpatialIou = 0.0;
    double mse = 0.0;
    /// Mean spatiotemporal IoU of the recipe's masks of the TRUE frames against the label
    /// masks: how well the recipe finds the true motion (−1 when the clips have no labels).
    double recipeLabelAgreement = -1.0;
    std::filesystem::path json;  ///< <out>/eval.json
};

[[nodiscard]] Result<EvalReport> runEval(const EvalOptions& options);

}  // namespace silt::finetune
