#pragma once
// The bundled asset library: the meshes under <source>/assets/meshes/, each described by
// assets/meshes/<name>.json (category, density, default size). Loaded through importMesh.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "silt/assets/CollisionShape.h"
#include "silt/assets/UserAssets.h"
#include "silt/core/Result.h"
#include "silt/core/TriangleMesh.h"

namespace silt::assets {

struct AssetInfo {
    std::string name;      ///< "chair"
    std::string category;  ///< "furniture", "container", "vessel" …
    /// kg/m³: the object's mass divided by the volume its mesh encloses. A mug modelled as its
    /// shell has the ceramic's density; a decked boat's closed hull counts the air inside.
    float density = 500.0f;
    std::filesystem::path meshFile;                 ///< preferred file (glTF), absolute
    CollisionKind collision = CollisionKind::Hull;  ///< sidecar "collision", default "hull"
    bool user = false;          ///< added by addUserFolder (processed, held in memory)
    bool massFromHull = false;  ///< open surface: mass and inertia from its convex hull
};

class AssetLibrary {
public:
    /// Scans `meshDir` for <name>.json sidecars. Errors name the sidecar and the field.
    [[nodiscard]] static Result<AssetLibrary> open(const std::filesystem::path& meshDir);

    [[nodiscard]] const std::vector<AssetInfo>& assets() const { return mAssets; }
    [[nodiscard]] const AssetInfo* find(const std::string& name) const;
    /// Names of assets in `category`, sorted.
    [[nodiscard]] std::vector<std::string> namesInCategory(const std::string& category) const;
    /// Imports the asset's mesh in its own frame: metres, +Y up, base at y = 0, centred in x, z.
    [[nodiscard]] Result<TriangleMesh> load(const std::string& name) const;

    /// Adds a user's folder of models (UserAssets.h), searched recursively; an asset is named
    /// by its file's stem. A model that cannot be used (corrupt, empty, too large, degenerate,
    /// a bad sidecar, or a name already taken) is skipped: the returned list has one warning
    /// per skipped file ("skipped <file>: <reason>") and one line per repair of a kept file
    /// ("note: <file>: <what changed>"). Fails only when `dir` is not a folder.
    [[nodiscard]] Result<std::vector<std::string>> addUserFolder(
        const std::filesystem::path& dir, const UserAssetLimits& limits = {});

private:
    std::vector<AssetInfo> mAssets;                   ///< sorted by name
    std::map<std::string, TriangleMesh> mUserMeshes;  ///< processed user assets by name
};

/// The folder of bundled meshes: $SILT_ASSET_DIR if set, else the one compiled in.
std::filesystem::path bundledMeshDir();

}  // namespace silt::assets
