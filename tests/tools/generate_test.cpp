// End to end through the library: a 2-clip dataset at 128×128, decoded back with libavformat.

#include <gtest/gtest.h>

#include "test_output.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "silt/app/Generate.h"
#include "silt/core/FileAtomics.h"
#include "silt/core/Hash.h"
#include "silt/exporters/Dataset.h"
#include "silt/exporters/VideoDecoder.h"

namespace silt::app {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

using test::freshDir;

json readJson(const fs::path& path) {
    auto text = readFile(path);
    EXPECT_TRUE(text.ok()) << path;
    return json::parse(*text);
}

// The dataset every test here reads: 2 clips of 24 frames at 128×128, seed 7.
GenerateOptions twoClipOptions(const fs::path& out) {
    GenerateOptions options;
    options.out = out;
    options.clips = 2;
    options.seed = 7;
    options.frames = 24;
    options.width = 128;
    options.height = 128;
    options.quiet = true;
    return options;
}

class GenerateTwoClips : public ::testing::Test {
protected:
    static void TearDownTestSuite() { fs::remove_all(sDir); }
    static void SetUpTestSuite() {
        sDir = freshDir("generate_two_clips");
        auto report = generateDataset(twoClipOptions(sDir));
        ASSERT_TRUE(report.ok()) << report.error().message;
        sReport = *report;
    }
    static inline fs::path sDir;
    static inline GenerateReport sReport;
};

TEST_F(GenerateTwoClips, WritesTwoCompleteClipsAndACard) {
    EXPECT_EQ(sReport.clipsWritten, 2u);
    EXPECT_EQ(exporters::listCompleteClips(sDir),
              (std::vector<std::string>{"clip_000000", "clip_000001"}));
    json card = readJson(sDir / "dataset.json");
    ASSERT_EQ(card["clips"].size(), 2u);
    EXPECT_EQ(card["seed"], 7);
    // Nothing but complete clips in clips/.
    for (const auto& entry : fs::directory_iterator(sDir / "clips")) {
        EXPECT_FALSE(isStagingName(entry.path().filename().string())) << entry.path();
    }
}

TEST_F(GenerateTwoClips, VideosDecodeWithTheRequestedFormat) {
    for (const std::string clip : {"clip_000000", "clip_000001"}) {
        std::vector<ImageRGBA8> frames;
        auto info = exporters::decodeVideo(sDir / "clips" / clip / "rgb.mp4", &frames);
        ASSERT_TRUE(info.ok()) << info.error().message;
        EXPECT_EQ(info->codec, "h264");
        EXPECT_EQ(info->pixelFormat, "yuv420p");
        EXPECT_EQ(info->width, 128u);
        EXPECT_EQ(info->height, 128u);
        EXPECT_EQ(info->frameCount, 24);
        EXPECT_NEAR(info->fps, 24.0, 1e-6);
        ASSERT_EQ(frames.size(), 24u);

        // Not blank: many distinct colours and real contrast in every frame.
        for (const ImageRGBA8& frame : frames) {
            std::set<uint32_t> colours;
            double sum = 0, sumSq = 0;
            size_t n = size_t(frame.width) * frame.height;
            for (size_t i = 0; i < n; ++i) {
                const uint8_t* p = frame.pixels.data() + 4 * i;
                colours.insert(uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2]);
                double luma = 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
                sum += luma;
                sumSq += luma * luma;
            }
            double stddev = std::sqrt(sumSq / double(n) - std::pow(sum / double(n), 2));
            EXPECT_GT(colours.size(), 200u);
            EXPECT_GT(stddev, 10.0);
        }
    }
}

// Objects move, and the frames change exactly when the recorded poses do: with a static
// camera, two consecutive raw frames are identical iff no object's pose changed.
TEST_F(GenerateTwoClips, FramesChangeExactlyWhenRecordedPosesChange) {
    for (const std::string clip : {"clip_000000", "clip_000001"}) {
        json meta = readJson(sDir / "clips" / clip / "clip.json");
        ASSERT_EQ(meta["camera"]["path"], "static");
        const json& perFrame = meta["per_frame"];
        const json& hashes = meta["frame_hashes"];
        ASSERT_EQ(perFrame.size(), 24u);
        ASSERT_EQ(hashes.size(), 24u);
        ASSERT_EQ(perFrame[0]["objects"].size(), meta["objects"].size());
        ASSERT_GE(meta["objects"].size(), 1u);

        int moving = 0;
        for (size_t f = 1; f < perFrame.size(); ++f) {
            bool posesChanged = perFrame[f]["objects"] != perFrame[f - 1]["objects"];
            bool framesChanged = hashes[f] != hashes[f - 1];
            if (posesChanged) ++moving;
            // Velocities can change while poses do not (resting contact): compare poses only.
            bool anyPoseMoved = false;
            for (size_t o = 0; o < perFrame[f]["objects"].size(); ++o) {
                anyPoseMoved |= perFrame[f]["objects"][o]["position_m"] !=
                                    perFrame[f - 1]["objects"][o]["position_m"] ||
                                perFrame[f]["objects"][o]["rotation_wxyz"] !=
                                    perFrame[f - 1]["objects"][o]["rotation_wxyz"];
            }
            if (!anyPoseMoved) {
                EXPECT_FALSE(framesChanged) << clip << " frame " << f;
            }
        }
        EXPECT_GE(moving, 5) << clip << ": objects should fall and tumble";

        // Objects were dropped: each ends lower than it started, and above the ground.
        for (size_t o = 0; o < meta["objects"].size(); ++o) {
            double y0 = perFrame[0]["objects"][o]["position_m"][1];
            double y1 = perFrame[23]["objects"][o]["position_m"][1];
            EXPECT_LT(y1, y0 - 0.1) << clip << " object " << o;
            EXPECT_GT(y1, -0.05) << clip << " object " << o;
        }
    }
}

TEST_F(GenerateTwoClips, MetadataRecordsCameraAndHashesRawFrames) {
    json meta = readJson(sDir / "clips" / "clip_000000" / "clip.json");
    EXPECT_EQ(meta["seed"], 7);
    EXPECT_EQ(meta["clip_index"], 0);
    const json& k = meta["camera"]["intrinsics"];
    EXPECT_EQ(k["width"], 128);
    EXPECT_NEAR(double(k["cx"]), 64.0, 1e-9);
    EXPECT_GT(double(k["fx"]), 0.0);
    EXPECT_EQ(meta["per_frame"][0]["camera_to_world"].size(), 4u);
    // Every frame records its intrinsics and both directions of its extrinsics.
    for (const json& frame : meta["per_frame"]) {
        EXPECT_EQ(frame["intrinsics"]["fx"], k["fx"]);
        EXPECT_EQ(frame["intrinsics"]["cy"], k["cy"]);
        for (int r = 0; r < 4; ++r) {
            for (int c = 0; c < 4; ++c) {
                double product = 0;
                for (int i = 0; i < 4; ++i)
                    product += double(frame["camera_to_world"][r][i]) *
                               double(frame["world_to_camera"][i][c]);
                EXPECT_NEAR(product, r == c ? 1.0 : 0.0, 1e-5);
            }
        }
    }
    EXPECT_TRUE(meta["lighting"]["sun_temperature_k"].is_null());
    for (const auto& hash : meta["frame_hashes"]) EXPECT_EQ(hash.get<std::string>().size(), 32u);
    EXPECT_FALSE(meta["sampled"].empty());
}

TEST_F(GenerateTwoClips, RerunSkipsCompleteClipsAndKeepsTheCard) {
    auto before = readFile(sDir / "dataset.json");
    auto report = generateDataset(twoClipOptions(sDir));
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->clipsWritten, 0u);
    EXPECT_EQ(report->clipsSkipped, 2u);
    EXPECT_EQ(*readFile(sDir / "dataset.json"), *before);
}

}  // namespace
}  // namespace silt::app
