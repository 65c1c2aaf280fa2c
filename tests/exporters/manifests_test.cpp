// Trainer manifests, WebDataset shards and validation on a small synthetic dataset written
// with ClipWriter, read back by an independent reader (Python's csv, json and tarfile).

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "TestSupport.h"
#include "silt/core/FileAtomics.h"
#include "silt/core/Hash.h"
#include "silt/exporters/ClipWriter.h"
#include "silt/exporters/Dataset.h"
#include "silt/exporters/Manifests.h"
#include "silt/exporters/Publish.h"
#include "silt/exporters/Validate.h"
#include "silt/exporters/WebDataset.h"

namespace silt::exporters {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using test::TempDir;

constexpr uint32_t kSize = 64;
constexpr uint32_t kFrames = 4;
// A caption with every character CSV must quote.
const std::string kTrickyCaption = "A cup, a \"bowl\" and 3 rocks; sand , water";

/// Label channels with values that differ per pixel and per frame.
LabelImages syntheticLabels(uint32_t frame) {
    LabelImages labels{ImageF32(kSize, kSize), ImageU32(kSize, kSize), ImageU32(kSize, kSize),
                       ImageVec3f(kSize, kSize), ImageVec2f(kSize, kSize)};
    for (size_t i = 0; i < size_t{kSize} * kSize; ++i) {
        labels.depth.values[i] = 1.0f + 0.01f * float(i % 97) + float(frame);
        labels.instance.values[i] = uint32_t((i / 16 + frame) % 5);
        labels.semantic.values[i] = uint32_t((i / 32) % 3);
    }
    for (float& v : labels.normals.values) v = 0.5f;
    for (float& v : labels.flow.values) v = 0.25f * float(frame);
    return labels;
}

void writeClip(const fs::path& dir, uint64_t index, json extra, bool withLabels = false) {
    VideoEncoderDesc video;
    video.width = kSize;
    video.height = kSize;
    video.fps = 12;
    auto writer = ClipWriter::open(dir, fmt::format("clip_{:06d}", index), video);
    ASSERT_TRUE(writer.ok()) << writer.error().message;
    for (uint32_t f = 0; f < kFrames; ++f) {
        ASSERT_TRUE(
            (*writer)->addFrame(test::syntheticFrame(kSize, kSize, f + uint32_t(index))).ok());
        if (withLabels) {
            ASSERT_TRUE((*writer)->addLabels(syntheticLabels(f)).ok());
        }
    }
    json meta = {{"clip_index", index}, {"frames", kFrames}, {"fps", 12},
                 {"width", kSize},      {"height", kSize},   {"seed", 1}};
    meta.update(extra);
    ASSERT_TRUE((*writer)->commit(meta).ok());
}

/// Three clips: one with a caption that needs CSV quoting, two captioned from their objects.
void writeDataset(const fs::path& dir) {
    writeClip(dir, 0, {{"caption", kTrickyCaption}});
    writeClip(
        dir, 1,
        {{"objects", json::array({{{"asset", "cup"}}, {{"asset", "cup"}}, {{"asset", "chair"}}})}});
    writeClip(dir, 2, {{"objects", json::array({{{"asset", "rock"}}})}}, /*withLabels=*/true);
    // A label file like the renderer's label channels: a lossless video next to rgb.mp4.
    fs::create_directories(dir / "clips" / "clip_000002" / "labels");
    std::ofstream(dir / "clips" / "clip_000002" / "labels" / "instance.mkv") << "not a clip video";
}

json runReader(const fs::path& dir) {
    const std::string command =
        fmt::format("python3 {}/tests/exporters/read_dataset.py {}", SILT_SOURCE_DIR, dir.string());
    FILE* pipe = popen(command.c_str(), "r");
    EXPECT_NE(pipe, nullptr);
    std::string text;
    char buffer[4096];
    for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) text.append(buffer, n);
    EXPECT_EQ(pclose(pipe), 0) << "the Python reader failed on " << dir;
    return json::parse(text);
}

std::string sha256(const fs::path& path) {
    // Python computes SHA-256; compare through the same tool rather than reimplementing it.
    FILE* pipe = popen(fmt::format("sha256sum {}", path.string()).c_str(), "r");
    char buffer[128] = {};
    EXPECT_NE(fgets(buffer, sizeof buffer, pipe), nullptr);
    pclose(pipe);
    return std::string(buffer, 64);
}

TEST(CsvField, QuotesOnlyWhatNeedsIt) {
    EXPECT_EQ(csvField("plain text"), "plain text");
    EXPECT_EQ(csvField("a,b"), "\"a,b\"");
    EXPECT_EQ(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csvField("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csvField(" padded"), "\" padded\"");
    std::vector<std::vector<std::string>> rows;
    ASSERT_TRUE(parseCsv(csvField("x,\"y\"") + "," + csvField("z") + "\n", &rows));
    EXPECT_EQ(rows, (std::vector<std::vector<std::string>>{{"x,\"y\"", "z"}}));
    EXPECT_FALSE(parseCsv("\"unterminated", &rows));
}

TEST(ClipCaption, UsesTheCaptionElseDescribesTheObjects) {
    EXPECT_EQ(clipCaption({{"caption", "Sand\npours."}}), "Sand pours.");
    const std::string built = clipCaption(
        {{"objects", json::array({{{"asset", "cup"}}, {{"asset", "cup"}}, {{"asset", "chair"}}})}});
    EXPECT_NE(built.find("chair"), std::string::npos) << built;
    EXPECT_NE(built.find("two cups"), std::string::npos) << built;
    EXPECT_EQ(built.find('\n'), std::string::npos);
    EXPECT_NE(clipCaption({{"objects", json::array({{{"asset", "rock"}}})}}), built);
}

TEST(Manifests, EveryManifestReadsBackWithAnIndependentReader) {
    TempDir tmp;
    writeDataset(tmp.path());
    ASSERT_TRUE(publishDataset(tmp.path(), json{{"seed", 1}}, ShardDesc{2}).ok());
    json r = runReader(tmp.path());

    const std::vector<std::string> names = {"clip_000000", "clip_000001", "clip_000002"};
    std::vector<std::string> captions;
    for (const std::string& name : names) {
        auto meta = json::parse(*readFile(tmp.path() / "clips" / name / "clip.json"));
        captions.push_back(clipCaption(meta));
    }
    EXPECT_EQ(captions[0], kTrickyCaption);
    EXPECT_NE(captions[1].find("cups"), std::string::npos);

    ASSERT_EQ(r["videofolder"].size(), 3u);
    EXPECT_EQ(r["videofolder_header"], json::array({"file_name", "caption"}));
    EXPECT_EQ(r["opensora_header"], json::array({"path", "text", "num_frames", "height", "width",
                                                 "aspect_ratio", "resolution", "fps"}));
    for (size_t i = 0; i < names.size(); ++i) {
        const std::string video = "videos/" + names[i] + ".mp4";
        const std::string rgbSha = sha256(tmp.path() / "clips" / names[i] / "rgb.mp4");
        EXPECT_EQ(r["videofolder"][i]["file_name"], names[i] + ".mp4");
        EXPECT_EQ(r["videofolder"][i]["caption"], captions[i]);
        EXPECT_TRUE(r["videofolder"][i]["exists"].get<bool>());
        EXPECT_EQ(r["videofolder"][i]["sha"], rgbSha) << "videos/ must hold the clip's rgb.mp4";
        EXPECT_EQ(r["videos_txt"][i], video);
        EXPECT_EQ(r["prompts_txt"][i], captions[i]);
        const json& os = r["opensora"][i];
        EXPECT_EQ(os["path"], video);
        EXPECT_EQ(os["text"], captions[i]);
        EXPECT_EQ(os["num_frames"], kFrames);
        EXPECT_EQ(os["height"], kSize);
        EXPECT_EQ(os["width"], kSize);
        EXPECT_DOUBLE_EQ(os["aspect_ratio"].get<double>(), 1.0);
        EXPECT_EQ(os["resolution"], kSize * kSize);
        EXPECT_DOUBLE_EQ(os["fps"].get<double>(), 12.0);
        EXPECT_TRUE(os["exists"].get<bool>());
        EXPECT_EQ(r["jsonl"][i],
                  (json{{"video_path", video}, {"media_path", video}, {"caption", captions[i]}}));
        // WebDataset: {key}.json, .mp4, .txt with the clip's bytes and fixed tar metadata.
        const json& sample = r["samples"][i];
        EXPECT_EQ(sample["key"], names[i]);
        EXPECT_EQ(sample["exts"], json::array({"json", "mp4", "txt"}));
        EXPECT_EQ(sample["json"], sha256(tmp.path() / "clips" / names[i] / "clip.json"));
        EXPECT_EQ(sample["mp4"], rgbSha);
        EXPECT_EQ(sample["txt"], captions[i]);
        for (const json& meta : sample["meta"]) {
            EXPECT_EQ(meta, json::array({0, 0, 0, "", "", 0644})) << names[i];
        }
    }
    EXPECT_EQ(r["videos_txt"].size(), 3u);
    EXPECT_TRUE(r["videos_txt_exist"].get<bool>());
    EXPECT_EQ(r["samples"].size(), 3u);
    EXPECT_EQ(r["shard_index"], json::parse(R"([{"url": "shard-000000.tar", "nsamples": 2},
                                                {"url": "shard-000001.tar", "nsamples": 1}])"));
    EXPECT_EQ(r["shard_sorted"], json::array({true, true}));
    // The label video inside clips/ is not where a videofolder loader looks.
    EXPECT_EQ(r["videofolder_scan"],
              json::array({"clip_000000.mp4", "clip_000001.mp4", "clip_000002.mp4"}));

    ValidationReport report = validateDataset(tmp.path());
    EXPECT_TRUE(report.ok()) << fmt::format("{}", report.problems.front());
    EXPECT_EQ(report.clipsChecked, 3u);
}

TEST(Manifests, RepublishingIsByteIdenticalAndSkipsUnchangedShards) {
    TempDir scratch;  // one per test: both datasets live inside it
    const fs::path first = scratch.path() / "a", second = scratch.path() / "b";
    writeDataset(first);
    ASSERT_TRUE(publishDataset(first, json{{"seed", 1}}, ShardDesc{2}).ok());
    struct stat before {};
    ASSERT_EQ(::stat((first / "shards" / "shard-000000.tar").c_str(), &before), 0);

    // A second, identical dataset elsewhere gives the same bytes (no paths, times or owners).
    writeDataset(second);
    ASSERT_TRUE(publishDataset(second, json{{"seed", 1}}, ShardDesc{2}).ok());
    for (const char* file : {"shards/shard-000000.tar", "shards/shard-000001.tar",
                             "shards/index.json", "videos/metadata.csv", "opensora.csv",
                             "clips.jsonl", "videos.txt", "prompts.txt", "dataset.json"}) {
        EXPECT_EQ(*readFile(first / file), *readFile(second / file)) << file;
    }

    // Adding a clip rewrites only the last shard.
    writeClip(first, 3, {{"caption", "Four."}});
    ASSERT_TRUE(publishDataset(first, json{{"seed", 1}}, ShardDesc{2}).ok());
    struct stat after {};
    ASSERT_EQ(::stat((first / "shards" / "shard-000000.tar").c_str(), &after), 0);
    EXPECT_EQ(before.st_ino, after.st_ino) << "an unchanged shard was rewritten";
    EXPECT_NE(*readFile(first / "shards/shard-000001.tar"),
              *readFile(second / "shards/shard-000001.tar"));
    EXPECT_TRUE(validateDataset(first).ok());

    // Removing clips removes their videos and shards.
    fs::remove_all(first / "clips" / "clip_000003");
    fs::remove_all(first / "clips" / "clip_000002");
    ASSERT_TRUE(publishDataset(first, json{{"seed", 1}}, ShardDesc{2}).ok());
    EXPECT_FALSE(fs::exists(first / "videos" / "clip_000002.mp4"));
    EXPECT_FALSE(fs::exists(first / "shards" / "shard-000001.tar"));
    ValidationReport report = validateDataset(first);
    EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.problems.front());

    // No tar shards wanted: the old ones go, and the dataset is still valid without them.
    ASSERT_TRUE(publishDataset(first, json{{"seed", 1}}, ShardDesc{0}).ok());
    EXPECT_FALSE(fs::exists(first / "shards"));
    report = validateDataset(first);
    EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.problems.front());
}

/// Damages a valid dataset one way and expects validate to name the damaged file.
struct Damage {
    std::string name;
    std::function<void(const fs::path&)> apply;
    std::string mustMention;
};

class ValidateFinds : public ::testing::TestWithParam<Damage> {};

TEST_P(ValidateFinds, EachProblem) {
    TempDir tmp;
    writeDataset(tmp.path());
    ASSERT_TRUE(publishDataset(tmp.path(), json{{"seed", 1}, {"clips_requested", 3}}).ok());
    ASSERT_TRUE(validateDataset(tmp.path()).ok());
    GetParam().apply(tmp.path());
    ValidationReport report = validateDataset(tmp.path());
    ASSERT_FALSE(report.ok()) << GetParam().name << " went unnoticed";
    bool mentioned = false;
    for (const std::string& p : report.problems)
        mentioned |= p.find(GetParam().mustMention) != std::string::npos;
    EXPECT_TRUE(mentioned) << "no problem mentions " << GetParam().mustMention
                           << "; first: " << report.problems.front();
}

void dropFirstLine(const fs::path& path) {
    std::string text = *readFile(path);
    text.erase(0, text.find('\n') + 1);
    ASSERT_TRUE(writeFileAtomic(path, text).ok());
}

void appendSpace(const fs::path& path) {
    std::string text = *readFile(path);
    text.push_back(' ');
    ASSERT_TRUE(writeFileAtomic(path, text).ok());
}

void setJson(const fs::path& path, const json::json_pointer& where, const json& value) {
    json j = json::parse(*readFile(path));
    j[where] = value;
    ASSERT_TRUE(writeFileAtomic(path, j.dump(2)).ok());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ValidateFinds,
    ::testing::Values(
        Damage{"prompt_line_dropped", [](const fs::path& d) { dropFirstLine(d / "prompts.txt"); },
               "prompts.txt"},
        Damage{"training_video_deleted",
               [](const fs::path& d) { fs::remove(d / "videos" / "clip_000001.mp4"); },
               "clip_000001.mp4"},
        Damage{"video_truncated",
               [](const fs::path& d) {
                   fs::path p = d / "clips" / "clip_000001" / "rgb.mp4";
                   fs::remove(d / "videos" / "clip_000001.mp4");
                   fs::resize_file(p, fs::file_size(p) / 2);
               },
               "clip_000001/rgb.mp4"},
        Damage{"frame_count_edited",
               [](const fs::path& d) {
                   setJson(d / "clips" / "clip_000002" / "clip.json", json::json_pointer("/frames"),
                           kFrames + 1);
               },
               "clip_000002"},
        Damage{"stray_video_in_videofolder",
               [](const fs::path& d) { std::ofstream(d / "videos" / "depth.mkv") << "x"; },
               "depth.mkv"},
        Damage{"partial_clip_left",
               [](const fs::path& d) {
                   fs::create_directories(d / "clips" / "clip_000003.partial-123");
               },
               "clip_000003.partial-123"},
        Damage{"clip_missing_from_jsonl",
               [](const fs::path& d) { dropFirstLine(d / "clips.jsonl"); }, "clips.jsonl"},
        Damage{"clip_deleted_after_publishing",
               [](const fs::path& d) { fs::remove_all(d / "clips" / "clip_000000"); },
               "clip_000000"},
        Damage{"shard_member_changed",
               [](const fs::path& d) { appendSpace(d / "clips" / "clip_000000" / "clip.json"); },
               "shard-000000.tar"},
        Damage{"label_file_changed",
               [](const fs::path& d) {
                   // Same shape, other values: only the recomputed label hash can tell.
                   fs::copy_file(d / "clips/clip_000002/labels/depth/000001.npy",
                                 d / "clips/clip_000002/labels/depth/000000.npy",
                                 fs::copy_options::overwrite_existing);
               },
               "label_hashes[0]"},
        Damage{"listed_label_missing",
               [](const fs::path& d) {
                   setJson(d / "clips" / "clip_000001" / "clip.json",
                           json::json_pointer("/files/depth"), "labels/depth.exr");
               },
               "labels/depth.exr"}),
    [](const auto& param) { return param.param.name; });

}  // namespace
}  // namespace silt::exporters
