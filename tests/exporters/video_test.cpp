#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "TestSupport.h"
#include "silt/core/FileAtomics.h"
#include "silt/core/ResourceUsage.h"
#include "silt/exporters/VideoDecoder.h"
#include "silt/exporters/VideoEncoder.h"

namespace silt::exporters {
namespace {
namespace fs = std::filesystem;
using test::psnrRgb;
using test::syntheticFrame;
using test::TempDir;

std::vector<ImageRGBA8> makeFrames(uint32_t width, uint32_t height, uint32_t count) {
    std::vector<ImageRGBA8> frames;
    for (uint32_t i = 0; i < count; ++i) frames.push_back(syntheticFrame(width, height, i));
    return frames;
}

Status encode(const fs::path& path, const VideoEncoderDesc& desc,
              const std::vector<ImageRGBA8>& frames) {
    auto encoder = VideoEncoder::open(path, desc);
    if (!encoder) return encoder.error();
    for (const ImageRGBA8& frame : frames) {
        if (Status s = (*encoder)->addFrame(frame); !s) return s;
    }
    return (*encoder)->finish();
}

TEST(VideoEncoder, RoundTripsThroughTheDecoder) {
    TempDir dir;
    const fs::path path = dir.path() / "clip.mp4";
    const std::vector<ImageRGBA8> source = makeFrames(128, 128, 24);
    VideoEncoderDesc desc;
    desc.width = 128;
    desc.height = 128;
    desc.fps = 24;
    Status s = encode(path, desc, source);
    ASSERT_TRUE(s.ok()) << s.error().message;

    std::vector<ImageRGBA8> decoded;
    Result<VideoInfo> info = decodeVideo(path, &decoded);
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->codec, "h264");
    EXPECT_EQ(info->pixelFormat, "yuv420p");
    EXPECT_EQ(info->width, 128u);
    EXPECT_EQ(info->height, 128u);
    EXPECT_EQ(info->frameCount, 24);
    EXPECT_NEAR(info->fps, 24.0, 0.01);
    EXPECT_EQ(info->colorSpace, "bt709");
    EXPECT_EQ(info->colorPrimaries, "bt709");
    EXPECT_EQ(info->colorTransfer, "iec61966-2-1");
    EXPECT_EQ(info->colorRange, "tv");

    ASSERT_EQ(decoded.size(), source.size());
    double sum = 0.0;
    for (size_t i = 0; i < source.size(); ++i) {
        ASSERT_EQ(decoded[i].width, 128u);
        ASSERT_EQ(decoded[i].height, 128u);
        sum += psnrRgb(source[i], decoded[i]);
    }
    const double meanPsnr = sum / double(source.size());
    std::printf("round trip 128x128 CRF %d: mean RGB PSNR %.2f dB\n", desc.crf, meanPsnr);
    EXPECT_GT(meanPsnr, 30.0);

    // The decoded frames must be in display order: each is closer to its own source frame
    // than to its neighbour (the square moves 3 px per frame).
    for (size_t i = 0; i + 1 < source.size(); ++i) {
        EXPECT_GT(psnrRgb(source[i], decoded[i]), psnrRgb(source[i + 1], decoded[i])) << i;
    }
}

TEST(VideoEncoder, FlatColoursKeepTheirValues) {
    // A matrix or range mismatch between encoder and decoder (BT.601 vs BT.709, full vs
    // limited) shifts saturated colours by far more than 4 levels.
    TempDir dir;
    const fs::path path = dir.path() / "flat.mp4";
    const uint8_t colours[][3] = {{255, 0, 0},  {0, 255, 0},     {0, 0, 255},
                                  {16, 16, 16}, {240, 240, 240}, {200, 120, 40}};
    std::vector<ImageRGBA8> frames;
    for (const auto& c : colours) {
        ImageRGBA8 image(64, 64);
        for (size_t i = 0; i < image.pixels.size(); i += 4) {
            image.pixels[i] = c[0];
            image.pixels[i + 1] = c[1];
            image.pixels[i + 2] = c[2];
            image.pixels[i + 3] = 255;
        }
        frames.push_back(image);
    }
    VideoEncoderDesc desc;
    desc.width = 64;
    desc.height = 64;
    desc.crf = 10;
    ASSERT_TRUE(encode(path, desc, frames).ok());
    std::vector<ImageRGBA8> decoded;
    ASSERT_TRUE(decodeVideo(path, &decoded).ok());
    ASSERT_EQ(decoded.size(), frames.size());
    for (size_t f = 0; f < frames.size(); ++f) {
        const uint8_t* p = decoded[f].at(32, 32);
        for (int c = 0; c < 3; ++c) {
            EXPECT_NEAR(int(p[c]), int(colours[f][c]), 4) << "frame " << f << " channel " << c;
        }
        EXPECT_EQ(p[3], 255);
    }
}

TEST(VideoEncoder, SameFramesGiveIdenticalFiles) {
    TempDir dir;
    const std::vector<ImageRGBA8> source = makeFrames(128, 128, 24);
    VideoEncoderDesc desc;
    desc.width = 128;
    desc.height = 128;
    ASSERT_TRUE(encode(dir.path() / "a.mp4", desc, source).ok());
    ASSERT_TRUE(encode(dir.path() / "b.mp4", desc, source).ok());
    Result<std::string> a = readFile(dir.path() / "a.mp4");
    Result<std::string> b = readFile(dir.path() / "b.mp4");
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_GT(a->size(), 1000u);
    EXPECT_TRUE(*a == *b) << "sizes " << a->size() << " and " << b->size();
    // Nothing that names the library version may be in the file (AVFMT_FLAG_BITEXACT).
    EXPECT_EQ(a->find("Lavf"), std::string::npos);
}

// x264's AVX-512 code once made the bytes depend on what the heap held before (the encoder
// now leaves AVX-512 out): encode the same frames after filling freed heap memory with two
// different patterns, at sizes where that showed.
TEST(VideoEncoder, BytesDoNotDependOnEarlierHeapContents) {
    TempDir dir;
    for (const auto& [width, height] : {std::pair<uint32_t, uint32_t>{64, 64}, {320, 240}}) {
        const std::vector<ImageRGBA8> source = makeFrames(width, height, 6);
        VideoEncoderDesc desc;
        desc.width = width;
        desc.height = height;
        std::string bytes[2];
        for (int run = 0; run < 2; ++run) {
            {
                std::vector<std::unique_ptr<uint8_t[]>> junk;
                for (int i = 0; i < 4000; ++i) {
                    const size_t size = 64 + size_t(i % 61) * 67;
                    junk.emplace_back(new uint8_t[size]);
                    std::memset(junk.back().get(), run == 0 ? 0x55 : 0xAA, size);
                }
            }
            const fs::path path = dir.path() / fmt::format("{}x{}_{}.mp4", width, height, run);
            ASSERT_TRUE(encode(path, desc, source).ok());
            bytes[run] = *readFile(path);
        }
        EXPECT_TRUE(bytes[0] == bytes[1]) << width << "x" << height << ": sizes " << bytes[0].size()
                                          << " and " << bytes[1].size();
    }
}

TEST(VideoEncoder, OddSizeIsAnErrorNamingTheSize) {
    TempDir dir;
    VideoEncoderDesc desc;
    desc.width = 127;
    desc.height = 128;
    auto encoder = VideoEncoder::open(dir.path() / "odd.mp4", desc);
    ASSERT_FALSE(encoder.ok());
    EXPECT_NE(encoder.error().message.find("127x128"), std::string::npos)
        << encoder.error().message;
    EXPECT_NE(encoder.error().message.find("odd.mp4"), std::string::npos);
    EXPECT_FALSE(fs::exists(dir.path() / "odd.mp4"));
}

TEST(VideoEncoder, UnwritablePathIsAnErrorNamingThePath) {
    TempDir dir;
    const fs::path file = dir.path() / "regular-file";
    std::ofstream(file) << "not a folder";
    const fs::path path = file / "clip.mp4";
    auto encoder = VideoEncoder::open(path, VideoEncoderDesc{});
    ASSERT_FALSE(encoder.ok());
    EXPECT_NE(encoder.error().message.find(path.string()), std::string::npos)
        << encoder.error().message;
    // av_strerror's reason is part of the message.
    EXPECT_NE(encoder.error().message.find("Not a directory"), std::string::npos)
        << encoder.error().message;
}

TEST(VideoEncoder, WrongFrameSizeIsAnError) {
    TempDir dir;
    VideoEncoderDesc desc;
    desc.width = 64;
    desc.height = 64;
    auto encoder = VideoEncoder::open(dir.path() / "v.mp4", desc);
    ASSERT_TRUE(encoder.ok()) << encoder.error().message;
    Status s = (*encoder)->addFrame(ImageRGBA8(32, 64));
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("32x64"), std::string::npos) << s.error().message;
}

TEST(VideoEncoder, UnfinishedEncoderLeavesNoFile) {
    TempDir dir;
    const fs::path path = dir.path() / "unfinished.mp4";
    {
        VideoEncoderDesc desc;
        desc.width = 64;
        desc.height = 64;
        auto encoder = VideoEncoder::open(path, desc);
        ASSERT_TRUE(encoder.ok());
        ASSERT_TRUE((*encoder)->addFrame(syntheticFrame(64, 64, 0)).ok());
        EXPECT_TRUE(fs::exists(path));
    }
    EXPECT_FALSE(fs::exists(path));
}

TEST(VideoDecoder, MissingFileIsAnErrorNamingIt) {
    TempDir dir;
    const fs::path path = dir.path() / "missing.mp4";
    Result<VideoInfo> info = decodeVideo(path);
    ASSERT_FALSE(info.ok());
    EXPECT_NE(info.error().message.find(path.string()), std::string::npos);
}

// Not a benchmark (those are executables): prints the encode rate seen here, asserts only
// that the video is complete.
TEST(VideoEncoder, ReportsEncodeRateAt256) {
    TempDir dir;
    const fs::path path = dir.path() / "rate.mp4";
    const std::vector<ImageRGBA8> source = makeFrames(256, 256, 96);
    VideoEncoderDesc desc;  // 256x256, CRF 18, veryfast
    auto encoder = VideoEncoder::open(path, desc);
    ASSERT_TRUE(encoder.ok()) << encoder.error().message;
    const auto start = std::chrono::steady_clock::now();
    const double cpuStart = processCpuSeconds();
    for (const ImageRGBA8& frame : source) ASSERT_TRUE((*encoder)->addFrame(frame).ok());
    ASSERT_TRUE((*encoder)->finish().ok());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpuSeconds = processCpuSeconds() - cpuStart;
    // Wall time suffers from other processes on a shared machine; CPU time does not.
    std::printf(
        "encode 256x256 x264 %s CRF %d, 1 thread: %.0f frames/s wall, %.0f frames/CPU-s "
        "(%zu frames)\n",
        desc.preset, desc.crf, double(source.size()) / seconds, double(source.size()) / cpuSeconds,
        source.size());
    Result<VideoInfo> info = decodeVideo(path);
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->frameCount, 96);
}

}  // namespace
}  // namespace silt::exporters
