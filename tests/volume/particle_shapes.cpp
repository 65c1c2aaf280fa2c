#include "particle_shapes.h"

#include <cmath>
#include <map>
#include <utility>

#include "silt/core/Rng.h"

namespace silt::volume::test {
namespace {

Vec3f jittered(const Vec3f& cellCentre, float h, float jitter, Pcg32& rng) {
    Vec3f offset(rng.uniformFloat() - 0.5f, rng.uniformFloat() - 0.5f, rng.uniformFloat() - 0.5f);
    return cellCentre + (2.0f * jitter * h) * offset;
}

}  // namespace

std::vector<Vec3f> makeBall(const Vec3f& centre, float radius, float h, float jitter,
                            uint64_t seed) {
    Pcg32 rng = streamFor(seed, 0, "ball");
    std::vector<Vec3f> points;
    const int n = int(std::ceil(radius / h)) + 1;
    for (int i = -n; i <= n; ++i) {
        for (int j = -n; j <= n; ++j) {
            for (int k = -n; k <= n; ++k) {
                // Cells centred at (i, j, k)·h + h/2 so that the ball is not aligned to them.
                const Vec3f cell =
                    centre + h * Vec3f(float(i) + 0.5f, float(j) + 0.5f, float(k) + 0.5f);
                if ((cell - centre).norm() > radius) continue;
                points.push_back(jittered(cell, h, jitter, rng));
            }
        }
    }
    return points;
}

std::vector<Vec3f> makeSlab(const Vec3f& lo, const Vec3f& hi, float h, float jitter,
                            uint64_t seed) {
    Pcg32 rng = streamFor(seed, 0, "slab");
    std::vector<Vec3f> points;
    const Vec3f extent = hi - lo;
    const int nx = int(std::lround(extent.x() / h));
    const int ny = int(std::lround(extent.y() / h));
    const int nz = int(std::lround(extent.z() / h));
    for (int i = 0; i < nx; ++i) {
        for (int j = 0; j < ny; ++j) {
            for (int k = 0; k < nz; ++k) {
                const Vec3f cell =
                    lo + h * Vec3f(float(i) + 0.5f, float(j) + 0.5f, float(k) + 0.5f);
                points.push_back(jittered(cell, h, jitter, rng));
            }
        }
    }
    return points;
}

float castRay(const TriangleMesh& mesh, const Vec3f& origin, const Vec3f& dir) {
    float best = -1.0f;
    for (size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        const Vec3f& a = mesh.positions[mesh.indices[t]];
        const Vec3f& b = mesh.positions[mesh.indices[t + 1]];
        const Vec3f& c = mesh.positions[mesh.indices[t + 2]];
        const Vec3f e1 = b - a, e2 = c - a;
        const Vec3f p = dir.cross(e2);
        const float det = e1.dot(p);
        if (std::abs(det) < 1e-12f) continue;
        const float inv = 1.0f / det;
        const Vec3f s = origin - a;
        const float u = s.dot(p) * inv;
        if (u < 0.0f || u > 1.0f) continue;
        const Vec3f q = s.cross(e1);
        const float v = dir.dot(q) * inv;
        if (v < 0.0f || u + v > 1.0f) continue;
        const float dist = e2.dot(q) * inv;
        if (dist > 0.0f && (best < 0.0f || dist < best)) best = dist;
    }
    return best;
}

EdgeReport checkEdges(const TriangleMesh& mesh) {
    // Per undirected edge: how many triangles use it, and the net count of its directions.
    std::map<std::pair<uint32_t, uint32_t>, std::pair<int, int>> edges;
    for (size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        for (int e = 0; e < 3; ++e) {
            const uint32_t a = mesh.indices[t + size_t(e)];
            const uint32_t b = mesh.indices[t + size_t((e + 1) % 3)];
            auto& entry = edges[{std::min(a, b), std::max(a, b)}];
            entry.first += 1;
            entry.second += a < b ? 1 : -1;
        }
    }
    EdgeReport report;
    report.edges = edges.size();
    for (const auto& [edge, use] : edges) {
        if (use.first != 2) {
            ++report.boundaryOrNonManifold;
        } else if (use.second != 0) {
            ++report.inconsistentlyOriented;
        }
    }
    return report;
}

double signedVolume(const TriangleMesh& mesh) {
    double volume = 0.0;
    for (size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        const Eigen::Vector3d a = mesh.positions[mesh.indices[t]].cast<double>();
        const Eigen::Vector3d b = mesh.positions[mesh.indices[t + 1]].cast<double>();
        const Eigen::Vector3d c = mesh.positions[mesh.indices[t + 2]].cast<double>();
        volume += a.dot(b.cross(c)) / 6.0;
    }
    return volume;
}

}  // namespace silt::volume::test
