#pragma once
// Private to silt::exporters: owning handles for FFmpeg objects and error text. Each handle
// frees its object with the matching FFmpeg function on every path, so the encoder and
// decoder code holds no raw owning pointers.

#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

namespace silt::exporters::detail {

struct CodecContextDeleter {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsDeleter {
    void operator()(SwsContext* s) const { sws_freeContext(s); }
};
/// For a muxer context: closes the output file (if the muxer opened one) and frees it.
struct OutputFormatDeleter {
    void operator()(AVFormatContext* f) const {
        if (f->pb != nullptr && (f->oformat->flags & AVFMT_NOFILE) == 0) avio_closep(&f->pb);
        avformat_free_context(f);
    }
};
/// For a demuxer context opened by avformat_open_input.
struct InputFormatDeleter {
    void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};

using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwsPtr = std::unique_ptr<SwsContext, SwsDeleter>;
using OutputFormatPtr = std::unique_ptr<AVFormatContext, OutputFormatDeleter>;
using InputFormatPtr = std::unique_ptr<AVFormatContext, InputFormatDeleter>;

/// av_strerror's text for an FFmpeg error code.
inline std::string avErrorText(int code) {
    char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
    if (av_strerror(code, buffer, sizeof(buffer)) < 0)
        return "unknown FFmpeg error " + std::to_string(code);
    return buffer;
}

/// FFmpeg's libraries log progress and x264 statistics to stderr at AV_LOG_INFO; Silt's
/// own log is the place for those, so only FFmpeg's errors are let through. Called once.
void quietFfmpegLogging();

}  // namespace silt::exporters::detail
