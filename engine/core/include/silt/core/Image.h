#pragma once
// Host images as plain data: tightly packed rows, top row first, channels interleaved.

#include <cstdint>
#include <span>
#include <vector>

namespace silt {

struct ImageRGBA8 {
    uint32_t width = 0;
    uint32_t height = 0;
    std::vector<uint8_t> pixels;  ///< width * height * 4 bytes, sRGB-encoded RGBA

    ImageRGBA8() = default;
    ImageRGBA8(uint32_t w, uint32_t h) : width(w), height(h), pixels(size_t{w} * h * 4, 0) {}

    [[nodiscard]] std::span<const uint8_t> bytes() const { return pixels; }
    [[nodiscard]] const uint8_t* at(uint32_t x, uint32_t y) const {
        return pixels.data() + (size_t{y} * width + x) * 4;
    }
};

/// An image of `Channels` values of type T per pixel (label channels: depth, ids, normals,
/// flow). Plain data: `values` holds width * height * Channels elements, row-major, top row
/// first, the channels of one pixel adjacent.
template <typename T, uint32_t Channels>
struct PixelImage {
    using Value = T;
    static constexpr uint32_t kChannels = Channels;

    uint32_t width = 0;
    uint32_t height = 0;
    std::vector<T> values;

    PixelImage() = default;
    PixelImage(uint32_t w, uint32_t h) : width(w), height(h), values(size_t{w} * h * Channels) {}

    [[nodiscard]] size_t pixelCount() const { return size_t{width} * height; }
    [[nodiscard]] T* at(uint32_t x, uint32_t y) {
        return values.data() + (size_t{y} * width + x) * Channels;
    }
    [[nodiscard]] const T* at(uint32_t x, uint32_t y) const {
        return values.data() + (size_t{y} * width + x) * Channels;
    }
    /// The raw bytes (host byte order), for hashing and lossless files.
    [[nodiscard]] std::span<const uint8_t> bytes() const {
        return {reinterpret_cast<const uint8_t*>(values.data()), values.size() * sizeof(T)};
    }
    friend bool operator==(const PixelImage&, const PixelImage&) = default;
};

using ImageF32 = PixelImage<float, 1>;
using ImageU16 = PixelImage<uint16_t, 1>;
using ImageU32 = PixelImage<uint32_t, 1>;
using ImageVec2f = PixelImage<float, 2>;
using ImageVec3f = PixelImage<float, 3>;

/// The ground-truth label channels of one frame, each pixel describing exactly one surface:
/// the one visible through the pixel's centre (no anti-aliasing, no blending). Produced by the
/// renderer, written by the exporters. Background (sky, no surface) is 0 in every channel.
struct LabelImages {
    ImageF32 depth;      ///< m, distance along the camera's −Z axis (not along the ray); 0 = none
    ImageU32 instance;   ///< DrawItem::instanceId of the surface; 0 = background
    ImageU32 semantic;   ///< DrawItem::semanticClass of the surface; 0 = background
    ImageVec3f normals;  ///< unit surface normal in the camera frame (faces the camera); 0 = none
    ImageVec2f flow;     ///< px, forward optical flow: where the surface point is in the next
                         ///< frame minus where it is now (Camera.h pixels); NaN where the
                         ///< point is behind the next camera; 0 = none
};

}  // namespace silt
