#include "silt/app/ContactSheet.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "silt/core/FileAtomics.h"
#include "silt/exporters/LabelColours.h"
#include "silt/exporters/LabelFiles.h"
#include "silt/exporters/VideoDecoder.h"

namespace silt::app {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr uint32_t kColumns = 6;
constexpr uint32_t kGap = 4;
constexpr uint8_t kGapGrey = 40;

using exporters::Rgb;

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
                put(row, 1, x, y, exporters::depthColour(*l.depth.at(x, y), invNear, invFar));
                put(row, 2, x, y, exporters::instanceColour(*l.instance.at(x, y)));
                put(row, 3, x, y, exporters::semanticColour(*l.semantic.at(x, y)));
                put(row, 4, x, y, exporters::normalColour(l.normals.at(x, y)));
                put(row, 5, x, y, exporters::flowColour(l.flow.at(x, y), fastest));
            }
        }
    }
    return sheet;
}

Status writeContactSheet(const ContactSheetOptions& options) {
    Result<ImageRGBA8> sheet = buildContactSheet(options);
    if (!sheet) return sheet.error();
    auto png = exporters::encodePng(*sheet);
    if (!png) return png.error().prefixed(options.out.string());
    return writeFileAtomic(options.out, std::span<const uint8_t>(*png));
}

}  // namespace silt::app
