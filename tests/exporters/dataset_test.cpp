#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "TestSupport.h"
#include "silt/core/FileAtomics.h"
#include "silt/exporters/ClipWriter.h"
#include "silt/exporters/Dataset.h"

namespace silt::exporters {
namespace {
namespace fs = std::filesystem;
using test::syntheticFrame;
using test::TempDir;

void writeClip(const fs::path& dataset, const std::string& name, uint32_t frames,
               const nlohmann::json& metadata) {
    VideoEncoderDesc desc;
    desc.width = 32;
    desc.height = 32;
    auto writer = ClipWriter::open(dataset, name, desc);
    ASSERT_TRUE(writer.ok()) << writer.error().message;
    for (uint32_t i = 0; i < frames; ++i) {
        ASSERT_TRUE((*writer)->addFrame(syntheticFrame(32, 32, i)).ok());
    }
    Status s = (*writer)->commit(metadata);
    ASSERT_TRUE(s.ok()) << s.error().message;
}

TEST(Dataset, ListsCardsAndCleansOnlyCompleteClips) {
    TempDir dir;
    writeClip(dir.path(), "clip_00001", 3, {{"caption", "sand pours onto a chair"}});
    // What a killed run leaves: a staging folder with a half-written video and even a
    // clip.json, and a plain folder that never got its clip.json.
    const fs::path leftover = dir.path() / "clips" / "clip_00000.partial-999";
    fs::create_directories(leftover);
    std::ofstream(leftover / "rgb.mp4") << "truncated";
    std::ofstream(leftover / "clip.json") << "{}";
    fs::create_directories(dir.path() / "clips" / "not_a_clip");

    EXPECT_EQ(listCompleteClips(dir.path()), std::vector<std::string>{"clip_00001"});

    Status s = writeDatasetCard(dir.path(), {{"name", "test-set"}, {"seed", 7}});
    ASSERT_TRUE(s.ok()) << s.error().message;
    Result<std::string> text = readFile(dir.path() / "dataset.json");
    ASSERT_TRUE(text.ok());
    const nlohmann::json card = nlohmann::json::parse(*text);
    EXPECT_EQ(card["name"], "test-set");
    EXPECT_EQ(card["seed"], 7);
    ASSERT_EQ(card["clips"].size(), 1u);
    const nlohmann::json expected = {{"name", "clip_00001"},
                                     {"frames", 3},
                                     {"caption", "sand pours onto a chair"},
                                     {"video", "clips/clip_00001/rgb.mp4"}};
    EXPECT_EQ(card["clips"][0], expected);
    EXPECT_TRUE(fs::is_regular_file(dir.path() / card["clips"][0]["video"].get<std::string>()));
    EXPECT_EQ(*text, card.dump(2) + "\n");

    removeStaleStaging(dir.path());
    EXPECT_FALSE(fs::exists(leftover));
    EXPECT_TRUE(fs::exists(dir.path() / "clips" / "clip_00001" / "clip.json"));
    EXPECT_TRUE(fs::exists(dir.path() / "clips" / "not_a_clip"));
}

TEST(Dataset, CardIsSortedAndCaptionIsOptional) {
    TempDir dir;
    writeClip(dir.path(), "b", 2, {{"caption", "second"}});
    writeClip(dir.path(), "a", 1, nlohmann::json::object());
    EXPECT_EQ(listCompleteClips(dir.path()), (std::vector<std::string>{"a", "b"}));
    ASSERT_TRUE(writeDatasetCard(dir.path(), nullptr).ok());
    Result<std::string> text = readFile(dir.path() / "dataset.json");
    ASSERT_TRUE(text.ok());
    const nlohmann::json card = nlohmann::json::parse(*text);
    ASSERT_EQ(card["clips"].size(), 2u);
    EXPECT_EQ(card["clips"][0]["name"], "a");
    EXPECT_EQ(card["clips"][0]["frames"], 1);
    EXPECT_FALSE(card["clips"][0].contains("caption"));
    EXPECT_EQ(card["clips"][1]["name"], "b");
    EXPECT_EQ(card["clips"][1]["caption"], "second");
}

TEST(Dataset, EmptyOrMissingDatasetHasNoClips) {
    TempDir dir;
    EXPECT_TRUE(listCompleteClips(dir.path() / "nowhere").empty());
    ASSERT_TRUE(writeDatasetCard(dir.path(), {{"name", "empty"}}).ok());
    Result<std::string> text = readFile(dir.path() / "dataset.json");
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(nlohmann::json::parse(*text)["clips"], nlohmann::json::array());
}

TEST(Dataset, CorruptClipJsonIsAnErrorNamingIt) {
    TempDir dir;
    fs::create_directories(dir.path() / "clips" / "broken");
    std::ofstream(dir.path() / "clips" / "broken" / "clip.json") << "{ not json";
    Status s = writeDatasetCard(dir.path(), nullptr);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find((dir.path() / "clips" / "broken" / "clip.json").string()),
              std::string::npos)
        << s.error().message;
    EXPECT_FALSE(fs::exists(dir.path() / "dataset.json"));
}

}  // namespace
}  // namespace silt::exporters
