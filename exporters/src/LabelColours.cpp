#include "silt/exporters/LabelColours.h"

#include <stb/stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <span>

#include <fmt/format.h>

#include "silt/core/Hash.h"
#include "silt/exporters/LabelFiles.h"

namespace silt::exporters {
namespace fs = std::filesystem;

namespace {

uint8_t toByte(float v) {
    return uint8_t(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
}

template <typename Image, typename ToColour>
ImageRGBA8 colourise(const Image& image, ToColour toColour) {
    ImageRGBA8 out(image.width, image.height);
    for (uint32_t y = 0; y < image.height; ++y) {
        for (uint32_t x = 0; x < image.width; ++x) {
            const Rgb c = toColour(image.at(x, y));
            uint8_t* p = out.pixels.data() + (size_t{y} * image.width + x) * 4;
            p[0] = c[0], p[1] = c[1], p[2] = c[2], p[3] = 255;
        }
    }
    return out;
}

}  // namespace

Rgb turboColour(float x) {
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

Rgb hsvColour(float hue, float saturation, float value) {
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

Rgb paletteColour(uint32_t id) {
    if (id == 0) return {0, 0, 0};
    const uint64_t h = hash64(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&id), 4));
    const float hue = float(h % 3600) / 3600.0f;
    const float saturation = 0.55f + 0.45f * float((h >> 16) % 100) / 100.0f;
    const float value = 0.7f + 0.3f * float((h >> 32) % 100) / 100.0f;
    return hsvColour(hue, saturation, value);
}

Rgb depthColour(float d, float inverseNear, float inverseFar) {
    if (!(d > 0) || !std::isfinite(d)) return {0, 0, 0};
    return turboColour((1.0f / d - inverseFar) / std::max(inverseNear - inverseFar, 1e-9f));
}

Rgb instanceColour(uint32_t id) {
    return paletteColour(id);
}

Rgb semanticColour(uint32_t semanticClass) {
    return semanticClass ? paletteColour(semanticClass + 0x10000u) : Rgb{0, 0, 0};
}

Rgb normalColour(const float* n) {
    if (n[0] == 0 && n[1] == 0 && n[2] == 0) return {0, 0, 0};
    return {toByte(0.5f * n[0] + 0.5f), toByte(0.5f * n[1] + 0.5f), toByte(0.5f * n[2] + 0.5f)};
}

Rgb flowColour(const float* f, float fastest) {
    const float speed = std::hypot(f[0], f[1]);
    if (!std::isfinite(speed) || !(speed > 0) || !(fastest > 0)) return {0, 0, 0};
    return hsvColour(std::atan2(f[1], f[0]) / (2.0f * float(M_PI)) + 1.0f, 1.0f,
                     std::sqrt(std::min(speed / fastest, 1.0f)));
}

Result<ImageRGBA8> colouredLabel(std::string_view channel, const fs::path& file) {
    if (channel == "depth") {
        auto depth = readNpyImage<1>(file);
        if (!depth) return depth.error();
        float nearest = INFINITY, farthest = 0;
        for (float d : depth->values) {
            if (d > 0 && std::isfinite(d))
                nearest = std::min(nearest, d), farthest = std::max(farthest, d);
        }
        const float invNear = 1.0f / std::max(nearest, 1e-6f);
        const float invFar = farthest > 0 ? 1.0f / farthest : 0.0f;
        return colourise(*depth, [&](const float* d) { return depthColour(*d, invNear, invFar); });
    }
    if (channel == "instance" || channel == "semantic") {
        auto ids = readPng16(file);
        if (!ids) return ids.error();
        const bool instance = channel == "instance";
        return colourise(*ids, [&](const uint16_t* id) {
            return instance ? instanceColour(*id) : semanticColour(*id);
        });
    }
    if (channel == "normals") {
        auto normals = readNpyImage<3>(file);
        if (!normals) return normals.error();
        return colourise(*normals, [](const float* n) { return normalColour(n); });
    }
    if (channel == "flow") {
        auto flow = readNpyImage<2>(file);
        if (!flow) return flow.error();
        float fastest = 0;
        for (size_t i = 0; i < flow->pixelCount(); ++i) {
            const float m = std::hypot(flow->values[2 * i], flow->values[2 * i + 1]);
            if (std::isfinite(m)) fastest = std::max(fastest, m);
        }
        return colourise(*flow, [&](const float* f) { return flowColour(f, fastest); });
    }
    return Error{
        fmt::format("{}: unknown label channel \"{}\" (expected depth, instance, "
                    "semantic, normals or flow)",
                    file.string(), channel)};
}

Result<std::vector<uint8_t>> encodePng(const ImageRGBA8& image) {
    std::vector<uint8_t> png;
    const int ok = stbi_write_png_to_func(
        [](void* context, void* data, int size) {
            auto* bytes = static_cast<std::vector<uint8_t>*>(context);
            const auto* begin = static_cast<const uint8_t*>(data);
            bytes->insert(bytes->end(), begin, begin + size);
        },
        &png, int(image.width), int(image.height), 4, image.pixels.data(), int(image.width * 4));
    if (!ok || png.empty()) return Error{"cannot encode a PNG image"};
    return png;
}

}  // namespace silt::exporters
