// The one translation unit with OpenVDB's rasterization and meshing templates: they take
// most of the module's compile time, so they live here and nowhere else.

#include "silt/volume/Surfacer.h"

#include <fmt/format.h>
#include <openvdb/openvdb.h>
#include <openvdb/points/PointConversion.h>
#include <openvdb/points/PointDataGrid.h>
#include <openvdb/points/PointRasterizeSDF.h>
#include <openvdb/tools/Interpolation.h>
#include <openvdb/tools/LevelSetFilter.h>
#include <openvdb/tools/ParticlesToLevelSet.h>
#include <openvdb/tools/PointIndexGrid.h>
#include <openvdb/tools/VolumeToMesh.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cmath>
#include <exception>
#include <vector>

#include "LevelSetImpl.h"

namespace silt::volume {
namespace {

using openvdb::FloatGrid;

/// Particles that pass the mask, copied into OpenVDB's vector types.
struct SelectedParticles {
    std::vector<openvdb::Vec3f> positions;  ///< m
    std::vector<float> radii;               ///< m; empty: uniform desc.particleRadius
    float maxRadius = 0.0f;                 ///< m
};

Result<SelectedParticles> selectParticles(const ParticleView& particles, const SurfacerDesc& desc) {
    const size_t count = particles.positions.size();
    if (!particles.radii.empty() && particles.radii.size() != count) {
        return Error{
            fmt::format("surfacing: {} radii given for {} particles; expected one radius "
                        "per particle or none",
                        particles.radii.size(), count)};
    }
    if (!particles.mask.empty() && particles.mask.size() != count) {
        return Error{
            fmt::format("surfacing: mask has {} entries for {} particles; expected one "
                        "per particle or none",
                        particles.mask.size(), count)};
    }
    SelectedParticles selected;
    selected.positions.reserve(count);
    if (!particles.radii.empty()) selected.radii.reserve(count);
    selected.maxRadius = particles.radii.empty() ? desc.particleRadius : 0.0f;
    for (size_t i = 0; i < count; ++i) {
        if (!particles.mask.empty() && particles.mask[i] == 0) continue;
        const Vec3f& p = particles.positions[i];
        if (!p.allFinite()) {
            return Error{
                fmt::format("surfacing: particle {} has a non-finite position ({}, {}, "
                            "{}); expected finite coordinates in metres",
                            i, p.x(), p.y(), p.z())};
        }
        selected.positions.emplace_back(p.x(), p.y(), p.z());
        if (!particles.radii.empty()) {
            const float r = particles.radii[i];
            if (!std::isfinite(r) || r <= 0.0f) {
                return Error{fmt::format(
                    "surfacing: particle {} has radius {}; expected a finite radius > 0 m", i, r)};
            }
            selected.radii.push_back(r);
            selected.maxRadius = std::max(selected.maxRadius, r);
        }
    }
    return selected;
}

FloatGrid::Ptr rasterizeSmooth(const SelectedParticles& particles, const SurfacerDesc& desc) {
    namespace pts = openvdb::points;
    // The point grid shares the surface's voxel size: OpenVDB derives the active topology
    // from whole point voxels, so matching sizes keeps that topology tight.
    const auto transform = openvdb::math::Transform::createLinearTransform(desc.voxelSize);
    const pts::PointAttributeVector<openvdb::Vec3f> positions(particles.positions);
    const auto index =
        openvdb::tools::createPointIndexGrid<openvdb::tools::PointIndexGrid>(positions, *transform);
    const auto points =
        pts::createPointDataGrid<pts::NullCodec, pts::PointDataGrid>(*index, positions, *transform);
    const double halfBand = desc.halfBandVoxels;
    const double search = double(desc.searchRadiusScale) * double(particles.maxRadius);
    if (particles.radii.empty()) {
        return pts::rasterizeSmoothSpheres(*points, double(desc.particleRadius), search, halfBand,
                                           transform);
    }
    pts::appendAttribute<float>(points->tree(), "pscale");
    const pts::PointAttributeVector<float> radii(particles.radii);
    pts::populateAttribute(points->tree(), index->tree(), "pscale", radii);
    return pts::rasterizeSmoothSpheres<pts::PointDataGrid, float>(*points, "pscale", 1.0, search,
                                                                  halfBand, transform);
}

/// The particle list interface tools::ParticlesToLevelSet expects.
class SphereList {
public:
    using PosType = openvdb::Vec3R;
    SphereList(const SelectedParticles& particles, float radius)
        : mParticles(particles), mRadius(radius) {}
    [[nodiscard]] size_t size() const { return mParticles.positions.size(); }
    void getPos(size_t n, openvdb::Vec3R& xyz) const { xyz = mParticles.positions[n]; }
    void getPosRad(size_t n, openvdb::Vec3R& xyz, openvdb::Real& radius) const {
        xyz = mParticles.positions[n];
        radius = mParticles.radii.empty() ? mRadius : mParticles.radii[n];
    }

private:
    const SelectedParticles& mParticles;
    float mRadius;
};

FloatGrid::Ptr rasterizeSpheresFiltered(const SelectedParticles& particles,
                                        const SurfacerDesc& desc) {
    FloatGrid::Ptr grid = openvdb::createLevelSet<FloatGrid>(desc.voxelSize, desc.halfBandVoxels);
    openvdb::tools::ParticlesToLevelSet<FloatGrid> raster(*grid);
    // OpenVDB skips spheres under 1.5 voxels by default; a thin sheet of sand must not vanish.
    raster.setRmin(0.0);
    raster.rasterizeSpheres(SphereList(particles, desc.particleRadius));
    raster.finalize(/*prune=*/true);
    return grid;
}

void smooth(FloatGrid& grid, uint32_t iterations) {
    if (iterations == 0) return;
    openvdb::tools::LevelSetFilter<FloatGrid> filter(grid);
    for (uint32_t i = 0; i < iterations; ++i) filter.meanCurvature();
}

/// Unit outward normal from the level set's gradient (central differences of the trilinear
/// interpolant, one voxel apart); zero where the gradient vanishes.
Vec3f gradientNormal(const openvdb::tools::GridSampler<openvdb::FloatGrid::ConstAccessor,
                                                       openvdb::tools::BoxSampler>& sampler,
                     const openvdb::Vec3s& p, double h) {
    const openvdb::Vec3d x(p);
    const double gx = sampler.wsSample(x + openvdb::Vec3d(h, 0, 0)) -
                      sampler.wsSample(x - openvdb::Vec3d(h, 0, 0));
    const double gy = sampler.wsSample(x + openvdb::Vec3d(0, h, 0)) -
                      sampler.wsSample(x - openvdb::Vec3d(0, h, 0));
    const double gz = sampler.wsSample(x + openvdb::Vec3d(0, 0, h)) -
                      sampler.wsSample(x - openvdb::Vec3d(0, 0, h));
    const double length = std::sqrt(gx * gx + gy * gy + gz * gz);
    if (!(length > 1e-12)) return Vec3f::Zero();
    return Vec3f(float(gx / length), float(gy / length), float(gz / length));
}

TriangleMesh meshGrid(const FloatGrid& grid, const SurfacerDesc& desc) {
    std::vector<openvdb::Vec3s> points;
    std::vector<openvdb::Vec3I> triangles;
    std::vector<openvdb::Vec4I> quads;
    openvdb::tools::volumeToMesh(grid, points, triangles, quads, double(desc.isoValue),
                                 double(desc.adaptivity));

    TriangleMesh mesh;
    mesh.name = "particle surface";
    mesh.positions.resize(points.size());
    for (size_t i = 0; i < points.size(); ++i) {
        mesh.positions[i] = Vec3f(points[i].x(), points[i].y(), points[i].z());
    }
    // OpenVDB winds its polygons clockwise seen from outside (the side of values above the
    // isovalue); Silt's meshes are counter-clockwise, so every polygon is reversed.
    mesh.indices.reserve(3 * (triangles.size() + 2 * quads.size()));
    for (const openvdb::Vec3I& t : triangles) {
        mesh.indices.insert(mesh.indices.end(), {t[2], t[1], t[0]});
    }
    for (const openvdb::Vec4I& q : quads) {
        // Split along the shorter diagonal: better-shaped triangles on curved surfaces.
        const float d02 = (mesh.positions[q[0]] - mesh.positions[q[2]]).squaredNorm();
        const float d13 = (mesh.positions[q[1]] - mesh.positions[q[3]]).squaredNorm();
        if (d02 <= d13) {
            mesh.indices.insert(mesh.indices.end(), {q[2], q[1], q[0], q[3], q[2], q[0]});
        } else {
            mesh.indices.insert(mesh.indices.end(), {q[3], q[1], q[0], q[3], q[2], q[1]});
        }
    }

    // Each vertex's normal depends only on the grid and its own position: the parallel loop
    // gives the same bits whatever the thread count.
    mesh.normals.resize(points.size());
    const double h = grid.voxelSize()[0];
    tbb::parallel_for(tbb::blocked_range<size_t>(0, points.size(), 4096),
                      [&](const tbb::blocked_range<size_t>& range) {
                          openvdb::FloatGrid::ConstAccessor accessor = grid.getConstAccessor();
                          const openvdb::tools::GridSampler<openvdb::FloatGrid::ConstAccessor,
                                                            openvdb::tools::BoxSampler>
                              sampler(accessor, grid.transform());
                          for (size_t i = range.begin(); i != range.end(); ++i) {
                              mesh.normals[i] = gradientNormal(sampler, points[i], h);
                          }
                      });
    // Where the gradient vanishes (a saddle exactly at a vertex), fall back to the area-
    // weighted normal of the adjacent triangles.
    std::vector<uint32_t> flat;
    for (size_t i = 0; i < mesh.normals.size(); ++i) {
        if (mesh.normals[i].isZero()) flat.push_back(uint32_t(i));
    }
    if (!flat.empty()) {
        std::vector<Vec3f> sums(mesh.positions.size(), Vec3f::Zero());
        for (size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
            const uint32_t a = mesh.indices[t], b = mesh.indices[t + 1], c = mesh.indices[t + 2];
            const Vec3f n = (mesh.positions[b] - mesh.positions[a])
                                .cross(mesh.positions[c] - mesh.positions[a]);
            sums[a] += n;
            sums[b] += n;
            sums[c] += n;
        }
        for (uint32_t i : flat) {
            mesh.normals[i] = sums[i].norm() > 0.0f ? sums[i].normalized() : Vec3f::UnitY();
        }
    }
    return mesh;
}

template <typename Fn>
auto guarded(const char* what, Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const openvdb::Exception& e) {
        return Error{fmt::format("surfacing: OpenVDB failed while {}: {}", what, e.what())};
    } catch (const std::exception& e) {
        return Error{fmt::format("surfacing: failed while {}: {}", what, e.what())};
    }
}

}  // namespace

Status validate(const SurfacerDesc& desc) {
    auto bad = [](const char* field, float value, const char* expected) {
        return Error{
            fmt::format("SurfacerDesc.{} is {}; expected {}", field, double(value), expected)};
    };
    if (!(desc.voxelSize > 0.0f) || !std::isfinite(desc.voxelSize)) {
        return bad("voxelSize", desc.voxelSize, "a finite size > 0 m");
    }
    if (!(desc.particleRadius > 0.0f) || !std::isfinite(desc.particleRadius)) {
        return bad("particleRadius", desc.particleRadius, "a finite radius > 0 m");
    }
    if (!(desc.searchRadiusScale >= 1.0f) || !std::isfinite(desc.searchRadiusScale)) {
        return bad("searchRadiusScale", desc.searchRadiusScale, "a finite factor >= 1");
    }
    if (!std::isfinite(desc.isoValue)) return bad("isoValue", desc.isoValue, "a finite distance");
    if (!(desc.adaptivity >= 0.0f && desc.adaptivity <= 1.0f)) {
        return bad("adaptivity", desc.adaptivity, "a value in [0, 1]");
    }
    if (!(desc.halfBandVoxels >= 1.0f && desc.halfBandVoxels <= 64.0f)) {
        return bad("halfBandVoxels", desc.halfBandVoxels, "a width in [1, 64] voxels");
    }
    if (desc.method == RasterMethod::kSpheresFiltered && desc.smoothingIterations == 0) {
        return Error{
            "SurfacerDesc.smoothingIterations is 0 with method kSpheresFiltered; "
            "expected at least 1 (the sphere union is bumpy without it)"};
    }
    return {};
}

Result<LevelSet> rasterizeParticles(const ParticleView& particles, const SurfacerDesc& desc) {
    if (Status valid = validate(desc); !valid) return valid.error();
    Result<SelectedParticles> selected = selectParticles(particles, desc);
    if (!selected) return selected.error();
    if (selected->positions.empty()) return LevelSet();
    ensureOpenVdbInitialized();
    return guarded("rasterizing particles", [&]() -> Result<LevelSet> {
        FloatGrid::Ptr grid = desc.method == RasterMethod::kSmoothSpheres
                                  ? rasterizeSmooth(*selected, desc)
                                  : rasterizeSpheresFiltered(*selected, desc);
        smooth(*grid, desc.smoothingIterations);
        grid->setName("surface");
        grid->setGridClass(openvdb::GRID_LEVEL_SET);
        return makeLevelSet(std::move(grid));
    });
}

Result<TriangleMesh> meshLevelSet(const LevelSet& levelSet, const SurfacerDesc& desc) {
    if (Status valid = validate(desc); !valid) return valid.error();
    if (levelSet.impl() == nullptr || levelSet.empty()) {
        TriangleMesh mesh;
        mesh.name = "particle surface";
        return mesh;
    }
    return guarded("meshing the level set", [&]() -> Result<TriangleMesh> {
        return meshGrid(*levelSet.impl()->grid, desc);
    });
}

Result<TriangleMesh> surfaceParticles(const ParticleView& particles, const SurfacerDesc& desc) {
    Result<LevelSet> levelSet = rasterizeParticles(particles, desc);
    if (!levelSet) return levelSet.error();
    return meshLevelSet(*levelSet, desc);
}

Result<TriangleMesh> surfaceParticles(std::span<const Vec3f> positions, const SurfacerDesc& desc) {
    return surfaceParticles(ParticleView{positions, {}, {}}, desc);
}

}  // namespace silt::volume
