#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "silt/core/FileAtomics.h"
#include "silt/exporters/ParticlePly.h"

namespace silt::exporters {
namespace {
namespace fs = std::filesystem;

TEST(ParticlePly, RoundTripsEveryFieldBitForBit) {
    fs::path path = fs::temp_directory_path() / ("silt_ply_" + std::to_string(getpid()) + ".ply");
    std::vector<Vec3f> positions = {{0.1f, 0.2f, 0.3f}, {-1e-7f, 5.5f, 1e6f}, {0, 0, 0}};
    std::vector<Vec3f> velocities = {{1, 2, 3}, {-4, 5.25f, -6}, {0, -9.81f, 0}};
    std::vector<uint8_t> materials = {0, 1, 255};
    ASSERT_TRUE(writeParticlePly(path, positions, velocities, materials).ok());
    auto frame = readParticlePly(path);
    ASSERT_TRUE(frame.ok()) << frame.error().message;
    EXPECT_EQ(frame->positions, positions);
    EXPECT_EQ(frame->velocities, velocities);
    EXPECT_EQ(frame->materials, materials);
    // The header is what external tools expect.
    std::string text = *readFile(path);
    EXPECT_EQ(text.rfind("ply\nformat binary_little_endian 1.0\n", 0), 0u);
    EXPECT_NE(text.find("element vertex 3\n"), std::string::npos);
    fs::remove(path);
}

TEST(ParticlePly, TruncatedFileIsReported) {
    fs::path path = fs::temp_directory_path() / ("silt_ply_bad_" + std::to_string(getpid()) + ".ply");
    std::vector<Vec3f> p(4, Vec3f::Ones());
    std::vector<uint8_t> m(4, 1);
    ASSERT_TRUE(writeParticlePly(path, p, p, m).ok());
    fs::resize_file(path, fs::file_size(path) - 5);
    auto frame = readParticlePly(path);
    ASSERT_FALSE(frame.ok());
    EXPECT_NE(frame.error().message.find(path.string()), std::string::npos);
    EXPECT_NE(frame.error().message.find("4 particle records"), std::string::npos);
    fs::remove(path);
}

}  // namespace
}  // namespace silt::exporters
