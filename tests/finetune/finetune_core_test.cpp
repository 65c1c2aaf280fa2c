// The fine-tuning core: safetensors files that Python can read, model shapes, the sampler,
// and training that resumes from a checkpoint with exactly the losses of an uninterrupted run.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <torch/torch.h>

#include "silt/finetune/Safetensors.h"
#include "silt/finetune/Trainer.h"
#include "silt/finetune/VideoDiT.h"

namespace {
namespace fs = std::filesystem;
using namespace silt::finetune;

fs::path freshDir(const std::string& name) {
    fs::path dir =
        fs::path(SILT_BINARY_DIR) / "test-output" / (name + "_" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

ModelConfig tinyModel() {
    ModelConfig c;
    c.frames = 6;
    c.contextFrames = 2;
    c.height = c.width = 16;
    c.patchSize = 4;
    c.hidden = 32;
    c.depth = 2;
    c.heads = 2;
    c.textLength = 16;
    c.textLayers = 1;
    return c;
}

ClipTensors tinyData(const ModelConfig& c, int64_t clips) {
    torch::manual_seed(7);
    ClipTensors d;
    d.videos = torch::rand({clips, c.frames, 3, c.height, c.width}) * 2 - 1;
    std::vector<torch::Tensor> text;
    for (int64_t i = 0; i < clips; ++i)
        text.push_back(torch::tensor(captionTokens("clip " + std::to_string(i), c.textLength)));
    d.text = torch::stack(text);
    d.physics = torch::rand({clips, c.physicsFeatures});
    return d;
}

TEST(Safetensors, RoundTripAndPythonReadsTheHeader) {
    fs::path dir = freshDir("safetensors");
    TensorMap tensors;
    tensors["a.weight"] = torch::arange(12, torch::kFloat32).view({3, 4}) * 0.5;
    tensors["b"] = torch::tensor({1, -2, 3}, torch::kLong);
    tensors["c.bytes"] = torch::tensor({0, 200, 255}, torch::kUInt8);
    tensors["d.half"] = torch::tensor({1.5, -2.25}, torch::kFloat32).to(torch::kBFloat16);
    const fs::path file = dir / "t.safetensors";
    saveSafetensors(file, tensors, {{"format", "pt"}});
    std::map<std::string, std::string> metadata;
    TensorMap back = loadSafetensors(file, &metadata);
    ASSERT_EQ(back.size(), tensors.size());
    for (const auto& [name, t] : tensors) {
        ASSERT_TRUE(back.count(name)) << name;
        EXPECT_EQ(back[name].scalar_type(), t.scalar_type()) << name;
        EXPECT_TRUE(torch::equal(back[name], t)) << name;
    }
    EXPECT_EQ(metadata["format"], "pt");

    // An independent reader: Python's json + struct on the raw bytes.
    const fs::path script = dir / "read.py";
    std::ofstream(script) << R"(import json, struct, sys
data = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', data[:8])[0]
assert n % 8 == 0, n
header = json.loads(data[8:8 + n])
body = data[8 + n:]
a = header['a.weight']
assert a['dtype'] == 'F32' and a['shape'] == [3, 4], a
arr = struct.unpack('<12f', body[a['data_offsets'][0]:a['data_offsets'][1]])
assert list(arr) == [i * 0.5 for i in range(12)], arr
b = header['b']
assert b['dtype'] == 'I64'
assert list(struct.unpack('<3q', body[b['data_offsets'][0]:b['data_offsets'][1]])) == [1, -2, 3]
c = header['c.bytes']
assert list(body[c['data_offsets'][0]:c['data_offsets'][1]]) == [0, 200, 255]
assert header['d.half']['dtype'] == 'BF16'
assert header['__metadata__'] == {'format': 'pt'}
ends = sorted(v['data_offsets'] for k, v in header.items() if k != '__metadata__')
assert ends[0][0] == 0 and ends[-1][1] == len(body), (ends, len(body))
for (b0, e0), (b1, e1) in zip(ends, ends[1:]):
    assert e0 == b1
print('ok')
)";
    const std::string command = "python3 " + script.string() + " " + file.string();
    EXPECT_EQ(std::system(command.c_str()), 0);
}

TEST(Safetensors, DamagedFilesAreClearErrors) {
    fs::path dir = freshDir("safetensors_bad");
    const fs::path file = dir / "bad.safetensors";
    std::ofstream(file, std::ios::binary) << "\x10\x00\x00\x00\x00\x00\x00\x00{\"x\":";
    try {
        (void)loadSafetensors(file);
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    }
}

TEST(VideoDiT, ShapesAndIdentityInit) {
    ModelConfig c = tinyModel();
    VideoDiT model(c);
    ClipTensors d = tinyData(c, 3);
    torch::Tensor t = torch::full({3}, 0.5);
    torch::Tensor drop = torch::tensor({false, true, false});
    torch::Tensor v = model->forward(d.videos, t, d.text, d.physics, drop);
    EXPECT_EQ(v.sizes(), d.videos.sizes());
    // adaLN-Zero and a zero final layer: an untrained model predicts persistence, the clean
    // clip equal to the last context frame, i.e. v = (x_t − x_last) / t.
    torch::Tensor last = d.videos.slice(1, c.contextFrames - 1, c.contextFrames);
    EXPECT_TRUE(torch::allclose(v, (d.videos - last) / 0.5, 1e-5, 1e-5));
    // Tubelets of 2 frames.
    c.tubeletFrames = 2;
    VideoDiT model2(c);
    EXPECT_EQ(model2->forward(d.videos, t, d.text, d.physics, drop).sizes(), d.videos.sizes());
    c.contextFrames = 3;  // not a multiple of the tubelet
    EXPECT_FALSE(c.validate().empty());
}

TEST(VideoDiT, AttentionMatchesPlainSoftmax) {
    torch::manual_seed(3);
    torch::Tensor q = torch::randn({2, 2, 5, 8}), k = torch::randn({2, 2, 7, 8}),
                  v = torch::randn({2, 2, 7, 8});
    torch::Tensor mask = torch::ones({2, 7}, torch::kBool);
    mask[1].slice(0, 4).fill_(false);
    torch::Tensor out = attention(q, k, v, mask);
    torch::Tensor scores = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(8.0);
    scores = scores.masked_fill(mask.view({2, 1, 1, 7}).logical_not(), -1e9);
    torch::Tensor expected = torch::matmul(torch::softmax(scores, -1), v);
    EXPECT_TRUE(torch::allclose(out, expected, 1e-5, 1e-5));
}

TEST(Trainer, LearnsAndSamples) {
    ModelConfig c = tinyModel();
    TrainConfig train;
    train.batchSize = 4;
    train.steps = 30;
    train.learningRate = 3e-3;
    train.warmupSteps = 2;
    Trainer trainer(c, train, torch::kCPU);
    ClipTensors d = tinyData(c, 4);
    // Learnable clips that persistence gets wrong: each frame is the first shifted one more
    // pixel to the right.
    std::vector<torch::Tensor> frames;
    for (int64_t f = 0; f < c.frames; ++f)
        frames.push_back(torch::roll(d.videos.select(1, 0), {f}, {3}));
    d.videos = torch::stack(frames, 1);
    std::vector<float> losses;
    for (int i = 0; i < 30; ++i) losses.push_back(trainer.step(d));
    const float early = (losses[0] + losses[1] + losses[2]) / 3,
                late = (losses[27] + losses[28] + losses[29]) / 3;
    EXPECT_LT(late, early * 0.9f) << early << " -> " << late;
    SampleOptions sampling;
    sampling.steps = 3;
    sampling.guidance = 2.0;
    torch::Tensor out = sampleContinuation(trainer.model(), d.videos.slice(1, 0, c.contextFrames),
                                           d.text, d.physics, sampling);
    EXPECT_EQ(out.sizes(), d.videos.sizes());
    // The context comes back unchanged; the generated frames are finite.
    EXPECT_TRUE(
        torch::equal(out.slice(1, 0, c.contextFrames), d.videos.slice(1, 0, c.contextFrames)));
    EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
}

TEST(Trainer, ResumeGivesTheLossesOfAnUninterruptedRun) {
    fs::path dir = freshDir("resume");
    ModelConfig c = tinyModel();
    TrainConfig train;
    train.batchSize = 3;  // 5 clips, batch 3: epochs straddle steps
    train.steps = 8;
    train.seed = 11;
    ClipTensors d = tinyData(c, 5);
    std::vector<float> straight;
    {
        Trainer trainer(c, train, torch::kCPU);
        for (int i = 0; i < 8; ++i) straight.push_back(trainer.step(d));
    }
    std::vector<float> resumed;
    {
        Trainer first(c, train, torch::kCPU);
        for (int i = 0; i < 4; ++i) resumed.push_back(first.step(d));
        first.saveCheckpoint(dir / "checkpoint");
        // More steps after the checkpoint, then "killed": they are lost and redone.
        first.step(d);
    }
    {
        Trainer second(c, train, torch::kCPU);
        second.resume(dir / "checkpoint");
        EXPECT_EQ(second.completedSteps(), 4);
        for (int i = 0; i < 4; ++i) resumed.push_back(second.step(d));
    }
    ASSERT_EQ(resumed.size(), straight.size());
    for (size_t i = 0; i < straight.size(); ++i) EXPECT_EQ(resumed[i], straight[i]) << "step " << i;
    // The checkpoint holds weights, optimizer moments, model config and state.
    for (const char* f :
         {"model.safetensors", "optimizer.safetensors", "model.json", "trainer.json"})
        EXPECT_TRUE(fs::is_regular_file(dir / "checkpoint" / f)) << f;
    EXPECT_FALSE(fs::exists(dir / "checkpoint.partial"));
}

TEST(Trainer, InitFromCopiesWeights) {
    fs::path dir = freshDir("init");
    ModelConfig c = tinyModel();
    TrainConfig train;
    train.batchSize = 2;
    Trainer base(c, train, torch::kCPU);
    ClipTensors d = tinyData(c, 2);
    base.step(d);
    base.saveCheckpoint(dir / "base");
    TrainConfig other = train;
    other.seed = 5;
    Trainer tuned(loadModelConfig(dir / "base"), other, torch::kCPU);
    tuned.initFrom(dir / "base");
    EXPECT_EQ(tuned.completedSteps(), 0);
    auto a = base.model()->named_parameters(), b = tuned.model()->named_parameters();
    for (const auto& item : a) EXPECT_TRUE(torch::equal(item.value(), b[item.key()])) << item.key();
}

}  // namespace
