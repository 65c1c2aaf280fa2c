#include "silt/finetune/ClipDataset.h"

#include <algorithm>
#include <cmath>

#include "silt/core/FileAtomics.h"
#include "silt/exporters/Dataset.h"
#include "silt/exporters/LabelFiles.h"
#include "silt/exporters/VideoDecoder.h"

namespace silt::finetune {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

uint64_t nameHash(const std::string& name) {
    uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, then a splitmix finaliser
    for (char c : name) h = (h ^ uint8_t(c)) * 0x100000001b3ULL;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

double number(const json& object, const char* key, double fallback) {
    if (object.is_object() && object.contains(key) && object[key].is_number())
        return object[key].get<double>();
    return fallback;
}

}  // namespace

std::array<float, kPhysicsFeatures> physicsFeatures(const json& clip) {
    std::array<float, kPhysicsFeatures> f{};
    if (clip.contains("continuum") && clip["continuum"].is_object()) {
        const json& continuum = clip["continuum"];
        if (continuum.contains("sand") && continuum["sand"].is_array() &&
            !continuum["sand"].empty()) {
            const json& sand = continuum["sand"][0];
            f[0] = 1.0f;
            f[2] = float(number(sand, "friction_angle_deg", 35.0) / 45.0);
            f[3] = float(number(sand, "density_kg_m3", 1600.0) / 2000.0);
        }
        if (continuum.contains("water") && continuum["water"].is_array() &&
            !continuum["water"].empty()) {
            f[1] = 1.0f;
            f[4] = float(number(continuum["water"][0], "density_kg_m3", 1000.0) / 1000.0);
        }
    }
    if (clip.contains("objects") && clip["objects"].is_array() && !clip["objects"].empty()) {
        const json& objects = clip["objects"];
        double density = 0.0, friction = 0.0;
        for (const json& o : objects) {
            density += number(o, "density_kg_m3", 0.0);
            friction += number(o, "friction", 0.0);
        }
        const double n = double(objects.size());
        f[5] = float(n / 8.0);
        f[6] = float(density / n / 2000.0);
        f[7] = float(friction / n);
    }
    return f;
}

std::vector<bool> heldOutMask(const std::vector<std::string>& names, double fraction) {
    const size_t n = names.size();
    size_t count = size_t(std::lround(double(n) * std::clamp(fraction, 0.0, 1.0)));
    if (fraction > 0.0 && n > 1) count = std::max<size_t>(count, 1);
    std::vector<size_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const uint64_t ha = nameHash(names[a]), hb = nameHash(names[b]);
        return ha != hb ? ha < hb : names[a] < names[b];
    });
    std::vector<bool> heldOut(n, false);
    for (size_t i = 0; i < count && i < n; ++i) heldOut[order[i]] = true;
    return heldOut;
}

Result<std::vector<ClipRecord>> listClips(const fs::path& dataset, Split split,
                                          double heldOutFraction) {
    if (!fs::is_directory(dataset / "clips"))
        return Error{dataset.string() + ": not a Silt dataset (expected a clips/ folder)"};
    std::vector<std::string> names = exporters::listCompleteClips(dataset);
    if (names.empty()) return Error{dataset.string() + ": the dataset has no complete clips"};
    std::vector<bool> heldOut = heldOutMask(names, heldOutFraction);
    std::vector<ClipRecord> clips;
    for (size_t i = 0; i < names.size(); ++i) {
        if (split == Split::Train && heldOut[i]) continue;
        if (split == Split::HeldOut && !heldOut[i]) continue;
        ClipRecord record;
        record.dir = dataset / "clips" / names[i];
        record.name = names[i];
        auto text = readFile(record.dir / "clip.json");
        if (!text) return text.error();
        json clip = json::parse(*text, nullptr, false);
        if (!clip.is_object())
            return Error{(record.dir / "clip.json").string() + ": expected a JSON object"};
        if (clip.contains("caption") && clip["caption"].is_string())
            record.caption = clip["caption"].get<std::string>();
        record.physics = physicsFeatures(clip);
        clips.push_back(std::move(record));
    }
    if (clips.empty())
        return Error{dataset.string() + ": no clips in the " +
                     (split == Split::Train ? "training" : "held-out") + " split of " +
                     std::to_string(names.size()) + " clips (held-out fraction " +
                     std::to_string(heldOutFraction) + ")"};
    return clips;
}

Result<std::vector<uint8_t>> decodeClipFrames(const ClipRecord& clip, int64_t frames,
                                              int64_t height, int64_t width) {
    const fs::path video = clip.dir / "rgb.mp4";
    std::vector<ImageRGBA8> decoded;
    auto info = exporters::decodeVideo(video, &decoded);
    if (!info) return info.error();
    if (int64_t(decoded.size()) < frames)
        return Error{video.string() + ": has " + std::to_string(decoded.size()) +
                     " frames, the model needs " + std::to_string(frames) +
                     " (generate clips with --frames " + std::to_string(frames) +
                     " or more, or train with fewer --frames)"};
    std::vector<uint8_t> out(size_t(frames * height * width * 3));
    for (int64_t t = 0; t < frames; ++t) {
        const ImageRGBA8& image = decoded[size_t(t)];
        const double sx = double(image.width) / double(width),
                     sy = double(image.height) / double(height);
        for (int64_t y = 0; y < height; ++y) {
            // Box filter: the source pixels whose centres fall into the target pixel, at
            // least the nearest one (upsampling).
            int64_t y0 = int64_t(std::floor(double(y) * sy)),
                    y1 = int64_t(std::ceil(double(y + 1) * sy));
            y1 = std::clamp<int64_t>(std::max(y1, y0 + 1), 1, image.height);
            y0 = std::min<int64_t>(y0, y1 - 1);
            for (int64_t x = 0; x < width; ++x) {
                int64_t x0 = int64_t(std::floor(double(x) * sx)),
                        x1 = int64_t(std::ceil(double(x + 1) * sx));
                x1 = std::clamp<int64_t>(std::max(x1, x0 + 1), 1, image.width);
                x0 = std::min<int64_t>(x0, x1 - 1);
                std::array<uint32_t, 3> sum{};
                for (int64_t yy = y0; yy < y1; ++yy)
                    for (int64_t xx = x0; xx < x1; ++xx) {
                        const uint8_t* p = image.at(uint32_t(xx), uint32_t(yy));
                        for (int c = 0; c < 3; ++c) sum[size_t(c)] += p[c];
                    }
                const uint32_t count = uint32_t((y1 - y0) * (x1 - x0));
                for (int c = 0; c < 3; ++c)
                    out[size_t(((t * height + y) * width + x) * 3 + c)] =
                        uint8_t((sum[size_t(c)] + count / 2) / count);
            }
        }
    }
    return out;
}

Result<std::vector<MotionLabelFrame>> readMotionLabels(const ClipRecord& clip, int64_t first,
                                                      int64_t count) {
    const fs::path jsonPath = clip.dir / "clip.json";
    auto text = readFile(jsonPath);
    if (!text) return text.error();
    const json meta = json::parse(*text, nullptr, false);
    auto list = [&](const char* channel) -> const json* {
        if (!meta.is_object() || !meta.contains("files") || !meta["files"].is_object()) return nullptr;
        const json& files = meta["files"];
        if (!files.contains("labels") || !files["labels"].is_object()) return nullptr;
        const json& labels = files["labels"];
        if (!labels.contains(channel) || !labels[channel].is_array()) return nullptr;
        return &labels[channel];
    };
    const json* flow = list("flow");
    const json* instance = list("instance");
    if (flow == nullptr || instance == nullptr)
        return Error{jsonPath.string() +
                     ": \"files\".\"labels\" lists no flow and instance files (the clip was "
                     "generated without labels; use --masks recipe)"};
    if (first < 0 || int64_t(flow->size()) < first + count ||
        int64_t(instance->size()) < first + count)
        return Error{jsonPath.string() + ": \"files\".\"labels\" lists fewer than " +
                     std::to_string(first + count) + " flow and instance frames"};
    std::vector<MotionLabelFrame> frames;
    for (int64_t t = first; t < first + count; ++t) {
        const json& flowName = (*flow)[size_t(t)];
        const json& idName = (*instance)[size_t(t)];
        if (!flowName.is_string() || !idName.is_string())
            return Error{jsonPath.string() + ": \"files\".\"labels\" entry " +
                         std::to_string(t) + ": expected file names"};
        auto flowImage = exporters::readNpyImage<2>(clip.dir / flowName.get<std::string>());
        if (!flowImage) return flowImage.error();
        auto ids = exporters::readPng16(clip.dir / idName.get<std::string>());
        if (!ids) return ids.error();
        if (ids->width != flowImage->width || ids->height != flowImage->height)
            return Error{(clip.dir / idName.get<std::string>()).string() +
                         ": size differs from its flow file"};
        MotionLabelFrame f;
        f.width = flowImage->width;
        f.height = flowImage->height;
        f.flow = std::move(flowImage->values);
        f.instance = std::move(ids->values);
        if (!frames.empty() && (f.width != frames[0].width || f.height != frames[0].height))
            return Error{(clip.dir / flowName.get<std::string>()).string() +
                         ": size differs from the clip's first label frame"};
        frames.push_back(std::move(f));
    }
    return frames;
}

}  // namespace silt::finetune
