#pragma once
// Surfacing: particles (sand grains, water parcels from the MPM solver) → signed-distance
// level set → closed triangle mesh the renderer can draw. Built on OpenVDB; no OpenVDB type
// appears here, and OpenVDB's exceptions come back as Result errors.
//
// The default path is points::rasterizeSmoothSpheres (Zhu & Bridson 2005, "Animating Sand as
// a Fluid"): each voxel takes the kernel-weighted average position x̄ and radius r̄ of the
// particles within the search radius and stores |x − x̄| − r̄. It gives a smooth surface
// without post-filtering, so a flat bed of particles meshes flat, not as bumps. The surface
// lies about particleRadius outside the outermost particle centres, pulled in where the
// kernel averages over interior particles. For particles seeded one per cell of spacing h
// (material boundary h/2 beyond the outer centres), particleRadius = 0.75 h with the default
// searchRadiusScale puts the surface at the material boundary plus about 0.2 h on a flat bed
// and 0.35–0.45 h on balls of 15–20 h radius (measured in tests/volume), with no interior
// bubbles; smaller radii leave bubbles between particles, larger ones bloat the surface.
// Particle jitter shows as bumps of about a particle's size; for rendering,
// searchRadiusScale = 3 and smoothingIterations = 2 give a visibly smooth surface at about
// twice the rasterization time.
//
// Determinism: the same particles and description give bit-identical meshes whatever the
// TBB thread count (tested with 1 and 2 threads). Functions are thread-safe; each call uses
// OpenVDB's internal TBB parallelism in the caller's task arena.

#include <cstdint>
#include <span>

#include "silt/core/Math.h"
#include "silt/core/Result.h"
#include "silt/core/TriangleMesh.h"
#include "silt/volume/LevelSet.h"

namespace silt::volume {

/// How particles become a level set.
enum class RasterMethod : uint8_t {
    /// points::rasterizeSmoothSpheres (Zhu–Bridson averaged spheres). Fast and smooth.
    kSmoothSpheres,
    /// tools::ParticlesToLevelSet (union of spheres) followed by a mean-curvature smoothing
    /// filter of SurfacerDesc::smoothingIterations (at least 1). The classic, slower path;
    /// kept as a reference for benchmarks. Spheres under about one voxel come out poorly.
    kSpheresFiltered,
};

struct SurfacerDesc {
    float voxelSize = 0.01f;           ///< m, level-set voxel edge (about particle spacing / 2..1)
    float particleRadius = 0.01f;      ///< m, sphere radius of every particle without own radius
    float searchRadiusScale = 2.0f;    ///< × particle radius: Zhu–Bridson kernel support, ≥ 1
    uint32_t smoothingIterations = 0;  ///< mean-curvature flow iterations on the level set
    float isoValue = 0.0f;             ///< m, signed distance of the extracted surface (+ = out)
    float adaptivity = 0.0f;           ///< 0..1, volumeToMesh coarsening of flat areas (0 = none)
    float halfBandVoxels = 3.0f;       ///< voxels, narrow-band half width (OpenVDB's default 3)
    RasterMethod method = RasterMethod::kSmoothSpheres;
};

/// A view of one particle set; spans are borrowed for the duration of the call.
struct ParticleView {
    std::span<const Vec3f> positions;  ///< m, world frame
    std::span<const float> radii;      ///< m, one per particle, or empty: desc.particleRadius
    std::span<const uint8_t> mask;     ///< non-zero = surface this particle (e.g. one
                                       ///< material), one per particle, or empty: all
};

/// Rasterizes particles into a level set in world units. Empty input (or a mask selecting
/// nothing) gives an empty level set. Errors: a non-finite position or radius (naming the
/// particle index), span size mismatches, invalid descriptions, OpenVDB failures.
[[nodiscard]] Result<LevelSet> rasterizeParticles(const ParticleView& particles,
                                                  const SurfacerDesc& desc);

/// Extracts the isoValue surface of a level set as an outward-oriented triangle mesh (counter-
/// clockwise seen from outside) with unit per-vertex normals from the level-set gradient.
/// OpenVDB's quads are split along their shorter diagonal. An empty level set gives an
/// empty mesh.
[[nodiscard]] Result<TriangleMesh> meshLevelSet(const LevelSet& levelSet, const SurfacerDesc& desc);

/// rasterizeParticles() then meshLevelSet().
[[nodiscard]] Result<TriangleMesh> surfaceParticles(const ParticleView& particles,
                                                    const SurfacerDesc& desc);
/// All particles with desc.particleRadius.
[[nodiscard]] Result<TriangleMesh> surfaceParticles(std::span<const Vec3f> positions,
                                                    const SurfacerDesc& desc);

/// Checks a description; the error names the field and the expected range.
[[nodiscard]] Status validate(const SurfacerDesc& desc);

}  // namespace silt::volume
