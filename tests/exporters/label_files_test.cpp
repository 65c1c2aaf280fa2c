// Label files: 16-bit PNG and .npy written and read back bit for bit, clip folders with a
// labels/ tree and its description in clip.json, and clear errors for what cannot be stored.

#include "silt/exporters/LabelFiles.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include <nlohmann/json.hpp>

#include "TestSupport.h"
#include "silt/core/FileAtomics.h"
#include "silt/exporters/ClipWriter.h"

namespace silt::exporters {
namespace {
namespace fs = std::filesystem;

/// Labels with every awkward value: large ids, negative and tiny floats, NaN, infinity.
LabelImages syntheticLabels(uint32_t w, uint32_t h, uint32_t frame) {
    LabelImages labels;
    labels.depth = ImageF32(w, h);
    labels.instance = ImageU32(w, h);
    labels.semantic = ImageU32(w, h);
    labels.normals = ImageVec3f(w, h);
    labels.flow = ImageVec2f(w, h);
    for (uint32_t y = 0; y < h; ++y) {
        for (uint32_t x = 0; x < w; ++x) {
            const size_t i = size_t{y} * w + x;
            labels.depth.values[i] = 0.001f * float(i * 7919 % 100003) + 1e-30f * float(frame);
            labels.instance.values[i] = uint32_t((i * 2654435761u + frame) % 65536);
            labels.semantic.values[i] = uint32_t(x % 300);
            for (int c = 0; c < 3; ++c)
                labels.normals.values[3 * i + size_t(c)] = std::sin(float(i) + float(c));
            labels.flow.values[2 * i] = -0.37f * float(x) + float(frame);
            labels.flow.values[2 * i + 1] = 1e-7f * float(y);
        }
    }
    labels.flow.values[0] = std::numeric_limits<float>::quiet_NaN();
    labels.depth.values[1] = std::numeric_limits<float>::infinity();
    labels.instance.values[2] = 65535;
    return labels;
}

template <typename Image>
bool sameBits(const Image& a, const Image& b) {
    return a.width == b.width && a.height == b.height && a.values.size() == b.values.size() &&
           std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(a.values[0])) ==
               0;
}

TEST(LabelFiles, Png16RoundTripsEveryValue) {
    test::TempDir dir;
    ImageU16 image(300, 219);  // 65700 pixels: every 16-bit value occurs
    for (size_t i = 0; i < image.values.size(); ++i) image.values[i] = uint16_t(i * 40503u);
    ASSERT_TRUE(writePng16(dir.path() / "ids.png", image).ok());
    Result<ImageU16> back = readPng16(dir.path() / "ids.png");
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_TRUE(sameBits(*back, image));
    // A 16-bit PNG starts with the PNG signature and says bit depth 16, colour type 0 (grey).
    Result<std::string> bytes = readFile(dir.path() / "ids.png");
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(bytes->substr(1, 3), "PNG");
    EXPECT_EQ(uint8_t((*bytes)[24]), 16);
    EXPECT_EQ(uint8_t((*bytes)[25]), 0);
}

TEST(LabelFiles, NpyRoundTripsEveryBitAndHasNumpysHeader) {
    test::TempDir dir;
    LabelImages labels = syntheticLabels(37, 21, 3);
    ASSERT_TRUE(writeNpy(dir.path() / "flow.npy", labels.flow).ok());
    ASSERT_TRUE(writeNpy(dir.path() / "depth.npy", labels.depth).ok());
    Result<ImageVec2f> flow = readNpyImage<2>(dir.path() / "flow.npy");
    ASSERT_TRUE(flow.ok()) << flow.error().message;
    EXPECT_TRUE(sameBits(*flow, labels.flow));
    Result<ImageF32> depth = readNpyImage<1>(dir.path() / "depth.npy");
    ASSERT_TRUE(depth.ok()) << depth.error().message;
    EXPECT_TRUE(sameBits(*depth, labels.depth));

    Result<std::string> bytes = readFile(dir.path() / "flow.npy");
    ASSERT_TRUE(bytes.ok());
    const size_t headerLength = uint8_t((*bytes)[8]) | size_t(uint8_t((*bytes)[9])) << 8;
    EXPECT_EQ((10 + headerLength) % 64, 0u);
    const std::string header = bytes->substr(10, headerLength);
    EXPECT_NE(header.find("'descr': '<f4'"), std::string::npos) << header;
    EXPECT_NE(header.find("'shape': (21, 37, 2)"), std::string::npos) << header;
    EXPECT_EQ(header.back(), '\n');
    // The wrong channel count is an error naming the file.
    Result<ImageVec3f> wrong = readNpyImage<3>(dir.path() / "flow.npy");
    ASSERT_FALSE(wrong.ok());
    EXPECT_NE(wrong.error().message.find("flow.npy"), std::string::npos);
}

TEST(LabelFiles, DamagedFilesAreErrorsNamingTheFile) {
    test::TempDir dir;
    ASSERT_TRUE(
        writeFileAtomic(dir.path() / "bad.npy", std::string_view("\x93NUMPY\x01\x00")).ok());
    Result<NpyArray> npy = readNpy(dir.path() / "bad.npy");
    ASSERT_FALSE(npy.ok());
    EXPECT_NE(npy.error().message.find("bad.npy"), std::string::npos) << npy.error().message;
    ASSERT_TRUE(writeFileAtomic(dir.path() / "bad.png", std::string_view("not a png")).ok());
    Result<ImageU16> png = readPng16(dir.path() / "bad.png");
    ASSERT_FALSE(png.ok());
    EXPECT_NE(png.error().message.find("bad.png"), std::string::npos) << png.error().message;
}

TEST(ClipWriterLabels, ClipHasOneFilePerFramePerChannelReadBackExactly) {
    test::TempDir dir;
    VideoEncoderDesc video;
    video.width = 32;
    video.height = 24;
    std::vector<LabelImages> written;
    {
        auto writer = ClipWriter::open(dir.path(), "clip", video);
        ASSERT_TRUE(writer.ok()) << writer.error().message;
        for (uint32_t f = 0; f < 3; ++f) {
            ASSERT_TRUE((*writer)->addFrame(test::syntheticFrame(32, 24, f)).ok());
            written.push_back(syntheticLabels(32, 24, f));
            Status added = (*writer)->addLabels(written.back());
            ASSERT_TRUE(added.ok()) << added.error().message;
        }
        nlohmann::json metadata;
        metadata["labels"]["classes"] = {{"1", "ground"}};
        ASSERT_TRUE((*writer)->commit(metadata).ok());
    }
    const fs::path clip = clipDirectory(dir.path(), "clip");
    Result<std::string> text = readFile(clip / "clip.json");
    ASSERT_TRUE(text.ok());
    const nlohmann::json json = nlohmann::json::parse(*text);
    EXPECT_EQ(json["labels"]["classes"]["1"], "ground");  // the caller's tables are kept
    EXPECT_EQ(json["labels"]["channels"]["flow"]["shape"], nlohmann::json::array({24, 32, 2}));
    EXPECT_EQ(json["labels"]["channels"]["instance"]["dtype"], "uint16");
    EXPECT_EQ(json["label_hashes"].size(), 3u);
    const nlohmann::json& files = json["files"]["labels"];
    ASSERT_EQ(files.size(), 5u);
    for (const auto& [channel, list] : files.items()) {
        ASSERT_EQ(list.size(), 3u) << channel;
        for (const auto& file : list) {
            EXPECT_TRUE(fs::is_regular_file(clip / file.get<std::string>())) << file;
        }
    }
    for (size_t f = 0; f < 3; ++f) {
        auto depth = readNpyImage<1>(clip / files["depth"][f].get<std::string>());
        auto normals = readNpyImage<3>(clip / files["normals"][f].get<std::string>());
        auto flow = readNpyImage<2>(clip / files["flow"][f].get<std::string>());
        auto instance = readPng16(clip / files["instance"][f].get<std::string>());
        auto semantic = readPng16(clip / files["semantic"][f].get<std::string>());
        ASSERT_TRUE(depth.ok() && normals.ok() && flow.ok() && instance.ok() && semantic.ok());
        EXPECT_TRUE(sameBits(*depth, written[f].depth));
        EXPECT_TRUE(sameBits(*normals, written[f].normals));
        EXPECT_TRUE(sameBits(*flow, written[f].flow));
        for (size_t i = 0; i < instance->values.size(); ++i) {
            ASSERT_EQ(instance->values[i], written[f].instance.values[i]);
            ASSERT_EQ(semantic->values[i], written[f].semantic.values[i]);
        }
    }
}

TEST(ClipWriterLabels, IdsBeyondSixteenBitsAndMissingFramesAreErrors) {
    test::TempDir dir;
    VideoEncoderDesc video;
    video.width = 32;
    video.height = 24;
    auto writer = ClipWriter::open(dir.path(), "clip", video);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->addFrame(test::syntheticFrame(32, 24, 0)).ok());
    LabelImages labels = syntheticLabels(32, 24, 0);
    labels.instance.values[5] = 70000;
    Status tooBig = (*writer)->addLabels(labels);
    ASSERT_FALSE(tooBig.ok());
    EXPECT_NE(tooBig.error().message.find("70000"), std::string::npos) << tooBig.error().message;
    labels.instance.values[5] = 1;
    ASSERT_TRUE((*writer)->addLabels(labels).ok());
    ASSERT_TRUE((*writer)->addFrame(test::syntheticFrame(32, 24, 1)).ok());
    Status committed = (*writer)->commit(nlohmann::json::object());
    ASSERT_FALSE(committed.ok());
    EXPECT_NE(committed.error().message.find("1 of 2 frames"), std::string::npos)
        << committed.error().message;
    EXPECT_FALSE(fs::exists(clipDirectory(dir.path(), "clip")));
}

}  // namespace
}  // namespace silt::exporters
