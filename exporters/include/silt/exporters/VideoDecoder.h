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
    double fps = 0.0;         ///< average frame rate of the stream
    int64_t frameCount = 0;   ///< frames actually decoded
};

/// Decodes the first video stream: facts, and every frame when `frames` is not null.
[[nodiscard]] Result<VideoInfo> decodeVideo(const std::filesystem::path& path,
                                            std::vector<ImageRGBA8>* frames = nullptr);

}  // namespace silt::exporters
