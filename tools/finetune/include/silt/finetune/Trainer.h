#pragma once
// Rectified-flow training of the VideoDiT for video to world, its Euler sampler, and
// checkpoints that resume exactly.
//
// Training step: clean clips x0 (the first contextFrames kept clean), noise ε, flow time t
// drawn logit-normal; xt = (1 − t)·x0 + t·ε on the generated frames; the model predicts the
// velocity ε − x0 and the loss is its mean squared error over the generated frames only.
// The conditioning of each sample is replaced by the null set with probability
// condDropProbability (classifier-free guidance).
//
// Determinism and resume: every random draw of step s (batch order, t, ε, dropping) comes
// from a generator seeded with hash(seed, s, purpose), and the batch order of epoch e from
// hash(seed, e, "order"). The training state is therefore (weights, AdamW moments, step), all
// in the checkpoint; resuming a killed run replays the same batches and noise and gives the
// same losses as an uninterrupted run on the same device and thread count.

#include <cstdint>
#include <filesystem>
#include <string>

#include <torch/torch.h>

#include "silt/finetune/ModelConfig.h"
#include "silt/finetune/VideoDiT.h"

namespace silt::finetune {

struct TrainConfig {
    int64_t steps = 500;               ///< optimizer steps in total (resumed runs included)
    int64_t batchSize = 8;             ///< clips per step
    double learningRate = 5e-4;        ///< AdamW peak learning rate
    int64_t warmupSteps = 20;          ///< linear warm-up from 0, then cosine to minLrRatio
    double minLrRatio = 0.1;           ///< final learning rate / peak
    double weightDecay = 0.0;          ///< AdamW decoupled weight decay
    double gradClip = 1.0;             ///< global gradient norm clip (0: none)
    double condDropProbability = 0.1;  ///< per sample, for classifier-free guidance
    uint64_t seed = 0;                 ///< root of every random stream of the run

    [[nodiscard]] nlohmann::json toJson() const;
    static TrainConfig fromJson(const nlohmann::json& json);
};

/// Training clips as tensors on the training device.
struct ClipTensors {
    torch::Tensor videos;   ///< [N, T, C, H, W] float32 in [−1, 1]
    torch::Tensor text;     ///< [N, textLength] int64 caption tokens (captionTokens())
    torch::Tensor physics;  ///< [N, physicsFeatures] float32 (Conditioning.h)
    [[nodiscard]] int64_t size() const { return videos.defined() ? videos.size(0) : 0; }
};

/// A generator for one purpose of one step: hash(seed, index, purpose).
at::Generator streamGenerator(uint64_t seed, uint64_t index, const char* purpose);

class Trainer {
public:
    Trainer(const ModelConfig& model, const TrainConfig& train, torch::Device device);

    /// Loads weights only (fine-tuning from a base model): checkpoint folder or model.safetensors.
    void initFrom(const std::filesystem::path& checkpoint);
    /// Loads weights, AdamW moments and the step counter from a checkpoint folder.
    void resume(const std::filesystem::path& checkpoint);
    /// Writes a checkpoint folder atomically: built beside `dir` and renamed into place (the
    /// previous one is kept as <dir>.previous until the new one is complete).
    void saveCheckpoint(const std::filesystem::path& dir) const;

    /// One optimizer step on a batch drawn from `data`; returns the loss before the update.
    float step(const ClipTensors& data);

    [[nodiscard]] int64_t completedSteps() const { return mStep; }
    [[nodiscard]] double learningRate(int64_t step) const;
    [[nodiscard]] VideoDiT& model() { return mModel; }
    [[nodiscard]] const TrainConfig& trainConfig() const { return mTrain; }
    [[nodiscard]] torch::Device device() const { return mDevice; }

private:
    ModelConfig mConfig;
    TrainConfig mTrain;
    torch::Device mDevice;
    VideoDiT mModel{nullptr};
    std::vector<std::pair<std::string, torch::Tensor>> mParameters;
    std::vector<torch::Tensor> mFirstMoments, mSecondMoments;
    int64_t mStep = 0;
};

/// The rectified-flow loss of `model` on one batch (used by step() and by tests).
torch::Tensor flowMatchingLoss(VideoDiT& model, const torch::Tensor& x0, const torch::Tensor& text,
                               const torch::Tensor& physics, uint64_t seed, uint64_t step,
                               double condDropProbability);

struct SampleOptions {
    int64_t steps = 16;     ///< Euler steps from t = 1 to t = 0
    double guidance = 1.0;  ///< classifier-free guidance scale (1: conditional only)
    uint64_t seed = 0;      ///< noise seed
};

/// Generates frames contextFrames… of each clip given its first contextFrames frames
/// (`context` [B, K, C, H, W] in [−1, 1]) → [B, T, C, H, W] with the context copied in.
torch::Tensor sampleContinuation(VideoDiT& model, const torch::Tensor& context,
                                 const torch::Tensor& text, const torch::Tensor& physics,
                                 const SampleOptions& options);

/// A model loaded from a checkpoint folder (model.json + model.safetensors).
VideoDiT loadModel(const std::filesystem::path& checkpoint, torch::Device device);

/// True when `dir` holds a checkpoint (or the <dir>.previous kept by an interrupted save).
bool hasCheckpoint(const std::filesystem::path& dir);
/// The checkpoint folder to read: `dir`, or <dir>.previous when a kill interrupted the swap
/// of a new checkpoint into place. Throws when neither holds model.safetensors.
std::filesystem::path existingCheckpoint(const std::filesystem::path& dir);

/// model.json of a checkpoint folder.
ModelConfig loadModelConfig(const std::filesystem::path& checkpoint);

}  // namespace silt::finetune
