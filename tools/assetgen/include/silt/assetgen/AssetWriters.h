#pragma once
// Serialises generated assets: Wavefront OBJ + MTL (with the PBR keys Pr/Pm), glTF 2.0 with
// an embedded base64 buffer, and the JSON sidecar that engine/assets' AssetLibrary reads.
// Output is a pure function of the mesh, byte for byte.

#include <filesystem>
#include <string>

#include "silt/assetgen/AssetCatalog.h"
#include "silt/core/Result.h"

namespace silt::assetgen {

[[nodiscard]] std::string objText(const TriangleMesh& mesh);
[[nodiscard]] std::string mtlText(const TriangleMesh& mesh);
[[nodiscard]] std::string gltfText(const TriangleMesh& mesh);
[[nodiscard]] std::string sidecarText(const GeneratedAsset& asset);

/// Standard base64 (RFC 4648, with padding).
[[nodiscard]] std::string base64Encode(const std::string& bytes);

/// Writes <dir>/<name>.{obj,mtl,gltf,json}, each atomically.
[[nodiscard]] Status writeAssetFiles(const GeneratedAsset& asset, const std::filesystem::path& dir);

/// Generates every asset into `dir` (created if missing).
[[nodiscard]] Status generateAll(const std::filesystem::path& dir);

}  // namespace silt::assetgen
