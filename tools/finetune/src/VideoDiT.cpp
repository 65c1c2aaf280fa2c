#include "silt/finetune/VideoDiT.h"

#include <cmath>

#include <torch/version.h>

namespace silt::finetune {
namespace nn = torch::nn;
using torch::Tensor;

namespace {

// 1-D sine-cosine embedding of `positions` (float [N]) into `dim` channels, as in DiT.
Tensor sincos1d(const Tensor& positions, int64_t dim) {
    Tensor omega = torch::arange(dim / 2, torch::kFloat64) / double(dim / 2);
    omega = 1.0 / torch::pow(10000.0, omega);
    Tensor angles = positions.to(torch::kFloat64).unsqueeze(1) * omega.unsqueeze(0);
    return torch::cat({torch::sin(angles), torch::cos(angles)}, 1).to(torch::kFloat32);
}

// [rows * cols, dim]: half the channels encode the row, half the column.
Tensor sincos2d(int64_t rows, int64_t cols, int64_t dim) {
    Tensor r = torch::arange(rows, torch::kFloat64).repeat_interleave(cols);
    Tensor c = torch::arange(cols, torch::kFloat64).repeat({rows});
    return torch::cat({sincos1d(r, dim / 2), sincos1d(c, dim / 2)}, 1);
}

// Flow time in [0, 1] scaled to [0, 1000] as in diffusion models, sine-cosine embedded.
Tensor timeEmbedding(const Tensor& t, int64_t dim) {
    const int64_t half = dim / 2;
    Tensor freqs =
        torch::exp(-std::log(10000.0) * torch::arange(half, t.options().dtype(torch::kFloat32)) /
                   double(half));
    Tensor args = (t.to(torch::kFloat32) * 1000.0).unsqueeze(1) * freqs.unsqueeze(0);
    return torch::cat({torch::cos(args), torch::sin(args)}, 1);
}

Tensor modulate(const Tensor& x, const Tensor& shift, const Tensor& scale) {
    // x [B, ..., D]; shift, scale [B, D]
    std::vector<int64_t> shape(size_t(x.dim()), 1);
    shape.front() = x.size(0);
    shape.back() = x.size(-1);
    return x * (1 + scale.view(shape)) + shift.view(shape);
}

Tensor broadcastGate(const Tensor& gate, const Tensor& like) {
    std::vector<int64_t> shape(size_t(like.dim()), 1);
    shape.front() = like.size(0);
    shape.back() = like.size(-1);
    return gate.view(shape);
}

nn::Sequential mlp(int64_t dim, double ratio) {
    const int64_t hidden = int64_t(std::lround(double(dim) * ratio));
    return nn::Sequential(nn::Linear(dim, hidden), nn::GELU(), nn::Linear(hidden, dim));
}

void zeroLinear(nn::Linear& linear) {
    torch::NoGradGuard guard;
    linear->weight.zero_();
    if (linear->bias.defined()) linear->bias.zero_();
}

}  // namespace

Tensor plainAttention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& keyMask) {
    Tensor scores = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(double(q.size(-1)));
    if (keyMask.defined())
        scores =
            scores.masked_fill(keyMask.view({keyMask.size(0), 1, 1, keyMask.size(1)}).logical_not(),
                               -std::numeric_limits<float>::infinity());
    return torch::matmul(torch::softmax(scores, -1), v);
}

Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& keyMask) {
#if TORCH_VERSION_MAJOR >= 2
    c10::optional<Tensor> mask;
    if (keyMask.defined()) mask = keyMask.view({keyMask.size(0), 1, 1, keyMask.size(1)});
    return at::scaled_dot_product_attention(q, k, v, mask);
#else
    return plainAttention(q, k, v, keyMask);
#endif
}

std::vector<int64_t> captionTokens(const std::string& caption, int64_t length) {
    std::vector<int64_t> tokens(size_t(length), 0);
    if (length == 0) return tokens;
    tokens[0] = 1;  // BOS: keeps at least one key valid for every caption, even an empty one
    for (size_t i = 0; i < caption.size() && i + 1 < tokens.size(); ++i)
        tokens[i + 1] = int64_t(static_cast<unsigned char>(caption[i])) + 2;
    return tokens;
}

MultiHeadAttentionImpl::MultiHeadAttentionImpl(int64_t dim, int64_t heads, bool zeroOutput)
    : mHeads(heads) {
    mQuery = register_module("query", nn::Linear(dim, dim));
    mKeyValue = register_module("key_value", nn::Linear(dim, 2 * dim));
    mOut = register_module("out", nn::Linear(dim, dim));
    if (zeroOutput) zeroLinear(mOut);
}

Tensor MultiHeadAttentionImpl::forward(const Tensor& x, const Tensor& context,
                                       const Tensor& keyMask) {
    const Tensor& source = context.defined() ? context : x;
    const int64_t batch = x.size(0), queries = x.size(1), keys = source.size(1), dim = x.size(2);
    const int64_t headDim = dim / mHeads;
    Tensor q = mQuery(x).view({batch, queries, mHeads, headDim}).transpose(1, 2);
    Tensor kv = mKeyValue(source).view({batch, keys, 2, mHeads, headDim}).permute({2, 0, 3, 1, 4});
    Tensor out = attention(q, kv[0], kv[1], keyMask);
    return mOut(out.transpose(1, 2).reshape({batch, queries, dim}));
}

TextEncoderImpl::TextEncoderImpl(const ModelConfig& config) {
    const int64_t dim = config.hidden;
    mEmbedding = register_module("embedding", nn::Embedding(258, dim));
    mPositions = register_parameter("positions", torch::randn({config.textLength, dim}) * 0.02);
    mAttention = register_module("attention", nn::ModuleList());
    mMlp = register_module("mlp", nn::ModuleList());
    mNorms = register_module("norms", nn::ModuleList());
    for (int64_t i = 0; i < config.textLayers; ++i) {
        mAttention->push_back(MultiHeadAttention(dim, config.heads, false));
        mMlp->push_back(mlp(dim, config.mlpRatio));
        mNorms->push_back(nn::LayerNorm(nn::LayerNormOptions({dim})));
        mNorms->push_back(nn::LayerNorm(nn::LayerNormOptions({dim})));
    }
    mFinalNorm = register_module("final_norm", nn::LayerNorm(nn::LayerNormOptions({dim})));
}

Tensor TextEncoderImpl::forward(const Tensor& tokens) {
    Tensor mask = tokens.ne(0);
    Tensor x = mEmbedding(tokens) + mPositions.unsqueeze(0);
    for (size_t i = 0; i < mAttention->size(); ++i) {
        x = x + mAttention[i]->as<MultiHeadAttention>()->forward(
                    mNorms[2 * i]->as<nn::LayerNorm>()->forward(x), Tensor(), mask);
        x = x + mMlp[i]->as<nn::Sequential>()->forward(
                    mNorms[2 * i + 1]->as<nn::LayerNorm>()->forward(x));
    }
    return mFinalNorm(x);
}

StdiTBlockImpl::StdiTBlockImpl(const ModelConfig& config) {
    const int64_t dim = config.hidden;
    auto norm = [dim] {
        return nn::LayerNorm(nn::LayerNormOptions({dim}).elementwise_affine(false).eps(1e-6));
    };
    mNorm1 = register_module("norm1", norm());
    mNorm2 = register_module("norm2", norm());
    mNorm3 = register_module("norm3", nn::LayerNorm(nn::LayerNormOptions({dim})));
    mNorm4 = register_module("norm4", norm());
    mSpatial = register_module("spatial_attention", MultiHeadAttention(dim, config.heads, false));
    mTemporal = register_module("temporal_attention", MultiHeadAttention(dim, config.heads, false));
    // Zero output: the cross-attention branch, which adaLN does not gate, starts silent too.
    mCross = register_module("cross_attention", MultiHeadAttention(dim, config.heads, true));
    mMlp = register_module("mlp", mlp(dim, config.mlpRatio));
    mModulation = register_module("modulation", nn::Linear(dim, 9 * dim));
    zeroLinear(mModulation);  // adaLN-Zero
}

Tensor StdiTBlockImpl::forward(const Tensor& x, const Tensor& c, const Tensor& cond,
                               const Tensor& condMask) {
    const int64_t batch = x.size(0), frames = x.size(1), tokens = x.size(2), dim = x.size(3);
    std::vector<Tensor> m = mModulation(torch::silu(c)).chunk(9, 1);
    // Spatial attention: the tokens of one frame attend to each other.
    Tensor h = modulate(mNorm1(x), m[0], m[1]).reshape({batch * frames, tokens, dim});
    h = mSpatial(h).view({batch, frames, tokens, dim});
    Tensor y = x + broadcastGate(m[2], x) * h;
    // Temporal attention: one patch position attends across time.
    h = modulate(mNorm2(y), m[3], m[4])
            .permute({0, 2, 1, 3})
            .reshape({batch * tokens, frames, dim});
    h = mTemporal(h).view({batch, tokens, frames, dim}).permute({0, 2, 1, 3});
    y = y + broadcastGate(m[5], y) * h;
    // Cross-attention: every video token reads the caption and physics tokens.
    h = mCross(mNorm3(y).reshape({batch, frames * tokens, dim}), cond, condMask);
    y = y + h.view({batch, frames, tokens, dim});
    h = mMlp->forward(modulate(mNorm4(y), m[6], m[7]));
    return y + broadcastGate(m[8], y) * h;
}

VideoDiTImpl::VideoDiTImpl(const ModelConfig& config) : mConfig(config) {
    if (std::string problem = config.validate(); !problem.empty())
        throw std::runtime_error("model config: " + problem);
    const int64_t dim = config.hidden;
    mPatchEmbed = register_module(
        "patch_embed",
        nn::Conv3d(nn::Conv3dOptions(config.channels, dim,
                                     {config.tubeletFrames, config.patchSize, config.patchSize})
                       .stride({config.tubeletFrames, config.patchSize, config.patchSize})));
    mSpatialPositions = register_buffer(
        "spatial_positions",
        sincos2d(config.height / config.patchSize, config.width / config.patchSize, dim));
    mTemporalPositions =
        register_buffer("temporal_positions",
                        sincos1d(torch::arange(config.temporalTokens(), torch::kFloat64), dim));
    mContextEmbedding = register_parameter("context_embedding", torch::zeros({2, dim}));
    mTimeMlp = register_module(
        "time_mlp", nn::Sequential(nn::Linear(dim, dim), nn::SiLU(), nn::Linear(dim, dim)));
    mText = register_module("text_encoder", TextEncoder(config));
    mPhysicsScale =
        register_parameter("physics_scale", torch::randn({config.physicsFeatures, dim}) * 0.02);
    mPhysicsBias =
        register_parameter("physics_bias", torch::randn({config.physicsFeatures, dim}) * 0.02);
    mNullCondition = register_parameter(
        "null_condition", torch::randn({config.textLength + config.physicsFeatures, dim}) * 0.02);
    mBlocks = register_module("blocks", nn::ModuleList());
    for (int64_t i = 0; i < config.depth; ++i) mBlocks->push_back(StdiTBlock(config));
    mFinalNorm = register_module(
        "final_norm",
        nn::LayerNorm(nn::LayerNormOptions({dim}).elementwise_affine(false).eps(1e-6)));
    mFinalModulation = register_module("final_modulation", nn::Linear(dim, 2 * dim));
    zeroLinear(mFinalModulation);
    mFinalLinear =
        register_module("final_linear", nn::Linear(dim, config.tubeletFrames * config.patchSize *
                                                            config.patchSize * config.channels));
    zeroLinear(mFinalLinear);
}

Tensor VideoDiTImpl::conditionTokens(const Tensor& text, const Tensor& physics,
                                     const Tensor& dropCondition, Tensor& mask) {
    Tensor textTokens = mText(text);
    Tensor physicsTokens =
        physics.to(textTokens.scalar_type()).unsqueeze(2) * mPhysicsScale + mPhysicsBias;
    Tensor cond = torch::cat({textTokens, physicsTokens.to(textTokens.scalar_type())}, 1);
    mask = torch::cat({text.ne(0), torch::ones({physics.size(0), physics.size(1)},
                                               text.options().dtype(torch::kBool))},
                      1);
    Tensor drop = dropCondition.to(torch::kBool);
    cond = torch::where(drop.view({-1, 1, 1}), mNullCondition.unsqueeze(0).to(cond.scalar_type()),
                        cond);
    mask = torch::logical_or(mask, drop.view({-1, 1}));
    return cond;
}

Tensor VideoDiTImpl::forward(const Tensor& xt, const Tensor& t, const Tensor& text,
                             const Tensor& physics, const Tensor& dropCondition) {
    const ModelConfig& cfg = mConfig;
    const int64_t batch = xt.size(0), dim = cfg.hidden;
    const int64_t frames = cfg.temporalTokens(), tokens = cfg.spatialTokens();
    TORCH_CHECK(xt.dim() == 5 && xt.size(1) == cfg.frames && xt.size(2) == cfg.channels &&
                    xt.size(3) == cfg.height && xt.size(4) == cfg.width,
                "VideoDiT: expected video [B, ", cfg.frames, ", ", cfg.channels, ", ", cfg.height,
                ", ", cfg.width, "], got ", xt.sizes());
    // Tubelets: [B, C, T, H, W] → [B, D, T', H', W'] → [B, T', S, D]
    Tensor x = mPatchEmbed(xt.permute({0, 2, 1, 3, 4}));
    x = x.flatten(3).permute({0, 2, 3, 1});
    Tensor isContext =
        (torch::arange(frames, xt.options().dtype(torch::kLong)) * cfg.tubeletFrames <
         cfg.contextFrames)
            .to(torch::kLong);
    x = x + mSpatialPositions.view({1, 1, tokens, dim}) +
        mTemporalPositions.view({1, frames, 1, dim}) +
        mContextEmbedding.index_select(0, isContext).view({1, frames, 1, dim});
    Tensor c = mTimeMlp->forward(timeEmbedding(t, dim));
    Tensor condMask;
    Tensor cond = conditionTokens(text, physics, dropCondition, condMask);
    for (size_t i = 0; i < mBlocks->size(); ++i)
        x = mBlocks[i]->as<StdiTBlock>()->forward(x, c, cond, condMask);
    std::vector<Tensor> m = mFinalModulation(torch::silu(c)).chunk(2, 1);
    x = mFinalLinear(modulate(mFinalNorm(x), m[0], m[1]));
    // [B, T', H', W', pt, p, p, C] → [B, T, C, H, W]
    const int64_t p = cfg.patchSize, pt = cfg.tubeletFrames;
    x = x.view({batch, frames, cfg.height / p, cfg.width / p, pt, p, p, cfg.channels});
    x = x.permute({0, 1, 4, 7, 2, 5, 3, 6});
    x = x.reshape({batch, cfg.frames, cfg.channels, cfg.height, cfg.width});
    // x-prediction as a residual over persistence: the clean clip is estimated as the last
    // context frame plus the network's output (zero at initialisation, so an untrained model
    // predicts that nothing moves), and turned into the velocity the flow needs,
    // v = (x_t − x̂0) / t. Predicting the clean frames and training on the velocity (JiT,
    // Li & He 2025) makes a tiny, briefly trained model sample sharp frames.
    Tensor last = xt.slice(1, cfg.contextFrames - 1, cfg.contextFrames);
    Tensor x0 = last.to(x.scalar_type()) + x;
    Tensor tb = t.to(x.scalar_type()).clamp_min(kMinFlowTime).view({batch, 1, 1, 1, 1});
    return (xt.to(x.scalar_type()) - x0) / tb;
}

}  // namespace silt::finetune
