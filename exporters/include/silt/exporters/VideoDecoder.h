#pragma once
// Reads a video file back through libavformat/libavcodec: its stream facts and its frames as
// RGBA8. Used by `silt validate`, by the fine-tuning data loader and by tests.

#include <filesystem>
#include <string>
#include <vector>

#include "silt/core/Image.h"
#include "silt/core/Result.h"

namespace silt::exporters {

struct VideoInfo {
    std::string codec;        ///< FFmpeg codec name, "h264"
    std::string pixelFormat;  ///< "yuv420p"
    uint32_t width = 0;
    uint32_t height = 0;
    double fps = 0.0;        ///< average frame rate of the stream
    int64_t frameCount = 0;  ///< frames actually decoded
    // Colour tags as FFmpeg names them; Silt's encoder writes bt709 / bt709 /
    // iec61966-2-1 (sRGB) / tv (limited range). Frames are converted to RGBA as tagged.
    std::string colorSpace;      ///< matrix, "bt709"
    std::string colorPrimaries;  ///< "bt709"
    std::string colorTransfer;   ///< "iec61966-2-1"
    std::string colorRange;      ///< "tv" (limited) or "pc" (full)
};

/// Decodes the best video stream (as av_find_best_stream picks it): its facts, the number of
/// frames, and every frame as RGBA8 (alpha 255) when `frames` is not null (it is replaced).
/// Errors name the file and carry FFmpeg's reason. Thread-safe: no shared state.
[[nodiscard]] Result<VideoInfo> decodeVideo(const std::filesystem::path& path,
                                            std::vector<ImageRGBA8>* frames = nullptr);

}  // namespace silt::exporters
