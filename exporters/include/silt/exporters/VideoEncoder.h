#pragma once
// Writes an H.264 (libx264), yuv420p, constant-frame-rate MP4 through FFmpeg's libavcodec and
// libavformat. FFmpeg types stay out of this header. Output is deterministic for the same
// frames and settings (fixed encoder threads, no timestamps or host names in the file's
// metadata beyond what the container requires).

#include <filesystem>
#include <memory>

#include "silt/core/Image.h"
#include "silt/core/Result.h"

namespace silt::exporters {

struct VideoEncoderDesc {
    uint32_t width = 256;             ///< pixels, even
    uint32_t height = 256;            ///< pixels, even
    uint32_t fps = 24;                ///< frames per second
    int crf = 18;                     ///< x264 constant rate factor, 0 (lossless) … 51
    const char* preset = "veryfast";  ///< x264 preset
};

/// One encoder writes one file; use it from one thread at a time. Errors name the file and
/// carry FFmpeg's reason (odd sizes, bad CRF/preset, unwritable path).
class VideoEncoder {
public:
    [[nodiscard]] static Result<std::unique_ptr<VideoEncoder>> open(
        const std::filesystem::path& path, const VideoEncoderDesc& desc);
    virtual ~VideoEncoder() = default;

    /// Converts RGBA8 (sRGB) to yuv420p (BT.709, limited range) and encodes it.
    [[nodiscard]] virtual Status addFrame(const ImageRGBA8& frame) = 0;
    /// Flushes the encoder and writes the trailer. Must be called once, last. An encoder
    /// destroyed without a successful finish() deletes its incomplete file.
    [[nodiscard]] virtual Status finish() = 0;
};

}  // namespace silt::exporters
