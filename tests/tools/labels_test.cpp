// Labels end to end: a generated clip has labels/ with one file per frame per channel, listed
// in clip.json with id tables; the files read back to exactly the values the renderer
// produced (their recorded hashes, taken before writing, match); `silt contact-sheet` draws
// them.

#include <gtest/gtest.h>

#include "test_output.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "silt/app/Generate.h"
#include "silt/core/FileAtomics.h"
#include "silt/core/Hash.h"
#include "silt/exporters/ClipWriter.h"
#include "silt/exporters/LabelFiles.h"
#include "silt/render/Renderer.h"

namespace silt::app {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr uint32_t kFrames = 10;
constexpr uint32_t kSize = 96;

using test::freshDir;

ImageU32 widen(const ImageU16& ids) {
    ImageU32 out(ids.width, ids.height);
    for (size_t i = 0; i < ids.values.size(); ++i) out.values[i] = ids.values[i];
    return out;
}

class GeneratedLabels : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        sDir = freshDir("labels_clip");
        GenerateOptions options;
        options.out = sDir;
        options.clips = 1;
        options.seed = 11;
        options.frames = kFrames;
        options.width = kSize;
        options.height = kSize;
        options.quiet = true;
        auto report = generateDataset(options);
        ASSERT_TRUE(report.ok()) << report.error().message;
        sClip = sDir / "clips" / "clip_000000";
        auto text = readFile(sClip / "clip.json");
        ASSERT_TRUE(text.ok());
        sJson = json::parse(*text);
    }
    static void TearDownTestSuite() { fs::remove_all(sDir); }
    static inline fs::path sDir, sClip;
    static inline json sJson;
};

TEST_F(GeneratedLabels, OneFilePerFramePerChannelListedInClipJson) {
    const json& files = sJson["files"]["labels"];
    const std::set<std::string> channels{"depth", "instance", "semantic", "normals", "flow"};
    ASSERT_EQ(files.size(), channels.size());
    for (const std::string& channel : channels) {
        ASSERT_EQ(files[channel].size(), kFrames) << channel;
        size_t onDisk = 0;
        for (const auto& entry : fs::directory_iterator(sClip / "labels" / channel)) {
            (void)entry;
            ++onDisk;
        }
        EXPECT_EQ(onDisk, kFrames) << channel;
        for (const auto& file : files[channel]) {
            EXPECT_TRUE(fs::is_regular_file(sClip / file.get<std::string>())) << file;
        }
        EXPECT_TRUE(sJson["labels"]["channels"].contains(channel)) << channel;
    }
    // Nothing but the video and the metadata at the top level: loaders of video folders see
    // no label files.
    std::set<std::string> top;
    for (const auto& entry : fs::directory_iterator(sClip)) top.insert(entry.path().filename());
    EXPECT_EQ(top, (std::set<std::string>{"clip.json", "labels", "rgb.mp4"}));
    EXPECT_EQ(sJson["labels"]["classes"]["1"], "ground");
    EXPECT_EQ(sJson["labels"]["channels"]["depth"]["unit"], "m");
}

TEST_F(GeneratedLabels, FilesReadBackToTheRenderedValuesAndTheIdTablesCoverThem) {
    const json& files = sJson["files"]["labels"];
    const json& instances = sJson["labels"]["instances"];
    const json& classes = sJson["labels"]["classes"];
    size_t objectPixels = 0, movingPixels = 0;
    for (uint32_t f = 0; f < kFrames; ++f) {
        auto path = [&](const char* channel) {
            return sClip / files[channel][f].get<std::string>();
        };
        auto depth = exporters::readNpyImage<1>(path("depth"));
        auto instance = exporters::readPng16(path("instance"));
        auto semantic = exporters::readPng16(path("semantic"));
        auto normals = exporters::readNpyImage<3>(path("normals"));
        auto flow = exporters::readNpyImage<2>(path("flow"));
        ASSERT_TRUE(depth.ok() && instance.ok() && semantic.ok() && normals.ok() && flow.ok());
        // The hash was taken from the renderer's images before they were written.
        const std::string hash = hashHex(
            hashHex(depth->bytes()) + hashHex(widen(*instance).bytes()) +
            hashHex(widen(*semantic).bytes()) + hashHex(normals->bytes()) + hashHex(flow->bytes()));
        EXPECT_EQ(hash, sJson["label_hashes"][f]) << "frame " << f;
        for (size_t i = 0; i < instance->values.size(); ++i) {
            const uint16_t id = instance->values[i];
            const uint16_t cls = semantic->values[i];
            ASSERT_TRUE(classes.contains(std::to_string(cls))) << cls;
            ASSERT_TRUE(instances.contains(std::to_string(id))) << id;
            if (id != 0) {
                ++objectPixels;
                EXPECT_EQ(instances[std::to_string(id)]["semantic_class"], cls);
                if (std::hypot(flow->values[2 * i], flow->values[2 * i + 1]) > 0.01f)
                    ++movingPixels;
            }
            if (cls == 0) {
                EXPECT_EQ(depth->values[i], 0.0f);
            } else {
                EXPECT_GT(depth->values[i], 0.0f);
                const float* n = &normals->values[3 * i];
                EXPECT_NEAR(std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]), 1.0f, 1e-4f);
            }
        }
    }
    EXPECT_GT(objectPixels, 100u);
    EXPECT_GT(movingPixels, 10u);  // the objects fall: their flow is not zero
}

TEST_F(GeneratedLabels, ContactSheetDrawsEveryChannel) {
    const fs::path sheet = sDir / "sheet.png";
    const std::string command = fmt::format("{}/bin/silt contact-sheet {} --out {} --frames 3",
                                            SILT_BINARY_DIR, sClip.string(), sheet.string());
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    auto bytes = readFile(sheet);
    ASSERT_TRUE(bytes.ok());
    ASSERT_GT(bytes->size(), 24u);
    auto be32 = [&](size_t at) {
        return uint32_t(uint8_t((*bytes)[at])) << 24 | uint32_t(uint8_t((*bytes)[at + 1])) << 16 |
               uint32_t(uint8_t((*bytes)[at + 2])) << 8 | uint32_t(uint8_t((*bytes)[at + 3]));
    };
    EXPECT_EQ(be32(16), 6 * kSize + 7 * 4);  // six tiles and their gaps
    EXPECT_EQ(be32(20), 3 * kSize + 4 * 4);

    // A clip without labels is refused with a message that says so.
    const fs::path bare = sDir / "bare";
    fs::create_directories(bare);
    ASSERT_TRUE(
        writeFileAtomic(bare / "clip.json", std::string_view(R"({"files":{"rgb":"rgb.mp4"}})"))
            .ok());
    const std::string refused =
        fmt::format("{}/bin/silt contact-sheet {} --out {} 2>{}", SILT_BINARY_DIR, bare.string(),
                    (bare / "x.png").string(), (bare / "err.txt").string());
    EXPECT_NE(std::system(refused.c_str()), 0);
    auto err = readFile(bare / "err.txt");
    ASSERT_TRUE(err.ok());
    EXPECT_NE(err->find("without labels"), std::string::npos) << *err;
}

TEST(RenderedLabelsRoundTrip, ClipWriterFilesEqualTheRendererOutputBitForBit) {
    render::RendererDesc desc;
    desc.width = 64;
    desc.height = 48;
    auto renderer = render::Renderer::create(desc);
    ASSERT_TRUE(renderer.ok()) << renderer.error().message;
    TriangleMesh quad;
    quad.positions = {{-1, 0, -1}, {1, 0, -1}, {1, 0, 1}, {-1, 0, 1}};
    quad.normals.assign(4, Vec3f::UnitY());
    quad.indices = {0, 2, 1, 0, 3, 2};
    auto mesh = (*renderer)->addMesh(quad);
    ASSERT_TRUE(mesh.ok());
    render::FrameDesc frame;
    frame.camera.intrinsics.width = 64;
    frame.camera.intrinsics.height = 48;
    frame.camera.cameraToWorld = lookAt(Vec3f(0.3f, 1.5f, 2.5f), Vec3f::Zero());
    CameraState next = frame.camera;
    next.cameraToWorld = lookAt(Vec3f(0.4f, 1.5f, 2.4f), Vec3f::Zero());
    frame.nextCamera = next;
    render::DrawItem item;
    item.mesh = *mesh;
    item.instanceId = 300;
    item.semanticClass = 17;
    item.nextModelToWorld = item.modelToWorld;
    item.nextModelToWorld(0, 3) = 0.05f;
    frame.items = {item};
    auto images = (*renderer)->renderWithLabels(frame);
    ASSERT_TRUE(images.ok()) << images.error().message;

    const fs::path dir = freshDir("labels_round_trip");
    exporters::VideoEncoderDesc video;
    video.width = 64;
    video.height = 48;
    {
        auto writer = exporters::ClipWriter::open(dir, "clip", video);
        ASSERT_TRUE(writer.ok()) << writer.error().message;
        ASSERT_TRUE((*writer)->addFrame(images->color).ok());
        ASSERT_TRUE((*writer)->addLabels(images->labels).ok());
        ASSERT_TRUE((*writer)->commit(json::object()).ok());
    }
    const fs::path labels = dir / "clips" / "clip" / "labels";
    const LabelImages& l = images->labels;
    auto same = [](const auto& a, const auto& b) {
        return a.values.size() == b.values.size() &&
               std::memcmp(a.values.data(), b.values.data(), a.bytes().size()) == 0;
    };
    EXPECT_TRUE(same(*exporters::readNpyImage<1>(labels / "depth" / "000000.npy"), l.depth));
    EXPECT_TRUE(same(*exporters::readNpyImage<3>(labels / "normals" / "000000.npy"), l.normals));
    EXPECT_TRUE(same(*exporters::readNpyImage<2>(labels / "flow" / "000000.npy"), l.flow));
    EXPECT_TRUE(same(widen(*exporters::readPng16(labels / "instance" / "000000.png")), l.instance));
    EXPECT_TRUE(same(widen(*exporters::readPng16(labels / "semantic" / "000000.png")), l.semantic));
    // The frame is not trivial: the quad, its ids and a non-zero flow are there.
    EXPECT_NE(std::count(l.instance.values.begin(), l.instance.values.end(), 300u), 0);
    EXPECT_NE(std::count(l.semantic.values.begin(), l.semantic.values.end(), 17u), 0);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace silt::app
