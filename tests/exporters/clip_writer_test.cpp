#include <fstream>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "TestSupport.h"
#include "silt/core/FileAtomics.h"
#include "silt/core/Hash.h"
#include "silt/exporters/ClipWriter.h"
#include "silt/exporters/VideoDecoder.h"

namespace silt::exporters {
namespace {
namespace fs = std::filesystem;
using test::syntheticFrame;
using test::TempDir;

VideoEncoderDesc smallVideo() {
    VideoEncoderDesc desc;
    desc.width = 64;
    desc.height = 48;
    return desc;
}

TEST(ClipWriter, UncommittedClipLeavesNothing) {
    TempDir dir;
    {
        auto writer = ClipWriter::open(dir.path(), "clip_00000", smallVideo());
        ASSERT_TRUE(writer.ok()) << writer.error().message;
        for (uint32_t i = 0; i < 3; ++i) {
            ASSERT_TRUE((*writer)->addFrame(syntheticFrame(64, 48, i)).ok());
        }
        // While writing, only a staging folder exists.
        EXPECT_FALSE(fs::exists(clipDirectory(dir.path(), "clip_00000")));
        size_t entries = 0;
        for (const auto& entry : fs::directory_iterator(dir.path() / "clips")) {
            EXPECT_TRUE(isStagingName(entry.path().filename().string())) << entry.path();
            ++entries;
        }
        EXPECT_EQ(entries, 1u);
    }
    EXPECT_FALSE(fs::exists(clipDirectory(dir.path(), "clip_00000")));
    EXPECT_TRUE(fs::is_empty(dir.path() / "clips"));
}

TEST(ClipWriter, CommittedClipHasVideoHashesAndMetadata) {
    TempDir dir;
    std::vector<ImageRGBA8> frames;
    for (uint32_t i = 0; i < 5; ++i) frames.push_back(syntheticFrame(64, 48, i));
    const nlohmann::json metadata = {{"caption", "a red square slides over a gradient"},
                                     {"seed", 1234},
                                     {"camera", {{"fov_y_deg", 45.0}, {"height_m", 1.6}}}};
    {
        auto writer = ClipWriter::open(dir.path(), "clip_00001", smallVideo());
        ASSERT_TRUE(writer.ok()) << writer.error().message;
        for (const ImageRGBA8& frame : frames) ASSERT_TRUE((*writer)->addFrame(frame).ok());
        Status s = (*writer)->commit(metadata);
        ASSERT_TRUE(s.ok()) << s.error().message;
    }
    const fs::path clip = clipDirectory(dir.path(), "clip_00001");
    EXPECT_EQ(clip, dir.path() / "clips" / "clip_00001");
    ASSERT_TRUE(fs::is_regular_file(clip / "rgb.mp4"));
    ASSERT_TRUE(fs::is_regular_file(clip / "clip.json"));
    // Only the committed folder is left: no staging folder, no temporary files.
    size_t clipEntries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path() / "clips"))
        ++clipEntries;
    EXPECT_EQ(clipEntries, 1u);
    size_t files = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(clip)) ++files;
    EXPECT_EQ(files, 2u);

    Result<std::string> text = readFile(clip / "clip.json");
    ASSERT_TRUE(text.ok());
    const nlohmann::json json = nlohmann::json::parse(*text);
    ASSERT_EQ(json["frame_hashes"].size(), frames.size());
    for (size_t i = 0; i < frames.size(); ++i) {
        EXPECT_EQ(json["frame_hashes"][i].get<std::string>(), hashHex(frames[i].bytes())) << i;
    }
    EXPECT_NE(json["frame_hashes"][0], json["frame_hashes"][1]);
    EXPECT_EQ(json["files"], (nlohmann::json{{"rgb", "rgb.mp4"}}));
    for (const auto& [key, value] : metadata.items()) EXPECT_EQ(json[key], value) << key;
    EXPECT_EQ(json.size(), metadata.size() + 2);
    // Pretty-printed with two-space indent and sorted keys, ending in a newline.
    EXPECT_EQ(*text, json.dump(2) + "\n");
    EXPECT_LT(text->find("\"caption\""), text->find("\"seed\""));
    EXPECT_EQ(text->substr(0, 14), "{\n  \"camera\": ");

    Result<VideoInfo> info = decodeVideo(clip / "rgb.mp4");
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->frameCount, 5);
    EXPECT_EQ(info->width, 64u);
    EXPECT_EQ(info->height, 48u);
}

TEST(ClipWriter, SameClipTwiceGivesIdenticalFiles) {
    TempDir dir;
    auto writeClip = [&](const fs::path& dataset) {
        auto writer = ClipWriter::open(dataset, "clip", smallVideo());
        ASSERT_TRUE(writer.ok());
        for (uint32_t i = 0; i < 4; ++i)
            ASSERT_TRUE((*writer)->addFrame(syntheticFrame(64, 48, i)).ok());
        ASSERT_TRUE((*writer)->commit({{"caption", "x"}}).ok());
    };
    writeClip(dir.path() / "a");
    writeClip(dir.path() / "b");
    for (const char* file : {"rgb.mp4", "clip.json"}) {
        Result<std::string> a = readFile(dir.path() / "a" / "clips" / "clip" / file);
        Result<std::string> b = readFile(dir.path() / "b" / "clips" / "clip" / file);
        ASSERT_TRUE(a.ok() && b.ok());
        EXPECT_TRUE(*a == *b) << file;
    }
}

TEST(ClipWriter, UnwritableDatasetIsAnErrorNamingThePath) {
    TempDir dir;
    const fs::path file = dir.path() / "regular-file";
    std::ofstream(file) << "not a folder";
    auto writer = ClipWriter::open(file / "dataset", "clip", smallVideo());
    ASSERT_FALSE(writer.ok());
    EXPECT_NE(writer.error().message.find((file / "dataset").string()), std::string::npos)
        << writer.error().message;
}

TEST(ClipWriter, BadClipNamesAreRefused) {
    TempDir dir;
    for (const char* name : {"", "..", "a/b", "clip.partial-1"}) {
        auto writer = ClipWriter::open(dir.path(), name, smallVideo());
        ASSERT_FALSE(writer.ok()) << name;
        EXPECT_NE(writer.error().message.find("clip name"), std::string::npos);
    }
}

TEST(ClipWriter, OddVideoSizeIsAnErrorAndLeavesNothing) {
    TempDir dir;
    VideoEncoderDesc desc = smallVideo();
    desc.height = 47;
    auto writer = ClipWriter::open(dir.path(), "clip", desc);
    ASSERT_FALSE(writer.ok());
    EXPECT_NE(writer.error().message.find("64x47"), std::string::npos) << writer.error().message;
    EXPECT_TRUE(fs::is_empty(dir.path() / "clips"));
}

}  // namespace
}  // namespace silt::exporters
