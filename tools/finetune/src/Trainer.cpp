#include "silt/finetune/Trainer.h"

#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>
#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/version.h>

#include "silt/finetune/Safetensors.h"

namespace silt::finetune {
namespace fs = std::filesystem;
using torch::Tensor;

namespace {

uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

nlohmann::json readJson(const fs::path& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path.string() + ": cannot open for reading");
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, false);
    if (json.is_discarded()) throw std::runtime_error(path.string() + ": not valid JSON");
    return json;
}

}  // namespace

bool hasCheckpoint(const fs::path& dir) {
    fs::path previous = dir;
    previous += ".previous";
    return fs::is_regular_file(dir / "model.safetensors") ||
           fs::is_regular_file(previous / "model.safetensors");
}

fs::path existingCheckpoint(const fs::path& dir) {
    if (fs::is_regular_file(dir / "model.safetensors")) return dir;
    fs::path previous = dir;
    previous += ".previous";
    if (fs::is_regular_file(previous / "model.safetensors")) return previous;
    throw std::runtime_error(dir.string() + ": not a checkpoint folder (no model.safetensors)");
}

namespace {

void loadWeights(VideoDiT& model, const fs::path& file) {
    TensorMap weights = loadSafetensors(file);
    torch::NoGradGuard guard;
    for (auto& item : model->named_parameters()) {
        const std::string& name = item.key();
        torch::Tensor& parameter = item.value();
        auto found = weights.find(name);
        if (found == weights.end())
            throw std::runtime_error(file.string() + ": missing tensor \"" + name + "\"");
        if (found->second.sizes() != parameter.sizes())
            throw std::runtime_error(file.string() + ": tensor \"" + name + "\" has shape " +
                                     c10::str(found->second.sizes()) + ", the model expects " +
                                     c10::str(parameter.sizes()));
        parameter.copy_(found->second);
    }
}

}  // namespace

nlohmann::json TrainConfig::toJson() const {
    return {{"steps", steps},
            {"batch_size", batchSize},
            {"learning_rate", learningRate},
            {"warmup_steps", warmupSteps},
            {"min_lr_ratio", minLrRatio},
            {"weight_decay", weightDecay},
            {"grad_clip", gradClip},
            {"cond_drop_probability", condDropProbability},
            {"seed", seed}};
}

TrainConfig TrainConfig::fromJson(const nlohmann::json& json) {
    TrainConfig c;
    auto read = [&json](const char* key, auto& field) {
        if (json.contains(key)) json.at(key).get_to(field);
    };
    read("steps", c.steps);
    read("batch_size", c.batchSize);
    read("learning_rate", c.learningRate);
    read("warmup_steps", c.warmupSteps);
    read("min_lr_ratio", c.minLrRatio);
    read("weight_decay", c.weightDecay);
    read("grad_clip", c.gradClip);
    read("cond_drop_probability", c.condDropProbability);
    read("seed", c.seed);
    return c;
}

at::Generator streamGenerator(uint64_t seed, uint64_t index, const char* purpose) {
    uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a of the purpose
    for (const char* p = purpose; *p != 0; ++p) h = (h ^ uint8_t(*p)) * 0x100000001b3ULL;
    return at::make_generator<at::CPUGeneratorImpl>(
        splitmix64(splitmix64(splitmix64(seed) ^ index) ^ h));
}

Tensor flowMatchingLoss(VideoDiT& model, const Tensor& x0, const Tensor& text,
                        const Tensor& physics, uint64_t seed, uint64_t step,
                        double condDropProbability) {
    const ModelConfig& cfg = model->config();
    const int64_t batch = x0.size(0), k = cfg.contextFrames;
    // Drawn on the CPU so that a run draws the same numbers on any device.
    at::Generator gen = streamGenerator(seed, step, "flow");
    Tensor t = torch::sigmoid(torch::randn({batch}, gen, torch::kFloat32));  // logit-normal
    Tensor noise = torch::randn(x0.sizes(), gen, torch::kFloat32);
    Tensor drop = torch::rand({batch}, gen, torch::kFloat32).lt(condDropProbability);
    const torch::Device device = x0.device();
    t = t.to(device);
    noise = noise.to(device);
    drop = drop.to(device);
    Tensor tb = t.view({batch, 1, 1, 1, 1});
    Tensor xt = (1 - tb) * x0 + tb * noise;
    xt = torch::cat({x0.slice(1, 0, k), xt.slice(1, k)}, 1);
    Tensor velocity = model->forward(xt, t, text, physics, drop);
    Tensor target = noise - x0;
    return torch::mse_loss(velocity.slice(1, k).to(torch::kFloat32), target.slice(1, k));
}

Trainer::Trainer(const ModelConfig& model, const TrainConfig& train, torch::Device device)
    : mConfig(model), mTrain(train), mDevice(device) {
    if (train.batchSize < 1 || train.steps < 0 || train.learningRate <= 0)
        throw std::runtime_error("training: batch size and learning rate must be positive");
    // Initial weights come from the run's seed too, not from torch's global generator state.
    torch::manual_seed(splitmix64(train.seed ^ 0x5eedULL));
    mModel = VideoDiT(model);
    mModel->to(device);
    for (auto& item : mModel->named_parameters()) {
        mParameters.emplace_back(item.key(), item.value());
        mFirstMoments.push_back(torch::zeros_like(item.value()));
        mSecondMoments.push_back(torch::zeros_like(item.value()));
    }
}

double Trainer::learningRate(int64_t step) const {
    const double peak = mTrain.learningRate;
    if (step < mTrain.warmupSteps) return peak * double(step + 1) / double(mTrain.warmupSteps + 1);
    const double span = double(std::max<int64_t>(1, mTrain.steps - mTrain.warmupSteps));
    const double progress = std::min(1.0, double(step - mTrain.warmupSteps) / span);
    const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
    return peak * (mTrain.minLrRatio + (1.0 - mTrain.minLrRatio) * cosine);
}

float Trainer::step(const ClipTensors& data) {
    const int64_t n = data.size();
    if (n == 0) throw std::runtime_error("training: no clips");
    const int64_t batch = mTrain.batchSize;
    // Clip order: one permutation per epoch, a pure function of (seed, epoch).
    std::vector<int64_t> indices;
    int64_t cachedEpoch = -1;
    Tensor permutation;
    for (int64_t j = 0; j < batch; ++j) {
        const int64_t global = mStep * batch + j;
        const int64_t epoch = global / n;
        if (epoch != cachedEpoch) {
            at::Generator gen = streamGenerator(mTrain.seed, uint64_t(epoch), "order");
            permutation = torch::randperm(n, gen, torch::kLong);
            cachedEpoch = epoch;
        }
        indices.push_back(permutation[global % n].item<int64_t>());
    }
    Tensor index = torch::tensor(indices, torch::kLong).to(data.videos.device());
    Tensor x0 = data.videos.index_select(0, index).to(mDevice);
    Tensor text = data.text.index_select(0, index).to(mDevice);
    Tensor physics = data.physics.index_select(0, index).to(mDevice);

    mModel->train();
    mModel->zero_grad();
    Tensor loss = flowMatchingLoss(mModel, x0, text, physics, mTrain.seed, uint64_t(mStep),
                                   mTrain.condDropProbability);
    loss.backward();
    const float lossValue = loss.item<float>();
    if (!std::isfinite(lossValue))
        throw std::runtime_error("training: the loss became " + std::to_string(lossValue) +
                                 " at step " + std::to_string(mStep) +
                                 "; lower --lr or check the data");
    std::vector<Tensor> params;
    for (auto& [name, p] : mParameters) params.push_back(p);
    if (mTrain.gradClip > 0) torch::nn::utils::clip_grad_norm_(params, mTrain.gradClip);

    // AdamW (decoupled weight decay), written out so its state is plain tensors we checkpoint.
    const double lr = learningRate(mStep);
    constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
    const double t = double(mStep + 1);
    const double correction1 = 1.0 - std::pow(kBeta1, t), correction2 = 1.0 - std::pow(kBeta2, t);
    {
        torch::NoGradGuard guard;
        for (size_t i = 0; i < mParameters.size(); ++i) {
            Tensor& p = mParameters[i].second;
            if (!p.grad().defined()) continue;
            const Tensor& g = p.grad();
            mFirstMoments[i].mul_(kBeta1).add_(g, 1.0 - kBeta1);
            mSecondMoments[i].mul_(kBeta2).addcmul_(g, g, 1.0 - kBeta2);
            if (mTrain.weightDecay > 0) p.mul_(1.0 - lr * mTrain.weightDecay);
            Tensor denom = (mSecondMoments[i] / correction2).sqrt_().add_(kEps);
            p.addcdiv_(mFirstMoments[i], denom, -lr / correction1);
        }
    }
    ++mStep;
    return lossValue;
}

void Trainer::saveCheckpoint(const fs::path& dir) const {
    fs::path partial = dir, previous = dir;
    partial += ".partial";
    previous += ".previous";
    fs::remove_all(partial);
    fs::create_directories(partial);
    TensorMap weights, optimizer;
    for (size_t i = 0; i < mParameters.size(); ++i) {
        const std::string& name = mParameters[i].first;
        weights[name] = mParameters[i].second;
        optimizer["exp_avg." + name] = mFirstMoments[i];
        optimizer["exp_avg_sq." + name] = mSecondMoments[i];
    }
    const std::string step = std::to_string(mStep);
    saveSafetensors(partial / "model.safetensors", weights,
                    {{"format", "pt"}, {"silt_model", "VideoDiT"}, {"step", step}});
    saveSafetensors(partial / "optimizer.safetensors", optimizer,
                    {{"format", "pt"}, {"optimizer", "AdamW"}, {"step", step}});
    writeFileAtomically(partial / "model.json", mConfig.toJson().dump(2) + "\n");
    nlohmann::json state = {
        {"step", mStep},
        {"train", mTrain.toJson()},
        {"optimizer", {{"name", "AdamW"}, {"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8}}},
        {"rng",
         {{"seed", mTrain.seed},
          {"next_step", mStep},
          {"scheme",
           "counter-based: step s draws from hash(seed, s, purpose), epoch e's clip order from "
           "hash(seed, e, \"order\"); (seed, step) is the whole generator state"}}},
        {"torch_version", TORCH_VERSION}};
    writeFileAtomically(partial / "trainer.json", state.dump(2) + "\n");
    // Swap in: the old folder stays as .previous until the new one has its final name.
    fs::remove_all(previous);
    if (fs::exists(dir)) fs::rename(dir, previous);
    fs::rename(partial, dir);
    fs::remove_all(previous);
}

void Trainer::initFrom(const fs::path& checkpoint) {
    fs::path file = fs::is_directory(checkpoint)
                        ? existingCheckpoint(checkpoint) / "model.safetensors"
                        : checkpoint;
    loadWeights(mModel, file);
}

void Trainer::resume(const fs::path& checkpoint) {
    fs::path dir = existingCheckpoint(checkpoint);
    loadWeights(mModel, dir / "model.safetensors");
    TensorMap optimizer = loadSafetensors(dir / "optimizer.safetensors");
    torch::NoGradGuard guard;
    for (size_t i = 0; i < mParameters.size(); ++i) {
        const std::string& name = mParameters[i].first;
        auto m = optimizer.find("exp_avg." + name), v = optimizer.find("exp_avg_sq." + name);
        if (m == optimizer.end() || v == optimizer.end())
            throw std::runtime_error((dir / "optimizer.safetensors").string() +
                                     ": missing the moments of \"" + name + "\"");
        mFirstMoments[i].copy_(m->second);
        mSecondMoments[i].copy_(v->second);
    }
    nlohmann::json state = readJson(dir / "trainer.json");
    if (!state.contains("step") || !state["step"].is_number_integer())
        throw std::runtime_error((dir / "trainer.json").string() +
                                 ": expected an integer \"step\"");
    mStep = state["step"].get<int64_t>();
}

ModelConfig loadModelConfig(const fs::path& checkpoint) {
    fs::path file = existingCheckpoint(checkpoint) / "model.json";
    try {
        return ModelConfig::fromJson(readJson(file));
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(file.string() + ": " + e.what());
    }
}

VideoDiT loadModel(const fs::path& checkpoint, torch::Device device) {
    VideoDiT model(loadModelConfig(checkpoint));
    loadWeights(model, existingCheckpoint(checkpoint) / "model.safetensors");
    model->to(device);
    model->eval();
    return model;
}

Tensor sampleContinuation(VideoDiT& model, const Tensor& context, const Tensor& text,
                          const Tensor& physics, const SampleOptions& options) {
    torch::NoGradGuard guard;
    model->eval();
    const ModelConfig& cfg = model->config();
    const int64_t batch = context.size(0), k = cfg.contextFrames;
    TORCH_CHECK(context.size(1) >= k, "sampleContinuation: need ", k, " context frames");
    const torch::Device device = context.device();
    Tensor ctx = context.slice(1, 0, k).to(torch::kFloat32);
    at::Generator gen = streamGenerator(options.seed, 0, "sample");
    Tensor noise = torch::randn({batch, cfg.frames - k, cfg.channels, cfg.height, cfg.width}, gen,
                                torch::kFloat32)
                       .to(device);
    Tensor x = torch::cat({ctx, noise}, 1);
    const bool guided = options.guidance != 1.0;
    Tensor keep = torch::zeros({batch}, torch::TensorOptions().dtype(torch::kBool).device(device));
    const int64_t steps = std::max<int64_t>(1, options.steps);
    const double dt = 1.0 / double(steps);
    for (int64_t i = 0; i < steps; ++i) {
        const double time = 1.0 - double(i) * dt;
        Tensor velocity;
        if (guided) {
            Tensor t = torch::full({2 * batch}, time, x.options());
            Tensor v = model
                           ->forward(torch::cat({x, x}), t, torch::cat({text, text}),
                                     torch::cat({physics, physics}),
                                     torch::cat({keep, keep.logical_not()}))
                           .to(torch::kFloat32);
            Tensor conditional = v.slice(0, 0, batch), unconditional = v.slice(0, batch);
            velocity = unconditional + options.guidance * (conditional - unconditional);
        } else {
            velocity =
                model->forward(x, torch::full({batch}, time, x.options()), text, physics, keep)
                    .to(torch::kFloat32);
        }
        x = x - dt * velocity;
        x = torch::cat({ctx, x.slice(1, k)}, 1);
    }
    return x;
}

}  // namespace silt::finetune
