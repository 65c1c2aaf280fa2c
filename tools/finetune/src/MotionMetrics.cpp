#include "silt/finetune/MotionMetrics.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace silt::finetune {
namespace {

using Plane = std::vector<float>;

Plane grey(const FrameStack& video, int64_t t) {
    Plane g(size_t(video.height * video.width));
    for (int64_t y = 0; y < video.height; ++y)
        for (int64_t x = 0; x < video.width; ++x) {
            float value = video.at(t, y, x, 0);
            if (video.channels >= 3)
                value = 0.299f * video.at(t, y, x, 0) + 0.587f * video.at(t, y, x, 1) +
                        0.114f * video.at(t, y, x, 2);
            g[size_t(y * video.width + x)] = value;
        }
    return g;
}

// Separable Gaussian, edges clamped.
Plane blur(const Plane& in, int64_t height, int64_t width, float sigma) {
    if (sigma <= 0.0f) return in;
    const int radius = std::max(1, int(std::ceil(3.0f * sigma)));
    std::vector<float> kernel(size_t(2 * radius + 1));
    float sum = 0.0f;
    for (int i = -radius; i <= radius; ++i) {
        kernel[size_t(i + radius)] = std::exp(-0.5f * float(i * i) / (sigma * sigma));
        sum += kernel[size_t(i + radius)];
    }
    for (float& k : kernel) k /= sum;
    Plane tmp(in.size()), out(in.size());
    for (int64_t y = 0; y < height; ++y)
        for (int64_t x = 0; x < width; ++x) {
            float acc = 0.0f;
            for (int i = -radius; i <= radius; ++i)
                acc += kernel[size_t(i + radius)] *
                       in[size_t(y * width + std::clamp<int64_t>(x + i, 0, width - 1))];
            tmp[size_t(y * width + x)] = acc;
        }
    for (int64_t y = 0; y < height; ++y)
        for (int64_t x = 0; x < width; ++x) {
            float acc = 0.0f;
            for (int i = -radius; i <= radius; ++i)
                acc += kernel[size_t(i + radius)] *
                       tmp[size_t(std::clamp<int64_t>(y + i, 0, height - 1) * width + x)];
            out[size_t(y * width + x)] = acc;
        }
    return out;
}

// Binary erosion (all neighbours set) or dilation (any set) with a square element; pixels
// outside the image count as unset for dilation and set for erosion (no border artefacts).
std::vector<uint8_t> morph(const std::vector<uint8_t>& in, int64_t height, int64_t width,
                           int radius, bool erode) {
    std::vector<uint8_t> out(in.size());
    for (int64_t y = 0; y < height; ++y)
        for (int64_t x = 0; x < width; ++x) {
            bool result = erode;
            for (int dy = -radius; dy <= radius && result == erode; ++dy)
                for (int dx = -radius; dx <= radius; ++dx) {
                    const int64_t yy = y + dy, xx = x + dx;
                    if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
                    const bool set = in[size_t(yy * width + xx)] != 0;
                    if (erode && !set) {
                        result = false;
                        break;
                    }
                    if (!erode && set) {
                        result = true;
                        break;
                    }
                }
            out[size_t(y * width + x)] = result ? 1 : 0;
        }
    return out;
}

double iou(int64_t intersection, int64_t unionCount) {
    return unionCount == 0 ? 1.0 : double(intersection) / double(unionCount);
}

}  // namespace

std::vector<uint8_t> motionMasks(const FrameStack& video, const MotionMaskOptions& options) {
    if (video.values.size() != size_t(video.frames * video.height * video.width * video.channels))
        throw std::invalid_argument(
            "motionMasks: values do not match frames × height × width × channels");
    const int64_t pixels = video.height * video.width;
    std::vector<uint8_t> masks;
    if (video.frames < 2) return masks;
    masks.reserve(size_t((video.frames - 1) * pixels));
    Plane background = blur(grey(video, 0), video.height, video.width, options.blurSigma);
    for (int64_t t = 1; t < video.frames; ++t) {
        Plane g = blur(grey(video, t), video.height, video.width, options.blurSigma);
        std::vector<uint8_t> mask(static_cast<size_t>(pixels));
        for (size_t i = 0; i < mask.size(); ++i) {
            mask[i] = std::abs(g[i] - background[i]) > options.threshold ? 1 : 0;
            background[i] =
                options.backgroundAlpha * g[i] + (1.0f - options.backgroundAlpha) * background[i];
        }
        if (options.openRadius > 0)
            mask = morph(morph(mask, video.height, video.width, options.openRadius, true),
                         video.height, video.width, options.openRadius, false);
        if (options.closeRadius > 0)
            mask = morph(morph(mask, video.height, video.width, options.closeRadius, false),
                         video.height, video.width, options.closeRadius, true);
        masks.insert(masks.end(), mask.begin(), mask.end());
    }
    return masks;
}

MotionScores compareMasks(const std::vector<uint8_t>& predicted, const std::vector<uint8_t>& truth,
                          int64_t frames, int64_t height, int64_t width) {
    const int64_t pixels = height * width;
    if (predicted.size() != size_t(frames * pixels) || truth.size() != predicted.size())
        throw std::invalid_argument(
            "compareMasks: mask stacks must both hold frames × height × width");
    int64_t inter = 0, uni = 0;
    std::vector<int64_t> countP(size_t(pixels), 0), countG(size_t(pixels), 0);
    for (int64_t t = 0; t < frames; ++t)
        for (int64_t i = 0; i < pixels; ++i) {
            const bool p = predicted[size_t(t * pixels + i)] != 0,
                       g = truth[size_t(t * pixels + i)] != 0;
            inter += (p && g) ? 1 : 0;
            uni += (p || g) ? 1 : 0;
            countP[size_t(i)] += p ? 1 : 0;
            countG[size_t(i)] += g ? 1 : 0;
        }
    MotionScores scores;
    scores.spatiotemporalIou = iou(inter, uni);
    int64_t sInter = 0, sUnion = 0, wMin = 0, wMax = 0;
    for (int64_t i = 0; i < pixels; ++i) {
        const bool p = countP[size_t(i)] > 0, g = countG[size_t(i)] > 0;
        sInter += (p && g) ? 1 : 0;
        sUnion += (p || g) ? 1 : 0;
        wMin += std::min(countP[size_t(i)], countG[size_t(i)]);
        wMax += std::max(countP[size_t(i)], countG[size_t(i)]);
    }
    scores.spatialIou = iou(sInter, sUnion);
    scores.weightedSpatialIou = iou(wMin, wMax);
    return scores;
}

std::vector<uint8_t> labelMotionMasks(const std::vector<MotionLabelFrame>& frames,
                                      int64_t outHeight, int64_t outWidth,
                                      const LabelMaskOptions& options) {
    std::vector<uint8_t> masks;
    if (frames.size() < 2) return masks;
    const int64_t width = frames[0].width, height = frames[0].height;
    if (width <= 0 || height <= 0 || outWidth <= 0 || outHeight <= 0)
        throw std::invalid_argument("labelMotionMasks: empty labels or masks");
    for (const MotionLabelFrame& f : frames)
        if (f.width != width || f.height != height ||
            f.flow.size() != size_t(width * height * 2) ||
            f.instance.size() != size_t(width * height))
            throw std::invalid_argument("labelMotionMasks: label frames differ in size");
    // The threshold is in output pixels; flow is in source pixels.
    const double sx = double(width) / double(outWidth), sy = double(height) / double(outHeight);
    const float threshold = options.flowThreshold * float(0.5 * (sx + sy));
    // Box of source pixels per output pixel, as the frames are resized (ClipDataset): the
    // pixels whose centres fall inside, at least the nearest one.
    auto span = [](int64_t i, double scale, int64_t limit) {
        int64_t lo = int64_t(std::floor(double(i) * scale)),
                hi = int64_t(std::ceil(double(i + 1) * scale));
        hi = std::clamp<int64_t>(std::max(hi, lo + 1), 1, limit);
        return std::pair<int64_t, int64_t>{std::min(lo, hi - 1), hi};
    };
    masks.reserve((frames.size() - 1) * size_t(outHeight * outWidth));
    std::vector<uint8_t> moving(size_t(width * height));
    for (size_t t = 1; t < frames.size(); ++t) {
        const MotionLabelFrame &before = frames[t - 1], &now = frames[t];
        for (size_t i = 0; i < moving.size(); ++i) {
            const float dx = before.flow[2 * i], dy = before.flow[2 * i + 1];
            moving[i] = (std::sqrt(dx * dx + dy * dy) > threshold ||
                         before.instance[i] != now.instance[i])
                            ? 1
                            : 0;
        }
        for (int64_t y = 0; y < outHeight; ++y) {
            const auto [y0, y1] = span(y, sy, height);
            for (int64_t x = 0; x < outWidth; ++x) {
                const auto [x0, x1] = span(x, sx, width);
                int64_t count = 0;
                for (int64_t yy = y0; yy < y1; ++yy)
                    for (int64_t xx = x0; xx < x1; ++xx) count += moving[size_t(yy * width + xx)];
                const double total = double((y1 - y0) * (x1 - x0));
                masks.push_back(count > 0 && double(count) >= double(options.coverage) * total
                                    ? 1
                                    : 0);
            }
        }
    }
    return masks;
}

namespace {

void checkSameShape(const FrameStack& predicted, const FrameStack& truth) {
    if (predicted.frames != truth.frames || predicted.height != truth.height ||
        predicted.width != truth.width || predicted.channels != truth.channels ||
        predicted.values.size() != truth.values.size())
        throw std::invalid_argument("scoreContinuation: predicted and true frames differ in shape");
}

}  // namespace

MotionScores scoreContinuation(const FrameStack& predicted, const FrameStack& truth,
                               const MotionMaskOptions& options) {
    checkSameShape(predicted, truth);
    MotionScores scores = compareMasks(motionMasks(predicted, options), motionMasks(truth, options),
                                       predicted.frames - 1, predicted.height, predicted.width);
    scores.mse = continuationMse(predicted, truth);
    return scores;
}

double continuationMse(const FrameStack& predicted, const FrameStack& truth) {
    checkSameShape(predicted, truth);
    const size_t first = size_t(predicted.height * predicted.width * predicted.channels);
    double sum = 0.0;
    for (size_t i = first; i < predicted.values.size(); ++i) {
        const double d = double(predicted.values[i]) - double(truth.values[i]);
        sum += d * d;
    }
    const size_t count = predicted.values.size() - first;
    return count == 0 ? 0.0 : sum / double(count);
}

}  // namespace silt::finetune
