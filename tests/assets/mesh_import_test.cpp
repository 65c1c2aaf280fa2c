// Import through Assimp: the bundled OBJ and glTF files agree, other formats (STL, PLY)
// round-trip, and broken input ends in an Error that names the file.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "TestFiles.h"
#include "silt/assets/AssetLibrary.h"
#include "silt/assets/MeshImport.h"

namespace silt::assets {
namespace {

using testing::TempDir;
using testing::writeText;

constexpr float kBoundsTolerance = 1e-4f;  // m

void expectSameBounds(const Eigen::AlignedBox3f& a, const Eigen::AlignedBox3f& b,
                      const std::string& what) {
    for (int k = 0; k < 3; ++k) {
        EXPECT_NEAR(a.min()[k], b.min()[k], kBoundsTolerance) << what << " min[" << k << "]";
        EXPECT_NEAR(a.max()[k], b.max()[k], kBoundsTolerance) << what << " max[" << k << "]";
    }
}

void expectUnitNormals(const TriangleMesh& mesh, const std::string& what) {
    ASSERT_EQ(mesh.normals.size(), mesh.positions.size()) << what;
    for (const Vec3f& n : mesh.normals) {
        ASSERT_NEAR(n.norm(), 1.0f, 1e-3f) << what;
    }
}

std::vector<std::string> bundledNames() {
    Result<AssetLibrary> library = AssetLibrary::open(testing::sourceMeshDir());
    SILT_CHECK(library.ok());
    std::vector<std::string> names;
    for (const AssetInfo& info : library->assets()) names.push_back(info.name);
    return names;
}

TEST(MeshImport, BundledObjAndGltfAgree) {
    const std::vector<std::string> names = bundledNames();
    ASSERT_GE(names.size(), 3u);
    for (const std::string& name : names) {
        Result<TriangleMesh> obj = importMesh(testing::sourceMeshDir() / (name + ".obj"));
        Result<TriangleMesh> gltf = importMesh(testing::sourceMeshDir() / (name + ".gltf"));
        ASSERT_TRUE(obj.ok()) << obj.error().message;
        ASSERT_TRUE(gltf.ok()) << gltf.error().message;
        EXPECT_GT(obj->triangleCount(), 0u) << name;
        EXPECT_EQ(obj->triangleCount(), gltf->triangleCount()) << name;
        expectSameBounds(obj->bounds(), gltf->bounds(), name);
        expectUnitNormals(*obj, name + ".obj");
        expectUnitNormals(*gltf, name + ".gltf");
        // Both carry the same material: the MTL's Kd/Pr/Pm and glTF's pbrMetallicRoughness.
        EXPECT_TRUE(obj->material.baseColor.isApprox(gltf->material.baseColor, 1e-4f)) << name;
        EXPECT_NEAR(obj->material.roughness, gltf->material.roughness, 1e-4f) << name;
        EXPECT_NEAR(obj->material.metallic, gltf->material.metallic, 1e-4f) << name;
        EXPECT_EQ(gltf->name, name);
    }
}

TEST(MeshImport, GltfMaterialIsRead) {
    // The default SurfaceMaterial is grey 0.8 with roughness 0.5; the cup file says otherwise.
    Result<TriangleMesh> cup = importMesh(testing::sourceMeshDir() / "cup.gltf");
    ASSERT_TRUE(cup.ok()) << cup.error().message;
    EXPECT_NEAR(cup->material.roughness, 0.25f, 1e-5f);
    EXPECT_NEAR(cup->material.baseColor.x(), 0.86f, 1e-5f);
    EXPECT_NEAR(cup->material.baseColor.z(), 0.78f, 1e-5f);
}

std::string asciiStl(const TriangleMesh& mesh) {
    std::string out = "solid test\n";
    for (size_t i = 0; i < mesh.indices.size(); i += 3) {
        const Vec3f& a = mesh.positions[mesh.indices[i]];
        const Vec3f& b = mesh.positions[mesh.indices[i + 1]];
        const Vec3f& c = mesh.positions[mesh.indices[i + 2]];
        const Vec3f n = (b - a).cross(c - a).normalized();
        out += fmt::format(" facet normal {} {} {}\n  outer loop\n", n.x(), n.y(), n.z());
        for (const Vec3f* p : {&a, &b, &c}) {
            out += fmt::format("   vertex {} {} {}\n", p->x(), p->y(), p->z());
        }
        out += "  endloop\n endfacet\n";
    }
    return out + "endsolid test\n";
}

std::string asciiPly(const TriangleMesh& mesh) {
    std::string out = fmt::format(
        "ply\nformat ascii 1.0\nelement vertex {}\nproperty float x\nproperty float y\n"
        "property float z\nelement face {}\nproperty list uchar int vertex_indices\nend_header\n",
        mesh.positions.size(), mesh.triangleCount());
    for (const Vec3f& p : mesh.positions) out += fmt::format("{} {} {}\n", p.x(), p.y(), p.z());
    for (size_t i = 0; i < mesh.indices.size(); i += 3) {
        out +=
            fmt::format("3 {} {} {}\n", mesh.indices[i], mesh.indices[i + 1], mesh.indices[i + 2]);
    }
    return out;
}

TEST(MeshImport, StlAndPlyRoundTrip) {
    TempDir dir;
    Result<TriangleMesh> cup = importMesh(testing::sourceMeshDir() / "cup.gltf");
    ASSERT_TRUE(cup.ok()) << cup.error().message;
    writeText(dir.path() / "cup.stl", asciiStl(*cup));
    writeText(dir.path() / "cup.ply", asciiPly(*cup));
    for (const char* file : {"cup.stl", "cup.ply"}) {
        Result<TriangleMesh> back = importMesh(dir.path() / file);
        ASSERT_TRUE(back.ok()) << back.error().message;
        EXPECT_EQ(back->triangleCount(), cup->triangleCount()) << file;
        expectSameBounds(back->bounds(), cup->bounds(), file);
        // PLY came without normals: they were generated; STL has facet normals.
        expectUnitNormals(*back, file);
    }
}

TEST(MeshImport, MissingFileNamesThePath) {
    TempDir dir;
    const auto path = dir.path() / "nothing-here.gltf";
    Result<TriangleMesh> mesh = importMesh(path);
    ASSERT_FALSE(mesh.ok());
    EXPECT_NE(mesh.error().message.find(path.string()), std::string::npos) << mesh.error().message;
    EXPECT_NE(mesh.error().message.find("not found"), std::string::npos) << mesh.error().message;
}

TEST(MeshImport, CorruptAndEmptyFilesGiveErrors) {
    TempDir dir;
    std::string garbage;
    for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919 + 13) % 256);
    const std::pair<std::string, std::string> cases[] = {
        {"garbage.obj", garbage},
        {"garbage.gltf", garbage},
        {"truncated.gltf", R"({"asset": {"version": "2.0"}, "meshes": [{"primitives": [)"},
        {"empty.obj", ""},
        {"empty.gltf", ""},
        {"lines.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nl 1 2\nl 2 3\n"}};
    for (const auto& [name, content] : cases) {
        const auto path = dir.path() / name;
        writeText(path, content);
        Result<TriangleMesh> mesh = importMesh(path);
        ASSERT_FALSE(mesh.ok()) << name << " imported with " << mesh->triangleCount() << " tris";
        EXPECT_NE(mesh.error().message.find(path.string()), std::string::npos)
            << mesh.error().message;
    }
}

TEST(MeshImport, ObjWithoutNormalsGetsThem) {
    TempDir dir;
    const auto path = dir.path() / "tetra.obj";
    writeText(path, "v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n");
    Result<TriangleMesh> mesh = importMesh(path);
    ASSERT_TRUE(mesh.ok()) << mesh.error().message;
    EXPECT_EQ(mesh->triangleCount(), 4u);
    expectUnitNormals(*mesh, "tetra.obj");
    EXPECT_EQ(mesh->name, "tetra");
}

}  // namespace
}  // namespace silt::assets
