// A user's folder of models: every format, normalisation, repair, refusal, caching.

#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <assimp/Exporter.hpp>
#include <assimp/Importer.hpp>
#include <cmath>

#include "TestFiles.h"
#include "silt/assets/AssetLibrary.h"
#include "silt/assets/MassProperties.h"
#include "silt/assets/UserAssets.h"

namespace silt::assets {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::writeText;

/// An axis-aligned box as OBJ text, optionally without its top face (+y).
std::string boxObj(const Vec3f& lo, const Vec3f& hi, bool withTop = true) {
    std::string out;
    for (int i = 0; i < 8; ++i) {
        out += fmt::format("v {} {} {}\n", (i & 1) ? hi.x() : lo.x(), (i & 2) ? hi.y() : lo.y(),
                           (i & 4) ? hi.z() : lo.z());
    }
    // Outward quads (1-based): -z, +z, -y, +y, -x, +x.
    const char* faces[] = {"1 3 4 2", "5 6 8 7", "1 2 6 5", "3 7 8 4", "1 5 7 3", "2 4 8 6"};
    for (int f = 0; f < 6; ++f) {
        if (!withTop && f == 3) continue;
        out += fmt::format("f {}\n", faces[f]);
    }
    return out;
}

/// An open tube (no caps) around the z axis: its holes are too long to fill.
std::string openTubeObj(int segments) {
    std::string out;
    for (int i = 0; i < segments; ++i) {
        const double a = 2 * M_PI * i / segments;
        out += fmt::format("v {} {} 0\nv {} {} 1\n", std::cos(a), std::sin(a), std::cos(a),
                           std::sin(a));
    }
    for (int i = 0; i < segments; ++i) {
        const int a = 2 * i + 1, b = 2 * ((i + 1) % segments) + 1;
        out += fmt::format("f {} {} {} {}\n", a, b, b + 1, a + 1);
    }
    return out;
}

std::string tetraPly() {
    return "ply\nformat ascii 1.0\nelement vertex 4\nproperty float x\nproperty float y\n"
           "property float z\nelement face 4\nproperty list uchar int vertex_indices\n"
           "end_header\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n3 0 2 1\n3 0 1 3\n3 0 3 2\n3 1 2 3\n";
}

/// A box tall along z (a Z-up file): 0.2 x 0.2 wide, 0.6 high.
std::string tallBoxStl() {
    const Vec3f lo(-0.1f, -0.1f, 0.0f), hi(0.1f, 0.1f, 0.6f);
    auto v = [&](int i) {
        return Vec3f((i & 1) ? hi.x() : lo.x(), (i & 2) ? hi.y() : lo.y(),
                     (i & 4) ? hi.z() : lo.z());
    };
    const int tris[12][3] = {{0, 2, 3}, {0, 3, 1}, {4, 5, 7}, {4, 7, 6}, {0, 1, 5}, {0, 5, 4},
                             {2, 6, 7}, {2, 7, 3}, {0, 4, 6}, {0, 6, 2}, {1, 3, 7}, {1, 7, 5}};
    std::string out = "solid tall\n";
    for (const auto& t : tris) {
        out += " facet normal 0 0 0\n  outer loop\n";
        for (int k : t) out += fmt::format("   vertex {} {} {}\n", v(k).x(), v(k).y(), v(k).z());
        out += "  endloop\n endfacet\n";
    }
    return out + "endsolid tall\n";
}

void exportWithAssimp(const fs::path& from, const fs::path& to, const char* format) {
    Assimp::Importer importer;
    const aiScene* scene = importer.ReadFile(from.string(), aiProcess_Triangulate);
    ASSERT_NE(scene, nullptr) << importer.GetErrorString();
    Assimp::Exporter exporter;
    ASSERT_EQ(exporter.Export(scene, format, to.string()), aiReturn_SUCCESS)
        << format << ": " << exporter.GetErrorString();
}

class UserFolder : public ::testing::Test {
protected:
    void SetUp() override {
        ::setenv("SILT_CACHE_DIR", (mCache.path()).c_str(), 1);
        fs::create_directories(mDir.path() / "furniture");
        fs::create_directories(mDir.path() / "toys");
    }
    void TearDown() override { ::unsetenv("SILT_CACHE_DIR"); }
    AssetLibrary openWithUser(std::vector<std::string>* messages = nullptr,
                              const UserAssetLimits& limits = {}) {
        auto library = AssetLibrary::open(testing::sourceMeshDir());
        EXPECT_TRUE(library.ok());
        auto added = library->addUserFolder(mDir.path(), limits);
        EXPECT_TRUE(added.ok()) << added.error().message;
        if (messages) *messages = *added;
        return std::move(*library);
    }
    TempDir mDir;
    TempDir mCache{"cache"};
};

bool anyContains(const std::vector<std::string>& lines, const std::string& a,
                 const std::string& b) {
    for (const std::string& line : lines)
        if (line.find(a) != std::string::npos && line.find(b) != std::string::npos) return true;
    return false;
}

TEST_F(UserFolder, EveryFormatImportsTaggedByFolderOrSidecar) {
    writeText(mDir.path() / "furniture" / "cube.obj", boxObj({0, 0, 0}, {0.5f, 0.5f, 0.5f}));
    writeText(mDir.path() / "toys" / "tetra.ply", tetraPly());
    writeText(mDir.path() / "tall.stl", tallBoxStl());
    writeText(mDir.path() / "tall.json", R"({"category": "tools", "up_axis": "z"})");
    fs::copy_file(testing::sourceMeshDir() / "cup.gltf", mDir.path() / "toys" / "mug.gltf");
    exportWithAssimp(testing::sourceMeshDir() / "cup.gltf", mDir.path() / "toys" / "mug2.glb",
                     "glb2");
    exportWithAssimp(testing::sourceMeshDir() / "cup.gltf", mDir.path() / "toys" / "mug3.fbx",
                     "fbxa");  // Assimp 5.2 cannot read back its own binary FBX
    std::vector<std::string> messages;
    AssetLibrary library = openWithUser(&messages);
    for (const auto& m : messages) EXPECT_EQ(m.rfind("skipped", 0), std::string::npos) << m;
    const std::pair<const char*, const char*> expected[] = {
        {"cube", "furniture"}, {"tetra", "toys"}, {"tall", "tools"},
        {"mug", "toys"},       {"mug2", "toys"},  {"mug3", "toys"}};
    for (const auto& [name, category] : expected) {
        const AssetInfo* info = library.find(name);
        ASSERT_NE(info, nullptr) << name;
        EXPECT_EQ(info->category, category) << name;
        EXPECT_TRUE(info->user);
        auto mesh = library.load(name);
        ASSERT_TRUE(mesh.ok()) << mesh.error().message;
        const auto box = mesh->bounds();
        EXPECT_NEAR(box.min().y(), 0.0f, 1e-5f) << name;
        EXPECT_NEAR(box.center().x(), 0.0f, 1e-5f) << name;
        EXPECT_NEAR(box.center().z(), 0.0f, 1e-5f) << name;
        EXPECT_GT(computeMassProperties(*mesh, 1.0f).volume, 0.0f) << name;
    }
    // Z-up: the tall side now stands along +Y.
    auto tall = library.load("tall");
    EXPECT_NEAR(tall->bounds().sizes().y(), 0.6f, 1e-4f);
    EXPECT_NEAR(tall->bounds().sizes().x(), 0.2f, 1e-4f);
    // Every copy of the mug has the bundled mug's height (glTF, GLB and FBX agree).
    for (const char* name : {"mug", "mug2", "mug3"})
        EXPECT_NEAR(library.load(name)->bounds().sizes().y(), 0.1f, 0.002f) << name;
    // Bundled assets are still there.
    EXPECT_NE(library.find("chair"), nullptr);
}

TEST_F(UserFolder, UnitsAndTargetSizeNormaliseScale) {
    // A 100 cm cube: 1 m once units apply; then fitted into [0.1, 0.4] m.
    writeText(mDir.path() / "furniture" / "big.obj", boxObj({0, 0, 0}, {100, 100, 100}));
    writeText(mDir.path() / "furniture" / "big.json",
              R"({"unit": "cm", "target_size": [0.1, 0.4], "density": 800})");
    // A 2 mm cube in metres is below the default range: scaled up to 5 cm.
    writeText(mDir.path() / "crumb.obj", boxObj({0, 0, 0}, {0.002f, 0.002f, 0.002f}));
    // A 30 cm cube in range keeps its size.
    writeText(mDir.path() / "fine.obj", boxObj({1, 1, 1}, {1.3f, 1.3f, 1.3f}));
    std::vector<std::string> messages;
    AssetLibrary library = openWithUser(&messages);
    EXPECT_NEAR(library.load("big")->bounds().sizes().maxCoeff(), 0.4f, 1e-5f);
    EXPECT_FLOAT_EQ(library.find("big")->density, 800.0f);
    EXPECT_NEAR(library.load("crumb")->bounds().sizes().maxCoeff(), 0.05f, 1e-5f);
    EXPECT_NEAR(library.load("fine")->bounds().sizes().maxCoeff(), 0.3f, 1e-5f);
    EXPECT_TRUE(anyContains(messages, "big.obj", "scaled by"));
}

TEST_F(UserFolder, SmallHolesAreFilledLargeOnesUseTheHullForMass) {
    writeText(mDir.path() / "lidless.obj", boxObj({0, 0, 0}, {0.3f, 0.3f, 0.3f}, false));
    writeText(mDir.path() / "tube.obj", openTubeObj(100));
    writeText(mDir.path() / "tube.json", R"({"target_size": 1.0})");
    std::vector<std::string> messages;
    AssetLibrary library = openWithUser(&messages);
    // The missing lid is a 4-edge hole: closed, so the volume is the full cube's.
    auto lidless = library.load("lidless");
    ASSERT_TRUE(lidless.ok());
    EXPECT_NEAR(computeMassProperties(*lidless, 1.0f).volume, 0.027f, 1e-5f);
    EXPECT_FALSE(library.find("lidless")->massFromHull);
    EXPECT_TRUE(anyContains(messages, "lidless.obj", "filled 1 small holes"));
    // The tube's 100-edge ends stay open: mass comes from the convex hull, and we are told.
    EXPECT_TRUE(library.find("tube")->massFromHull);
    EXPECT_TRUE(anyContains(messages, "tube.obj", "convex hull"));
    const float hullVolume =
        computeMassProperties(convexHullMesh(library.load("tube")->positions), 1.0f).volume;
    EXPECT_NEAR(hullVolume, static_cast<float>(M_PI) * 0.25f * 0.5f, 0.01f);
}

TEST_F(UserFolder, BadFilesAreSkippedWithTheirNameAndTheRestLoads) {
    writeText(mDir.path() / "good.obj", boxObj({0, 0, 0}, {0.2f, 0.2f, 0.2f}));
    writeText(mDir.path() / "empty.stl", "");
    writeText(mDir.path() / "corrupt.glb", "glTF\x02\x00\x00\x00 this is not a real buffer");
    writeText(mDir.path() / "flat.obj", "v 0 0 0\nv 1 0 0\nv 2 0 0\nf 1 2 3\n");
    writeText(mDir.path() / "huge.obj",
              boxObj({0, 0, 0}, {0.2f, 0.2f, 0.2f}) + std::string(4096, '#') + "\n");
    writeText(mDir.path() / "badside.obj", boxObj({0, 0, 0}, {0.2f, 0.2f, 0.2f}));
    writeText(mDir.path() / "badside.json", R"({"unit": "furlong"})");
    writeText(mDir.path() / "chair.obj", boxObj({0, 0, 0}, {0.2f, 0.2f, 0.2f}));
    UserAssetLimits limits;
    limits.maxFileBytes = 2048;
    std::vector<std::string> messages;
    AssetLibrary library = openWithUser(&messages, limits);
    EXPECT_NE(library.find("good"), nullptr);
    EXPECT_TRUE(anyContains(messages, "empty.stl", "empty file"));
    EXPECT_TRUE(anyContains(messages, "skipped", "corrupt.glb"));
    EXPECT_TRUE(anyContains(messages, "flat.obj", "degenerate"));
    EXPECT_TRUE(anyContains(messages, "huge.obj", "limit"));
    EXPECT_TRUE(anyContains(messages, "badside.json", "/unit"));
    EXPECT_TRUE(anyContains(messages, "chair.obj", "already exists"));
    for (const char* name : {"empty", "corrupt", "flat", "huge", "badside"})
        EXPECT_EQ(library.find(name), nullptr) << name;
    // The bundled chair was not replaced.
    EXPECT_FALSE(library.find("chair")->user);

    // Too many triangles is refused the same way.
    limits = {};
    limits.maxTriangles = 10;
    std::vector<std::string> few;
    AssetLibrary strict = openWithUser(&few, limits);
    EXPECT_EQ(strict.find("good"), nullptr);
    EXPECT_TRUE(anyContains(few, "good.obj", "triangles is over the limit of 10"));
}

TEST_F(UserFolder, ProcessedAssetsAreCachedByContentHash) {
    writeText(mDir.path() / "cube.obj", boxObj({0, 0, 0}, {0.5f, 0.5f, 0.5f}));
    openWithUser();
    size_t cached = 0;
    for (const auto& entry : fs::directory_iterator(mCache.path() / "assets")) {
        EXPECT_EQ(entry.path().extension(), ".bin");
        ++cached;
    }
    EXPECT_EQ(cached, 1u);
    // Same content under the same name: a cache hit gives the same mesh. A changed file is a
    // new key.
    AssetLibrary again = openWithUser();
    EXPECT_NEAR(again.load("cube")->bounds().sizes().x(), 0.5f, 1e-6f);
    writeText(mDir.path() / "cube.obj", boxObj({0, 0, 0}, {0.4f, 0.5f, 0.5f}));
    AssetLibrary changed = openWithUser();
    EXPECT_NEAR(changed.load("cube")->bounds().sizes().x(), 0.4f, 1e-6f);
    cached = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(mCache.path() / "assets"))
        ++cached;
    EXPECT_EQ(cached, 2u);
}

TEST(UserFolderErrors, MissingFolderIsAnError) {
    auto library = AssetLibrary::open(testing::sourceMeshDir());
    ASSERT_TRUE(library.ok());
    auto added = library->addUserFolder("/nonexistent/silt/user");
    ASSERT_FALSE(added.ok());
    EXPECT_NE(added.error().message.find("/nonexistent/silt/user"), std::string::npos);
}

}  // namespace
}  // namespace silt::assets
