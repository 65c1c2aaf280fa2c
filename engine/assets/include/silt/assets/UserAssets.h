#pragma once
// A user's own models, made fit for simulation: imported through Assimp (OBJ, glTF/GLB, FBX,
// PLY, STL …), checked, repaired where cheap, and normalised to Silt's asset frame
// (metres, +Y up, base on y = 0, centred in x and z, a plausible size).
//
// Settings come from an optional sidecar JSON beside the model (<stem>.json):
//   {"category": "toys", "density": 900, "unit": "cm", "up_axis": "z",
//    "target_size": [0.1, 0.5] or 0.3, "collision": "hull" | "decomposed",
//    "color": [r, g, b], "metallic": 0, "roughness": 0.5}
// Every field is optional. Without "category" the model's subfolder names it (files at the
// top of the folder are "user").
//
// What processing does, in order: limits (file size, triangle count); degenerate triangles
// (zero area, non-finite positions) are dropped; unit scale; up axis; boundary edges are found
// after welding coincident vertices and holes of at most kMaxHoleEdges edges are closed with a
// fan; scale into the target size range (largest extent); recentring. A mesh that stays open
// keeps its surface for rendering but gets mass from its convex hull (ProcessedAsset notes it).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "silt/assets/CollisionShape.h"
#include "silt/core/Result.h"
#include "silt/core/TriangleMesh.h"

namespace silt::assets {

inline constexpr size_t kMaxHoleEdges = 64;  ///< longer boundary loops are left open

struct UserAssetLimits {
    uint64_t maxFileBytes = 50ull << 20;  ///< 50 MiB
    size_t maxTriangles = 2'000'000;
};

struct UserAssetDesc {
    std::string category = "user";
    float density = 500.0f;  ///< kg/m³
    float unitScale = 1.0f;  ///< metres per file unit ("unit": m, cm, mm, in, ft)
    char upAxis = 'y';       ///< the file's up axis: 'x', 'y' or 'z'
    float minSize = 0.05f;   ///< m, smallest allowed largest extent
    float maxSize = 2.0f;    ///< m, largest allowed largest extent
    CollisionKind collision = CollisionKind::Hull;
    std::optional<Vec3f> color;  ///< overrides the file's base colour
    std::optional<float> metallic, roughness;
};

struct ProcessedAsset {
    TriangleMesh mesh;             ///< normalised, in the asset frame
    bool closed = true;            ///< watertight after repair
    bool massFromHull = false;     ///< open mesh: mass and inertia use its convex hull
    size_t degenerateDropped = 0;  ///< triangles removed
    size_t holesFilled = 0;
    float appliedScale = 1.0f;       ///< file units → metres, including the size fit
    std::vector<std::string> notes;  ///< what was changed, for the log
};

/// Reads a sidecar; errors name the file and field.
[[nodiscard]] Result<UserAssetDesc> readUserSidecar(const std::filesystem::path& sidecar,
                                                    const std::string& defaultCategory);

/// Imports and normalises one model. Errors name the file and say what was wrong.
[[nodiscard]] Result<ProcessedAsset> processUserAsset(const std::filesystem::path& file,
                                                      const UserAssetDesc& desc,
                                                      const UserAssetLimits& limits = {});

/// processUserAsset through a cache keyed by the content hash of the file, the settings and
/// the processing version: in memory for the process and on disk under
/// collisionCacheDir()/../assets when a cache folder is known.
[[nodiscard]] Result<ProcessedAsset> processUserAssetCached(const std::filesystem::path& file,
                                                            const UserAssetDesc& desc,
                                                            const UserAssetLimits& limits = {});

/// Model file extensions taken from a user folder (lower case, with the dot).
[[nodiscard]] const std::vector<std::string>& userModelExtensions();

}  // namespace silt::assets
