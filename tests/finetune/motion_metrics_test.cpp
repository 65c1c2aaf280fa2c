// Physics-IQ motion masks and scores on synthetic videos whose answers are known by
// construction: a square that moves, masks with a given overlap.

#include <gtest/gtest.h>

#include "silt/finetune/MotionMetrics.h"

namespace {
using silt::finetune::compareMasks;
using silt::finetune::FrameStack;
using silt::finetune::LabelMaskOptions;
using silt::finetune::labelMotionMasks;
using silt::finetune::MotionLabelFrame;
using silt::finetune::MotionMaskOptions;
using silt::finetune::motionMasks;
using silt::finetune::scoreContinuation;

// A grey video with a white square of side `side` at x = x0 + t * speed.
FrameStack movingSquare(int64_t frames, int64_t size, int64_t side, int64_t x0, int64_t speed) {
    FrameStack v{frames, size, size, 3, std::vector<float>(size_t(frames * size * size * 3), 0.2f)};
    for (int64_t t = 0; t < frames; ++t)
        for (int64_t y = 4; y < 4 + side; ++y)
            for (int64_t x = x0 + t * speed; x < x0 + t * speed + side; ++x)
                if (x >= 0 && x < size)
                    for (int64_t c = 0; c < 3; ++c)
                        v.values[size_t(((t * size + y) * size + x) * 3 + c)] = 1.0f;
    return v;
}

TEST(MotionMetrics, StillVideoHasNoMotion) {
    FrameStack still = movingSquare(5, 24, 6, 4, 0);
    std::vector<uint8_t> masks = motionMasks(still);
    ASSERT_EQ(masks.size(), size_t(4 * 24 * 24));
    for (uint8_t m : masks) EXPECT_EQ(m, 0);
    // Neither moves: agreement, IoU 1, and MSE 0 against itself.
    auto s = scoreContinuation(still, still);
    EXPECT_DOUBLE_EQ(s.spatiotemporalIou, 1.0);
    EXPECT_DOUBLE_EQ(s.mse, 0.0);
}

TEST(MotionMetrics, MovingSquareMasksItsLeadingAndTrailingEdges) {
    MotionMaskOptions noMorphology;
    noMorphology.blurSigma = 0.0f;
    noMorphology.openRadius = 0;
    noMorphology.closeRadius = 0;
    noMorphology.backgroundAlpha = 1.0f;  // background = previous frame: plain differencing
    FrameStack v = movingSquare(3, 32, 6, 4, 3);
    std::vector<uint8_t> masks = motionMasks(v, noMorphology);
    // Frame 1 vs 0: square moved 3 px right: columns 4..6 uncovered, 10..12 newly covered.
    auto at = [&](int64_t t, int64_t y, int64_t x) { return masks[size_t((t * 32 + y) * 32 + x)]; };
    for (int64_t x = 0; x < 32; ++x) {
        const bool moving = (x >= 4 && x < 7) || (x >= 10 && x < 13);
        EXPECT_EQ(at(0, 6, x), moving ? 1 : 0) << "x=" << x;
        EXPECT_EQ(at(0, 20, x), 0);
    }
    // The recipe's defaults (blur, running average, open/close) still find the motion.
    std::vector<uint8_t> recipe = motionMasks(v);
    int64_t count = 0;
    for (uint8_t m : recipe) count += m;
    EXPECT_GT(count, 20);
}

TEST(MotionMetrics, IousOfKnownOverlaps) {
    // 2 frames of 4x4. Prediction: frame 0 pixels {0,1}, frame 1 pixel {0}. Truth: frame 0
    // pixels {1,2}, frame 1 pixel {0}.
    std::vector<uint8_t> p(32, 0), g(32, 0);
    p[0] = p[1] = 1;
    p[16 + 0] = 1;
    g[1] = g[2] = 1;
    g[16 + 0] = 1;
    auto s = compareMasks(p, g, 2, 4, 4);
    // Spatiotemporal: intersection {(0,1),(1,0)} = 2, union {(0,0),(0,1),(0,2),(1,0)} = 4.
    EXPECT_DOUBLE_EQ(s.spatiotemporalIou, 0.5);
    // Spatial: P = {0,1}, G = {0,1,2}: 2 / 3.
    EXPECT_DOUBLE_EQ(s.spatialIou, 2.0 / 3.0);
    // Weighted: counts P: px0=2, px1=1; G: px0=1, px1=1, px2=1. Σmin = 1+1 = 2, Σmax = 2+1+1 = 4.
    EXPECT_DOUBLE_EQ(s.weightedSpatialIou, 0.5);
    // Disjoint masks score 0; identical ones 1.
    std::vector<uint8_t> q(32, 0);
    q[5] = 1;
    EXPECT_DOUBLE_EQ(compareMasks(p, q, 2, 4, 4).spatiotemporalIou, 0.0);
    EXPECT_DOUBLE_EQ(compareMasks(g, g, 2, 4, 4).weightedSpatialIou, 1.0);
}

TEST(MotionMetrics, RightMotionScoresBetterThanWrongMotion) {
    FrameStack truth = movingSquare(6, 32, 6, 2, 3);
    FrameStack right = movingSquare(6, 32, 6, 2, 3);
    FrameStack wrong = movingSquare(6, 32, 6, 2, 0);  // stays put
    auto good = scoreContinuation(right, truth), bad = scoreContinuation(wrong, truth);
    EXPECT_DOUBLE_EQ(good.spatiotemporalIou, 1.0);
    EXPECT_DOUBLE_EQ(bad.spatiotemporalIou, 0.0);
    EXPECT_GT(bad.mse, good.mse);
    // MSE on the frames after the first: 2 squares' worth of pixels differ per frame.
    EXPECT_GT(bad.mse, 0.01);
}

}  // namespace

// Labels of a size × size frame: a square of instance 7 (side `side`, rows 8.., columns x0..)
// on instance 1, every pixel of the square flowing `squareFlow` px right and the background
// `backgroundFlow` px right.
static MotionLabelFrame labelFrame(int64_t size, int64_t side, int64_t x0, float squareFlow,
                            float backgroundFlow) {
    MotionLabelFrame f{size, size, std::vector<float>(size_t(size * size * 2), 0.0f),
                       std::vector<uint16_t>(size_t(size * size), 1)};
    for (int64_t y = 0; y < size; ++y)
        for (int64_t x = 0; x < size; ++x) {
            const bool inSquare = y >= 8 && y < 8 + side && x >= x0 && x < x0 + side;
            f.instance[size_t(y * size + x)] = inSquare ? 7 : 1;
            f.flow[size_t(2 * (y * size + x))] = inSquare ? squareFlow : backgroundFlow;
        }
    return f;
}

TEST(MotionMetrics, LabelMasksCoverWhereTheObjectWasAndWhereItWent) {
    // 64² labels reduced to 16² masks (4 source px per mask px); the square moves 4 px/frame.
    std::vector<MotionLabelFrame> frames{labelFrame(64, 8, 8, 4.0f, 0.0f),
                                         labelFrame(64, 8, 12, 4.0f, 0.0f),
                                         labelFrame(64, 8, 16, 4.0f, 0.0f)};
    std::vector<uint8_t> masks = labelMotionMasks(frames, 16, 16);
    ASSERT_EQ(masks.size(), size_t(2 * 16 * 16));
    for (int64_t t = 0; t < 2; ++t)
        for (int64_t y = 0; y < 16; ++y)
            for (int64_t x = 0; x < 16; ++x) {
                // Frame t+1 against t: source columns 8+4t .. 19+4t of rows 8..15 move, i.e.
                // mask columns 2+t .. 4+t of rows 2..3.
                const bool expected = y >= 2 && y < 4 && x >= 2 + t && x <= 4 + t;
                EXPECT_EQ(masks[size_t((t * 16 + y) * 16 + x)], expected ? 1 : 0)
                    << "t=" << t << " y=" << y << " x=" << x;
            }
}

TEST(MotionMetrics, LabelMaskThresholdIsInMaskPixels) {
    // A surface covering the frame (one instance) drifting 1 source px per frame is a quarter
    // of a mask pixel: not motion at the default 0.5; 3 source px (0.75 mask px) is.
    auto drifting = [](float flow) {
        MotionLabelFrame f = labelFrame(64, 0, 0, 0.0f, flow);
        return std::vector<MotionLabelFrame>{f, f};
    };
    auto count = [](const std::vector<uint8_t>& m) {
        int64_t n = 0;
        for (uint8_t v : m) n += v;
        return n;
    };
    EXPECT_EQ(count(labelMotionMasks(drifting(1.0f), 16, 16)), 0);
    EXPECT_EQ(count(labelMotionMasks(drifting(3.0f), 16, 16)), 16 * 16);
    LabelMaskOptions strict;
    strict.flowThreshold = 1.0f;
    EXPECT_EQ(count(labelMotionMasks(drifting(3.0f), 16, 16, strict)), 0);
    // Sizes that disagree are refused, not guessed.
    std::vector<MotionLabelFrame> mixed{labelFrame(64, 8, 8, 0, 0), labelFrame(32, 8, 8, 0, 0)};
    EXPECT_THROW(labelMotionMasks(mixed, 16, 16), std::invalid_argument);
}

TEST(MotionMetrics, ContinuationMseSkipsTheContextFrameAndMatchesTheScores) {
    FrameStack truth = movingSquare(5, 24, 6, 2, 2), predicted = movingSquare(5, 24, 6, 2, 3);
    // Frame 0 (the last context frame) is the same in both; later frames differ.
    const double mse = silt::finetune::continuationMse(predicted, truth);
    EXPECT_GT(mse, 0.0);
    EXPECT_DOUBLE_EQ(scoreContinuation(predicted, truth).mse, mse);
    FrameStack changedContext = predicted;
    for (size_t i = 0; i < size_t(24 * 24 * 3); ++i) changedContext.values[i] = 0.9f;
    EXPECT_DOUBLE_EQ(silt::finetune::continuationMse(changedContext, truth), mse);
    EXPECT_THROW((void)silt::finetune::continuationMse(movingSquare(4, 24, 6, 2, 2), truth),
                 std::invalid_argument);
}
