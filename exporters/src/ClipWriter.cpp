#include "silt/exporters/ClipWriter.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <array>
#include <map>

#include "silt/core/FileAtomics.h"
#include "silt/core/Hash.h"
#include "silt/exporters/LabelFiles.h"

namespace silt::exporters {
namespace {
namespace fs = std::filesystem;

constexpr const char* kVideoFile = "rgb.mp4";
constexpr const char* kMetadataFile = "clip.json";
constexpr const char* kLabelDir = "labels";

/// What clip.json says about each label channel.
nlohmann::json labelChannels(uint32_t width, uint32_t height) {
    using nlohmann::json;
    const json hw = json::array({height, width});
    return {
        {"depth",
         {{"format", "npy"},
          {"dtype", "float32"},
          {"shape", hw},
          {"unit", "m"},
          {"background", 0},
          {"meaning",
           "distance along the camera's -Z axis (not along the ray) of the surface "
           "seen through the pixel centre"}}},
        {"instance",
         {{"format", "png16"},
          {"dtype", "uint16"},
          {"shape", hw},
          {"background", 0},
          {"meaning", "instance id of the surface at the pixel centre (labels.instances)"}}},
        {"semantic",
         {{"format", "png16"},
          {"dtype", "uint16"},
          {"shape", hw},
          {"background", 0},
          {"meaning", "semantic class id of the surface at the pixel centre (labels.classes)"}}},
        {"normals",
         {{"format", "npy"},
          {"dtype", "float32"},
          {"shape", json::array({height, width, 3})},
          {"unit", "unit vector"},
          {"background", 0},
          {"meaning",
           "surface normal in the camera frame (x right, y up, z towards the "
           "viewer), facing the camera"}}},
        {"flow",
         {{"format", "npy"},
          {"dtype", "float32"},
          {"shape", json::array({height, width, 2})},
          {"unit", "px"},
          {"background", 0},
          {"meaning",
           "forward optical flow: pixel position of the same surface point in the "
           "next frame minus its position in this one, (du, dv) with v down; NaN "
           "where the point is behind the next frame's camera"}}},
    };
}

/// Clip names become folder names; anything that could escape clips/ or look like a staging
/// folder is refused.
Status checkClipName(const fs::path& datasetDir, const std::string& name) {
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
        name.find('\0') != std::string::npos || isStagingName(name)) {
        return Error{
            fmt::format("{}: invalid clip name \"{}\": expected a plain folder name "
                        "without '/' or \".partial-\"",
                        (datasetDir / "clips").string(), name)};
    }
    return {};
}

/// Flushes a finished file to disk so that the folder rename in commit() never publishes a
/// clip whose video is still only in the page cache.
Status syncFile(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Error{fmt::format("{}: cannot open to flush", path.string())};
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return Error{fmt::format("{}: cannot flush to disk", path.string())};
    return {};
}

class StagedClipWriter final : public ClipWriter {
public:
    StagedClipWriter(const fs::path& finalPath, const std::string& tag)
        : mStaging(finalPath, tag) {}

    Status open(const VideoEncoderDesc& video) {
        if (Status s = mStaging.create(); !s) return s;
        auto encoder = VideoEncoder::open(mStaging.path() / kVideoFile, video);
        if (!encoder) return encoder.error();
        mEncoder = std::move(encoder).value();
        return {};
    }

    Status addFrame(const ImageRGBA8& frame) override {
        SILT_CHECK(!mDone);
        if (Status s = mEncoder->addFrame(frame); !s) return s;
        mFrameHashes.push_back(hashHex(frame.bytes()));
        mWidth = frame.width;
        mHeight = frame.height;
        return {};
    }

    Status addLabels(const LabelImages& labels) override {
        SILT_CHECK(!mDone);
        const size_t frame = mLabelHashes.size();
        const fs::path dir = mStaging.path() / kLabelDir;
        const std::string where =
            fmt::format("{} frame {}", (mStaging.finalPath() / kLabelDir).string(), frame);
        const uint32_t w = labels.depth.width, h = labels.depth.height;
        auto sized = [&](auto& image) { return image.width == w && image.height == h; };
        if (!sized(labels.instance) || !sized(labels.semantic) || !sized(labels.normals) ||
            !sized(labels.flow) || (mWidth != 0 && (w != mWidth || h != mHeight))) {
            return Error{fmt::format("{}: label channels must all be {}x{} pixels", where,
                                     mWidth ? mWidth : w, mWidth ? mHeight : h)};
        }
        if (frame == 0) {
            for (const char* channel : {"depth", "instance", "semantic", "normals", "flow"}) {
                std::error_code ec;
                fs::create_directories(dir / channel, ec);
                if (ec) {
                    return Error{fmt::format("{}: cannot create: {}", (dir / channel).string(),
                                             ec.message())};
                }
            }
        }
        const std::string stem = fmt::format("{:06d}", frame);
        auto ids16 = [&](const ImageU32& ids, const char* channel) -> Result<ImageU16> {
            ImageU16 out(ids.width, ids.height);
            for (size_t i = 0; i < ids.values.size(); ++i) {
                if (ids.values[i] > 0xffff) {
                    return Error{fmt::format("{}: {} id {} does not fit in 16 bits", where, channel,
                                             ids.values[i])};
                }
                out.values[i] = uint16_t(ids.values[i]);
            }
            return out;
        };
        Result<ImageU16> instance = ids16(labels.instance, "instance");
        if (!instance) return instance.error();
        Result<ImageU16> semantic = ids16(labels.semantic, "semantic");
        if (!semantic) return semantic.error();

        const std::array<std::pair<std::string, std::string>, 5> files{{
            {"depth", "depth/" + stem + ".npy"},
            {"instance", "instance/" + stem + ".png"},
            {"semantic", "semantic/" + stem + ".png"},
            {"normals", "normals/" + stem + ".npy"},
            {"flow", "flow/" + stem + ".npy"},
        }};
        if (Status s = writeNpy(dir / files[0].second, labels.depth); !s) return s;
        if (Status s = writePng16(dir / files[1].second, *instance); !s) return s;
        if (Status s = writePng16(dir / files[2].second, *semantic); !s) return s;
        if (Status s = writeNpy(dir / files[3].second, labels.normals); !s) return s;
        if (Status s = writeNpy(dir / files[4].second, labels.flow); !s) return s;
        for (const auto& [channel, file] : files) {
            mLabelFiles[channel].push_back(std::string(kLabelDir) + "/" + file);
        }
        mLabelHashes.push_back(
            hashHex(hashHex(labels.depth.bytes()) + hashHex(labels.instance.bytes()) +
                    hashHex(labels.semantic.bytes()) + hashHex(labels.normals.bytes()) +
                    hashHex(labels.flow.bytes())));
        return {};
    }

    Status commit(nlohmann::json metadata) override {
        SILT_CHECK(!mDone);
        mDone = true;
        const fs::path jsonPath = mStaging.finalPath() / kMetadataFile;
        if (!metadata.is_object() && !metadata.is_null()) {
            return Error{fmt::format("{}: clip metadata must be a JSON object, got {}",
                                     jsonPath.string(), metadata.type_name())};
        }
        if (mFrameHashes.empty()) {
            return Error{fmt::format("{}: a clip needs at least one frame", jsonPath.string())};
        }
        if (!mLabelHashes.empty() && mLabelHashes.size() != mFrameHashes.size()) {
            return Error{fmt::format("{}: labels were added for {} of {} frames", jsonPath.string(),
                                     mLabelHashes.size(), mFrameHashes.size())};
        }
        if (Status s = mEncoder->finish(); !s) return s;
        mEncoder.reset();
        if (Status s = syncFile(mStaging.path() / kVideoFile); !s) return s;

        metadata["frame_hashes"] = mFrameHashes;
        metadata["files"] = nlohmann::json{{"rgb", kVideoFile}};
        if (!mLabelHashes.empty()) {
            metadata["files"]["labels"] = mLabelFiles;
            metadata["label_hashes"] = mLabelHashes;
            if (!metadata["labels"].is_object()) metadata["labels"] = nlohmann::json::object();
            metadata["labels"]["channels"] = labelChannels(mWidth, mHeight);
            metadata["labels"]["hash_of_frame"] =
                "xxh3-128 of the concatenated xxh3-128 hex digests of the raw little-endian "
                "bytes of depth, instance (uint32), semantic (uint32), normals and flow";
        }
        std::string text;
        try {
            // nlohmann::json objects are std::map-backed: keys come out sorted.
            text = metadata.dump(2) + "\n";
        } catch (const nlohmann::json::exception& e) {
            return Error{
                fmt::format("{}: cannot serialise clip metadata: {}", jsonPath.string(), e.what())};
        }
        if (Status s = writeFileAtomic(mStaging.path() / kMetadataFile, text); !s) return s;
        return mStaging.commit();
    }

private:
    // mEncoder is declared after mStaging so it closes its file before the staging folder
    // of an uncommitted clip is removed.
    StagingDirectory mStaging;
    std::unique_ptr<VideoEncoder> mEncoder;
    std::vector<std::string> mFrameHashes;
    std::vector<std::string> mLabelHashes;
    std::map<std::string, std::vector<std::string>> mLabelFiles;  ///< channel → files
    uint32_t mWidth = 0, mHeight = 0;
    bool mDone = false;
};

}  // namespace

fs::path clipDirectory(const fs::path& datasetDir, const std::string& clipName) {
    return datasetDir / "clips" / clipName;
}

Result<std::unique_ptr<ClipWriter>> ClipWriter::open(const fs::path& datasetDir,
                                                     const std::string& clipName,
                                                     const VideoEncoderDesc& video) {
    if (Status s = checkClipName(datasetDir, clipName); !s) return s.error();
    if (Status s = ensureWritableDirectory(datasetDir / "clips"); !s) return s.error();
    // The pid keeps two processes writing the same clip (a re-run racing a straggler) out
    // of each other's staging folders; the name is never written into any file.
    auto writer = std::make_unique<StagedClipWriter>(clipDirectory(datasetDir, clipName),
                                                     fmt::format("{}", ::getpid()));
    if (Status s = writer->open(video); !s) return s.error();
    return std::unique_ptr<ClipWriter>(std::move(writer));
}

}  // namespace silt::exporters
