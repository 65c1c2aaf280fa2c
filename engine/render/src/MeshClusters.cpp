#include "silt/render/MeshClusters.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "silt/core/Check.h"

namespace silt::render {
namespace {

// Extra angle (rad) by which a cluster must be back-facing before it is skipped. The device
// decides facing from snapped sub-pixel coordinates, so a triangle a hair from edge-on may
// come out either way; 1° covers that, and on closed meshes a back face that slips through
// lies behind the front faces and fails the depth test anyway.
constexpr double kFacingMargin = 0.02;
// rad: how far a triangle's normal may stray from its cluster's mean normal.
constexpr float kMaxNormalStray = 0.2f;

using Vec3d = Eigen::Vector3d;
using Vec4d = Eigen::Vector4d;
using Mat4d = Eigen::Matrix4d;

// The six directions ±X, ±Y, ±Z: which one a normal is closest to, and where the normal
// meets that face of the unit cube (u, v in 0..1).
uint32_t axisClass(const Vec3f& n, float& u, float& v) {
    const Vec3f a = n.cwiseAbs();
    uint32_t axis = 2;
    if (a.x() >= a.y() && a.x() >= a.z()) {
        axis = 0;
    } else if (a.y() >= a.z()) {
        axis = 1;
    }
    const float major = std::max(a[int(axis)], 1e-30f);
    u = 0.5f + 0.5f * n[int((axis + 1) % 3)] / major;
    v = 0.5f + 0.5f * n[int((axis + 2) % 3)] / major;
    return 2 * axis + (n[int(axis)] >= 0.0f ? 0u : 1u);
}

// A Morton code through five coordinates in 0..1 (6 bits each): the normal's place on its
// cube face and the centroid's place in the mesh's box. Runs along it are compact both in
// direction (narrow normal cones) and in space (small spheres).
uint32_t morton5(const std::array<float, 5>& unit) {
    std::array<uint32_t, 5> cells{};
    for (size_t d = 0; d < 5; ++d) cells[d] = uint32_t(std::clamp(unit[d], 0.0f, 1.0f) * 63.0f);
    uint32_t code = 0;
    for (int bit = 5; bit >= 0; --bit) {
        for (size_t d = 0; d < 5; ++d) code = (code << 1) | ((cells[d] >> bit) & 1u);
    }
    return code;
}

// Bounding sphere and normal cone of the triangles [first, first + count) of `indices`.
// `indices` index `vertexSource`, which indexes `positions` (empty: the identity).
MeshCluster boundCluster(std::span<const Vec3f> inputPositions,
                         std::span<const uint32_t> vertexSource, std::span<const uint32_t> indices,
                         uint32_t firstIndex, uint32_t indexCount) {
    struct Positions {
        std::span<const Vec3f> input;
        std::span<const uint32_t> source;
        const Vec3f& operator[](uint32_t i) const { return input[source.empty() ? i : source[i]]; }
    } positions{inputPositions, vertexSource};
    MeshCluster cluster;
    cluster.firstIndex = firstIndex;
    cluster.indexCount = indexCount;
    Eigen::AlignedBox3f box;
    for (uint32_t i = firstIndex; i < firstIndex + indexCount; ++i) box.extend(positions[indices[i]]);
    cluster.center = box.center();
    float radius2 = 0.0f;
    for (uint32_t i = firstIndex; i < firstIndex + indexCount; ++i)
        radius2 = std::max(radius2, (positions[indices[i]] - cluster.center).squaredNorm());
    // A little slack so the sphere holds every vertex despite rounding.
    cluster.radius = std::sqrt(radius2) * (1.0f + 1e-5f) + 1e-7f;

    std::vector<Vec3d> normals;
    normals.reserve(indexCount / 3);
    Vec3d sum = Vec3d::Zero();
    for (uint32_t t = firstIndex; t < firstIndex + indexCount; t += 3) {
        const Vec3d p0 = positions[indices[t]].cast<double>();
        const Vec3d p1 = positions[indices[t + 1]].cast<double>();
        const Vec3d p2 = positions[indices[t + 2]].cast<double>();
        const Vec3d n = (p1 - p0).cross(p2 - p0);
        const double length = n.norm();
        if (length == 0.0) continue;  // zero area: draws nothing, faces nowhere
        normals.push_back(n / length);
        sum += normals.back();
    }
    if (normals.empty() || sum.norm() < 1e-6 * double(normals.size())) {
        cluster.coneAngle = kPi;  // no direction to speak of: never back-facing as a whole
        return cluster;
    }
    const Vec3d axis = sum.normalized();
    double minCos = 1.0;
    for (const Vec3d& n : normals) minCos = std::min(minCos, n.dot(axis));
    cluster.coneAxis = axis.cast<float>();
    // The float axis differs from the double one by ~1e-7 rad; the margin absorbs it.
    cluster.coneAngle = float(std::acos(std::clamp(minCos, -1.0, 1.0)) + 1e-5);
    return cluster;
}

void boundWhole(std::span<const Vec3f> positions, ClusteredIndices& out) {
    auto position = [&](uint32_t i) -> const Vec3f& {
        return positions[out.vertexSource.empty() ? i : out.vertexSource[i]];
    };
    Eigen::AlignedBox3f box;
    for (const MeshCluster& c : out.clusters) {
        box.extend(c.center - Vec3f::Constant(c.radius));
        box.extend(c.center + Vec3f::Constant(c.radius));
    }
    out.center = box.center();
    float radius2 = 0.0f;
    for (uint32_t i : out.indices) radius2 = std::max(radius2, (position(i) - out.center).squaredNorm());
    out.radius = std::sqrt(radius2) * (1.0f + 1e-5f) + 1e-7f;
}

// The rows of clip space a plane test and the facing test need, in double.
Mat4d toDouble(const Mat4f& m) { return m.cast<double>(); }

}  // namespace

ClusteredIndices buildMeshClusters(std::span<const Vec3f> positions,
                                   std::span<const uint32_t> indices,
                                   uint32_t trianglesPerCluster) {
    SILT_CHECK(indices.size() % 3 == 0);
    SILT_CHECK(trianglesPerCluster > 0);
    const uint32_t triangles = uint32_t(indices.size() / 3);
    Eigen::AlignedBox3f box;
    for (uint32_t i : indices) box.extend(positions[i]);
    const Vec3f extent = (box.max() - box.min()).cwiseMax(Vec3f::Constant(1e-12f));

    // Sort key: normal class, then a Morton code through the normal's place on its cube
    // face and the centroid's place in the box.
    std::vector<std::pair<uint64_t, uint32_t>> keys(triangles);
    std::vector<uint32_t> classes(triangles);
    for (uint32_t t = 0; t < triangles; ++t) {
        const Vec3f& p0 = positions[indices[3 * t]];
        const Vec3f& p1 = positions[indices[3 * t + 1]];
        const Vec3f& p2 = positions[indices[3 * t + 2]];
        const Vec3f centroid = (p0 + p1 + p2) / 3.0f;
        const Vec3f unit = (centroid - box.min()).cwiseQuotient(extent);
        float u = 0.0f, v = 0.0f;
        classes[t] = axisClass((p1 - p0).cross(p2 - p0), u, v);
        const uint32_t morton = morton5({u, v, unit.x(), unit.y(), unit.z()});
        keys[t] = {(uint64_t(classes[t]) << 32) | morton, t};
    }
    std::sort(keys.begin(), keys.end());  // (key, triangle): a total order, deterministic

    // Cut the sorted triangles into clusters: at most trianglesPerCluster, one normal class,
    // and a new cluster where the next normal strays from the cluster's mean direction (the
    // curve jumps, or the surface bends): a narrow cone is what lets a cluster be culled.
    const float cosMaxStray = std::cos(kMaxNormalStray);
    auto unitNormal = [&](uint32_t t) {
        const Vec3f n = (positions[indices[3 * t + 1]] - positions[indices[3 * t]])
                            .cross(positions[indices[3 * t + 2]] - positions[indices[3 * t]]);
        const float length = n.norm();
        return length > 0.0f ? Vec3f(n / length) : Vec3f::Zero();
    };
    // Each cluster's vertices become a contiguous run of a new vertex buffer and its
    // triangles keep their original relative order: lavapipe reuses shaded vertices only
    // within a small window of recent indices, so compact index runs keep the vertex work
    // per triangle what it was for the original (usually strip-ordered) mesh.
    ClusteredIndices out;
    out.indices.reserve(indices.size());
    out.vertexSource.reserve(positions.size() + positions.size() / 2);
    std::vector<uint32_t> localVertex(positions.size(), ~0u);
    std::vector<uint32_t> members;
    auto emitCluster = [&](uint32_t firstKey, uint32_t endKey) {
        members.clear();
        for (uint32_t k = firstKey; k < endKey; ++k) members.push_back(keys[k].second);
        std::sort(members.begin(), members.end());
        const uint32_t firstVertex = uint32_t(out.vertexSource.size());
        const uint32_t firstIndex = uint32_t(out.indices.size());
        for (uint32_t t : members) {
            for (int c = 0; c < 3; ++c) {
                const uint32_t v = indices[3 * t + c];
                if (localVertex[v] == ~0u || localVertex[v] < firstVertex) {
                    localVertex[v] = uint32_t(out.vertexSource.size());
                    out.vertexSource.push_back(v);
                }
                out.indices.push_back(localVertex[v]);
            }
        }
        out.clusters.push_back(boundCluster(positions, out.vertexSource, out.indices, firstIndex,
                                            uint32_t(out.indices.size()) - firstIndex));
    };
    uint32_t runStart = 0;
    Vec3f normalSum = Vec3f::Zero();
    for (uint32_t k = 0; k < triangles; ++k) {
        const uint32_t t = keys[k].second;
        normalSum += unitNormal(t);
        const bool last = k + 1 == triangles;
        bool cut = last || k + 1 - runStart == trianglesPerCluster;
        if (!cut) {
            const uint32_t nextT = keys[k + 1].second;
            const Vec3f next = unitNormal(nextT);
            const float sumLength = normalSum.norm();
            cut = classes[nextT] != classes[t] ||
                  (sumLength > 0.0f && next != Vec3f::Zero() &&
                   next.dot(normalSum) < cosMaxStray * sumLength);
        }
        if (cut) {
            emitCluster(runStart, k + 1);
            runStart = k + 1;
            normalSum = Vec3f::Zero();
        }
    }
    boundWhole(positions, out);
    return out;
}

ClusteredIndices singleCluster(std::span<const Vec3f> positions,
                               std::span<const uint32_t> indices) {
    ClusteredIndices out;
    out.indices.assign(indices.begin(), indices.end());
    MeshCluster all = boundCluster(positions, {}, out.indices, 0, uint32_t(indices.size()));
    all.coneAngle = kPi;  // a whole mesh: worth no facing test
    out.clusters.push_back(all);
    boundWhole(positions, out);
    return out;
}

bool sphereOutsideClipVolume(const Mat4f& clipFromLocal, const Vec3f& center, float radius) {
    const Mat4d m = toDouble(clipFromLocal);
    const Vec4d c(center.x(), center.y(), center.z(), 1.0);
    const double r = double(radius);
    // −w ≤ x ≤ w, −w ≤ y ≤ w, 0 ≤ z ≤ w: each plane as a row combination L with L·p ≥ 0 inside.
    const std::array<Vec4d, 6> planes{
        Vec4d(m.row(3) + m.row(0)), Vec4d(m.row(3) - m.row(0)), Vec4d(m.row(3) + m.row(1)),
        Vec4d(m.row(3) - m.row(1)), Vec4d(m.row(2)),            Vec4d(m.row(3) - m.row(2))};
    for (const Vec4d& l : planes) {
        const double normal = l.head<3>().norm();
        // Margin: the device's float clip coordinates carry relative errors of ~1e-7.
        const double slack = 1e-5 * (normal * (c.head<3>().norm() + r) + std::abs(l.w()));
        if (l.dot(c) + r * normal < -slack) return true;
    }
    return false;
}

bool clusterBackFacing(const Mat4f& clipFromLocal, const MeshCluster& cluster) {
    if (!(cluster.coneAngle < 0.5 * kPi)) return false;
    const Mat4d m = toDouble(clipFromLocal);
    // The device's facing is the sign of the triangle's area in the framebuffer, i.e. of
    // det(R·P) where R holds clip rows x, y, w and P the triangle's homogeneous vertices.
    // With E the generalized cross product of R's rows (R·E = 0: the centre of projection,
    // a point or, orthographic, a direction), det(R·P) = det[P | E] = −N·(E.xyz − E.w·p0)
    // for N = (p1 − p0) × (p2 − p0); Vulkan's area is −½ of that determinant (scaled by
    // positive viewport factors, w > 0 where anything is drawn), so a counter-clockwise
    // front face is one with N·(E.xyz − E.w·p) > 0.
    Eigen::Matrix<double, 3, 4> r;
    r.row(0) = m.row(0);
    r.row(1) = m.row(1);
    r.row(2) = m.row(3);
    Vec4d e;
    for (int j = 0; j < 4; ++j) {
        Eigen::Matrix3d minor;
        for (int col = 0, k = 0; col < 4; ++col) {
            if (col == j) continue;
            minor.col(k++) = r.col(col);
        }
        e[j] = ((3 + j) % 2 == 0 ? 1.0 : -1.0) * minor.determinant();
    }
    // Over the cluster's sphere, E.xyz − E.w·p = g − E.w·(p − c) stays within an angle β of
    // g (sin β = |E.w|·r / |g|); the normals stay within coneAngle of the axis. Every triangle
    // is back-facing if the axis is more than 90° + coneAngle + β (+ margin) away from g.
    const Vec3d center = cluster.center.cast<double>();
    const Vec3d g = e.head<3>() - e.w() * center;
    const double gNorm = g.norm();
    const double offset = std::abs(e.w()) * double(cluster.radius);
    if (!(offset < gNorm)) return false;  // the eye is inside the cluster's sphere
    const double beta = std::asin(offset / gNorm);
    const double angle = double(cluster.coneAngle) + beta + kFacingMargin;
    if (angle >= 0.5 * kPi) return false;
    return cluster.coneAxis.cast<double>().normalized().dot(g / gNorm) < -std::sin(angle);
}

void appendVisibleRanges(const ClusteredIndices& mesh, const Mat4f& clipFromLocal,
                         bool cullBackFaces, std::vector<IndexRange>& ranges) {
    if (mesh.clusters.empty()) return;
    if (sphereOutsideClipVolume(clipFromLocal, mesh.center, mesh.radius)) return;
    const bool oneCluster = mesh.clusters.size() == 1;
    bool open = false;  // whether the last range in `ranges` may be extended
    for (const MeshCluster& cluster : mesh.clusters) {
        const bool skip =
            (!oneCluster && sphereOutsideClipVolume(clipFromLocal, cluster.center, cluster.radius)) ||
            (cullBackFaces && clusterBackFacing(clipFromLocal, cluster));
        if (skip) {
            open = false;
            continue;
        }
        if (open) {
            ranges.back().indexCount += cluster.indexCount;
        } else {
            ranges.push_back({cluster.firstIndex, cluster.indexCount});
            open = true;
        }
    }
}

}  // namespace silt::render
