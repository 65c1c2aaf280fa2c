#include "silt/exporters/VideoDecoder.h"

#include <fmt/format.h>

#include "FfmpegHandles.h"

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace silt::exporters {
namespace {
using namespace detail;
namespace fs = std::filesystem;

const char* orUnknown(const char* name) {
    return name != nullptr ? name : "unknown";
}

/// Decodes every frame of one stream, converting to RGBA8 when asked.
class StreamDecoder {
public:
    StreamDecoder(const fs::path& path, AVCodecContext* codec, std::vector<ImageRGBA8>* frames)
        : mPath(path), mCodec(codec), mFrames(frames), mFrame(av_frame_alloc()) {}

    /// Sends one packet (null flushes) and receives every frame it completes.
    Status decode(const AVPacket* packet) {
        if (!mFrame)
            return Error{fmt::format("{}: out of memory allocating a frame", mPath.string())};
        int rc = avcodec_send_packet(mCodec, packet);
        if (rc < 0 && rc != AVERROR_EOF) return failAv("cannot decode a packet", rc);
        for (;;) {
            rc = avcodec_receive_frame(mCodec, mFrame.get());
            if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return {};
            if (rc < 0) return failAv(fmt::format("cannot decode frame {}", mCount), rc);
            if (mFrames != nullptr) {
                if (Status s = convert(); !s) return s;
            }
            ++mCount;
            av_frame_unref(mFrame.get());
        }
    }

    [[nodiscard]] int64_t count() const { return mCount; }

private:
    Status convert() {
        const AVFrame& f = *mFrame;
        // FULL_CHR_H_INT interpolates chroma to every pixel before the matrix; without it
        // swscale's table-based YUV to RGB path loses about 13 dB PSNR even on greys.
        mSws.reset(sws_getCachedContext(
            mSws.release(), f.width, f.height, static_cast<AVPixelFormat>(f.format), f.width,
            f.height, AV_PIX_FMT_RGBA,
            SWS_BICUBIC | SWS_FULL_CHR_H_INT | SWS_ACCURATE_RND | SWS_BITEXACT, nullptr, nullptr,
            nullptr));
        if (!mSws) {
            return Error{
                fmt::format("{}: cannot convert {} frames to RGBA", mPath.string(),
                            orUnknown(av_get_pix_fmt_name(static_cast<AVPixelFormat>(f.format))))};
        }
        // Untagged streams are read as BT.601 (swscale's default), tagged ones as tagged.
        const int* yuvCoefficients = sws_getCoefficients(f.colorspace);
        const int* rgbCoefficients = sws_getCoefficients(SWS_CS_DEFAULT);
        int srcFullRange = f.color_range == AVCOL_RANGE_JPEG ? 1 : 0;
        sws_setColorspaceDetails(mSws.get(), yuvCoefficients, srcFullRange, rgbCoefficients, 1, 0,
                                 1 << 16, 1 << 16);
        ImageRGBA8 image(static_cast<uint32_t>(f.width), static_cast<uint32_t>(f.height));
        uint8_t* dstData[1] = {image.pixels.data()};
        const int dstStride[1] = {f.width * 4};
        sws_scale(mSws.get(), f.data, f.linesize, 0, f.height, dstData, dstStride);
        mFrames->push_back(std::move(image));
        return {};
    }

    [[nodiscard]] Error failAv(const std::string& what, int code) const {
        return Error{fmt::format("{}: {}: {}", mPath.string(), what, avErrorText(code))};
    }

    const fs::path& mPath;
    AVCodecContext* mCodec;
    std::vector<ImageRGBA8>* mFrames;
    FramePtr mFrame;
    SwsPtr mSws;
    int64_t mCount = 0;
};

}  // namespace

Result<VideoInfo> decodeVideo(const fs::path& path, std::vector<ImageRGBA8>* frames) {
    quietFfmpegLogging();
    auto failAv = [&](const std::string& what, int code) {
        return Error{fmt::format("{}: {}: {}", path.string(), what, avErrorText(code))};
    };

    AVFormatContext* rawFormat = nullptr;
    int rc = avformat_open_input(&rawFormat, path.c_str(), nullptr, nullptr);
    if (rc < 0) return failAv("cannot open video", rc);  // frees rawFormat itself
    InputFormatPtr format(rawFormat);
    if ((rc = avformat_find_stream_info(format.get(), nullptr)) < 0) {
        return failAv("cannot read stream information", rc);
    }
    const AVCodec* codec = nullptr;
    int streamIndex = av_find_best_stream(format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (streamIndex < 0) return failAv("no decodable video stream", streamIndex);
    const AVStream* stream = format->streams[streamIndex];

    CodecContextPtr context(avcodec_alloc_context3(codec));
    if (!context) return Error{fmt::format("{}: cannot allocate a decoder", path.string())};
    if ((rc = avcodec_parameters_to_context(context.get(), stream->codecpar)) < 0) {
        return failAv("cannot configure the decoder", rc);
    }
    // One thread: decoding for tests and validation is not the bottleneck, and frame
    // threads would only add latency and memory.
    context->thread_count = 1;
    if ((rc = avcodec_open2(context.get(), codec, nullptr)) < 0) {
        return failAv(fmt::format("cannot open the {} decoder", codec->name), rc);
    }

    VideoInfo info;
    info.codec = orUnknown(avcodec_get_name(stream->codecpar->codec_id));
    info.pixelFormat =
        orUnknown(av_get_pix_fmt_name(static_cast<AVPixelFormat>(stream->codecpar->format)));
    info.width = static_cast<uint32_t>(stream->codecpar->width);
    info.height = static_cast<uint32_t>(stream->codecpar->height);
    info.fps = stream->avg_frame_rate.den != 0 ? av_q2d(stream->avg_frame_rate) : 0.0;
    info.colorSpace = orUnknown(av_color_space_name(stream->codecpar->color_space));
    info.colorPrimaries = orUnknown(av_color_primaries_name(stream->codecpar->color_primaries));
    info.colorTransfer = orUnknown(av_color_transfer_name(stream->codecpar->color_trc));
    info.colorRange = orUnknown(av_color_range_name(stream->codecpar->color_range));

    if (frames != nullptr) frames->clear();
    StreamDecoder decoder(path, context.get(), frames);
    PacketPtr packet(av_packet_alloc());
    if (!packet) return Error{fmt::format("{}: out of memory allocating a packet", path.string())};
    for (;;) {
        rc = av_read_frame(format.get(), packet.get());
        if (rc == AVERROR_EOF) break;
        if (rc < 0) return failAv("cannot read a packet", rc);
        Status s = packet->stream_index == streamIndex ? decoder.decode(packet.get()) : Status{};
        av_packet_unref(packet.get());
        if (!s) return s.error();
    }
    if (Status s = decoder.decode(nullptr); !s) return s.error();
    info.frameCount = decoder.count();
    return info;
}

}  // namespace silt::exporters
