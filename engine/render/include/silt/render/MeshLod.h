#pragma once
// Levels of detail: coarser versions of a mesh, each with a bound on how far its surface
// strays from the original, and the choice, per pass and item, of the coarsest one whose
// stray projects to under a given fraction of a pixel.
//
// Why: at 256² a 16k-triangle sphere covers a few hundred pixels, so most of its triangles
// are smaller than a pixel — and lavapipe processes vertices and sets up triangles on one
// thread, at a cost per triangle. Drawing a level whose deviation stays under half a pixel
// leaves silhouettes where they were to within that half pixel and costs a fraction.
// Colour and every label come from the same drawn level, so they still agree exactly.
//
// Levels come from meshoptimizer's edge-collapse simplifier (attribute seams and open
// borders kept, so no cracks); their deviation and how far they turn the shading normals are
// measured here against the original, because the simplifier's own estimate misses both. No
// Vulkan types: the renderer uploads the levels, tests check them and the choice.

#include <cstdint>
#include <span>
#include <vector>

#include "silt/core/Math.h"

namespace silt::render {

/// One coarser version of a mesh: its triangles index the original mesh's vertices.
struct MeshLodLevel {
    std::vector<uint32_t> indices;  ///< three per triangle, original winding
    float error = 0.0f;  ///< m, local frame: how far it strays from level 0 (buildMeshLods)
};

/// Meshes with fewer triangles get no coarser levels: they are cheap as they are.
constexpr uint32_t kMinTrianglesForLod = 512;

/// rad: a point of a level is compared with the original surface where that faces the way
/// the renderer shades the point to within this angle (MeshLodLevel::error).
constexpr float kMaxLodNormalAngle = 1.0f;
/// rad: the most a level may turn the shading normal (interpolated from the vertex normals)
/// anywhere, against the original's at the nearest point; no coarser levels are built past
/// one that does. Smooth curved meshes pass; meshes whose creases or rims share vertex
/// normals with large flat parts do not (their coarser triangles would tilt whole walls).
constexpr float kMaxLodShadingAngle = 0.2f;

/// Coarser levels of a mesh, each about half the triangles of the one before, coarsest last,
/// with non-decreasing errors. A level's error is measured, both ways: how far the original's
/// triangles lie from the level, and how far points of the level's triangles lie from the
/// nearest original triangle facing the way the point is shaded (its interpolated `normals`,
/// within kMaxLodNormalAngle) — so a thin wall collapsed onto its other side counts as far
/// off. Stops where the simplifier cannot halve any more (flat or seam-bound meshes), where a
/// level would turn the shading normals by more than kMaxLodShadingAngle, where the error
/// reaches a quarter of the mesh's size, or below kMinTrianglesForLod / 4 triangles. Empty
/// for small meshes. Deterministic.
[[nodiscard]] std::vector<MeshLodLevel> buildMeshLods(std::span<const Vec3f> positions,
                                                      std::span<const Vec3f> normals,
                                                      std::span<const uint32_t> indices);

/// An upper bound on how many pixels one metre of displacement anywhere inside the sphere
/// (world frame) moves on a `width` × `height` target drawn through `clipFromWorld` (any
/// Vulkan clip transform: perspective or orthographic), for points that land inside the
/// image. Infinity when the sphere reaches the camera's plane (w ≤ 0).
[[nodiscard]] float pixelsPerMetreBound(const Mat4f& clipFromWorld, uint32_t width,
                                        uint32_t height, const Vec3f& center, float radius);

/// The largest factor by which the linear part of `modelToWorld` stretches any vector (its
/// largest singular value): local errors and radii times this are world bounds.
[[nodiscard]] float largestStretch(const Mat4f& modelToWorld);

/// Index into [level 0, levelErrors...] of the coarsest level whose error (local frame,
/// increasing) times `pixelsPerLocalMetre` is at most `maxPixelError`; 0 (the original)
/// when none is, when maxPixelError ≤ 0, or when pixelsPerLocalMetre is not finite.
[[nodiscard]] size_t selectLod(std::span<const float> levelErrors, float pixelsPerLocalMetre,
                               float maxPixelError);

}  // namespace silt::render
