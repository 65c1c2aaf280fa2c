#pragma once
// Collision geometry for rigid bodies, as plain data: a set of convex pieces, each given by
// the points whose convex hull it is (in the mesh's local frame, unscaled). Physics builds
// one Bullet convex hull per piece and a compound of them; nothing Bullet-specific leaks here.
//
// Two kinds, chosen per asset (sidecar field "collision"):
// - hull: one piece, the convex hull of every vertex. Cheap; right for balls, rocks, bottles.
// - decomposed: an approximate convex decomposition. Separate parts of the mesh (a chair's
//   legs, seat and slats) become pieces of their own; a part that is far from convex (a mug's
//   hollow) is split further by HACD (hierarchical approximate convex decomposition, Mamou
//   and Ghorbel 2009, from Bullet's extras). A chair then stands on its four legs with room
//   between them instead of lying like a box.
//
// Decomposition takes from milliseconds (boxes) to seconds (a hollow revolved mug), so results
// are cached by the mesh's content hash: in memory for the process, and on disk under
// collisionCacheDir() when that is not empty. Thread-safe: collisionShapeFor may be called
// from several threads.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "silt/core/Math.h"
#include "silt/core/Result.h"
#include "silt/core/TriangleMesh.h"

namespace silt::assets {

enum class CollisionKind { Hull, Decomposed };

/// "hull" | "decomposed"
[[nodiscard]] const char* collisionKindName(CollisionKind kind);
/// Parses "hull" | "decomposed"; nullopt-like failure as an Error naming what was expected.
[[nodiscard]] Result<CollisionKind> parseCollisionKind(const std::string& text);

struct CollisionShape {
    /// Each piece is a point cloud whose convex hull is one convex part, mesh frame, m.
    std::vector<std::vector<Vec3f>> pieces;
};

struct DecompositionDesc {
    /// A connected part whose volume is at least this fraction of its convex hull's volume
    /// counts as convex and is kept whole.
    float convexEnough = 0.85f;
    /// HACD's concavity tolerance, as a fraction of the part's bounding-box diagonal: HACD
    /// merges clusters while the merged hull stays within it (0.05: a mug in about 15 pieces).
    float concavity = 0.05f;
    size_t maxVerticesPerPiece = 48;  ///< HACD simplifies each piece's hull to at most this
    size_t maxPieces = 64;            ///< whole shape; beyond it the smallest pieces are merged
};

/// The convex hull of `points` as a closed, outward-oriented mesh (empty for fewer than four
/// points or a flat set).
[[nodiscard]] TriangleMesh convexHullMesh(const std::vector<Vec3f>& points);

/// One piece: every vertex of the mesh.
[[nodiscard]] CollisionShape convexHullShape(const TriangleMesh& mesh);

/// Approximate convex decomposition (see the file comment). Fails only for a mesh without
/// triangles.
[[nodiscard]] Result<CollisionShape> decomposeConvex(const TriangleMesh& mesh,
                                                     const DecompositionDesc& desc = {});

/// Where decompositions are cached on disk: $SILT_CACHE_DIR/collision if set, else
/// $XDG_CACHE_HOME/silt/collision, else $HOME/.cache/silt/collision; empty when none is set
/// (memory cache only).
[[nodiscard]] std::filesystem::path collisionCacheDir();

/// The shape of `kind` for `mesh`, from the memory or disk cache when the mesh's content (and
/// the decomposition settings) were seen before. A cache file that cannot be read or written
/// is ignored (the shape is recomputed), never an error.
[[nodiscard]] Result<CollisionShape> collisionShapeFor(const TriangleMesh& mesh,
                                                       CollisionKind kind);

/// The cache key: content hash of positions and indices and the decomposition settings.
[[nodiscard]] std::string collisionCacheKey(const TriangleMesh& mesh, CollisionKind kind);

}  // namespace silt::assets
