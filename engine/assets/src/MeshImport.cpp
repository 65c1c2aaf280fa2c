#include "silt/assets/MeshImport.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <system_error>

#include <assimp/material.h>
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <fmt/format.h>
#include <assimp/Importer.hpp>

namespace silt::assets {

namespace fs = std::filesystem;

namespace {

SurfaceMaterial readMaterial(const aiMaterial* source) {
    SurfaceMaterial material;
    if (source == nullptr) return material;
    aiColor4D base;
    aiColor3D diffuse;
    if (source->Get(AI_MATKEY_BASE_COLOR, base) == AI_SUCCESS) {
        material.baseColor = Vec3f(base.r, base.g, base.b);
    } else if (source->Get(AI_MATKEY_COLOR_DIFFUSE, diffuse) == AI_SUCCESS) {
        material.baseColor = Vec3f(diffuse.r, diffuse.g, diffuse.b);
    }
    float value = 0.0f;
    if (source->Get(AI_MATKEY_METALLIC_FACTOR, value) == AI_SUCCESS) {
        material.metallic = std::clamp(value, 0.0f, 1.0f);
    }
    if (source->Get(AI_MATKEY_ROUGHNESS_FACTOR, value) == AI_SUCCESS) {
        material.roughness = std::clamp(value, 0.0f, 1.0f);
    }
    material.baseColor = material.baseColor.cwiseMax(0.0f).cwiseMin(1.0f);
    return material;
}

/// Area-weighted face normals for vertices that came without a usable normal.
void repairNormals(TriangleMesh& mesh, const std::vector<bool>& missing) {
    std::vector<Vec3f> sums(mesh.positions.size(), Vec3f::Zero());
    for (size_t i = 0; i + 2 < mesh.indices.size(); i += 3) {
        const Vec3f& a = mesh.positions[mesh.indices[i]];
        const Vec3f& b = mesh.positions[mesh.indices[i + 1]];
        const Vec3f& c = mesh.positions[mesh.indices[i + 2]];
        const Vec3f n = (b - a).cross(c - a);
        for (size_t k = 0; k < 3; ++k) sums[mesh.indices[i + k]] += n;
    }
    for (size_t v = 0; v < mesh.positions.size(); ++v) {
        if (!missing[v]) continue;
        const float length = sums[v].norm();
        mesh.normals[v] = length > 0.0f ? Vec3f(sums[v] / length) : Vec3f::UnitY();
    }
}

Result<TriangleMesh> convert(const aiScene& scene, const fs::path& path) {
    TriangleMesh mesh;
    mesh.name = path.stem().string();
    std::vector<bool> missingNormal;
    const aiMaterial* firstMaterial = nullptr;
    for (unsigned m = 0; m < scene.mNumMeshes; ++m) {
        const aiMesh* source = scene.mMeshes[m];
        if ((source->mPrimitiveTypes & aiPrimitiveType_TRIANGLE) == 0) continue;
        const auto offset = static_cast<uint32_t>(mesh.positions.size());
        size_t triangles = 0;
        for (unsigned f = 0; f < source->mNumFaces; ++f) {
            const aiFace& face = source->mFaces[f];
            if (face.mNumIndices != 3) continue;
            for (unsigned k = 0; k < 3; ++k) mesh.indices.push_back(offset + face.mIndices[k]);
            ++triangles;
        }
        if (triangles == 0) continue;
        if (firstMaterial == nullptr && source->mMaterialIndex < scene.mNumMaterials) {
            firstMaterial = scene.mMaterials[source->mMaterialIndex];
        }
        for (unsigned v = 0; v < source->mNumVertices; ++v) {
            const aiVector3D& p = source->mVertices[v];
            mesh.positions.emplace_back(p.x, p.y, p.z);
            Vec3f n = Vec3f::Zero();
            if (source->mNormals != nullptr) {
                const aiVector3D& sn = source->mNormals[v];
                n = Vec3f(sn.x, sn.y, sn.z);
            }
            const float length = n.norm();
            // Assimp marks normals it could not compute (degenerate faces) with NaN.
            const bool usable = std::isfinite(length) && length > 1e-12f;
            mesh.normals.push_back(usable ? Vec3f(n / length) : Vec3f::UnitY());
            missingNormal.push_back(!usable);
        }
    }
    if (mesh.indices.empty()) {
        return Error{fmt::format("{}: no triangles in the file (only points, lines or nothing)",
                                 path.string())};
    }
    repairNormals(mesh, missingNormal);
    mesh.material = readMaterial(firstMaterial);
    return mesh;
}

}  // namespace

Result<TriangleMesh> importMesh(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return Error{fmt::format("{}: file not found", path.string())};
    if (!fs::is_regular_file(path, ec)) {
        return Error{fmt::format("{}: not a regular file", path.string())};
    }
    try {
        Assimp::Importer importer;
        // Drop points and lines entirely: Silt meshes are surfaces.
        importer.SetPropertyInteger(AI_CONFIG_PP_SBP_REMOVE,
                                    aiPrimitiveType_POINT | aiPrimitiveType_LINE);
        // GenSmoothNormals leaves meshes that already carry normals alone.
        const unsigned flags = aiProcess_Triangulate | aiProcess_JoinIdenticalVertices |
                               aiProcess_GenSmoothNormals | aiProcess_PreTransformVertices |
                               aiProcess_SortByPType | aiProcess_ValidateDataStructure;
        const aiScene* scene = importer.ReadFile(path.string(), flags);
        if (scene == nullptr) {
            return Error{
                fmt::format("{}: cannot import: {}", path.string(), importer.GetErrorString())};
        }
        return convert(*scene, path);
    } catch (const std::exception& e) {
        return Error{fmt::format("{}: cannot import: {}", path.string(), e.what())};
    } catch (...) {
        return Error{fmt::format("{}: cannot import: unknown error", path.string())};
    }
}

}  // namespace silt::assets
