#pragma once
// The procedural meshes bundled with Silt under assets/meshes/: what they are, how they are
// built, and their sidecar facts (category, bulk density). Deterministic: the same build of
// this code always produces the same meshes, so the committed files can be checked against it.

#include <string>
#include <vector>

#include "silt/core/TriangleMesh.h"

namespace silt::assetgen {

struct GeneratedAsset {
    TriangleMesh mesh;        ///< metres, +Y up, base on y = 0, centred in x and z
    std::string category;     ///< "furniture", "container", "vessel" …
    double density = 500.0;   ///< kg/m³, mass divided by the mesh's enclosed volume
    std::string description;  ///< one sentence for people and captions
    /// Collision shape for rigid bodies: "hull" (convex hull) or "decomposed" (convex pieces).
    std::string collision = "hull";
};

/// Every bundled asset, sorted by name.
[[nodiscard]] std::vector<GeneratedAsset> generateAssets();

}  // namespace silt::assetgen
