#pragma once
// Writes one clip atomically: the colour video and the clip's metadata JSON are produced in
// a staging folder "<dataset>/clips/<clipName>.partial-<tag>" and renamed to
// "<dataset>/clips/<clipName>" by commit(). A clip that is never committed leaves nothing.
//
// Layout of a committed clip folder:
//   rgb.mp4      H.264 yuv420p colour video
//   clip.json    metadata (written by commit(), with each frame's raw-pixel hash appended)
//   labels/      lossless ground truth, one file per frame per channel (when addLabels is
//                used), kept out of the top level so video-folder loaders never see them:
//     depth/NNNNNN.npy      float32 (H, W), m along the camera's −Z; 0 = no surface
//     instance/NNNNNN.png   16-bit grey PNG, instance id; 0 = background
//     semantic/NNNNNN.png   16-bit grey PNG, semantic class; 0 = background
//     normals/NNNNNN.npy    float32 (H, W, 3), unit normal in the camera frame; 0 = none
//     flow/NNNNNN.npy       float32 (H, W, 2), px to the next frame (du, dv); 0 = none,
//                           NaN = the point is behind the next frame's camera
//   NNNNNN is the frame index, zero-padded to six digits. LabelFiles.h reads them back.

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

    /// Writes the labels of the next frame (frames are numbered in call order; a clip has
    /// labels for every frame or for none). Ids must fit in 16 bits; every channel must have
    /// the colour frames' size. Records a hash of the label bytes per frame.
    [[nodiscard]] virtual Status addLabels(const LabelImages& labels) = 0;

    /// Finishes the video, writes clip.json = `metadata` (an object) plus "frame_hashes" (one
    /// hex string per frame, in order) and "files" ({"rgb": "rgb.mp4"}), pretty-printed with
    /// sorted keys, then renames the folder into place (replacing an older clip of that
    /// name). Called at most once; a clip needs at least one frame. With labels, "files"
    /// also holds "labels": {channel: [file per frame]}, "label_hashes" one hash per frame
    /// and metadata["labels"]["channels"] each channel's dtype, shape, unit and meaning
    /// (other keys of metadata["labels"], such as id tables, are kept).
    [[nodiscard]] virtual Status commit(nlohmann::json metadata) = 0;
};

/// The folder a committed clip lives in.
std::filesystem::path clipDirectory(const std::filesystem::path& datasetDir,
                                    const std::string& clipName);

}  // namespace silt::exporters
