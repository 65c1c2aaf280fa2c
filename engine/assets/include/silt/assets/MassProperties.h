#pragma once
// Mass properties of a closed triangle mesh of uniform density (divergence theorem,
// Mirtich/Eberly): volume, centre of mass and inertia tensor about the centre of mass.

#include "silt/core/Math.h"
#include "silt/core/TriangleMesh.h"

namespace silt::assets {

struct MassProperties {
    float volume = 0.0f;                 ///< m³ (of the closed surface)
    float mass = 0.0f;                   ///< kg
    Vec3f centerOfMass = Vec3f::Zero();  ///< m, in the mesh's local frame
    Mat3f inertia = Mat3f::Zero();       ///< kg·m², about the centre of mass, local axes
};

/// Computes mass properties for `density` (kg/m³). The mesh should be closed and
/// outward-oriented; open meshes give approximate values.
[[nodiscard]] MassProperties computeMassProperties(const TriangleMesh& mesh, float density);

}  // namespace silt::assets
