#pragma once
// A host image as plain data: tightly packed rows, top row first.

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

}  // namespace silt
