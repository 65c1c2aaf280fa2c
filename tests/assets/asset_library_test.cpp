// AssetLibrary: the bundled catalogue and the errors for broken sidecars.

#include <cstdlib>

#include <gtest/gtest.h>

#include "TestFiles.h"
#include "silt/assets/AssetLibrary.h"

namespace silt::assets {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::writeText;

TEST(AssetLibrary, ListsBundledAssetsWithCategories) {
    Result<AssetLibrary> library = AssetLibrary::open(testing::sourceMeshDir());
    ASSERT_TRUE(library.ok()) << library.error().message;
    ASSERT_GE(library->assets().size(), 3u);
    for (const auto& [name, category] :
         {std::pair{"chair", "furniture"}, std::pair{"cup", "container"},
          std::pair{"boat", "vessel"}}) {
        const AssetInfo* info = library->find(name);
        ASSERT_NE(info, nullptr) << name;
        EXPECT_EQ(info->category, category);
        EXPECT_GT(info->density, 0.0f);
        EXPECT_TRUE(info->meshFile.is_absolute());
        EXPECT_EQ(info->meshFile.extension(), ".gltf");
    }
    EXPECT_EQ(library->find("unicorn"), nullptr);
    const std::vector<std::string> furniture = library->namesInCategory("furniture");
    EXPECT_TRUE(std::is_sorted(furniture.begin(), furniture.end()));
    EXPECT_NE(std::find(furniture.begin(), furniture.end(), "chair"), furniture.end());
    EXPECT_TRUE(library->namesInCategory("no-such-category").empty());
    EXPECT_TRUE(std::is_sorted(library->assets().begin(), library->assets().end(),
                               [](const auto& a, const auto& b) { return a.name < b.name; }));
}

TEST(AssetLibrary, LoadImportsTheMesh) {
    Result<AssetLibrary> library = AssetLibrary::open(testing::sourceMeshDir());
    ASSERT_TRUE(library.ok()) << library.error().message;
    Result<TriangleMesh> boat = library->load("boat");
    ASSERT_TRUE(boat.ok()) << boat.error().message;
    EXPECT_EQ(boat->name, "boat");
    EXPECT_GT(boat->triangleCount(), 100u);
    Result<TriangleMesh> missing = library->load("unicorn");
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("unicorn"), std::string::npos);
}

class BrokenSidecar : public ::testing::Test {
protected:
    void SetUp() override {
        fs::copy_file(testing::sourceMeshDir() / "cup.gltf", mDir.path() / "cup.gltf");
    }
    /// Writes cup.json and returns the error AssetLibrary::open gives (fails if it opens).
    std::string openError(const std::string& sidecar) {
        writeText(mDir.path() / "cup.json", sidecar);
        Result<AssetLibrary> library = AssetLibrary::open(mDir.path());
        EXPECT_FALSE(library.ok());
        if (library.ok()) return {};
        EXPECT_NE(library.error().message.find((mDir.path() / "cup.json").string()),
                  std::string::npos)
            << library.error().message;
        return library.error().message;
    }
    TempDir mDir;
};

TEST_F(BrokenSidecar, GoodSidecarOpens) {
    writeText(mDir.path() / "cup.json",
              R"({"name": "cup", "category": "container", "density": 2300, "description": "x"})");
    Result<AssetLibrary> library = AssetLibrary::open(mDir.path());
    ASSERT_TRUE(library.ok()) << library.error().message;
    EXPECT_EQ(library->assets().size(), 1u);
    EXPECT_FLOAT_EQ(library->assets()[0].density, 2300.0f);
}

TEST_F(BrokenSidecar, ErrorsNameTheField) {
    EXPECT_NE(openError(R"({"name": "cup", "category": "container", "density": -3})")
                  .find("/density: expected a positive number"),
              std::string::npos);
    EXPECT_NE(openError(R"({"name": "cup", "category": "container", "density": "heavy"})")
                  .find("/density"),
              std::string::npos);
    EXPECT_NE(openError(R"({"name": "cup", "density": 2300})").find("/category"),
              std::string::npos);
    EXPECT_NE(
        openError(R"({"name": "mug", "category": "container", "density": 2300})").find("/name"),
        std::string::npos);
    EXPECT_NE(openError(R"({"name": "cup", "category": 4, "density": 2300})").find("/category"),
              std::string::npos);
    EXPECT_NE(openError(R"({"name": "cup", "category": "container", "density": 2300,)")
                  .find("invalid JSON"),
              std::string::npos);
    EXPECT_NE(openError("[1, 2]").find("object"), std::string::npos);
    EXPECT_NE(
        openError(
            R"({"name": "cup", "category": "container", "density": 2300, "collision": "vhacd"})")
            .find("/collision: expected \"hull\" or \"decomposed\""),
        std::string::npos);
}

TEST_F(BrokenSidecar, CollisionKindIsReadAndDefaultsToHull) {
    writeText(mDir.path() / "cup.json",
              R"({"name": "cup", "category": "container", "density": 2300})");
    Result<AssetLibrary> plain = AssetLibrary::open(mDir.path());
    ASSERT_TRUE(plain.ok()) << plain.error().message;
    EXPECT_EQ(plain->assets()[0].collision, CollisionKind::Hull);
    writeText(
        mDir.path() / "cup.json",
        R"({"name": "cup", "category": "container", "density": 2300, "collision": "decomposed"})");
    Result<AssetLibrary> decomposed = AssetLibrary::open(mDir.path());
    ASSERT_TRUE(decomposed.ok()) << decomposed.error().message;
    EXPECT_EQ(decomposed->assets()[0].collision, CollisionKind::Decomposed);
}

TEST_F(BrokenSidecar, MissingMeshFileIsAnError) {
    fs::remove(mDir.path() / "cup.gltf");
    EXPECT_NE(
        openError(R"({"name": "cup", "category": "container", "density": 2300})").find("cup.gltf"),
        std::string::npos);
}

TEST(AssetLibrary, MissingFolderIsAnError) {
    Result<AssetLibrary> library = AssetLibrary::open("/nonexistent/silt/meshes");
    ASSERT_FALSE(library.ok());
    EXPECT_NE(library.error().message.find("/nonexistent/silt/meshes"), std::string::npos);
}

TEST(AssetLibrary, BundledMeshDirHonoursEnvironment) {
    ::unsetenv("SILT_ASSET_DIR");
    const fs::path compiledIn = bundledMeshDir();
    EXPECT_TRUE(fs::is_directory(compiledIn)) << compiledIn;
    EXPECT_TRUE(fs::exists(compiledIn / "chair.json")) << compiledIn;
    ::setenv("SILT_ASSET_DIR", "/tmp/elsewhere", 1);
    EXPECT_EQ(bundledMeshDir(), fs::path("/tmp/elsewhere"));
    ::unsetenv("SILT_ASSET_DIR");
    EXPECT_EQ(bundledMeshDir(), compiledIn);
}

}  // namespace
}  // namespace silt::assets
