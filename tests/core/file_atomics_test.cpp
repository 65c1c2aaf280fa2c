#include <gtest/gtest.h>

#include <filesystem>

#include "silt/core/FileAtomics.h"

namespace silt {
namespace {
namespace fs = std::filesystem;

fs::path freshDir(const std::string& name) {
    fs::path dir = fs::temp_directory_path() / ("silt_core_test_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

TEST(FileAtomics, WriteThenReadBack) {
    fs::path dir = freshDir("rw");
    ASSERT_TRUE(writeFileAtomic(dir / "a.txt", std::string_view("hello")).ok());
    auto text = readFile(dir / "a.txt");
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, "hello");
    // No temporary file is left beside it.
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(FileAtomics, ReadMissingFileNamesIt) {
    auto text = readFile("/nonexistent/silt/file.json");
    ASSERT_FALSE(text.ok());
    EXPECT_NE(text.error().message.find("/nonexistent/silt/file.json"), std::string::npos);
}

TEST(FileAtomics, UnwritableFolderIsReported) {
    fs::path dir = freshDir("ro");
    fs::path file = dir / "blocker";
    ASSERT_TRUE(writeFileAtomic(file, std::string_view("x")).ok());
    Status status = ensureWritableDirectory(file / "sub");
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("blocker"), std::string::npos);
}

TEST(StagingDirectory, UncommittedIsRemovedCommittedAppears) {
    fs::path dir = freshDir("stage");
    {
        StagingDirectory stage(dir / "clip_0", "t1");
        ASSERT_TRUE(stage.create().ok());
        EXPECT_TRUE(isStagingName(stage.path().filename().string()));
        ASSERT_TRUE(writeFileAtomic(stage.path() / "f", std::string_view("1")).ok());
    }
    EXPECT_TRUE(fs::is_empty(dir));
    {
        StagingDirectory stage(dir / "clip_0", "t2");
        ASSERT_TRUE(stage.create().ok());
        ASSERT_TRUE(writeFileAtomic(stage.path() / "f", std::string_view("2")).ok());
        ASSERT_TRUE(stage.commit().ok());
    }
    EXPECT_TRUE(fs::exists(dir / "clip_0" / "f"));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace silt
