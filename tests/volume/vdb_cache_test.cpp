// The per-frame .vdb cache: round trip, atomic replacement, clear errors.

#include "silt/volume/VdbCache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "particle_shapes.h"
#include "silt/volume/Surfacer.h"

namespace silt::volume {
namespace {

std::filesystem::path freshFolder(const std::string& name) {
    const std::filesystem::path folder =
        std::filesystem::path(SILT_BINARY_DIR) / "test-output" / "volume" / name;
    std::filesystem::remove_all(folder);
    return folder;
}

LevelSet ballLevelSet(float radius) {
    SurfacerDesc desc;
    desc.voxelSize = 0.01f;
    desc.particleRadius = 0.015f;
    const std::vector<Vec3f> particles =
        test::makeBall(Vec3f(0.1f, 0.2f, 0.3f), radius, 0.02f, 0.25f, 4);
    Result<LevelSet> levelSet = rasterizeParticles(ParticleView{particles, {}, {}}, desc);
    SILT_CHECK(levelSet.ok());
    return std::move(levelSet).value();
}

TEST(VdbCache, RoundTripKeepsEveryActiveVoxel) {
    const LevelSet original = ballLevelSet(0.2f);
    ASSERT_GT(original.activeVoxelCount(), 1000u);

    const VdbCache cache(freshFolder("round-trip"), "sand");
    ASSERT_TRUE(cache.write(original, 7).ok());
    const std::filesystem::path path = cache.framePath(7);
    EXPECT_EQ(path.filename(), "sand.00007.vdb");
    ASSERT_TRUE(std::filesystem::exists(path));

    Result<LevelSet> loaded = VdbCache::read(path);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->activeVoxelCount(), original.activeVoxelCount());
    EXPECT_EQ(loaded->voxelSize(), original.voxelSize());
    EXPECT_EQ(loaded->background(), original.background());
    EXPECT_EQ(loaded->contentHash(), original.contentHash());
    // Spot checks independent of the hash: voxels through the ball's centre, in and out.
    for (int i = -30; i <= 40; ++i) {
        ASSERT_EQ(loaded->voxelValue(i, 20, 30), original.voxelValue(i, 20, 30)) << "i=" << i;
    }
    EXPECT_LT(loaded->sample(Vec3f(0.1f, 0.2f, 0.3f)), 0.0f);
    EXPECT_GT(loaded->sample(Vec3f(0.1f, 0.2f, 0.6f)), 0.0f);
}

TEST(VdbCache, RewritingAFrameReplacesItAndLeavesNoTemporaryFiles) {
    const std::filesystem::path folder = freshFolder("rewrite");
    const VdbCache cache(folder);
    const LevelSet small = ballLevelSet(0.1f);
    const LevelSet large = ballLevelSet(0.2f);
    ASSERT_NE(small.activeVoxelCount(), large.activeVoxelCount());
    ASSERT_TRUE(cache.write(small, 0).ok());
    ASSERT_TRUE(cache.write(large, 0).ok());
    ASSERT_TRUE(cache.write(LevelSet(), 1).ok());

    size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        EXPECT_EQ(entry.path().extension(), ".vdb") << entry.path();
        ++files;
    }
    EXPECT_EQ(files, 2u);
    Result<LevelSet> loaded = VdbCache::read(cache.framePath(0));
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->contentHash(), large.contentHash());
    Result<LevelSet> empty = VdbCache::read(cache.framePath(1));
    ASSERT_TRUE(empty.ok()) << empty.error().message;
    EXPECT_TRUE(empty->empty());
}

TEST(VdbCache, ReadErrorsNameTheFile) {
    const std::filesystem::path folder = freshFolder("errors");
    std::filesystem::create_directories(folder);
    Result<LevelSet> missing = VdbCache::read(folder / "absent.vdb");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("absent.vdb"), std::string::npos);

    const std::filesystem::path garbage = folder / "garbage.vdb";
    std::ofstream(garbage) << "not a vdb file";
    Result<LevelSet> bad = VdbCache::read(garbage);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("garbage.vdb"), std::string::npos);
}

TEST(VdbCache, UnwritableFolderIsAnError) {
    const std::filesystem::path folder = freshFolder("blocked");
    std::filesystem::create_directories(folder.parent_path());
    std::ofstream(folder) << "a file where the folder should be";
    const VdbCache cache(folder / "frames");
    Status written = cache.write(ballLevelSet(0.1f), 0);
    ASSERT_FALSE(written.ok());
    EXPECT_NE(written.error().message.find("frames"), std::string::npos);
    std::filesystem::remove(folder);
}

}  // namespace
}  // namespace silt::volume
