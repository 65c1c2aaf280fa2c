#pragma once
// How Silt shows label channels as colour images: one mapping shared by `silt contact-sheet`
// and the `silt preview` window, so a channel looks the same in both.
//   depth: turbo colour map of inverse depth (near = red, far = blue; none black)
//   instance ids / semantic classes: a stable palette colour per id (background black)
//   normals: camera frame, rgb = (n + 1) / 2 (none black)
//   flow: hue = direction, brightness = sqrt(speed / fastest) (none and NaN black; right red,
//         down yellow-green, left cyan, up violet)

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "silt/core/Image.h"
#include "silt/render/Renderer.h"

namespace silt::app {

using Rgb = std::array<uint8_t, 3>;

/// Google's Turbo colour map, polynomial fit (Mikhailov 2019): 0 = dark blue, 1 = dark red.
Rgb turbo(float x);
/// hue in turns, saturation and value in 0..1.
Rgb hsv(float hue, float saturation, float value);
/// A stable, well-spread colour per id (0 = black).
Rgb palette(uint32_t id);

/// Inverse depth between the nearest and farthest depth shown (m); 0 or non-finite = black.
Rgb depthColour(float depth, float nearest, float farthest);
/// Semantic classes get their own colours, not the instances'.
Rgb semanticColour(uint32_t semanticClass);
Rgb normalColour(const float* normal);
/// `fastest`: the largest flow speed shown (px).
Rgb flowColour(const float* flow, float fastest);

enum class LabelChannel : uint8_t { Colour, Depth, Instance, Semantic, Normals, Flow };
inline constexpr int kLabelChannelCount = 6;

/// "colour", "depth", "instance", "semantic", "normals", "flow".
const char* channelName(LabelChannel channel);
/// The channel of a name channelName() returns ("color" too); nullopt otherwise.
std::optional<LabelChannel> parseChannel(const std::string& name);

/// One channel of a frame as an RGBA8 image (the colour channel as rendered; depth and flow
/// scaled to this frame's own range).
ImageRGBA8 channelImage(const render::FrameImages& frame, LabelChannel channel);

}  // namespace silt::app
