#pragma once
// Colour maps that turn label channels into pictures people can judge: the contact sheet
// (`silt contact-sheet`) and the review page (`silt review`) show labels the same way.
//   depth     Turbo colour map of inverse depth (near = red, far = blue; sky black)
//   instance  a stable palette colour per id (background black)
//   semantic  the same palette, shifted so classes do not share the instances' colours
//   normals   camera frame, rgb = (n + 1) / 2 (none black)
//   flow      hue = direction, brightness = sqrt(speed / fastest) (none and NaN black); a
//             colour wheel: right red, down yellow-green, left cyan, up violet
// Pure functions, thread-safe.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "silt/core/Image.h"
#include "silt/core/Result.h"

namespace silt::exporters {

using Rgb = std::array<uint8_t, 3>;

/// Google's Turbo colour map, polynomial fit (Mikhailov 2019): 0 = dark blue, 1 = dark red.
[[nodiscard]] Rgb turboColour(float x);
/// HSV to RGB; hue in turns (wraps), saturation and value in [0, 1].
[[nodiscard]] Rgb hsvColour(float hue, float saturation, float value);
/// A stable, well-spread colour per id (0 = black).
[[nodiscard]] Rgb paletteColour(uint32_t id);

/// Depth in metres, with 1 / the nearest and 1 / the farthest depth shown (inverse depth
/// spreads the near range, where the objects are); 0, negative or non-finite = black.
[[nodiscard]] Rgb depthColour(float depth, float inverseNear, float inverseFar);
[[nodiscard]] Rgb instanceColour(uint32_t id);
[[nodiscard]] Rgb semanticColour(uint32_t semanticClass);
/// A unit normal (3 floats); all-zero = none = black.
[[nodiscard]] Rgb normalColour(const float* normal);
/// Flow in pixels (2 floats), against the fastest flow shown.
[[nodiscard]] Rgb flowColour(const float* flow, float fastest);

/// Colourises one frame's channel ("depth", "instance", "semantic", "normals", "flow") from
/// its label file, scaled to that frame alone (depth range, fastest flow). Errors name the
/// file; an unknown channel is an Error.
[[nodiscard]] Result<ImageRGBA8> colouredLabel(std::string_view channel,
                                               const std::filesystem::path& labelFile);

/// An RGBA image as PNG bytes.
[[nodiscard]] Result<std::vector<uint8_t>> encodePng(const ImageRGBA8& image);

}  // namespace silt::exporters
