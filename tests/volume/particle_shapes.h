#pragma once
// Particle sets for the surfacing tests: jittered lattices filling simple shapes, the way
// an MPM solver seeds material (one particle per cell of spacing h, each at a random point
// near the cell centre). Every particle stands for the material of its cell, so the
// material boundary lies h/2 beyond the outermost particle centres.

#include <cstdint>
#include <vector>

#include "silt/core/Math.h"
#include "silt/core/TriangleMesh.h"

namespace silt::volume::test {

/// Particles in every lattice cell (spacing h) whose centre lies within `radius` of `centre`,
/// each displaced by up to ±jitter·h per axis. Seeded from silt::streamFor(seed, 0, "ball").
std::vector<Vec3f> makeBall(const Vec3f& centre, float radius, float h, float jitter,
                            uint64_t seed);

/// Particles filling the box [lo, hi] (whole cells of spacing h), jittered like makeBall.
std::vector<Vec3f> makeSlab(const Vec3f& lo, const Vec3f& hi, float h, float jitter, uint64_t seed);

/// Distance along +t from `origin` in direction `dir` to the nearest triangle of `mesh`, or a
/// negative number if the ray misses (Möller–Trumbore, brute force over all triangles).
float castRay(const TriangleMesh& mesh, const Vec3f& origin, const Vec3f& dir);

/// Number of edges not shared by exactly two triangles (0 for a closed 2-manifold), and
/// how many shared edges two triangles traverse in the same direction (0 when the
/// triangles are consistently oriented).
struct EdgeReport {
    size_t boundaryOrNonManifold = 0;
    size_t inconsistentlyOriented = 0;
    size_t edges = 0;
};
EdgeReport checkEdges(const TriangleMesh& mesh);

/// Signed volume by the divergence theorem: positive when triangles wind counter-clockwise
/// seen from outside.
double signedVolume(const TriangleMesh& mesh);

}  // namespace silt::volume::test
