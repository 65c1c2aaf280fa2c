#include "silt/assets/SignedDistanceField.h"

#include <openvdb/openvdb.h>
#include <openvdb/tools/Interpolation.h>
#include <openvdb/tools/MeshToVolume.h>

#include <algorithm>
#include <cmath>
#include <mutex>

#include <fmt/format.h>

namespace silt::assets {
namespace {

void initializeOpenVdbOnce() {
    static std::once_flag once;
    std::call_once(once, [] { openvdb::initialize(); });
}

}  // namespace

float SignedDistanceField::distance(const Vec3f& local) const {
    Vec3f grid = (local - origin) / voxelSize;
    Vec3f maxIndex = (dims.cast<float>() - Vec3f::Ones());
    Vec3f clamped = grid.cwiseMax(Vec3f::Zero()).cwiseMin(maxIndex);
    float outside = (grid - clamped).norm() * voxelSize;
    Eigen::Vector3i base = clamped.array().floor().cast<int>().matrix();
    base = base.cwiseMin(dims - Eigen::Vector3i::Constant(2)).cwiseMax(Eigen::Vector3i::Zero());
    Vec3f t = clamped - base.cast<float>();
    float c[2][2][2];
    for (int dz = 0; dz < 2; ++dz)
        for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx) c[dz][dy][dx] = at(base.x() + dx, base.y() + dy, base.z() + dz);
    auto lerp = [](float a, float b, float w) { return a + (b - a) * w; };
    float y0 = lerp(lerp(c[0][0][0], c[0][0][1], t.x()), lerp(c[0][1][0], c[0][1][1], t.x()), t.y());
    float y1 = lerp(lerp(c[1][0][0], c[1][0][1], t.x()), lerp(c[1][1][0], c[1][1][1], t.x()), t.y());
    return lerp(y0, y1, t.z()) + outside;
}

Vec3f SignedDistanceField::normal(const Vec3f& local) const {
    const float h = 0.5f * voxelSize;
    Vec3f gradient(distance(local + Vec3f(h, 0, 0)) - distance(local - Vec3f(h, 0, 0)),
                   distance(local + Vec3f(0, h, 0)) - distance(local - Vec3f(0, h, 0)),
                   distance(local + Vec3f(0, 0, h)) - distance(local - Vec3f(0, 0, h)));
    float length = gradient.norm();
    return length > 1e-12f ? Vec3f(gradient / length) : Vec3f(Vec3f::UnitY());
}

Result<SignedDistanceField> buildSignedDistanceField(const TriangleMesh& mesh, float voxelSize,
                                                     int paddingVoxels) {
    if (mesh.indices.empty() || mesh.positions.empty()) {
        return Error{fmt::format("mesh '{}': cannot build a distance field of an empty mesh", mesh.name)};
    }
    if (!(voxelSize > 0.0f)) {
        return Error{fmt::format("mesh '{}': distance-field voxel size must be positive, got {}",
                                 mesh.name, voxelSize)};
    }
    initializeOpenVdbOnce();
    Eigen::AlignedBox3f box = mesh.bounds();
    Vec3f pad = Vec3f::Constant(float(paddingVoxels) * voxelSize);
    SignedDistanceField field;
    field.voxelSize = voxelSize;
    field.origin = box.min() - pad;
    Vec3f extent = box.max() + pad - field.origin;
    field.dims = (extent / voxelSize).array().ceil().cast<int>().matrix() + Eigen::Vector3i::Ones();
    field.dims = field.dims.cwiseMax(Eigen::Vector3i::Constant(2));

    try {
        auto transform = openvdb::math::Transform::createLinearTransform(voxelSize);
        std::vector<openvdb::Vec3s> points;  // world (here: the mesh's local frame) positions
        points.reserve(mesh.positions.size());
        for (const Vec3f& p : mesh.positions) points.emplace_back(p.x(), p.y(), p.z());
        std::vector<openvdb::Vec3I> triangles;
        triangles.reserve(mesh.triangleCount());
        for (size_t i = 0; i + 2 < mesh.indices.size(); i += 3) {
            triangles.emplace_back(mesh.indices[i], mesh.indices[i + 1], mesh.indices[i + 2]);
        }
        std::vector<openvdb::Vec4I> quads;
        // Bands just wide enough that every sample of the padded box holds a true distance:
        // the padding outside, the deepest interior point inside.
        float exteriorBand = float(paddingVoxels + 2);
        float interiorBand = float(field.dims.maxCoeff() / 2 + 2);
        openvdb::FloatGrid::Ptr grid = openvdb::tools::meshToSignedDistanceField<openvdb::FloatGrid>(
            *transform, points, triangles, quads, exteriorBand, interiorBand);
        auto accessor = grid->getConstAccessor();
        openvdb::tools::GridSampler<openvdb::FloatGrid::ConstAccessor, openvdb::tools::BoxSampler>
            sampler(accessor, grid->transform());
        field.values.resize(size_t(field.dims.x()) * size_t(field.dims.y()) * size_t(field.dims.z()));
        size_t index = 0;
        for (int z = 0; z < field.dims.z(); ++z) {
            for (int y = 0; y < field.dims.y(); ++y) {
                for (int x = 0; x < field.dims.x(); ++x) {
                    Vec3f p = field.origin + voxelSize * Vec3f(float(x), float(y), float(z));
                    field.values[index++] = sampler.wsSample(openvdb::Vec3d(p.x(), p.y(), p.z()));
                }
            }
        }
    } catch (const std::exception& e) {
        return Error{fmt::format("mesh '{}': OpenVDB could not build its distance field: {}", mesh.name,
                                 e.what())};
    }
    return field;
}

}  // namespace silt::assets
