#pragma once
// Lossless files for label channels, and their readers (tests, the contact sheet, loaders):
//   - 16-bit grayscale PNG (libpng) for ids: instance and semantic class per pixel. Any PNG
//     reader gets the raw values (OpenCV IMREAD_UNCHANGED, PIL "I;16", imageio).
//   - NumPy .npy (format 1.0, little-endian float32 '<f4', C order) for depth (H, W),
//     normals (H, W, 3) and flow (H, W, 2): numpy.load() reads them.
// Files are written whole and flushed to disk (they live in a clip's staging folder, which
// is renamed into place only when complete). Thread-safe: no shared state.

#include <cstddef>
#include <filesystem>
#include <span>
#include <vector>

#include "silt/core/Image.h"
#include "silt/core/Result.h"

namespace silt::exporters {

/// Writes a 16-bit grayscale PNG of `image`'s values.
[[nodiscard]] Status writePng16(const std::filesystem::path& path, const ImageU16& image);
/// Reads a 16-bit grayscale PNG; the error names the file and what it holds instead.
[[nodiscard]] Result<ImageU16> readPng16(const std::filesystem::path& path);

/// A float32 array read from a .npy file.
struct NpyArray {
    std::vector<size_t> shape;  ///< (H, W) or (H, W, C)
    std::vector<float> values;  ///< C order
};

/// Writes float32 values of the given shape (the product of `shape` must equal the count).
[[nodiscard]] Status writeNpy(const std::filesystem::path& path, std::span<const float> values,
                              const std::vector<size_t>& shape);
/// Writes a float image as (H, W) when it has one channel, else (H, W, C).
template <uint32_t Channels>
[[nodiscard]] Status writeNpy(const std::filesystem::path& path,
                              const PixelImage<float, Channels>& image) {
    std::vector<size_t> shape{image.height, image.width};
    if (Channels > 1) shape.push_back(Channels);
    return writeNpy(path, image.values, shape);
}
/// Reads a little-endian float32 C-order .npy file; errors name the file and the field.
[[nodiscard]] Result<NpyArray> readNpy(const std::filesystem::path& path);

/// Reads a .npy file into a float image of the expected channel count.
template <uint32_t Channels>
[[nodiscard]] Result<PixelImage<float, Channels>> readNpyImage(const std::filesystem::path& path) {
    Result<NpyArray> array = readNpy(path);
    if (!array) return array.error();
    const std::vector<size_t>& s = array->shape;
    const bool ok = Channels == 1 ? s.size() == 2 : (s.size() == 3 && s[2] == Channels);
    if (!ok) {
        return Error{path.string() + ": expected a float32 array of " + std::to_string(Channels) +
                     " channel(s) per pixel, got another shape"};
    }
    PixelImage<float, Channels> image;
    image.width = uint32_t(s[1]);
    image.height = uint32_t(s[0]);
    image.values = std::move(array->values);
    return image;
}

}  // namespace silt::exporters
