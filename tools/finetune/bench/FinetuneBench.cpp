// silt-finetune-bench: training throughput of the bundled video transformer, one JSON line per
// precision mode. Built by the standalone project (tools/finetune) against any libtorch, so it
// runs on a CUDA machine that has none of Silt's other dependencies (see bench_gpu.sh).
//
//   silt-finetune-bench [--device cuda|cpu] [--layers 8] [--width 384] [--frames 16]
//                       [--size 64] [--patch 4] [--batch 8] [--steps 20] [--warmup 5]
//                       [--modes fp32,tf32,bf16] [--check-attention 1]
// --check-attention 1 first compares attention() (the fused kernel under libtorch 2.x) with
// the plain softmax reference on the device, in fp32 and bf16, and prints the largest
// difference as a JSON line.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>

#include <ATen/autocast_mode.h>
#include <torch/torch.h>
#include <torch/version.h>

#include "silt/finetune/Trainer.h"
#include "silt/finetune/VideoDiT.h"

namespace {

using silt::finetune::ClipTensors;
using silt::finetune::ModelConfig;
using silt::finetune::TrainConfig;
using silt::finetune::Trainer;

void setAutocast(bool enabled, torch::Device device) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_enabled(device.type(), enabled);
    if (enabled) at::autocast::set_autocast_dtype(device.type(), at::kBFloat16);
#else
    if (device.is_cuda()) {
        at::autocast::set_enabled(enabled);
        if (enabled) at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    } else {
        at::autocast::set_cpu_enabled(enabled);
        if (enabled) at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    }
#endif
    if (!enabled) at::autocast::clear_cache();
}

void synchronize(torch::Device device) {
    if (device.is_cuda()) torch::cuda::synchronize();
}

}  // namespace

int main(int argc, char** argv) {
    std::string device = torch::cuda::is_available() ? "cuda" : "cpu";
    ModelConfig model;
    model.depth = 8;
    model.hidden = 384;
    model.heads = 6;
    model.frames = 16;
    model.contextFrames = 4;
    model.height = model.width = 64;
    model.patchSize = 4;
    model.tubeletFrames = 1;
    int64_t batch = 8, steps = 20, warmup = 5;
    std::string modes = "fp32,tf32,bf16";
    bool checkAttention = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const char* value = argv[i + 1];
        if (flag == "--device")
            device = value;
        else if (flag == "--layers")
            model.depth = std::atoll(value);
        else if (flag == "--width")
            model.hidden = std::atoll(value);
        else if (flag == "--heads")
            model.heads = std::atoll(value);
        else if (flag == "--frames")
            model.frames = std::atoll(value);
        else if (flag == "--size")
            model.height = model.width = std::atoll(value);
        else if (flag == "--patch")
            model.patchSize = std::atoll(value);
        else if (flag == "--batch")
            batch = std::atoll(value);
        else if (flag == "--steps")
            steps = std::atoll(value);
        else if (flag == "--warmup")
            warmup = std::atoll(value);
        else if (flag == "--modes")
            modes = value;
        else if (flag == "--check-attention")
            checkAttention = std::atoi(value) != 0;
        else {
            std::fprintf(stderr, "silt-finetune-bench: unknown option %s\n", flag.c_str());
            return 2;
        }
    }
    if (std::string problem = model.validate(); !problem.empty()) {
        std::fprintf(stderr, "silt-finetune-bench: %s\n", problem.c_str());
        return 2;
    }
    const torch::Device dev(device);
    if (checkAttention) {
        // Spatial-attention shape of this model: (batch · frames, heads, tokens, head width),
        // with keys masked as cross-attention masks caption padding.
        torch::manual_seed(0);
        const int64_t rows = batch * model.frames, tokens = model.spatialTokens(),
                      headWidth = model.hidden / model.heads;
        for (auto dtype : {torch::kFloat32, torch::kBFloat16}) {
            auto options = torch::TensorOptions().device(dev).dtype(dtype);
            torch::Tensor q = torch::randn({rows, model.heads, tokens, headWidth}, options),
                          k = torch::randn({rows, model.heads, tokens, headWidth}, options),
                          v = torch::randn({rows, model.heads, tokens, headWidth}, options);
            torch::Tensor keyMask = torch::rand({rows, tokens}, torch::TensorOptions().device(dev))
                                        .gt(0.3)
                                        .index_put_({torch::indexing::Slice(), 0}, true);
            torch::NoGradGuard noGrad;
            const double diff = (silt::finetune::attention(q, k, v, keyMask).to(torch::kFloat32) -
                                 silt::finetune::plainAttention(q, k, v, keyMask)
                                     .to(torch::kFloat32))
                                    .abs()
                                    .max()
                                    .item<double>();
            std::printf(
                "{\"bench\": \"attention_check\", \"device\": \"%s\", \"torch\": \"%s\", "
                "\"fused\": %s, \"dtype\": \"%s\", \"max_abs_diff\": %.3g}\n",
                device.c_str(), TORCH_VERSION, TORCH_VERSION_MAJOR >= 2 ? "true" : "false",
                dtype == torch::kFloat32 ? "fp32" : "bf16", diff);
        }
        std::fflush(stdout);
    }
    // Synthetic clips: throughput does not depend on the pixels.
    ClipTensors data;
    data.videos =
        torch::rand({batch * 2, model.frames, 3, model.height, model.width}).mul(2).sub(1).to(dev);
    data.text = torch::randint(2, 200, {batch * 2, model.textLength}, torch::kLong).to(dev);
    data.physics = torch::rand({batch * 2, model.physicsFeatures}).to(dev);
    const int64_t tokensPerClip = model.temporalTokens() * model.spatialTokens();

    std::stringstream list(modes);
    std::string mode;
    while (std::getline(list, mode, ',')) {
        const bool tf32 = mode == "tf32" || mode == "bf16";
        at::globalContext().setAllowTF32CuBLAS(tf32);
        at::globalContext().setAllowTF32CuDNN(tf32);
        TrainConfig train;
        train.batchSize = batch;
        train.steps = warmup + steps;
        Trainer trainer(model, train, dev);
        setAutocast(mode == "bf16", dev);
        float loss = 0.0f;
        for (int64_t i = 0; i < warmup; ++i) loss = trainer.step(data);
        synchronize(dev);
        const auto start = std::chrono::steady_clock::now();
        for (int64_t i = 0; i < steps; ++i) loss = trainer.step(data);
        synchronize(dev);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        setAutocast(false, dev);
        int64_t parameters = 0;
        for (const auto& p : trainer.model()->parameters()) parameters += p.numel();
        std::printf(
            "{\"bench\": \"finetune_train\", \"device\": \"%s\", \"mode\": \"%s\", \"torch\": "
            "\"%s\", "
            "\"layers\": %lld, \"width\": %lld, \"frames\": %lld, \"size\": %lld, \"patch\": %lld, "
            "\"batch\": %lld, \"parameters\": %lld, \"tokens_per_clip\": %lld, \"steps\": %lld, "
            "\"steps_per_s\": %.4f, \"tokens_per_s\": %.1f, \"clips_per_s\": %.3f, \"last_loss\": "
            "%.5f}\n",
            device.c_str(), mode.c_str(), TORCH_VERSION, (long long)model.depth,
            (long long)model.hidden, (long long)model.frames, (long long)model.height,
            (long long)model.patchSize, (long long)batch, (long long)parameters,
            (long long)tokensPerClip, (long long)steps, double(steps) / seconds,
            double(steps * batch * tokensPerClip) / seconds, double(steps * batch) / seconds,
            double(loss));
        std::fflush(stdout);
    }
    return 0;
}
