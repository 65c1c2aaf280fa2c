#pragma once
// The label channels of a rendered frame as colour images for the `silt preview` window,
// with the colour maps of silt/exporters/LabelColours.h, so a channel looks the same in the
// window, the contact sheet and the review page.

#include <cstdint>
#include <optional>
#include <string>

#include "silt/core/Image.h"
#include "silt/render/Renderer.h"

namespace silt::app {

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
