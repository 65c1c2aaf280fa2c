#include "silt/assetgen/MeshBuilder.h"

#include <cmath>
#include <map>
#include <utility>

#include "silt/core/Check.h"

namespace silt::assetgen {

namespace {
constexpr double kTwoPi = 6.283185307179586476925;
}

void MeshBuilder::beginComponent() {
    SILT_CHECK(!mInComponent);
    mInComponent = true;
    mComponentFirstIndex = mIndices.size();
}

void MeshBuilder::endComponent() {
    SILT_CHECK(mInComponent);
    mInComponent = false;
    double signedVolume = 0.0;
    for (size_t i = mComponentFirstIndex; i < mIndices.size(); i += 3) {
        const Vec3d& a = mPositions[mIndices[i]];
        const Vec3d& b = mPositions[mIndices[i + 1]];
        const Vec3d& c = mPositions[mIndices[i + 2]];
        signedVolume += a.dot(b.cross(c));
    }
    if (signedVolume < 0.0) {
        for (size_t i = mComponentFirstIndex; i < mIndices.size(); i += 3) {
            std::swap(mIndices[i + 1], mIndices[i + 2]);
        }
    }
}

uint32_t MeshBuilder::addVertex(const Vec3d& position) {
    mPositions.push_back(position);
    return static_cast<uint32_t>(mPositions.size() - 1);
}

void MeshBuilder::addTriangle(uint32_t a, uint32_t b, uint32_t c) {
    SILT_CHECK(mInComponent);
    mIndices.insert(mIndices.end(), {a, b, c});
}

void MeshBuilder::addQuad(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    addTriangle(a, b, c);
    addTriangle(a, c, d);
}

void MeshBuilder::addFacet(const Vec3d& a, const Vec3d& b, const Vec3d& c) {
    uint32_t ia = addVertex(a);
    uint32_t ib = addVertex(b);
    uint32_t ic = addVertex(c);
    addTriangle(ia, ib, ic);
}

void MeshBuilder::addBox(const Vec3d& center, const Vec3d& halfExtents, const Mat3d& rotation) {
    beginComponent();
    for (int axis = 0; axis < 3; ++axis) {
        const int u = (axis + 1) % 3;
        const int v = (axis + 2) % 3;
        for (double side : {-1.0, 1.0}) {
            // Corners counter-clockwise about +axis (u × v = axis); reversed for the − face.
            const double su[4] = {-1.0, 1.0, 1.0, -1.0};
            const double sv[4] = {-1.0, -1.0, 1.0, 1.0};
            uint32_t corner[4];
            for (int k = 0; k < 4; ++k) {
                Vec3d local = Vec3d::Zero();
                local[axis] = side * halfExtents[axis];
                local[u] = su[k] * halfExtents[u];
                local[v] = sv[k] * halfExtents[v];
                corner[k] = addVertex(center + rotation * local);
            }
            if (side > 0.0) {
                addQuad(corner[0], corner[1], corner[2], corner[3]);
            } else {
                addQuad(corner[0], corner[3], corner[2], corner[1]);
            }
        }
    }
    endComponent();
}

void MeshBuilder::addRevolution(const std::vector<ProfilePoint>& profile, int segments,
                                const Vec3d& base) {
    SILT_CHECK(profile.size() >= 3);
    SILT_CHECK(profile.front().radius == 0.0 && profile.back().radius == 0.0);
    SILT_CHECK(segments >= 3);
    const auto n = static_cast<size_t>(segments);
    auto makeRing = [&](const ProfilePoint& p) {
        std::vector<uint32_t> ring(n);
        if (p.radius == 0.0) {
            uint32_t pole = addVertex(base + Vec3d(0.0, p.y, 0.0));
            for (auto& r : ring) r = pole;
            return ring;
        }
        for (size_t j = 0; j < n; ++j) {
            const double theta = kTwoPi * static_cast<double>(j) / static_cast<double>(n);
            ring[j] = addVertex(base +
                                Vec3d(p.radius * std::cos(theta), p.y, p.radius * std::sin(theta)));
        }
        return ring;
    };

    beginComponent();
    std::vector<uint32_t> previousEnd;
    for (size_t k = 0; k + 1 < profile.size(); ++k) {
        const ProfilePoint& p0 = profile[k];
        const ProfilePoint& p1 = profile[k + 1];
        std::vector<uint32_t> a = (k == 0 || p0.crease) ? makeRing(p0) : previousEnd;
        std::vector<uint32_t> b = makeRing(p1);
        for (size_t j = 0; j < n; ++j) {
            const size_t jn = (j + 1) % n;
            if (p0.radius == 0.0) {
                addTriangle(a[j], b[jn], b[j]);
            } else if (p1.radius == 0.0) {
                addTriangle(a[j], a[jn], b[j]);
            } else {
                addQuad(a[j], a[jn], b[jn], b[j]);
            }
        }
        previousEnd = std::move(b);
    }
    endComponent();
}

void MeshBuilder::addTube(const std::vector<TubeSample>& centreLine, double semiAxisNormal,
                          double semiAxisBinormal, int segments) {
    SILT_CHECK(centreLine.size() >= 2);
    const auto n = static_cast<size_t>(segments);
    auto ringPoint = [&](const TubeSample& s, size_t j) {
        const double phi = kTwoPi * static_cast<double>(j) / static_cast<double>(n);
        return Vec3d(s.position + s.normal * (semiAxisNormal * std::cos(phi)) +
                     s.binormal * (semiAxisBinormal * std::sin(phi)));
    };
    beginComponent();
    std::vector<std::vector<uint32_t>> rings;
    for (const TubeSample& s : centreLine) {
        std::vector<uint32_t> ring(n);
        for (size_t j = 0; j < n; ++j) ring[j] = addVertex(ringPoint(s, j));
        rings.push_back(std::move(ring));
    }
    for (size_t i = 0; i + 1 < rings.size(); ++i) {
        for (size_t j = 0; j < n; ++j) {
            const size_t jn = (j + 1) % n;
            addQuad(rings[i][j], rings[i][jn], rings[i + 1][jn], rings[i + 1][j]);
        }
    }
    // Flat caps with their own vertices, so their normals stay flat.
    for (bool start : {true, false}) {
        const TubeSample& s = start ? centreLine.front() : centreLine.back();
        uint32_t centre = addVertex(s.position);
        std::vector<uint32_t> ring(n);
        for (size_t j = 0; j < n; ++j) ring[j] = addVertex(ringPoint(s, j));
        for (size_t j = 0; j < n; ++j) {
            const size_t jn = (j + 1) % n;
            if (start) {
                addTriangle(centre, ring[jn], ring[j]);
            } else {
                addTriangle(centre, ring[j], ring[jn]);
            }
        }
    }
    endComponent();
}

void MeshBuilder::icosphere(int subdivisions, std::vector<Vec3d>& positions,
                            std::vector<uint32_t>& indices) {
    const double t = (1.0 + std::sqrt(5.0)) / 2.0;
    positions = {{-1, t, 0},  {1, t, 0},  {-1, -t, 0}, {1, -t, 0}, {0, -1, t},  {0, 1, t},
                 {0, -1, -t}, {0, 1, -t}, {t, 0, -1},  {t, 0, 1},  {-t, 0, -1}, {-t, 0, 1}};
    for (Vec3d& p : positions) p.normalize();
    indices = {0, 11, 5,  0, 5,  1, 0, 1, 7, 0, 7,  10, 0, 10, 11, 1, 5, 9, 5, 11,
               4, 11, 10, 2, 10, 7, 6, 7, 1, 8, 3,  9,  4, 3,  4,  2, 3, 2, 6, 3,
               6, 8,  3,  8, 9,  4, 9, 5, 2, 4, 11, 6,  2, 10, 8,  6, 7, 9, 8, 1};
    for (int level = 0; level < subdivisions; ++level) {
        std::map<std::pair<uint32_t, uint32_t>, uint32_t> midpoints;
        auto midpoint = [&](uint32_t a, uint32_t b) {
            auto key = std::minmax(a, b);
            auto it = midpoints.find(key);
            if (it != midpoints.end()) return it->second;
            positions.push_back((positions[a] + positions[b]).normalized());
            auto index = static_cast<uint32_t>(positions.size() - 1);
            midpoints.emplace(key, index);
            return index;
        };
        std::vector<uint32_t> finer;
        finer.reserve(indices.size() * 4);
        for (size_t i = 0; i < indices.size(); i += 3) {
            uint32_t a = indices[i], b = indices[i + 1], c = indices[i + 2];
            uint32_t ab = midpoint(a, b), bc = midpoint(b, c), ca = midpoint(c, a);
            finer.insert(finer.end(), {a, ab, ca, b, bc, ab, c, ca, bc, ab, bc, ca});
        }
        indices = std::move(finer);
    }
}

void MeshBuilder::addIcosphere(const Vec3d& center, double radius, int subdivisions) {
    std::vector<Vec3d> unit;
    std::vector<uint32_t> tris;
    icosphere(subdivisions, unit, tris);
    beginComponent();
    const auto first = static_cast<uint32_t>(mPositions.size());
    for (const Vec3d& p : unit) addVertex(center + radius * p);
    for (size_t i = 0; i < tris.size(); i += 3) {
        addTriangle(first + tris[i], first + tris[i + 1], first + tris[i + 2]);
    }
    endComponent();
}

Eigen::AlignedBox3d MeshBuilder::bounds() const {
    Eigen::AlignedBox3d box;
    for (const Vec3d& p : mPositions) box.extend(p);
    return box;
}

void MeshBuilder::translate(const Vec3d& offset) {
    for (Vec3d& p : mPositions) p += offset;
}

void MeshBuilder::placeOnGround() {
    const Eigen::AlignedBox3d box = bounds();
    const Vec3d centre = box.center();
    translate(Vec3d(-centre.x(), -box.min().y(), -centre.z()));
}

TriangleMesh MeshBuilder::build(const std::string& name, const SurfaceMaterial& material) const {
    SILT_CHECK(!mInComponent);
    std::vector<Vec3d> normals(mPositions.size(), Vec3d::Zero());
    for (size_t i = 0; i < mIndices.size(); i += 3) {
        const Vec3d& a = mPositions[mIndices[i]];
        const Vec3d& b = mPositions[mIndices[i + 1]];
        const Vec3d& c = mPositions[mIndices[i + 2]];
        const Vec3d areaNormal = (b - a).cross(c - a);
        for (int k = 0; k < 3; ++k) normals[mIndices[i + static_cast<size_t>(k)]] += areaNormal;
    }
    // Vertices no triangle uses are dropped; the rest keep their order.
    constexpr uint32_t kUnused = 0xffffffffu;
    std::vector<uint32_t> remap(mPositions.size(), kUnused);
    for (uint32_t index : mIndices) remap[index] = 0;
    TriangleMesh mesh;
    mesh.name = name;
    mesh.material = material;
    for (size_t i = 0; i < mPositions.size(); ++i) {
        if (remap[i] == kUnused) continue;
        remap[i] = static_cast<uint32_t>(mesh.positions.size());
        // Snap round-off near zero so files do not carry "-1e-17"-style noise.
        Vec3d p = mPositions[i];
        for (int k = 0; k < 3; ++k) {
            if (std::abs(p[k]) < 1e-12) p[k] = 0.0;
        }
        mesh.positions.push_back(p.cast<float>());
        const double length = normals[i].norm();
        SILT_CHECK(length > 0.0);
        Vec3d nrm = normals[i] / length;
        for (int k = 0; k < 3; ++k) {
            if (std::abs(nrm[k]) < 1e-12) nrm[k] = 0.0;
        }
        mesh.normals.push_back(nrm.cast<float>());
    }
    mesh.indices.reserve(mIndices.size());
    for (uint32_t index : mIndices) mesh.indices.push_back(remap[index]);
    return mesh;
}

}  // namespace silt::assetgen
