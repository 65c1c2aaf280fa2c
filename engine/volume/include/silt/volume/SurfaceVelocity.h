#pragma once
// Velocities for a surface rebuilt from particles: each vertex takes the kernel-weighted
// average velocity of the particles near it, so optical flow of a sand or water surface
// follows the material (the mesh itself is rebuilt every frame and has no motion of its own).
//
// Determinism: a pure function of its inputs (serial, fixed summation order).

#include <span>

#include "silt/core/Result.h"
#include "silt/core/TriangleMesh.h"

namespace silt::volume {

/// Fills mesh.velocities (one per vertex, m/s, in the particles' frame = the mesh's frame)
/// with the average of the velocities of the particles within `radius` of each vertex,
/// weighted by (1 − d²/r²)³. A vertex with no particle within `radius` takes its nearest
/// particle's velocity within 2·radius, else zero. `mask` (one per particle, or empty)
/// selects the particles that count, as in ParticleView. Errors: size mismatches, radius ≤ 0.
[[nodiscard]] Status attachParticleVelocities(TriangleMesh& mesh,
                                              std::span<const Vec3f> positions,
                                              std::span<const Vec3f> velocities,
                                              std::span<const uint8_t> mask, float radius);

}  // namespace silt::volume
