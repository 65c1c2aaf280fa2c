// The glue between Silt datasets and the fine-tuning core: the one glue file that includes
// libtorch. Every exception from torch or the core is caught here and returned as an Error.

#include "silt/finetune/Pipeline.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "silt/core/FileAtomics.h"
#include "silt/finetune/ClipDataset.h"
#include "silt/finetune/MotionMetrics.h"
#include "silt/finetune/Plots.h"
#include "silt/finetune/Safetensors.h"
#include "silt/finetune/Trainer.h"

namespace silt::finetune {
namespace fs = std::filesystem;
using nlohmann::json;
using torch::Tensor;

namespace {

struct Failure {
    Error error;
};

template <typename T>
T unwrap(Result<T> result) {
    if (!result) throw Failure{result.error()};
    return std::move(result.value());
}
void unwrap(const Status& status) {
    if (!status) throw Failure{status.error()};
}

torch::Device resolveDevice(const std::string& name) {
    torch::Device device(torch::kCPU);
    try {
        device = torch::Device(name);
    } catch (const std::exception&) {
        throw Failure{Error{"--device: expected cpu, cuda or cuda:N, got \"" + name + "\""}};
    }
    if (device.is_cuda() && !torch::cuda::is_available())
        throw Failure{Error{"--device " + name +
                            ": this libtorch has no CUDA device (build against a CUDA libtorch, "
                            "see docs/finetune.md)"}};
    return device;
}

uint64_t pathHash(const std::string& text) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (char c : text) h = (h ^ uint8_t(c)) * 0x100000001b3ULL;
    return h;
}

// One clip's frames as uint8 [T, H, W, 3], from the tensor cache when it is current, else
// decoded (and cached). The cache key holds the clip folder, the size and the video's
// size and modification time.
Tensor clipFrames(const ClipRecord& clip, const ModelConfig& cfg, const fs::path& cacheDir) {
    const fs::path video = clip.dir / "rgb.mp4";
    std::error_code ec;
    const auto bytes = fs::file_size(video, ec);
    const auto stamp = fs::last_write_time(video, ec).time_since_epoch().count();
    const std::string source = std::to_string(bytes) + ":" + std::to_string(stamp);
    char name[64];
    std::snprintf(name, sizeof name, "-%016llx-%lldx%lldx%lld.safetensors",
                  (unsigned long long)pathHash(fs::absolute(clip.dir).lexically_normal().string()),
                  (long long)cfg.frames, (long long)cfg.height, (long long)cfg.width);
    const fs::path cached = cacheDir / (clip.name + name);
    if (fs::is_regular_file(cached)) {
        try {
            std::map<std::string, std::string> metadata;
            TensorMap tensors = loadSafetensors(cached, &metadata);
            if (metadata["source"] == source && tensors.count("frames") != 0)
                return tensors["frames"];
        } catch (const std::runtime_error&) {
            // A damaged cache entry is rebuilt below.
        }
    }
    std::vector<uint8_t> frames = unwrap(decodeClipFrames(clip, cfg.frames, cfg.height, cfg.width));
    Tensor t =
        torch::from_blob(frames.data(), {cfg.frames, cfg.height, cfg.width, 3}, torch::kUInt8)
            .clone();
    fs::create_directories(cacheDir, ec);
    if (!ec) {
        try {
            saveSafetensors(cached, {{"frames", t}},
                            {{"source", source}, {"clip", clip.dir.string()}});
        } catch (const std::runtime_error&) {
            // Caching is an optimisation; an unwritable cache folder only costs decoding time.
        }
    }
    return t;
}

ClipTensors loadClips(const std::vector<ClipRecord>& clips, const ModelConfig& cfg,
                      const fs::path& dataset, const std::optional<fs::path>& cache) {
    const fs::path cacheDir = cache ? *cache : dataset / ".cache" / "finetune";
    std::vector<Tensor> videos, texts, physics;
    for (const ClipRecord& clip : clips) {
        Tensor frames = clipFrames(clip, cfg, cacheDir);
        videos.push_back(frames.permute({0, 3, 1, 2}).to(torch::kFloat32).div(127.5).sub(1.0));
        texts.push_back(torch::tensor(captionTokens(clip.caption, cfg.textLength), torch::kLong));
        physics.push_back(
            torch::tensor(std::vector<float>(clip.physics.begin(), clip.physics.end())));
    }
    return {torch::stack(videos), torch::stack(texts), torch::stack(physics)};
}

std::vector<LossPoint> readLossCsv(const fs::path& path, int64_t beforeStep) {
    std::vector<LossPoint> points;
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        LossPoint p;
        if (std::sscanf(line.c_str(), "%lld,%lf,%lf", reinterpret_cast<long long*>(&p.step),
                        &p.loss, &p.learningRate) == 3 &&
            p.step < beforeStep)
            points.push_back(p);
    }
    return points;
}

void writeLossCsv(const fs::path& path, const std::vector<LossPoint>& points) {
    std::string text = "step,loss,lr\n";
    char row[96];
    for (const LossPoint& p : points) {
        std::snprintf(row, sizeof row, "%lld,%.9g,%.9g\n", (long long)p.step, p.loss,
                      p.learningRate);
        text += row;
    }
    unwrap(writeFileAtomic(path, text));
}

class ProgressBar {
public:
    ProgressBar(int64_t first, int64_t total, bool quiet)
        : mFirst(first),
          mTotal(total),
          mQuiet(quiet),
          mTty(::isatty(STDERR_FILENO) != 0),
          mStart(std::chrono::steady_clock::now()) {}
    void update(int64_t done, double loss, double lr) {
        if (mQuiet) return;
        const int64_t every = std::max<int64_t>(1, (mTotal - mFirst) / 10);
        const bool last = done == mTotal;
        if (!mTty && !last && (done - mFirst) % every != 0) return;
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - mStart).count();
        const double rate = double(done - mFirst) / std::max(seconds, 1e-9);
        constexpr int kWidth = 30;
        const int filled =
            int(double(kWidth) * double(done) / double(std::max<int64_t>(mTotal, 1)));
        std::string bar(size_t(filled), '#');
        bar.append(size_t(kWidth - filled), '.');
        std::fprintf(stderr, "%s[%s] %lld/%lld loss %.4f lr %.2e %.2f steps/s%s", mTty ? "\r" : "",
                     bar.c_str(), (long long)done, (long long)mTotal, loss, lr, rate,
                     mTty && !last ? "" : "\n");
        std::fflush(stderr);
    }

private:
    int64_t mFirst, mTotal;
    bool mQuiet, mTty;
    std::chrono::steady_clock::time_point mStart;
};

json readJsonFile(const fs::path& path) {
    json value = json::parse(unwrap(readFile(path)), nullptr, false);
    if (value.is_discarded()) throw Failure{Error{path.string() + ": not valid JSON"}};
    return value;
}

FinetuneReport finetune(const FinetuneOptions& o) {
    if (o.data.empty()) throw Failure{Error{"finetune: give at least one --data folder"}};
    if (o.steps < 1 || o.batch < 1 || o.learningRate <= 0)
        throw Failure{Error{"finetune: --steps, --batch and --lr must be positive"}};
    const torch::Device device = resolveDevice(o.device);
    if (o.threads > 0) torch::set_num_threads(o.threads);
    unwrap(ensureWritableDirectory(o.out));
    const fs::path checkpoint = o.out / "checkpoint";
    const bool resuming = hasCheckpoint(checkpoint);

    ModelConfig cfg;
    TrainConfig train;
    train.steps = o.steps;
    train.batchSize = o.batch;
    train.learningRate = o.learningRate;
    train.warmupSteps = o.warmup;
    train.condDropProbability = o.condDrop;
    train.seed = o.seed;
    if (resuming) {
        // The stored settings, so the resumed run draws exactly what the killed one would have.
        cfg = loadModelConfig(checkpoint);
        json state = readJsonFile(existingCheckpoint(checkpoint) / "trainer.json");
        train = TrainConfig::fromJson(state.value("train", json::object()));
        train.steps = o.steps;
    } else if (o.init) {
        cfg = loadModelConfig(*o.init);
    } else {
        cfg.frames = o.frames;
        cfg.contextFrames = o.contextFrames;
        cfg.height = cfg.width = o.size;
        cfg.patchSize = o.patch;
        cfg.tubeletFrames = o.tubelet;
        cfg.hidden = o.hidden;
        cfg.depth = o.depth;
        cfg.heads = o.heads;
        if (std::string problem = cfg.validate(); !problem.empty())
            throw Failure{Error{"finetune: " + problem}};
    }

    ClipTensors data;
    json split = json::object();
    for (const fs::path& dataset : o.data) {
        std::vector<ClipRecord> clips = unwrap(listClips(dataset, Split::Train, o.heldOut));
        ClipTensors part = loadClips(clips, cfg, dataset, o.cache);
        if (!data.videos.defined()) {
            data = part;
        } else {
            data.videos = torch::cat({data.videos, part.videos});
            data.text = torch::cat({data.text, part.text});
            data.physics = torch::cat({data.physics, part.physics});
        }
        json names = json::array();
        for (const ClipRecord& c : clips) names.push_back(c.name);
        split[dataset.string()] = {{"train", names}, {"held_out_fraction", o.heldOut}};
    }
    data.videos = data.videos.to(device);
    data.text = data.text.to(device);
    data.physics = data.physics.to(device);

    Trainer trainer(cfg, train, device);
    if (resuming) {
        trainer.resume(checkpoint);
    } else if (o.init) {
        trainer.initFrom(*o.init);
    }
    FinetuneReport report;
    report.startStep = trainer.completedSteps();
    report.trainClips = data.size();
    std::vector<LossPoint> points = resuming
                                        ? readLossCsv(o.out / "loss.csv", trainer.completedSteps())
                                        : std::vector<LossPoint>{};
    unwrap(writeFileAtomic(o.out / "split.json", split.dump(2) + "\n"));
    if (!o.quiet)
        std::fprintf(
            stderr, "silt finetune: %lld training clips, %lld parameters, %s%s\n",
            (long long)data.size(),
            (long long)[&] {
                int64_t n = 0;
                for (const Tensor& p : trainer.model()->parameters()) n += p.numel();
                return n;
            }(),
            resuming ? "resuming at step " : (o.init ? "fine-tuning from " : "new model"),
            resuming ? std::to_string(trainer.completedSteps()).c_str()
                     : (o.init ? o.init->string().c_str() : ""));

    // The log first: whenever a checkpoint of step s exists, loss.csv holds at least the rows
    // before s, and a resumed run keeps exactly those.
    auto save = [&] {
        writeLossCsv(o.out / "loss.csv", points);
        unwrap(writeLossPlot(o.out / "loss.png", points));
        trainer.saveCheckpoint(checkpoint);
    };
    ProgressBar progress(trainer.completedSteps(), o.steps, o.quiet);
    const auto start = std::chrono::steady_clock::now();
    std::vector<double> recent;
    while (trainer.completedSteps() < o.steps) {
        const int64_t step = trainer.completedSteps();
        const double lr = trainer.learningRate(step);
        const double loss = trainer.step(data);
        if (recent.empty()) report.firstLoss = loss;
        recent.push_back(loss);
        points.push_back({step, loss, lr});
        progress.update(trainer.completedSteps(), loss, lr);
        if (o.checkpointEvery > 0 && trainer.completedSteps() % o.checkpointEvery == 0 &&
            trainer.completedSteps() < o.steps)
            save();
    }
    save();
    report.steps = trainer.completedSteps();
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const size_t tail = std::min<size_t>(20, recent.size());
    for (size_t i = recent.size() - tail; i < recent.size(); ++i) report.finalLoss += recent[i];
    if (tail > 0) report.finalLoss /= double(tail);
    return report;
}

FrameStack toFrameStack(const Tensor& video, int64_t firstFrame) {
    // video [T, C, H, W] in [−1, 1] → frames firstFrame… as [0, 1] channels-last floats
    Tensor t = video.slice(0, firstFrame)
                   .permute({0, 2, 3, 1})
                   .add(1.0)
                   .mul(0.5)
                   .clamp(0.0, 1.0)
                   .contiguous()
                   .to(torch::kCPU, torch::kFloat32);
    FrameStack stack;
    stack.frames = t.size(0);
    stack.height = t.size(1);
    stack.width = t.size(2);
    stack.channels = t.size(3);
    stack.values.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    return stack;
}

std::vector<uint8_t> tileOf(const FrameStack& s, int64_t frame) {
    const size_t n = size_t(s.height * s.width * 3);
    std::vector<uint8_t> tile(n);
    for (size_t i = 0; i < n; ++i)
        tile[i] = uint8_t(std::lround(255.0f * s.values[size_t(frame) * n + i]));
    return tile;
}

std::vector<uint8_t> maskTile(const std::vector<uint8_t>& masks, int64_t frame, int64_t pixels,
                              std::array<uint8_t, 3> colour) {
    std::vector<uint8_t> tile(size_t(pixels * 3), 0);
    for (int64_t i = 0; i < pixels; ++i)
        if (masks[size_t(frame * pixels + i)] != 0)
            for (int c = 0; c < 3; ++c) tile[size_t(i * 3 + c)] = colour[size_t(c)];
    return tile;
}

EvalReport evaluate(const EvalOptions& o) {
    const torch::Device device = resolveDevice(o.device);
    if (o.threads > 0) torch::set_num_threads(o.threads);
    const fs::path modelDir =
        hasCheckpoint(o.model / "checkpoint") ? o.model / "checkpoint" : o.model;
    if (!hasCheckpoint(modelDir))
        throw Failure{Error{o.model.string() +
                            ": not a checkpoint folder nor a run folder with checkpoint/ "
                            "(expected model.safetensors and model.json)"}};
    VideoDiT model = loadModel(modelDir, device);
    const ModelConfig& cfg = model->config();
    std::vector<ClipRecord> clips =
        unwrap(listClips(o.data, o.allClips ? Split::All : Split::HeldOut, o.heldOut));
    if (o.maxClips > 0 && int64_t(clips.size()) > o.maxClips) clips.resize(size_t(o.maxClips));
    ClipTensors data = loadClips(clips, cfg, o.data, o.cache);
    unwrap(ensureWritableDirectory(o.out));

    const int64_t k = cfg.contextFrames, n = data.size();
    constexpr int64_t kChunk = 8;
    std::vector<Tensor> predictions;
    for (int64_t begin = 0; begin < n; begin += kChunk) {
        const int64_t end = std::min(n, begin + kChunk);
        SampleOptions sampling{o.sampleSteps, o.guidance, o.seed + uint64_t(begin / kChunk)};
        predictions.push_back(sampleContinuation(model, data.videos.slice(0, begin, end).to(device),
                                                 data.text.slice(0, begin, end).to(device),
                                                 data.physics.slice(0, begin, end).to(device),
                                                 sampling)
                                  .to(torch::kCPU));
    }
    Tensor predicted = torch::cat(predictions);
    MotionMaskOptions maskOptions;
    LabelMaskOptions labelOptions;
    const bool labelsHeadline = o.masks == "labels";
    if (!labelsHeadline && o.masks != "recipe")
        throw Failure{Error{"--masks: expected recipe or labels, got " + o.masks}};
    // Label masks for every clip or for none: a mean over a subset would not be comparable.
    std::vector<std::vector<uint8_t>> labelMasks;
    std::optional<Error> labelError;
    for (int64_t i = 0; i < n && !labelError; ++i) {
        auto labels = readMotionLabels(clips[size_t(i)], k - 1, cfg.frames - k + 1);
        if (!labels)
            labelError = labels.error();
        else
            labelMasks.push_back(labelMotionMasks(*labels, cfg.height, cfg.width,
                                                  labelOptions));
    }
    if (labelError) {
        if (labelsHeadline) throw Failure{*labelError};
        labelMasks.clear();
    }
    const bool withLabels = n > 0 && !labelMasks.empty();
    auto scoresJson = [](const MotionScores& s) {
        return json{{"spatiotemporal_iou", s.spatiotemporalIou},
                    {"spatial_iou", s.spatialIou},
                    {"weighted_spatial_iou", s.weightedSpatialIou},
                    {"mse", s.mse}};
    };
    auto accumulate = [](MotionScores& sum, const MotionScores& s) {
        sum.spatiotemporalIou += s.spatiotemporalIou;
        sum.spatialIou += s.spatialIou;
        sum.weightedSpatialIou += s.weightedSpatialIou;
        sum.mse += s.mse;
    };
    MotionScores recipeSum, labelSum;
    double agreementSum = 0.0;
    EvalReport report;
    json perClip = json::array();
    const fs::path stripDir = o.out / "strips";
    for (int64_t i = 0; i < n; ++i) {
        // Scored from the last context frame on: it seeds the motion background.
        FrameStack pred = toFrameStack(predicted[i], k - 1),
                   truth = toFrameStack(data.videos[i], k - 1);
        // Each mask stack once: the predicted masks are scored against both true sources.
        const std::vector<uint8_t> trueRecipe = motionMasks(truth, maskOptions);
        const std::vector<uint8_t> predMasks = motionMasks(pred, maskOptions);
        const double mse = continuationMse(pred, truth);
        auto scoreAgainst = [&](const std::vector<uint8_t>& trueMasks) {
            MotionScores s = compareMasks(predMasks, trueMasks, truth.frames - 1, truth.height,
                                          truth.width);
            s.mse = mse;
            return s;
        };
        const MotionScores byRecipe = scoreAgainst(trueRecipe);
        accumulate(recipeSum, byRecipe);
        json entry = {{"clip", clips[size_t(i)].name}, {"caption", clips[size_t(i)].caption}};
        json sources = {{"recipe", scoresJson(byRecipe)}};
        MotionScores headline = byRecipe;
        if (withLabels) {
            const std::vector<uint8_t>& trueLabels = labelMasks[size_t(i)];
            const MotionScores byLabels = scoreAgainst(trueLabels);
            accumulate(labelSum, byLabels);
            const double agreement =
                compareMasks(trueRecipe, trueLabels, truth.frames - 1, truth.height, truth.width)
                    .spatiotemporalIou;
            agreementSum += agreement;
            sources["labels"] = scoresJson(byLabels);
            entry["recipe_label_agreement"] = agreement;
            if (labelsHeadline) headline = byLabels;
        }
        entry.update(scoresJson(headline));
        entry["by_masks"] = sources;
        perClip.push_back(entry);
        if (i < o.strips) {
            // Rows: true frames, predicted frames, true motion, predicted motion (recipe), and
            // true motion from the labels when there are labels; columns: the last context
            // frame, then the generated frames.
            const int64_t columns = truth.frames, pixels = truth.height * truth.width;
            std::vector<std::vector<uint8_t>> tiles;
            for (int64_t f = 0; f < columns; ++f) tiles.push_back(tileOf(truth, f));
            for (int64_t f = 0; f < columns; ++f) tiles.push_back(tileOf(pred, f));
            auto maskRow = [&](const std::vector<uint8_t>& masks, std::array<uint8_t, 3> colour) {
                for (int64_t f = 0; f < columns; ++f)
                    tiles.push_back(f == 0 ? std::vector<uint8_t>(size_t(pixels * 3), 0)
                                           : maskTile(masks, f - 1, pixels, colour));
            };
            maskRow(trueRecipe, {255, 255, 255});
            maskRow(predMasks, {255, 200, 0});
            if (withLabels) maskRow(labelMasks[size_t(i)], {0, 200, 255});
            unwrap(ensureWritableDirectory(stripDir));
            const int64_t scale = std::max<int64_t>(1, 128 / std::max(truth.height, truth.width));
            unwrap(writeTileGrid(stripDir / (clips[size_t(i)].name + ".png"), tiles,
                                 withLabels ? 5 : 4, columns, truth.height, truth.width, scale));
        }
    }
    report.clips = n;
    auto mean = [n](MotionScores s) {
        if (n > 0) {
            s.spatiotemporalIou /= double(n);
            s.spatialIou /= double(n);
            s.weightedSpatialIou /= double(n);
            s.mse /= double(n);
        }
        return s;
    };
    const MotionScores recipeMean = mean(recipeSum), labelMean = mean(labelSum);
    const MotionScores& headlineMean = labelsHeadline ? labelMean : recipeMean;
    report.spatiotemporalIou = headlineMean.spatiotemporalIou;
    report.spatialIou = headlineMean.spatialIou;
    report.weightedSpatialIou = headlineMean.weightedSpatialIou;
    report.mse = headlineMean.mse;
    if (withLabels) report.recipeLabelAgreement = agreementSum / double(n);
    json meanJson = scoresJson(headlineMean);
    meanJson["clips"] = n;
    json meanBySource = {{"recipe", scoresJson(recipeMean)}};
    if (withLabels) meanBySource["labels"] = scoresJson(labelMean);
    json result = {{"model", fs::absolute(modelDir).string()},
                   {"data", fs::absolute(o.data).string()},
                   {"split", o.allClips ? "all" : "held_out"},
                   {"held_out_fraction", o.heldOut},
                   {"context_frames", k},
                   {"frames", cfg.frames},
                   {"sample_steps", o.sampleSteps},
                   {"guidance", o.guidance},
                   {"seed", o.seed},
                   {"true_masks", labelsHeadline ? "labels" : "recipe"},
                   {"motion_masks",
                    {{"recipe",
                      "grey, Gaussian blur, running-average background, |difference| > threshold, "
                      "opening, closing (Physics-IQ)"},
                     {"blur_sigma_px", maskOptions.blurSigma},
                     {"background_alpha", maskOptions.backgroundAlpha},
                     {"threshold", maskOptions.threshold},
                     {"open_radius_px", maskOptions.openRadius},
                     {"close_radius_px", maskOptions.closeRadius}}},
                   {"label_masks",
                    withLabels
                        ? json{{"recipe",
                                "flow from the previous frame longer than the threshold or an "
                                "instance id change, box-reduced to the model's size"},
                               {"flow_threshold_px", labelOptions.flowThreshold},
                               {"coverage", labelOptions.coverage},
                               {"recipe_label_agreement", report.recipeLabelAgreement}}
                        : json{{"unavailable", labelError ? labelError->message : "no clips"}}},
                   {"mean", meanJson},
                   {"mean_by_masks", meanBySource},
                   {"clips", perClip}};
    report.json = o.out / "eval.json";
    unwrap(writeFileAtomic(report.json, result.dump(2) + "\n"));
    return report;
}

template <typename F>
auto guarded(F&& body) -> Result<decltype(body())> {
    try {
        return body();
    } catch (const Failure& failure) {
        return failure.error;
    } catch (const c10::Error& e) {
        return Error{std::string("libtorch: ") + e.what_without_backtrace()};
    } catch (const std::exception& e) {
        return Error{e.what()};
    }
}

}  // namespace

Result<FinetuneReport> runFinetune(const FinetuneOptions& options) {
    return guarded([&] { return finetune(options); });
}

Result<EvalReport> runEval(const EvalOptions& options) {
    return guarded([&] { return evaluate(options); });
}

}  // namespace silt::finetune
