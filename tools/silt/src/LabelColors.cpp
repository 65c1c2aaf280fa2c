#include "silt/app/LabelColors.h"

#include <algorithm>
#include <cmath>

#include "silt/exporters/LabelColours.h"

namespace silt::app {

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
            if (d > 0 && std::isfinite(d))
                nearest = std::min(nearest, d), farthest = std::max(farthest, d);
        }
    }
    if (channel == LabelChannel::Flow) {
        for (size_t i = 0; i < l.flow.pixelCount(); ++i) {
            const float m = std::hypot(l.flow.values[2 * i], l.flow.values[2 * i + 1]);
            if (std::isfinite(m)) fastest = std::max(fastest, m);
        }
    }
    // Inverse depth spreads the near range, where the objects are.
    const float invNear = 1.0f / std::max(nearest, 1e-6f);
    const float invFar = farthest > 0 ? 1.0f / farthest : 0.0f;
    for (uint32_t y = 0; y < h; ++y) {
        for (uint32_t x = 0; x < w; ++x) {
            exporters::Rgb c{0, 0, 0};
            switch (channel) {
                case LabelChannel::Depth:
                    c = exporters::depthColour(*l.depth.at(x, y), invNear, invFar);
                    break;
                case LabelChannel::Instance:
                    c = exporters::instanceColour(*l.instance.at(x, y));
                    break;
                case LabelChannel::Semantic:
                    c = exporters::semanticColour(*l.semantic.at(x, y));
                    break;
                case LabelChannel::Normals:
                    c = exporters::normalColour(l.normals.at(x, y));
                    break;
                case LabelChannel::Flow:
                    c = exporters::flowColour(l.flow.at(x, y), fastest);
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
