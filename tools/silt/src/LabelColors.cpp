#include "silt/app/LabelColors.h"

#include <algorithm>
#include <cmath>
#include <span>

#include "silt/core/Hash.h"

namespace silt::app {
namespace {

uint8_t toByte(float v) {
    return uint8_t(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
}

}  // namespace

Rgb turbo(float x) {
    x = std::clamp(x, 0.0f, 1.0f);
    const float x2 = x * x, x3 = x2 * x, x4 = x3 * x, x5 = x4 * x;
    const float r = 0.13572138f + 4.61539260f * x - 42.66032258f * x2 + 132.13108234f * x3 -
                    152.94239396f * x4 + 59.28637943f * x5;
    const float g = 0.09140261f + 2.19418839f * x + 4.84296658f * x2 - 14.18503333f * x3 +
                    4.27729857f * x4 + 2.82956604f * x5;
    const float b = 0.10667330f + 12.64194608f * x - 60.58204836f * x2 + 110.36276771f * x3 -
                    89.90310912f * x4 + 27.34824973f * x5;
    return {toByte(r), toByte(g), toByte(b)};
}

Rgb hsv(float hue, float saturation, float value) {
    const float h = (hue - std::floor(hue)) * 6.0f;
    const float c = value * saturation;
    const float x = c * (1.0f - std::abs(std::fmod(h, 2.0f) - 1.0f));
    float r = 0, g = 0, b = 0;
    if (h < 1)
        r = c, g = x;
    else if (h < 2)
        r = x, g = c;
    else if (h < 3)
        g = c, b = x;
    else if (h < 4)
        g = x, b = c;
    else if (h < 5)
        r = x, b = c;
    else
        r = c, b = x;
    const float m = value - c;
    return {toByte(r + m), toByte(g + m), toByte(b + m)};
}

Rgb palette(uint32_t id) {
    if (id == 0) return {0, 0, 0};
    const uint64_t h = hash64(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&id), 4));
    const float hue = float(h % 3600) / 3600.0f;
    const float saturation = 0.55f + 0.45f * float((h >> 16) % 100) / 100.0f;
    const float value = 0.7f + 0.3f * float((h >> 32) % 100) / 100.0f;
    return hsv(hue, saturation, value);
}

Rgb depthColour(float depth, float nearest, float farthest) {
    if (!(depth > 0) || !std::isfinite(depth)) return {0, 0, 0};
    // Inverse depth spreads the near range, where the objects are.
    const float invNear = 1.0f / std::max(nearest, 1e-6f);
    const float invFar = farthest > 0 ? 1.0f / farthest : 0.0f;
    return turbo((1.0f / depth - invFar) / std::max(invNear - invFar, 1e-9f));
}

Rgb semanticColour(uint32_t semanticClass) {
    return semanticClass ? palette(semanticClass + 0x10000u) : Rgb{0, 0, 0};
}

Rgb normalColour(const float* n) {
    const bool hasNormal = n[0] != 0 || n[1] != 0 || n[2] != 0;
    return hasNormal ? Rgb{toByte(0.5f * n[0] + 0.5f), toByte(0.5f * n[1] + 0.5f),
                           toByte(0.5f * n[2] + 0.5f)}
                     : Rgb{0, 0, 0};
}

Rgb flowColour(const float* f, float fastest) {
    const float speed = std::hypot(f[0], f[1]);
    return std::isfinite(speed) && speed > 0 && fastest > 0
               ? hsv(std::atan2(f[1], f[0]) / (2.0f * float(M_PI)) + 1.0f, 1.0f,
                     std::sqrt(std::min(speed / fastest, 1.0f)))
               : Rgb{0, 0, 0};
}

const char* channelName(LabelChannel channel) {
    switch (channel) {
        case LabelChannel::Colour:
            return "colour";
        case LabelChannel::Depth:
            return "depth";
        case LabelChannel::Instance:
            return "instance";
        case LabelChannel::Semantic:
            return "semantic";
        case LabelChannel::Normals:
            return "normals";
        case LabelChannel::Flow:
            return "flow";
    }
    return "?";
}

std::optional<LabelChannel> parseChannel(const std::string& name) {
    if (name == "color") return LabelChannel::Colour;
    for (int i = 0; i < kLabelChannelCount; ++i) {
        if (name == channelName(LabelChannel(i))) return LabelChannel(i);
    }
    return std::nullopt;
}

ImageRGBA8 channelImage(const render::FrameImages& frame, LabelChannel channel) {
    if (channel == LabelChannel::Colour) return frame.color;
    const LabelImages& l = frame.labels;
    const uint32_t w = frame.color.width, h = frame.color.height;
    ImageRGBA8 out(w, h);
    float nearest = INFINITY, farthest = 0, fastest = 0;
    if (channel == LabelChannel::Depth) {
        for (float d : l.depth.values) {
            if (d > 0 && std::isfinite(d)) nearest = std::min(nearest, d), farthest = std::max(farthest, d);
        }
    }
    if (channel == LabelChannel::Flow) {
        for (size_t i = 0; i < l.flow.pixelCount(); ++i) {
            const float m = std::hypot(l.flow.values[2 * i], l.flow.values[2 * i + 1]);
            if (std::isfinite(m)) fastest = std::max(fastest, m);
        }
    }
    for (uint32_t y = 0; y < h; ++y) {
        for (uint32_t x = 0; x < w; ++x) {
            Rgb c{0, 0, 0};
            switch (channel) {
                case LabelChannel::Depth:
                    c = depthColour(*l.depth.at(x, y), nearest, farthest);
                    break;
                case LabelChannel::Instance:
                    c = palette(*l.instance.at(x, y));
                    break;
                case LabelChannel::Semantic:
                    c = semanticColour(*l.semantic.at(x, y));
                    break;
                case LabelChannel::Normals:
                    c = normalColour(l.normals.at(x, y));
                    break;
                case LabelChannel::Flow:
                    c = flowColour(l.flow.at(x, y), fastest);
                    break;
                case LabelChannel::Colour:
                    break;
            }
            uint8_t* p = out.pixels.data() + (size_t{y} * w + x) * 4;
            p[0] = c[0];
            p[1] = c[1];
            p[2] = c[2];
            p[3] = 255;
        }
    }
    return out;
}

}  // namespace silt::app
