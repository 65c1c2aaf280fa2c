#pragma once
// Builds closed, outward-oriented triangle meshes from primitives for the asset generator.
//
// Geometry is accumulated in double precision and converted to a float TriangleMesh at the
// end, so the output depends only on IEEE arithmetic and libm (deterministic across builds).
// Smoothness is expressed by vertex sharing: triangles that share a vertex index get one
// averaged (area-weighted) normal there; a sharp edge is two vertices at the same position.
// Every primitive is its own closed component; endComponent() flips a component whose
// signed volume is negative, so callers need not track winding.

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Geometry>

#include "silt/core/TriangleMesh.h"

namespace silt::assetgen {

using Vec3d = Eigen::Vector3d;
using Vec2d = Eigen::Vector2d;
using Mat3d = Eigen::Matrix3d;

/// One point of a profile revolved about the +Y axis.
struct ProfilePoint {
    double radius = 0.0;  ///< m, distance from the axis; 0 puts the point on the axis (a pole)
    double y = 0.0;       ///< m
    bool crease = false;  ///< sharp edge here: the segments before and after get own normals
};

/// A sample of a tube's centre line.
struct TubeSample {
    Vec3d position;  ///< m
    Vec3d normal;    ///< unit, perpendicular to the tangent: the cross-section's first axis
    Vec3d binormal;  ///< unit, the cross-section's second axis
};

class MeshBuilder {
public:
    /// Starts a closed component. Vertices added before endComponent() belong to it.
    void beginComponent();
    /// Orients the current component outward (positive signed volume).
    void endComponent();

    uint32_t addVertex(const Vec3d& position);
    void addTriangle(uint32_t a, uint32_t b, uint32_t c);
    /// Two triangles (a, b, c) and (a, c, d).
    void addQuad(uint32_t a, uint32_t b, uint32_t c, uint32_t d);
    /// A triangle with its own three vertices (a faceted face).
    void addFacet(const Vec3d& a, const Vec3d& b, const Vec3d& c);

    /// Faceted box, rotated by `rotation` about its centre.
    void addBox(const Vec3d& center, const Vec3d& halfExtents,
                const Mat3d& rotation = Mat3d::Identity());
    /// Closed solid of revolution about the +Y axis through `base`. The profile must start and
    /// end on the axis (radius 0).
    void addRevolution(const std::vector<ProfilePoint>& profile, int segments,
                       const Vec3d& base = Vec3d::Zero());
    /// Tube of elliptic cross-section (semi-axes along each sample's normal and binormal)
    /// along an open centre line, closed by flat caps.
    void addTube(const std::vector<TubeSample>& centreLine, double semiAxisNormal,
                 double semiAxisBinormal, int segments);
    /// Smooth sphere from a subdivided icosahedron.
    void addIcosphere(const Vec3d& center, double radius, int subdivisions);

    /// Unit-sphere icosphere as an indexed list (for displacement by callers).
    static void icosphere(int subdivisions, std::vector<Vec3d>& positions,
                          std::vector<uint32_t>& indices);

    /// Moves everything so the base rests on y = 0 and the bounds are centred in x and z.
    void placeOnGround();
    void translate(const Vec3d& offset);

    [[nodiscard]] Eigen::AlignedBox3d bounds() const;
    [[nodiscard]] size_t triangleCount() const { return mIndices.size() / 3; }
    [[nodiscard]] const std::vector<Vec3d>& positions() const { return mPositions; }
    [[nodiscard]] const std::vector<uint32_t>& indices() const { return mIndices; }

    /// The float mesh with per-vertex normals (area-weighted face normals over shared vertices).
    [[nodiscard]] TriangleMesh build(const std::string& name,
                                     const SurfaceMaterial& material) const;

private:
    std::vector<Vec3d> mPositions;
    std::vector<uint32_t> mIndices;
    size_t mComponentFirstIndex = 0;
    bool mInComponent = false;
};

}  // namespace silt::assetgen
