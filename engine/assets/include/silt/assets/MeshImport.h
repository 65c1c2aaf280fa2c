#pragma once
// Imports 3D model files through Assimp into Silt's TriangleMesh: all of a file's meshes
// merged into one, node transforms applied, triangulated, with per-vertex normals and the
// first material's metallic-roughness values. Assimp's exceptions and messages stay inside:
// failures come back as an Error naming the file and what was wrong.

#include <filesystem>

#include "silt/core/Result.h"
#include "silt/core/TriangleMesh.h"

namespace silt::assets {

/// Reads OBJ, glTF/GLB, FBX, PLY, STL (anything Assimp reads). Fails on a missing file, an
/// unreadable or corrupt file, or a file without triangles.
[[nodiscard]] Result<TriangleMesh> importMesh(const std::filesystem::path& path);

}  // namespace silt::assets
