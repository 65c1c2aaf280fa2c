#pragma once
// Writes one clip atomically: the colour video and the clip's metadata JSON are produced in
// a staging folder "<dataset>/clips/<clipName>.partial-<tag>" and renamed to
// "<dataset>/clips/<clipName>" by commit(). A clip that is never committed leaves nothing.
//
// Layout of a committed clip folder:
//   rgb.mp4      H.264 yuv420p colour video
//   clip.json    metadata (written by commit(), with each frame's raw-pixel hash appended)

#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "silt/core/Image.h"
#include "silt/core/Result.h"
#include "silt/exporters/VideoEncoder.h"

namespace silt::exporters {

/// One writer per clip, used from one thread; different clips may be written concurrently.
class ClipWriter {
public:
    /// Opens the staging folder (tagged with the process id) and the video encoder. Errors
    /// name the path: an invalid clip name, a dataset folder that cannot be written.
    [[nodiscard]] static Result<std::unique_ptr<ClipWriter>> open(
        const std::filesystem::path& datasetDir, const std::string& clipName,
        const VideoEncoderDesc& video);
    virtual ~ClipWriter() = default;

    /// Encodes the frame and records the XXH3-128 hash of its raw RGBA bytes.
    [[nodiscard]] virtual Status addFrame(const ImageRGBA8& frame) = 0;

    /// Finishes the video, writes clip.json = `metadata` (an object) plus "frame_hashes" (one
    /// hex string per frame, in order) and "files" ({"rgb": "rgb.mp4"}), pretty-printed with
    /// sorted keys, then renames the folder into place (replacing an older clip of that
    /// name). Called at most once; a clip needs at least one frame.
    [[nodiscard]] virtual Status commit(nlohmann::json metadata) = 0;
};

/// The folder a committed clip lives in.
std::filesystem::path clipDirectory(const std::filesystem::path& datasetDir,
                                    const std::string& clipName);

}  // namespace silt::exporters
