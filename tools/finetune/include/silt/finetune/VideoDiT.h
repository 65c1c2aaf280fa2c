#pragma once
// The bundled video transformer: a small STDiT (Open-Sora's spatial-temporal DiT) for video to
// world. Tokens come from a tubelet patch embedding; each block runs spatial self-attention
// (within a frame), temporal self-attention (one patch position across time), cross-attention
// to the conditioning tokens and an MLP, the attention and MLP branches modulated by the
// flow time through adaLN-Zero (shift, scale, gate; gates start at zero so every block starts
// as the identity). Conditioning tokens are the caption through a small byte-level text
// transformer plus one token per physics label; a learned "null" set replaces them for
// classifier-free guidance.
//
// The model predicts the rectified-flow velocity (noise − clean) of every frame, through an
// estimate of the clean clip made as the last context frame plus the network's output
// (persistence plus learned motion); frames the caller marks as context are given clean and
// carry a learned "context" embedding.
// Not thread-safe (a torch module); one instance per trainer or sampler.

#include <torch/torch.h>

#include "silt/finetune/ModelConfig.h"

namespace silt::finetune {

/// The smallest flow time the velocity divides by (see VideoDiTImpl::forward).
inline constexpr double kMinFlowTime = 0.05;

/// softmax(q kᵀ / √d + mask) v over [batch, heads, tokens, head width]; `keyMask` is
/// [batch, keys], true where a key may be attended to. Uses libtorch 2.x's fused
/// scaled_dot_product_attention when compiled against it, a plain implementation otherwise.
torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& keyMask = {});
/// The plain softmax(q kᵀ / √d) v that attention() falls back on, always compiled: the
/// reference the fused kernel is checked against (silt-finetune-bench --check-attention).
torch::Tensor plainAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                             const torch::Tensor& keyMask = {});

/// Caption bytes as tokens: [BOS, byte + 2 …, PAD = 0 …], `length` long.
std::vector<int64_t> captionTokens(const std::string& caption, int64_t length);

class MultiHeadAttentionImpl : public torch::nn::Module {
public:
    MultiHeadAttentionImpl(int64_t dim, int64_t heads, bool zeroOutput);
    /// Self-attention when `context` is undefined, else cross-attention to it.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context = {},
                          const torch::Tensor& keyMask = {});

private:
    int64_t mHeads;
    torch::nn::Linear mQuery{nullptr}, mKeyValue{nullptr}, mOut{nullptr};
};
TORCH_MODULE(MultiHeadAttention);

class TextEncoderImpl : public torch::nn::Module {
public:
    explicit TextEncoderImpl(const ModelConfig& config);
    /// tokens [B, L] int64 → [B, L, hidden]
    torch::Tensor forward(const torch::Tensor& tokens);

private:
    torch::nn::Embedding mEmbedding{nullptr};
    torch::Tensor mPositions;
    torch::nn::ModuleList mAttention, mMlp, mNorms;
    torch::nn::LayerNorm mFinalNorm{nullptr};
};
TORCH_MODULE(TextEncoder);

class StdiTBlockImpl : public torch::nn::Module {
public:
    explicit StdiTBlockImpl(const ModelConfig& config);
    /// x [B, T, S, D], c [B, D] (flow-time embedding), cond [B, Lc, D], condMask [B, Lc]
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& c, const torch::Tensor& cond,
                          const torch::Tensor& condMask);

private:
    torch::nn::LayerNorm mNorm1{nullptr}, mNorm2{nullptr}, mNorm3{nullptr}, mNorm4{nullptr};
    MultiHeadAttention mSpatial{nullptr}, mTemporal{nullptr}, mCross{nullptr};
    torch::nn::Sequential mMlp{nullptr};
    torch::nn::Linear mModulation{nullptr};
};
TORCH_MODULE(StdiTBlock);

class VideoDiTImpl : public torch::nn::Module {
public:
    explicit VideoDiTImpl(const ModelConfig& config);

    /// xt [B, T, C, H, W] (context frames clean, the rest noisy), t [B] flow time in [0, 1]
    /// (1 = pure noise), text [B, textLength] int64 tokens, physics [B, physicsFeatures],
    /// dropCondition [B] bool (true: use the null conditioning) → velocity [B, T, C, H, W].
    torch::Tensor forward(const torch::Tensor& xt, const torch::Tensor& t,
                          const torch::Tensor& text, const torch::Tensor& physics,
                          const torch::Tensor& dropCondition);

    [[nodiscard]] const ModelConfig& config() const { return mConfig; }

private:
    torch::Tensor conditionTokens(const torch::Tensor& text, const torch::Tensor& physics,
                                  const torch::Tensor& dropCondition, torch::Tensor& mask);

    ModelConfig mConfig;
    torch::nn::Conv3d mPatchEmbed{nullptr};
    torch::Tensor mSpatialPositions, mTemporalPositions;  // buffers, fixed sine-cosine
    torch::Tensor mContextEmbedding;                      // [2, D]: generated, context
    torch::nn::Sequential mTimeMlp{nullptr};
    TextEncoder mText{nullptr};
    torch::Tensor mPhysicsScale, mPhysicsBias, mNullCondition;
    torch::nn::ModuleList mBlocks;
    torch::nn::LayerNorm mFinalNorm{nullptr};
    torch::nn::Linear mFinalModulation{nullptr}, mFinalLinear{nullptr};
};
TORCH_MODULE(VideoDiT);

}  // namespace silt::finetune
