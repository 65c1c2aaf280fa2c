#include "silt/exporters/VideoEncoder.h"

#include <string>
#include <utility>

#include <fmt/format.h>

#include "FfmpegHandles.h"

extern "C" {
#include <libavutil/cpu.h>
#include <libavutil/opt.h>
}

namespace silt::exporters {
namespace {
using namespace detail;
namespace fs = std::filesystem;

// One x264 thread per clip. x264's frame-threaded output depends on the thread count
// (motion search is limited to rows already encoded by other threads), so "auto" would
// make the bytes of a clip depend on the machine's core count. Parallelism comes from
// encoding many clips at once instead; one 256x256 thread encodes hundreds of frames/s.
constexpr int kEncoderThreads = 1;

/// The x264 "asm" setting: every SIMD extension this CPU has except AVX-512, in x264's names.
/// x264 164's AVX-512 macroblock-tree code reads uninitialised memory: the same frames then
/// encode to different bytes from run to run (seen at 64x64, 320x240 and 720x480; never with
/// AVX-512 off or without mbtree). Its SSE4.2 and AVX2 paths give identical bytes, so
/// leaving AVX-512 out also keeps clips identical between AVX2 and AVX-512 machines.
/// Empty (x264 detects the CPU itself) where FFmpeg reports no x86 extensions.
std::string x264CpuFlagsWithoutAvx512() {
    const int flags = av_get_cpu_flags();
    std::string names;
#if defined(__x86_64__) || defined(__i386__)
    const std::pair<int, const char*> kNames[] = {
        {AV_CPU_FLAG_MMXEXT, "MMX2"},
        {AV_CPU_FLAG_SSE, "SSE"},
        {AV_CPU_FLAG_SSE2, "SSE2"},
        {AV_CPU_FLAG_SSE3, "SSE3"},
        {AV_CPU_FLAG_SSSE3, "SSSE3"},
        {AV_CPU_FLAG_SSE4, "SSE4.1"},
        {AV_CPU_FLAG_SSE42, "SSE4.2"},
        {AV_CPU_FLAG_AVX, "AVX"},
        {AV_CPU_FLAG_XOP, "XOP"},
        {AV_CPU_FLAG_FMA4, "FMA4"},
        {AV_CPU_FLAG_FMA3, "FMA3"},
        {AV_CPU_FLAG_BMI1, "BMI1"},
        // Every CPU with BMI1 also has LZCNT, which FFmpeg does not report on its own.
        {AV_CPU_FLAG_BMI1, "LZCNT"},
        {AV_CPU_FLAG_BMI2, "BMI2"},
        {AV_CPU_FLAG_AVX2, "AVX2"}};
    for (const auto& [flag, name] : kNames) {
        if ((flags & flag) == 0) continue;
        if (!names.empty()) names += ',';
        names += name;
    }
#else
    (void)flags;
#endif
    return names;
}

class FfmpegVideoEncoder final : public VideoEncoder {
public:
    FfmpegVideoEncoder(fs::path path, const VideoEncoderDesc& desc)
        : mPath(std::move(path)), mDesc(desc) {}

    Status open() {
        quietFfmpegLogging();
        if (mDesc.width == 0 || mDesc.height == 0 || mDesc.width % 2 != 0 ||
            mDesc.height % 2 != 0) {
            return fail(fmt::format("frame size must be non-zero and even for yuv420p, got {}x{}",
                                    mDesc.width, mDesc.height));
        }
        if (mDesc.fps == 0) return fail("frame rate must be at least 1 frame per second, got 0");
        if (mDesc.crf < 0 || mDesc.crf > 51) {
            return fail(fmt::format("x264 CRF must be in 0..51, got {}", mDesc.crf));
        }
        const char* preset = mDesc.preset != nullptr ? mDesc.preset : "veryfast";

        const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
        if (codec == nullptr) return fail("FFmpeg was built without the libx264 encoder");

        AVFormatContext* format = nullptr;
        int rc = avformat_alloc_output_context2(&format, nullptr, "mp4", mPath.c_str());
        if (rc < 0) return failAv("cannot create the MP4 muxer", rc);
        mFormat.reset(format);
        // No library version string, no creation time: two runs give the same bytes.
        mFormat->flags |= AVFMT_FLAG_BITEXACT;

        mCodec.reset(avcodec_alloc_context3(codec));
        if (!mCodec) return fail("cannot allocate the H.264 encoder");
        mCodec->width = static_cast<int>(mDesc.width);
        mCodec->height = static_cast<int>(mDesc.height);
        mCodec->pix_fmt = AV_PIX_FMT_YUV420P;
        mCodec->time_base = AVRational{1, static_cast<int>(mDesc.fps)};
        mCodec->framerate = AVRational{static_cast<int>(mDesc.fps), 1};
        mCodec->sample_aspect_ratio = AVRational{1, 1};
        mCodec->thread_count = kEncoderThreads;
        mCodec->flags |= AV_CODEC_FLAG_BITEXACT;
        // Frames are sRGB; the matrix is BT.709 limited range (what sws produces below).
        mCodec->colorspace = AVCOL_SPC_BT709;
        mCodec->color_primaries = AVCOL_PRI_BT709;
        mCodec->color_trc = AVCOL_TRC_IEC61966_2_1;
        mCodec->color_range = AVCOL_RANGE_MPEG;
        if ((mFormat->oformat->flags & AVFMT_GLOBALHEADER) != 0) {
            mCodec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
        }
        if ((rc = av_opt_set(mCodec->priv_data, "preset", preset, 0)) < 0) {
            return failAv(fmt::format("x264 rejected preset \"{}\"", preset), rc);
        }
        if ((rc = av_opt_set_double(mCodec->priv_data, "crf", mDesc.crf, 0)) < 0) {
            return failAv(fmt::format("x264 rejected CRF {}", mDesc.crf), rc);
        }
        if (const std::string cpu = x264CpuFlagsWithoutAvx512(); !cpu.empty()) {
            const std::string params = "asm=" + cpu;
            if ((rc = av_opt_set(mCodec->priv_data, "x264-params", params.c_str(), 0)) < 0) {
                return failAv(fmt::format("x264 rejected \"{}\"", params), rc);
            }
        }
        if ((rc = avcodec_open2(mCodec.get(), codec, nullptr)) < 0) {
            return failAv("cannot open the libx264 encoder", rc);
        }

        mStream = avformat_new_stream(mFormat.get(), nullptr);
        if (mStream == nullptr) return fail("cannot add a video stream to the MP4 muxer");
        if ((rc = avcodec_parameters_from_context(mStream->codecpar, mCodec.get())) < 0) {
            return failAv("cannot copy encoder parameters to the stream", rc);
        }
        mStream->time_base = mCodec->time_base;
        mStream->avg_frame_rate = mCodec->framerate;
        mStream->r_frame_rate = mCodec->framerate;

        if ((rc = avio_open(&mFormat->pb, mPath.c_str(), AVIO_FLAG_WRITE)) < 0) {
            return failAv("cannot create file", rc);
        }
        mCreatedFile = true;
        AVDictionary* options = nullptr;
        // Index first, so review pages and loaders can start playing before the whole
        // file arrives; the rewrite this needs at finish() is deterministic.
        av_dict_set(&options, "movflags", "+faststart", 0);
        rc = avformat_write_header(mFormat.get(), &options);
        av_dict_free(&options);
        if (rc < 0) return failAv("cannot write the MP4 header", rc);

        mFrame.reset(av_frame_alloc());
        mPacket.reset(av_packet_alloc());
        if (!mFrame || !mPacket) return fail("out of memory allocating FFmpeg frame/packet");
        mFrame->format = AV_PIX_FMT_YUV420P;
        mFrame->width = mCodec->width;
        mFrame->height = mCodec->height;
        mFrame->colorspace = mCodec->colorspace;
        mFrame->color_primaries = mCodec->color_primaries;
        mFrame->color_trc = mCodec->color_trc;
        mFrame->color_range = mCodec->color_range;
        if ((rc = av_frame_get_buffer(mFrame.get(), 0)) < 0) {
            return failAv("cannot allocate the yuv420p frame", rc);
        }

        // BITEXACT + ACCURATE_RND keep swscale on code paths whose results do not depend on
        // the CPU's SIMD extensions. Same size in and out, so the filter only shapes the
        // chroma downsampling: FULL_CHR_H_INP converts every pixel to chroma before the
        // bicubic downsample instead of dropping samples first (measured 3 dB better
        // round-trip PSNR on saturated edges).
        mSws.reset(sws_getContext(
            mCodec->width, mCodec->height, AV_PIX_FMT_RGBA, mCodec->width, mCodec->height,
            AV_PIX_FMT_YUV420P, SWS_BICUBIC | SWS_FULL_CHR_H_INP | SWS_ACCURATE_RND | SWS_BITEXACT,
            nullptr, nullptr, nullptr));
        if (!mSws) return fail("cannot create the RGBA to yuv420p converter");
        const int* bt709 = sws_getCoefficients(SWS_CS_ITU709);
        // Source: full-range RGB. Destination: BT.709 matrix, limited (16..235) range.
        if (sws_setColorspaceDetails(mSws.get(), bt709, 1, bt709, 0, 0, 1 << 16, 1 << 16) < 0) {
            return fail("swscale cannot convert to BT.709 limited range");
        }
        return {};
    }

    // An encoder closed without a successful finish() leaves no file: a truncated MP4
    // without its index is unplayable and would only mislead.
    ~FfmpegVideoEncoder() override {
        if (mCreatedFile && !mComplete) {
            mFormat.reset();  // closes the file first
            std::error_code ec;
            fs::remove(mPath, ec);
        }
    }

    Status addFrame(const ImageRGBA8& frame) override {
        SILT_CHECK(!mFinished);
        if (frame.width != mDesc.width || frame.height != mDesc.height ||
            frame.pixels.size() != size_t{frame.width} * frame.height * 4) {
            return fail(fmt::format("frame {} is {}x{} ({} bytes), the video is {}x{}", mNextPts,
                                    frame.width, frame.height, frame.pixels.size(), mDesc.width,
                                    mDesc.height));
        }
        // The encoder may still hold references to the previous frame's buffers.
        int rc = av_frame_make_writable(mFrame.get());
        if (rc < 0) return failAv("cannot reuse the yuv420p frame", rc);
        const uint8_t* srcData[1] = {frame.pixels.data()};
        const int srcStride[1] = {static_cast<int>(frame.width * 4)};
        sws_scale(mSws.get(), srcData, srcStride, 0, static_cast<int>(frame.height), mFrame->data,
                  mFrame->linesize);
        mFrame->pts = mNextPts++;
        if ((rc = avcodec_send_frame(mCodec.get(), mFrame.get())) < 0) {
            return failAv(fmt::format("cannot encode frame {}", mFrame->pts), rc);
        }
        return drainPackets();
    }

    Status finish() override {
        SILT_CHECK(!mFinished);
        mFinished = true;
        int rc = avcodec_send_frame(mCodec.get(), nullptr);
        if (rc < 0) return failAv("cannot flush the encoder", rc);
        if (Status s = drainPackets(); !s) return s;
        if ((rc = av_write_trailer(mFormat.get())) < 0) {
            return failAv("cannot write the MP4 index", rc);
        }
        if ((rc = avio_closep(&mFormat->pb)) < 0) return failAv("cannot close file", rc);
        mComplete = true;
        return {};
    }

private:
    Status drainPackets() {
        for (;;) {
            int rc = avcodec_receive_packet(mCodec.get(), mPacket.get());
            if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return {};
            if (rc < 0) return failAv("encoder failed", rc);
            av_packet_rescale_ts(mPacket.get(), mCodec->time_base, mStream->time_base);
            mPacket->stream_index = mStream->index;
            // Takes the packet's reference and leaves it blank for the next call.
            rc = av_interleaved_write_frame(mFormat.get(), mPacket.get());
            if (rc < 0) return failAv("cannot write a video packet", rc);
        }
    }

    [[nodiscard]] Error fail(const std::string& what) const {
        return Error{fmt::format("{}: {}", mPath.string(), what)};
    }
    [[nodiscard]] Error failAv(const std::string& what, int code) const {
        return Error{fmt::format("{}: {}: {}", mPath.string(), what, avErrorText(code))};
    }

    fs::path mPath;
    VideoEncoderDesc mDesc;
    // Declaration order is destruction order in reverse: the muxer (and its file) goes last.
    OutputFormatPtr mFormat;
    CodecContextPtr mCodec;
    AVStream* mStream = nullptr;  ///< owned by mFormat
    FramePtr mFrame;
    PacketPtr mPacket;
    SwsPtr mSws;
    int64_t mNextPts = 0;
    bool mFinished = false;
    bool mCreatedFile = false;
    bool mComplete = false;
};

}  // namespace

Result<std::unique_ptr<VideoEncoder>> VideoEncoder::open(const fs::path& path,
                                                         const VideoEncoderDesc& desc) {
    auto encoder = std::make_unique<FfmpegVideoEncoder>(path, desc);
    if (Status s = encoder->open(); !s) return s.error();
    return std::unique_ptr<VideoEncoder>(std::move(encoder));
}

}  // namespace silt::exporters
