#pragma once
// Helpers shared by the assets tests: a fresh temporary folder per test and the bundled
// mesh folder of this source tree.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace silt::assets::testing {

/// An empty folder unique to the running test; removed when the object goes away.
class TempDir {
public:
    explicit TempDir(const std::string& suffix = "") {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        mPath = std::filesystem::temp_directory_path() /
                ("silt_assets_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
                 std::to_string(::getpid()) + suffix);
        std::filesystem::remove_all(mPath);
        std::filesystem::create_directories(mPath);
    }
    ~TempDir() { std::filesystem::remove_all(mPath); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return mPath; }

private:
    std::filesystem::path mPath;
};

inline std::filesystem::path sourceMeshDir() {
    return std::filesystem::path(SILT_SOURCE_DIR) / "assets" / "meshes";
}

inline void writeText(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

}  // namespace silt::assets::testing
