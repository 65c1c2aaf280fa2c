#pragma once
// Physics-IQ-style scores (Motamed et al. 2025, "Do generative video models understand physical
// principles?") comparing a generated continuation with the simulated truth through where
// things move. Torch-free plain C++ on float frames.
//
// Motion masks, the Physics-IQ recipe: each frame to grey (Rec. 601 luma), Gaussian blur, a
// running-average background (b ← α·g + (1 − α)·b), |g − b| above a threshold, then a
// morphological opening (drops speckle) and closing (fills holes). The sequence starts with
// the last context frame, which only seeds the background, so there is one mask per generated
// frame.
//
// Scores of predicted masks P against true masks G (T frames of H×W):
//  - Spatiotemporal IoU: |P ∩ G| / |P ∪ G| over all (t, y, x): where and when motion happens.
//  - Spatial IoU: IoU of the masks collapsed over time (any motion at (y, x)): where.
//  - Weighted spatial IoU: Σ min(p, g) / Σ max(p, g) with p, g the per-pixel count of moving
//    frames: where, and for how long.
//  - MSE: mean squared error of the RGB frames, values in [0, 1].
// An IoU whose union is empty (neither moves) is 1: the prediction agrees that nothing moves.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace silt::finetune {

/// Frames as plain data: frames × height × width × channels floats in [0, 1], row-major.
struct FrameStack {
    int64_t frames = 0;
    int64_t height = 0;
    int64_t width = 0;
    int64_t channels = 3;
    std::vector<float> values;

    [[nodiscard]] float at(int64_t t, int64_t y, int64_t x, int64_t c) const {
        return values[size_t(((t * height + y) * width + x) * channels + c)];
    }
};

struct MotionMaskOptions {
    float blurSigma = 1.0f;        ///< px, Gaussian blur before differencing (0: none)
    float backgroundAlpha = 0.5f;  ///< running-average weight of the newest frame
    float threshold = 0.04f;       ///< grey difference (of a [0, 1] range) that counts as motion
    int openRadius = 1;            ///< px, square structuring element (0: no opening)
    int closeRadius = 1;           ///< px (0: no closing)
};

/// One mask per frame after the first (frames − 1 masks), values 0 or 1, [t][y][x].
std::vector<uint8_t> motionMasks(const FrameStack& video, const MotionMaskOptions& options = {});

struct MotionScores {
    double spatiotemporalIou = 0.0;
    double spatialIou = 0.0;
    double weightedSpatialIou = 0.0;
    double mse = 0.0;
};

/// MSE of the generated frames (every frame after the first), values in [0, 1].
double continuationMse(const FrameStack& predicted, const FrameStack& truth);

/// IoU scores of two mask stacks of `frames` × `height` × `width` (mse left 0).
MotionScores compareMasks(const std::vector<uint8_t>& predicted, const std::vector<uint8_t>& truth,
                          int64_t frames, int64_t height, int64_t width);

/// The labels of one rendered frame that say where things move: forward optical flow in
/// pixels (width × height × 2, to the next frame) and instance ids (width × height).
struct MotionLabelFrame {
    int64_t width = 0;
    int64_t height = 0;
    std::vector<float> flow;         ///< [y][x][dx, dy], pixels of this frame's size
    std::vector<uint16_t> instance;  ///< [y][x]
};

struct LabelMaskOptions {
    float flowThreshold = 0.5f;  ///< flow length, in pixels of the OUTPUT mask, that counts as motion
    float coverage = 0.25f;     ///< fraction of a mask pixel's source pixels that must move
};

/// Ground-truth motion masks from the labels instead of from the pixels: a source pixel of
/// frame t moves when the flow from frame t − 1 at it is longer than the threshold, or when
/// its instance id differs from frame t − 1's (a surface uncovered or covered: flow alone marks
/// only where things were). Masks are box-reduced to outHeight × outWidth (a mask pixel moves
/// when at least `coverage` of its source pixels do). One mask per frame after the first, as
/// motionMasks() gives; throws std::invalid_argument on inconsistent sizes.
std::vector<uint8_t> labelMotionMasks(const std::vector<MotionLabelFrame>& frames,
                                      int64_t outHeight, int64_t outWidth,
                                      const LabelMaskOptions& options = {});

/// Masks of both (each stack: the last context frame then the generated frames), their IoU
/// scores and the MSE of the generated frames (all frames after the first).
MotionScores scoreContinuation(const FrameStack& predicted, const FrameStack& truth,
                               const MotionMaskOptions& options = {});

}  // namespace silt::finetune
