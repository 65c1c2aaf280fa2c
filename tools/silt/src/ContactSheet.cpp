#include "silt/app/ContactSheet.h"

#include <stb/stb_image_write.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "silt/core/FileAtomics.h"
#include "silt/core/Hash.h"
#include "silt/exporters/LabelFiles.h"
#include "silt/exporters/VideoDecoder.h"

namespace silt::app {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr uint32_t kColumns = 6;
constexpr uint32_t kGap = 4;
constexpr uint8_t kGapGrey = 40;

using Rgb = std::array<uint8_t, 3>;

uint8_t toByte(float v) {
    return uint8_t(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
}

/// Google's Turbo colour map, polynomial fit (Mikhailov 2019): 0 = dark blue, 1 = dark red.
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

/// A stable, well-spread colour per id (0 = black).
Rgb palette(uint32_t id) {
    if (id == 0) return {0, 0, 0};
    const uint64_t h = hash64(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&id), 4));
    const float hue = float(h % 3600) / 3600.0f;
    const float saturation = 0.55f + 0.45f * float((h >> 16) % 100) / 100.0f;
    const float value = 0.7f + 0.3f * float((h >> 32) % 100) / 100.0f;
    return hsv(hue, saturation, value);
}

struct FrameLabels {
    ImageF32 depth;
    ImageU16 instance, semantic;
    ImageVec3f normals;
    ImageVec2f flow;
};

Result<FrameLabels> readLabels(const fs::path& clipDir, const json& files, size_t frame) {
    auto file = [&](const char* channel) -> Result<fs::path> {
        if (!files.contains(channel) || !files[channel].is_array() ||
            files[channel].size() <= frame) {
            return Error{fmt::format("{}: files.labels.{} lists no file for frame {}",
                                     (clipDir / "clip.json").string(), channel, frame)};
        }
        return clipDir / files[channel][frame].get<std::string>();
    };
    FrameLabels out;
    for (const char* channel : {"depth", "instance", "semantic", "normals", "flow"}) {
        if (Result<fs::path> p = file(channel); !p) return p.error();
    }
    auto depth = exporters::readNpyImage<1>(*file("depth"));
    if (!depth) return depth.error();
    auto instance = exporters::readPng16(*file("instance"));
    if (!instance) return instance.error();
    auto semantic = exporters::readPng16(*file("semantic"));
    if (!semantic) return semantic.error();
    auto normals = exporters::readNpyImage<3>(*file("normals"));
    if (!normals) return normals.error();
    auto flow = exporters::readNpyImage<2>(*file("flow"));
    if (!flow) return flow.error();
    out.depth = std::move(*depth);
    out.instance = std::move(*instance);
    out.semantic = std::move(*semantic);
    out.normals = std::move(*normals);
    out.flow = std::move(*flow);
    return out;
}

}  // namespace

Result<ImageRGBA8> buildContactSheet(const ContactSheetOptions& options) {
    const fs::path jsonPath = options.clipDir / "clip.json";
    Result<std::string> text = readFile(jsonPath);
    if (!text) return text.error();
    json clip;
    try {
        clip = json::parse(*text);
    } catch (const json::exception& e) {
        return Error{fmt::format("{}: not valid JSON: {}", jsonPath.string(), e.what())};
    }
    if (!clip.contains("files") || !clip["files"].contains("labels")) {
        return Error{fmt::format("{}: no files.labels: the clip was written without labels",
                                 jsonPath.string())};
    }
    const json& labelFiles = clip["files"]["labels"];
    const std::string video = clip["files"].value("rgb", "rgb.mp4");
    std::vector<ImageRGBA8> colour;
    Result<exporters::VideoInfo> info = exporters::decodeVideo(options.clipDir / video, &colour);
    if (!info) return info.error();
    if (colour.empty())
        return Error{fmt::format("{}: no frames", (options.clipDir / video).string())};

    const size_t total = colour.size();
    const size_t rows = std::clamp<size_t>(options.frames, 1, total);
    std::vector<size_t> picked;
    for (size_t r = 0; r < rows; ++r)
        picked.push_back(rows == 1 ? 0 : (r * (total - 1) + (rows - 1) / 2) / (rows - 1));

    std::vector<FrameLabels> labels;
    float nearest = INFINITY, farthest = 0, fastest = 0;
    for (size_t frame : picked) {
        Result<FrameLabels> l = readLabels(options.clipDir, labelFiles, frame);
        if (!l) return l.error();
        if (l->depth.width != colour[frame].width || l->depth.height != colour[frame].height) {
            return Error{fmt::format("{}: frame {} labels are {}x{}, the video is {}x{}",
                                     jsonPath.string(), frame, l->depth.width, l->depth.height,
                                     colour[frame].width, colour[frame].height)};
        }
        for (float d : l->depth.values) {
            if (d > 0 && std::isfinite(d))
                nearest = std::min(nearest, d), farthest = std::max(farthest, d);
        }
        for (size_t i = 0; i < l->flow.pixelCount(); ++i) {
            const float m = std::hypot(l->flow.values[2 * i], l->flow.values[2 * i + 1]);
            if (std::isfinite(m)) fastest = std::max(fastest, m);
        }
        labels.push_back(std::move(*l));
    }

    const uint32_t w = colour[0].width, h = colour[0].height;
    ImageRGBA8 sheet(kColumns * w + (kColumns + 1) * kGap,
                     uint32_t(rows) * h + uint32_t(rows + 1) * kGap);
    for (size_t i = 0; i < sheet.pixels.size(); i += 4) {
        sheet.pixels[i] = sheet.pixels[i + 1] = sheet.pixels[i + 2] = kGapGrey;
        sheet.pixels[i + 3] = 255;
    }
    auto put = [&](size_t row, uint32_t column, uint32_t x, uint32_t y, Rgb c) {
        uint8_t* p =
            sheet.pixels.data() + (size_t{kGap + uint32_t(row) * (h + kGap) + y} * sheet.width +
                                   kGap + column * (w + kGap) + x) *
                                      4;
        p[0] = c[0];
        p[1] = c[1];
        p[2] = c[2];
    };
    // Inverse depth spreads the near range, where the objects are.
    const float invNear = 1.0f / std::max(nearest, 1e-6f);
    const float invFar = farthest > 0 ? 1.0f / farthest : 0.0f;
    for (size_t row = 0; row < rows; ++row) {
        const ImageRGBA8& c = colour[picked[row]];
        const FrameLabels& l = labels[row];
        for (uint32_t y = 0; y < h; ++y) {
            for (uint32_t x = 0; x < w; ++x) {
                const uint8_t* rgb = c.at(x, y);
                put(row, 0, x, y, {rgb[0], rgb[1], rgb[2]});
                const float d = *l.depth.at(x, y);
                put(row, 1, x, y,
                    d > 0 && std::isfinite(d)
                        ? turbo((1.0f / d - invFar) / std::max(invNear - invFar, 1e-9f))
                        : Rgb{0, 0, 0});
                put(row, 2, x, y, palette(*l.instance.at(x, y)));
                const uint32_t semantic =
                    *l.semantic.at(x, y);  // its own colours, not the instances'
                put(row, 3, x, y, semantic ? palette(semantic + 0x10000u) : Rgb{0, 0, 0});
                const float* n = l.normals.at(x, y);
                const bool hasNormal = n[0] != 0 || n[1] != 0 || n[2] != 0;
                put(row, 4, x, y,
                    hasNormal ? Rgb{toByte(0.5f * n[0] + 0.5f), toByte(0.5f * n[1] + 0.5f),
                                    toByte(0.5f * n[2] + 0.5f)}
                              : Rgb{0, 0, 0});
                const float* f = l.flow.at(x, y);
                const float speed = std::hypot(f[0], f[1]);
                put(row, 5, x, y,
                    std::isfinite(speed) && speed > 0 && fastest > 0
                        ? hsv(std::atan2(f[1], f[0]) / (2.0f * float(M_PI)) + 1.0f, 1.0f,
                              std::sqrt(speed / fastest))
                        : Rgb{0, 0, 0});
            }
        }
    }
    return sheet;
}

Status writeContactSheet(const ContactSheetOptions& options) {
    Result<ImageRGBA8> sheet = buildContactSheet(options);
    if (!sheet) return sheet.error();
    std::vector<uint8_t> png;
    const int ok = stbi_write_png_to_func(
        [](void* context, void* data, int size) {
            auto* bytes = static_cast<std::vector<uint8_t>*>(context);
            const auto* begin = static_cast<const uint8_t*>(data);
            bytes->insert(bytes->end(), begin, begin + size);
        },
        &png, int(sheet->width), int(sheet->height), 4, sheet->pixels.data(),
        int(sheet->width * 4));
    if (!ok) return Error{fmt::format("{}: cannot encode the PNG", options.out.string())};
    return writeFileAtomic(options.out, std::span<const uint8_t>(png));
}

}  // namespace silt::app
