#pragma once
// `silt contact-sheet`: one PNG that shows a clip's frames next to its label channels, for the
// README and for anyone inspecting a dataset. Rows are frames sampled evenly over the clip;
// columns are, left to right:
//   colour | depth (turbo colour map of inverse depth, near = red, far = blue; sky black) |
//   instance ids (palette, background black) | semantic classes (palette, background black) |
//   normals (camera frame, rgb = (n + 1) / 2; none black) |
//   flow (hue = direction, brightness = speed relative to the largest in the sheet; none and
//   NaN black; a colour wheel: right red, down yellow-green, left cyan, up violet).

#include <cstdint>
#include <filesystem>

#include "silt/core/Image.h"
#include "silt/core/Result.h"

namespace silt::app {

struct ContactSheetOptions {
    std::filesystem::path clipDir;  ///< a committed clip folder (clip.json, rgb.mp4, labels/)
    std::filesystem::path out = "sheet.png";
    uint32_t frames = 4;  ///< rows; at most the clip's frame count
};

/// Builds the sheet image (6 tiles per row, 4-pixel gaps). Errors name the clip file at fault
/// (a clip written without labels says so).
[[nodiscard]] Result<ImageRGBA8> buildContactSheet(const ContactSheetOptions& options);

/// buildContactSheet() written as a PNG to options.out.
[[nodiscard]] Status writeContactSheet(const ContactSheetOptions& options);

}  // namespace silt::app
