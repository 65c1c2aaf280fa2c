// The committed meshes: closed, consistently outward-oriented, resting on y = 0, and exactly
// what the generator produces (so they cannot drift from tools/assetgen).

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include "TestFiles.h"
#include "silt/assetgen/AssetCatalog.h"
#include "silt/assetgen/AssetWriters.h"
#include "silt/assets/AssetLibrary.h"
#include "silt/assets/MassProperties.h"
#include "silt/assets/MeshImport.h"
#include "silt/core/FileAtomics.h"

namespace silt::assets {
namespace {

namespace fs = std::filesystem;

/// Vertex ids after merging vertices at identical positions (split normals make duplicates).
std::vector<uint32_t> weldedIds(const TriangleMesh& mesh) {
    std::map<std::tuple<float, float, float>, uint32_t> ids;
    std::vector<uint32_t> out;
    for (const Vec3f& p : mesh.positions) {
        auto [it, inserted] =
            ids.emplace(std::make_tuple(p.x(), p.y(), p.z()), static_cast<uint32_t>(ids.size()));
        out.push_back(it->second);
    }
    return out;
}

struct EdgeReport {
    size_t boundaryOrNonManifold = 0;  ///< undirected edges not used by exactly two triangles
    size_t inconsistent = 0;           ///< edges used twice in the same direction
};

EdgeReport checkEdges(const TriangleMesh& mesh) {
    const std::vector<uint32_t> id = weldedIds(mesh);
    std::map<std::pair<uint32_t, uint32_t>, int> directed;
    for (size_t i = 0; i < mesh.indices.size(); i += 3) {
        for (size_t k = 0; k < 3; ++k) {
            const uint32_t a = id[mesh.indices[i + k]], b = id[mesh.indices[i + (k + 1) % 3]];
            ++directed[{a, b}];
        }
    }
    std::map<std::pair<uint32_t, uint32_t>, int> undirected;
    EdgeReport report;
    for (const auto& [edge, count] : directed) {
        undirected[std::minmax(edge.first, edge.second)] += count;
        if (count != 1) ++report.inconsistent;
    }
    for (const auto& [edge, count] : undirected) {
        if (count != 2) ++report.boundaryOrNonManifold;
    }
    return report;
}

TEST(BundledMeshes, EdgeCheckDetectsHoles) {
    // The checker itself must see a missing triangle and a flipped one.
    Result<TriangleMesh> cup = importMesh(testing::sourceMeshDir() / "cup.gltf");
    ASSERT_TRUE(cup.ok()) << cup.error().message;
    TriangleMesh holed = *cup;
    holed.indices.resize(holed.indices.size() - 3);
    EXPECT_GT(checkEdges(holed).boundaryOrNonManifold, 0u);
    TriangleMesh flipped = *cup;
    std::swap(flipped.indices[1], flipped.indices[2]);
    EXPECT_GT(checkEdges(flipped).inconsistent, 0u);
}

TEST(BundledMeshes, WatertightOutwardAndGrounded) {
    Result<AssetLibrary> library = AssetLibrary::open(testing::sourceMeshDir());
    ASSERT_TRUE(library.ok()) << library.error().message;
    for (const AssetInfo& info : library->assets()) {
        Result<TriangleMesh> mesh = library->load(info.name);
        ASSERT_TRUE(mesh.ok()) << mesh.error().message;
        const EdgeReport edges = checkEdges(*mesh);
        EXPECT_EQ(edges.boundaryOrNonManifold, 0u) << info.name;
        EXPECT_EQ(edges.inconsistent, 0u) << info.name;

        const MassProperties props = computeMassProperties(*mesh, info.density);
        EXPECT_GT(props.volume, 0.0f) << info.name;
        // A plain box (the plank) fills its bounds exactly.
        EXPECT_LE(props.volume, mesh->bounds().volume() * 1.0001f) << info.name;

        // Vertex normals agree with the winding (outward) on nearly every triangle.
        size_t agreeing = 0;
        for (size_t i = 0; i < mesh->indices.size(); i += 3) {
            const Vec3f& a = mesh->positions[mesh->indices[i]];
            const Vec3f& b = mesh->positions[mesh->indices[i + 1]];
            const Vec3f& c = mesh->positions[mesh->indices[i + 2]];
            const Vec3f n = mesh->normals[mesh->indices[i]] + mesh->normals[mesh->indices[i + 1]] +
                            mesh->normals[mesh->indices[i + 2]];
            if ((b - a).cross(c - a).dot(n) > 0.0f) ++agreeing;
        }
        EXPECT_GE(agreeing, mesh->triangleCount() * 99 / 100) << info.name;

        const auto box = mesh->bounds();
        EXPECT_NEAR(box.min().y(), 0.0f, 1e-6f) << info.name;
        EXPECT_NEAR(box.center().x(), 0.0f, 1e-5f) << info.name;
        EXPECT_NEAR(box.center().z(), 0.0f, 1e-5f) << info.name;
    }
}

TEST(BundledMeshes, ProportionsOfTheRequiredAssets) {
    Result<AssetLibrary> library = AssetLibrary::open(testing::sourceMeshDir());
    ASSERT_TRUE(library.ok()) << library.error().message;
    auto size = [&](const std::string& name) {
        Result<TriangleMesh> mesh = library->load(name);
        SILT_CHECK(mesh.ok());
        return Vec3f(mesh->bounds().sizes());
    };
    const Vec3f chair = size("chair");
    EXPECT_NEAR(chair.y(), 0.9f, 0.05f);
    EXPECT_GT(chair.x(), 0.35f);
    const Vec3f cup = size("cup");
    EXPECT_NEAR(cup.y(), 0.1f, 0.02f);
    EXPECT_GT(cup.x(), cup.z());  // the handle sticks out along +x
    const Vec3f boat = size("boat");
    EXPECT_NEAR(std::max(boat.x(), boat.z()), 0.6f, 0.05f);
    EXPECT_LT(library->find("boat")->density, 1000.0f);

    // The mug is hollow: its shell is much less than the solid it encloses.
    Result<TriangleMesh> mug = library->load("cup");
    ASSERT_TRUE(mug.ok());
    const float shell = computeMassProperties(*mug, 1.0f).volume;
    const float solid = static_cast<float>(M_PI) * 0.04f * 0.04f * 0.1f;
    EXPECT_LT(shell, 0.4f * solid);
    EXPECT_GT(shell, 0.1f * solid);
}

TEST(BundledMeshes, LibraryCoversTheCategoriesPeopleFilmInSandAndWater) {
    Result<AssetLibrary> library = AssetLibrary::open(testing::sourceMeshDir());
    ASSERT_TRUE(library.ok()) << library.error().message;
    EXPECT_GE(library->assets().size(), 12u);
    std::set<std::string> categories;
    for (const AssetInfo& info : library->assets()) categories.insert(info.category);
    EXPECT_GE(categories.size(), 5u);
    for (const char* name : {"chair", "table", "cup", "bowl", "bucket", "spade", "boat", "bottle",
                             "ball", "rock", "crate", "toy_car"}) {
        const AssetInfo* info = library->find(name);
        ASSERT_NE(info, nullptr) << name;
        Result<TriangleMesh> mesh = library->load(name);
        ASSERT_TRUE(mesh.ok()) << mesh.error().message;
        // PBR material: roughness in (0, 1], colour not the importer's default grey.
        EXPECT_GT(mesh->material.roughness, 0.0f) << name;
        EXPECT_NE(mesh->material.baseColor, Vec3f(0.8f, 0.8f, 0.8f)) << name;
    }
    // Objects with legs, handles or hollows collide as convex pieces; compact ones as hulls.
    for (const char* name : {"chair", "table", "cup", "bowl", "bucket", "crate", "toy_car"})
        EXPECT_EQ(library->find(name)->collision, CollisionKind::Decomposed) << name;
    for (const char* name : {"ball", "rock", "bottle", "can"})
        EXPECT_EQ(library->find(name)->collision, CollisionKind::Hull) << name;
    // A metallic one, for the PBR spread.
    Result<TriangleMesh> can = library->load("can");
    ASSERT_TRUE(can.ok());
    EXPECT_GT(can->material.metallic, 0.9f);
}

TEST(BundledMeshes, CommittedFilesMatchTheGenerator) {
    testing::TempDir dir;
    Status status = assetgen::generateAll(dir.path());
    ASSERT_TRUE(status.ok()) << status.error().message;
    std::set<std::string> generated, committed;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        generated.insert(entry.path().filename().string());
    }
    for (const auto& entry : fs::directory_iterator(testing::sourceMeshDir())) {
        committed.insert(entry.path().filename().string());
    }
    EXPECT_EQ(generated, committed);
    EXPECT_GE(generated.size(), 12u);
    for (const std::string& name : generated) {
        Result<std::string> fresh = readFile(dir.path() / name);
        Result<std::string> old = readFile(testing::sourceMeshDir() / name);
        ASSERT_TRUE(fresh.ok()) << fresh.error().message;
        ASSERT_TRUE(old.ok()) << old.error().message;
        EXPECT_TRUE(*fresh == *old) << name
                                    << " differs from the generator's output: rerun "
                                       "silt-assetgen -o assets/meshes and commit";
    }
}

}  // namespace
}  // namespace silt::assets
