#pragma once
// Cluster culling: a mesh's triangles grouped into small spatially coherent clusters, each
// with a bounding sphere and a cone that holds its face normals, so a frame can skip the
// clusters that cannot produce a fragment — entirely outside the view volume, or entirely
// back-facing in a pass that culls back faces — before they reach the vertex stage.
//
// Why: lavapipe shades vertices and sets up triangles on one thread, before the rasterizer
// culls back faces; a closed mesh sends half its triangles through that work for nothing.
// The skipped clusters are exactly ones the rasterizer would have discarded (with a margin
// against rounding), and the survivors are drawn in their original order, so the image and
// every label are bit-identical to drawing the whole mesh.
//
// No Vulkan types: the renderer records the ranges, tests check the geometry.

#include <cstdint>
#include <span>
#include <vector>

#include "silt/core/Math.h"

namespace silt::render {

/// A run of triangles in a clustered index buffer and what bounds them (local frame).
struct MeshCluster {
    Vec3f center = Vec3f::Zero();     ///< m: centre of the sphere holding every vertex
    float radius = 0.0f;              ///< m
    Vec3f coneAxis = Vec3f::UnitY();  ///< unit: mean of the triangles' unit face normals
    /// rad: the largest angle between coneAxis and a face normal; ≥ π/2 means the cluster
    /// is never entirely back-facing (open cone, or normals that cancel out).
    float coneAngle = kPi;
    uint32_t firstIndex = 0;  ///< into the clustered index buffer
    uint32_t indexCount = 0;  ///< three per triangle
};

/// A mesh's index buffer reordered so each cluster's triangles are contiguous.
struct ClusteredIndices {
    /// The same triangles (same winding), reordered, indexing the vertices vertexSource lists.
    std::vector<uint32_t> indices;
    /// Vertex i of the clustered mesh is vertex vertexSource[i] of the input (each cluster's
    /// vertices contiguous; shared ones repeated); empty: the input's vertices as they are.
    std::vector<uint32_t> vertexSource;
    std::vector<MeshCluster> clusters;  ///< in index-buffer order, covering it exactly
    Vec3f center = Vec3f::Zero();      ///< m: a sphere holding the whole mesh
    float radius = 0.0f;               ///< m
};

/// Triangles per cluster by default: small enough that a cluster's normals stay within a
/// narrow cone on curved surfaces, large enough that the draws per item stay few.
constexpr uint32_t kDefaultTrianglesPerCluster = 128;

/// Groups the triangles of `indices` (three per triangle, into `positions`) into clusters of
/// at most `trianglesPerCluster`: by the axis their face normal is closest to (six classes),
/// then along a Morton curve through their normals and centroids, cut where a normal strays
/// from its cluster's mean. Each cluster keeps its triangles' original relative order and gets
/// its own contiguous vertices (vertexSource). Deterministic. Triangles of zero area (which
/// draw nothing) do not widen a cluster's cone.
[[nodiscard]] ClusteredIndices buildMeshClusters(
    std::span<const Vec3f> positions, std::span<const uint32_t> indices,
    uint32_t trianglesPerCluster = kDefaultTrianglesPerCluster);

/// One cluster for the whole index buffer, in its original order: frustum culling only (for
/// meshes rebuilt every frame, where clustering would cost more than it saves).
[[nodiscard]] ClusteredIndices singleCluster(std::span<const Vec3f> positions,
                                             std::span<const uint32_t> indices);

/// A range of a clustered index buffer to draw.
struct IndexRange {
    uint32_t firstIndex = 0;
    uint32_t indexCount = 0;
};

/// Whether a sphere (local frame) lies entirely outside the view volume of `clipFromLocal`
/// (any Vulkan clip transform: −w ≤ x, y ≤ w, 0 ≤ z ≤ w), by a small margin.
[[nodiscard]] bool sphereOutsideClipVolume(const Mat4f& clipFromLocal, const Vec3f& center,
                                           float radius);

/// Whether every triangle of the cluster is back-facing (by a margin) when drawn through
/// `clipFromLocal` with counter-clockwise front faces (TriangleMesh's winding, the
/// renderer's pipelines): perspective or orthographic, any affine model transform (a
/// mirroring one flips the winding, as it does on the device).
[[nodiscard]] bool clusterBackFacing(const Mat4f& clipFromLocal, const MeshCluster& cluster);

/// Appends to `ranges` the index ranges of the clusters that may produce a fragment through
/// `clipFromLocal`, adjacent survivors merged into one range, in index-buffer order.
/// `cullBackFaces`: the pass culls back faces (then back-facing clusters are skipped too).
void appendVisibleRanges(const ClusteredIndices& mesh, const Mat4f& clipFromLocal,
                         bool cullBackFaces, std::vector<IndexRange>& ranges);

}  // namespace silt::render
