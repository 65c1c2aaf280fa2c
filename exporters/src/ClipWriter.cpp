#include "silt/exporters/ClipWriter.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "silt/core/FileAtomics.h"
#include "silt/core/Hash.h"

namespace silt::exporters {
namespace {
namespace fs = std::filesystem;

constexpr const char* kVideoFile = "rgb.mp4";
constexpr const char* kMetadataFile = "clip.json";

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
        if (Status s = mEncoder->finish(); !s) return s;
        mEncoder.reset();
        if (Status s = syncFile(mStaging.path() / kVideoFile); !s) return s;

        metadata["frame_hashes"] = mFrameHashes;
        metadata["files"] = nlohmann::json{{"rgb", kVideoFile}};
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
