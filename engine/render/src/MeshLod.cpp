#include "silt/render/MeshLod.h"

#include <meshoptimizer.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <Eigen/SVD>

#include "silt/core/Check.h"

namespace silt::render {

static_assert(sizeof(Vec3f) == 3 * sizeof(float), "positions are read as packed float3");

namespace {

// The point of triangle abc closest to p (Ericson, Real-Time Collision Detection, 5.1.5):
// by the Voronoi region of the triangle's features that p lies in.
Vec3f closestPointOnTriangle(const Vec3f& p, const Vec3f& a, const Vec3f& b, const Vec3f& c) {
    const Vec3f ab = b - a, ac = c - a, ap = p - a;
    const float d1 = ab.dot(ap), d2 = ac.dot(ap);
    if (d1 <= 0.0f && d2 <= 0.0f) return a;
    const Vec3f bp = p - b;
    const float d3 = ab.dot(bp), d4 = ac.dot(bp);
    if (d3 >= 0.0f && d4 <= d3) return b;
    const float vc = d1 * d4 - d3 * d2;
    if (vc <= 0.0f && d1 >= 0.0f && d3 <= 0.0f) return a + ab * (d1 / (d1 - d3));
    const Vec3f cp = p - c;
    const float d5 = ab.dot(cp), d6 = ac.dot(cp);
    if (d6 >= 0.0f && d5 <= d6) return c;
    const float vb = d5 * d2 - d1 * d6;
    if (vb <= 0.0f && d2 >= 0.0f && d6 <= 0.0f) return a + ac * (d2 / (d2 - d6));
    const float va = d3 * d6 - d5 * d4;
    if (va <= 0.0f && d4 - d3 >= 0.0f && d5 - d6 >= 0.0f)
        return b + (c - b) * ((d4 - d3) / ((d4 - d3) + (d5 - d6)));
    const float denom = 1.0f / (va + vb + vc);
    return a + ab * (vb * denom) + ac * (vc * denom);
}

// A bounding-volume hierarchy over a mesh's triangles for nearest-point queries among the
// triangles that face a given way. Median splits along the longest axis; branch and bound
// on the boxes.
class TriangleBvh {
public:
    TriangleBvh(std::span<const Vec3f> positions, std::span<const uint32_t> indices)
        : mPositions(positions), mIndices(indices) {
        const size_t triangles = indices.size() / 3;
        mOrder.resize(triangles);
        mFaceNormals.resize(triangles);
        std::vector<Vec3f> centroids(triangles);
        for (size_t t = 0; t < triangles; ++t) {
            mOrder[t] = uint32_t(t);
            centroids[t] = (corner(t, 0) + corner(t, 1) + corner(t, 2)) / 3.0f;
            mFaceNormals[t] = faceNormal(corner(t, 0), corner(t, 1), corner(t, 2));
        }
        mNodes.reserve(2 * triangles / kLeafSize + 2);
        mNodes.emplace_back();
        build(0, 0, uint32_t(triangles), centroids);
    }

    /// Distance from p to the nearest triangle whose unit face normal n has n·facing ≥
    /// minCos (facing: unit) — exact when it exceeds `enough`; otherwise some value ≤ enough
    /// (the search stops at the first triangle that close: callers after a maximum of
    /// distances need no more). Infinity when no triangle faces that way.
    /// `seeds`: triangles likely to be near p, tried first so the tree search starts with a
    /// tight bound.
    [[nodiscard]] float distance(const Vec3f& p, const Vec3f& facing, float minCos, float enough,
                                 std::span<const uint32_t> seeds = {},
                                 uint32_t* nearestTriangle = nullptr,
                                 Vec3f* nearestPoint = nullptr) const {
        const float enoughSquared = enough * enough;
        float best = std::numeric_limits<float>::infinity();
        auto consider = [&](uint32_t t) {
            if (!(mFaceNormals[t].dot(facing) >= minCos)) return;
            const Vec3f q = closestPointOnTriangle(p, corner(t, 0), corner(t, 1), corner(t, 2));
            const float d = (q - p).squaredNorm();
            // Ties go to the lower index, so the answer does not depend on the visiting order.
            if (d < best || (d == best && nearestTriangle && t < *nearestTriangle)) {
                best = d;
                if (nearestTriangle) *nearestTriangle = t;
                if (nearestPoint) *nearestPoint = q;
            }
        };
        for (uint32_t t : seeds) consider(t);
        if (best <= enoughSquared) return std::sqrt(best);
        uint32_t stack[64];
        int top = 0;
        stack[top++] = 0;
        while (top > 0) {
            const Node& node = mNodes[stack[--top]];
            if (node.box.squaredExteriorDistance(p) > best) continue;
            if (node.count > 0) {
                for (uint32_t k = node.first; k < node.first + node.count; ++k) consider(mOrder[k]);
                if (best <= enoughSquared) break;
                continue;
            }
            // Nearer child last, so it is searched first and tightens the bound.
            const uint32_t left = node.first, right = node.first + 1;
            const bool leftNearer = mNodes[left].box.squaredExteriorDistance(p) <
                                    mNodes[right].box.squaredExteriorDistance(p);
            stack[top++] = leftNearer ? right : left;
            stack[top++] = leftNearer ? left : right;
        }
        return std::sqrt(best);
    }

    /// The unit normal the renderer interpolates at point p of triangle t (barycentric
    /// weights of p from the triangle's vertex normals).
    [[nodiscard]] Vec3f shadingNormal(uint32_t t, const Vec3f& p,
                                      std::span<const Vec3f> normals) const {
        const Vec3f &a = corner(t, 0), &b = corner(t, 1), &c = corner(t, 2);
        const Vec3f n = (b - a).cross(c - a);
        const float area = n.squaredNorm();
        const uint32_t* v = &mIndices[3 * size_t(t)];
        if (!(area > 0.0f)) return normals[v[0]];
        const float wa = (b - p).cross(c - p).dot(n) / area;
        const float wb = (c - p).cross(a - p).dot(n) / area;
        const Vec3f mixed =
            wa * normals[v[0]] + wb * normals[v[1]] + (1.0f - wa - wb) * normals[v[2]];
        const float length = mixed.norm();
        return length > 0.0f ? Vec3f(mixed / length) : normals[v[0]];
    }

private:
    static Vec3f faceNormal(const Vec3f& a, const Vec3f& b, const Vec3f& c) {
        const Vec3f n = (b - a).cross(c - a);
        const float length = n.norm();
        return length > 0.0f ? Vec3f(n / length) : Vec3f::Zero();
    }

    static constexpr uint32_t kLeafSize = 4;
    struct Node {
        Eigen::AlignedBox3f box;
        uint32_t first = 0;  ///< leaf: first of mOrder; inner: index of the left child
        uint32_t count = 0;  ///< triangles in a leaf; 0 for an inner node
    };

    [[nodiscard]] const Vec3f& corner(size_t t, int k) const {
        return mPositions[mIndices[3 * t + size_t(k)]];
    }

    // Fills node `index` (already allocated) with the triangles mOrder[begin, end).
    void build(uint32_t index, uint32_t begin, uint32_t end, const std::vector<Vec3f>& centroids) {
        Eigen::AlignedBox3f box, centres;
        for (uint32_t k = begin; k < end; ++k) {
            for (int c = 0; c < 3; ++c) box.extend(corner(mOrder[k], c));
            centres.extend(centroids[mOrder[k]]);
        }
        mNodes[index].box = box;
        if (end - begin <= kLeafSize) {
            mNodes[index].first = begin;
            mNodes[index].count = end - begin;
            return;
        }
        int axis = 0;
        centres.sizes().maxCoeff(&axis);
        const uint32_t middle = begin + (end - begin) / 2;
        std::nth_element(mOrder.begin() + begin, mOrder.begin() + middle, mOrder.begin() + end,
                         [&](uint32_t x, uint32_t y) {
                             return centroids[x][axis] < centroids[y][axis] ||
                                    (centroids[x][axis] == centroids[y][axis] && x < y);
                         });
        // Children next to each other: the left one's index is `first`.
        const uint32_t left = uint32_t(mNodes.size());
        mNodes.emplace_back();
        mNodes.emplace_back();
        mNodes[index].first = left;
        mNodes[index].count = 0;
        build(left, begin, middle, centroids);
        build(left + 1, middle, end, centroids);
    }

    std::span<const Vec3f> mPositions;
    std::span<const uint32_t> mIndices;
    std::vector<uint32_t> mOrder;
    std::vector<Vec3f> mFaceNormals;
    std::vector<Node> mNodes;
};

// Barycentric weights of the points where a coarse triangle is compared with the original
// surface: its 3x subdivision but the corners (original vertices, on the original surface)
// — the edge thirds and the centroid.
template <typename Visit>
void triangleSamples(Visit&& visit) {
    constexpr int kSteps = 3;
    for (int i = 0; i <= kSteps; ++i) {
        for (int j = 0; i + j <= kSteps; ++j) {
            const int k = kSteps - i - j;
            if (i == kSteps || j == kSteps || k == kSteps) continue;  // a corner
            visit(std::array<float, 3>{float(i) / kSteps, float(j) / kSteps, float(k) / kSteps});
        }
    }
}

// The triangles around each vertex: triangles[first[v] .. first[v + 1]).
struct IncidentTriangles {
    std::vector<uint32_t> first;
    std::vector<uint32_t> triangles;

    IncidentTriangles(size_t vertexCount, std::span<const uint32_t> indices)
        : first(vertexCount + 1, 0), triangles(indices.size()) {
        for (uint32_t i : indices) ++first[i + 1];
        for (size_t v = 0; v < vertexCount; ++v) first[v + 1] += first[v];
        std::vector<uint32_t> next(first.begin(), first.end() - 1);
        for (size_t k = 0; k < indices.size(); ++k) triangles[next[indices[k]]++] = uint32_t(k / 3);
    }
};

struct Deviation {
    float distance = 0.0f;      ///< m
    float shadingAngle = 0.0f;  ///< rad, between shading normals at corresponding points
};

// How far a coarse level strays from the original surface, both ways: the original's
// vertices from the level, and points sampled on the level's
// triangles from the original — from the nearest original triangle that faces the way the
// renderer shades the sample (its interpolated vertex normal), within kMaxLodNormalAngle. So a
// thin wall whose outer side collapsed onto its inner side counts as far off (it lies near
// the original surface, but shaded as facing the other way), while a sliver left by the
// simplifier, whose face normal points anywhere, is judged by its shading. And how far the
// shading normal at each sample turns from the original's at the nearest point.
// meshoptimizer's own estimate (from its quadrics) misses the sag of a large flat triangle
// over a curved region, by 1.6-2.1x on spheres, and knows nothing of facing or normals.
Deviation measuredDeviation(std::span<const Vec3f> positions, std::span<const Vec3f> normals,
                            const TriangleBvh& originalBvh, const IncidentTriangles& incident,
                            std::span<const uint32_t> coarse) {
    const TriangleBvh coarseBvh(positions, coarse);
    const float minCos = std::cos(kMaxLodNormalAngle);
    Deviation worst;
    float minShadingCos = 1.0f;
    for (size_t v = 0; v < positions.size(); ++v) {
        if (incident.first[v] == incident.first[v + 1]) continue;  // in no original triangle
        worst.distance = std::max(
            worst.distance, coarseBvh.distance(positions[v], Vec3f::Zero(), -1.0f, worst.distance));
    }
    std::vector<uint32_t> seeds;
    for (size_t t = 0; t + 2 < coarse.size(); t += 3) {
        const std::array<uint32_t, 3> v{coarse[t], coarse[t + 1], coarse[t + 2]};
        // The original triangles around the corners (original vertices) are near its points.
        seeds.clear();
        for (uint32_t corner : v)
            for (uint32_t k = incident.first[corner]; k < incident.first[corner + 1]; ++k)
                seeds.push_back(incident.triangles[k]);
        triangleSamples([&](const std::array<float, 3>& w) {
            const Vec3f p =
                w[0] * positions[v[0]] + w[1] * positions[v[1]] + w[2] * positions[v[2]];
            const Vec3f shading =
                w[0] * normals[v[0]] + w[1] * normals[v[1]] + w[2] * normals[v[2]];
            const float length = shading.norm();
            if (!(length > 0.0f)) return;  // normals that cancel: nothing to compare
            const Vec3f facing = shading / length;
            if (!(w[0] == w[1] && w[1] == w[2])) {
                worst.distance = std::max(
                    worst.distance, originalBvh.distance(p, facing, minCos, worst.distance, seeds));
                return;
            }
            // The centroid, farthest from the corners the normals come from, also compares the
            // shading normal: with the original's at the exact nearest point (no early stop).
            uint32_t triangle = ~0u;
            Vec3f nearest = Vec3f::Zero();
            worst.distance =
                std::max(worst.distance,
                         originalBvh.distance(p, facing, minCos, 0.0f, seeds, &triangle, &nearest));
            if (triangle == ~0u) return;
            minShadingCos = std::min(
                minShadingCos, originalBvh.shadingNormal(triangle, nearest, normals).dot(facing));
        });
    }
    worst.shadingAngle = std::acos(std::clamp(minShadingCos, -1.0f, 1.0f));
    return worst;
}

}  // namespace

std::vector<MeshLodLevel> buildMeshLods(std::span<const Vec3f> positions,
                                        std::span<const Vec3f> normals,
                                        std::span<const uint32_t> indices) {
    std::vector<MeshLodLevel> levels;
    if (indices.size() / 3 < kMinTrianglesForLod || positions.empty()) return levels;
    SILT_CHECK(normals.size() == positions.size());
    const auto* xyz = reinterpret_cast<const float*>(positions.data());
    const size_t minIndices = 3 * size_t(kMinTrianglesForLod / 4);
    size_t previous = indices.size();
    std::vector<uint32_t> out(indices.size());
    const TriangleBvh originalBvh(positions, indices);
    const IncidentTriangles incident(positions.size(), indices);
    Eigen::AlignedBox3f box;
    for (uint32_t i : indices) box.extend(positions[i]);
    const float size = box.diagonal().norm();
    while (previous / 2 >= minIndices) {
        const size_t target = previous / 6 * 3;
        const std::span<const uint32_t> source =
            levels.empty() ? indices : std::span<const uint32_t>(levels.back().indices);
        // Each level simplifies the one before (the cost halves with each level); its error is
        // measured against the original. The error budget is unlimited: a level is only drawn
        // where its error projects under the renderer's bound. Locked borders keep open edges
        // (and the seams between separate parts) where they are: no cracks.
        const size_t count = meshopt_simplify(out.data(), source.data(), source.size(), xyz,
                                              positions.size(), sizeof(Vec3f), target,
                                              std::numeric_limits<float>::max(),
                                              meshopt_SimplifyLockBorder, nullptr);
        // Past this the simplifier is stuck on locked borders or seams: a level that barely
        // saves triangles is not worth its memory.
        if (count == 0 || count > previous * 17 / 20) break;
        MeshLodLevel level;
        level.indices.assign(out.begin(), out.begin() + std::ptrdiff_t(count));
        const Deviation deviation =
            measuredDeviation(positions, normals, originalBvh, incident, level.indices);
        // Shading follows the interpolated normals at any distance: a level that turns them is
        // not the same look drawn coarser (stretched over larger triangles, the normals of a
        // rim or crease tilt a whole wall), and coarser levels turn them further.
        if (deviation.shadingAngle > kMaxLodShadingAngle) break;
        level.error = deviation.distance;
        if (!levels.empty()) level.error = std::max(level.error, levels.back().error);
        // A level as far off as a quarter of the mesh would only ever stand in for a speck.
        if (!(level.error < 0.25f * size)) break;
        levels.push_back(std::move(level));
        previous = count;
    }
    return levels;
}

float pixelsPerMetreBound(const Mat4f& clipFromWorld, uint32_t width, uint32_t height,
                          const Vec3f& center, float radius) {
    // A displacement d moves pixel u = W/2 (x/w + 1) by W/2 (dx - (x/w) dw) / w, and inside the
    // image |x/w| ≤ 1: so by at most W/2 (|row x| + |row w|) |d| / w_min, the same for v.
    const Eigen::Vector3f rowX = clipFromWorld.block<1, 3>(0, 0).transpose();
    const Eigen::Vector3f rowY = clipFromWorld.block<1, 3>(1, 0).transpose();
    const Eigen::Vector3f rowW = clipFromWorld.block<1, 3>(3, 0).transpose();
    const float wMin = rowW.dot(center) + clipFromWorld(3, 3) - rowW.norm() * radius;
    if (!(wMin > 0.0f)) return std::numeric_limits<float>::infinity();
    const float du = 0.5f * float(width) * (rowX.norm() + rowW.norm());
    const float dv = 0.5f * float(height) * (rowY.norm() + rowW.norm());
    return std::hypot(du, dv) / wMin;
}

float largestStretch(const Mat4f& modelToWorld) {
    const Eigen::Matrix3f linear = modelToWorld.topLeftCorner<3, 3>();
    return Eigen::JacobiSVD<Eigen::Matrix3f>(linear).singularValues()(0);
}

size_t selectLod(std::span<const float> levelErrors, float pixelsPerLocalMetre,
                 float maxPixelError) {
    if (!(maxPixelError > 0.0f) || !std::isfinite(pixelsPerLocalMetre)) return 0;
    for (size_t k = levelErrors.size(); k > 0; --k) {
        if (levelErrors[k - 1] * pixelsPerLocalMetre <= maxPixelError) return k;
    }
    return 0;
}

}  // namespace silt::render
