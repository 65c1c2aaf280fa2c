#include "silt/assets/CollisionShape.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <numeric>
#include <system_error>
#include <tuple>

#include <HACD/hacdHACD.h>
#include <HACD/hacdICHull.h>
#include <fmt/format.h>

#include "silt/core/FileAtomics.h"
#include "silt/core/Hash.h"

namespace silt::assets {

namespace fs = std::filesystem;

namespace {

// Bump when the algorithm or its settings change: old cache files then miss.
constexpr const char* kCacheVersion = "collision-v1";
// HACD scales its input so the bounding-box diagonal is 2 · kHacdScale.
constexpr double kHacdScale = 1000.0;

/// A connected part of a mesh: welded vertex positions and triangles indexing them.
struct Part {
    std::vector<Eigen::Vector3d> points;
    std::vector<std::array<long, 3>> triangles;
};

/// Vertices at (nearly) the same place are one vertex: generated meshes split vertices along
/// sharp edges for their normals, which would otherwise cut every box into six parts.
std::vector<uint32_t> weldVertices(const TriangleMesh& mesh) {
    const Eigen::AlignedBox3f box = mesh.bounds();
    const double cell = std::max(1e-9, 1e-6 * static_cast<double>(box.diagonal().norm()));
    std::map<std::tuple<int64_t, int64_t, int64_t>, uint32_t> seen;
    std::vector<uint32_t> weld(mesh.positions.size());
    for (size_t i = 0; i < mesh.positions.size(); ++i) {
        const Vec3f& p = mesh.positions[i];
        auto key = std::make_tuple(std::llround(static_cast<double>(p.x()) / cell),
                                   std::llround(static_cast<double>(p.y()) / cell),
                                   std::llround(static_cast<double>(p.z()) / cell));
        auto [it, inserted] = seen.emplace(key, static_cast<uint32_t>(i));
        weld[i] = it->second;
    }
    return weld;
}

uint32_t findRoot(std::vector<uint32_t>& parent, uint32_t v) {
    while (parent[v] != v) {
        parent[v] = parent[parent[v]];
        v = parent[v];
    }
    return v;
}

/// Splits the mesh into connected parts (sharing welded vertices), in order of first triangle.
std::vector<Part> connectedParts(const TriangleMesh& mesh) {
    const std::vector<uint32_t> weld = weldVertices(mesh);
    std::vector<uint32_t> parent(mesh.positions.size());
    std::iota(parent.begin(), parent.end(), 0u);
    for (size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        const uint32_t a = findRoot(parent, weld[mesh.indices[t]]);
        for (size_t k = 1; k < 3; ++k) {
            const uint32_t b = findRoot(parent, weld[mesh.indices[t + k]]);
            if (a != b) parent[b] = a;
        }
    }
    std::map<uint32_t, size_t> partOfRoot;
    std::vector<Part> parts;
    std::vector<std::map<uint32_t, long>> localIndex;
    for (size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        const uint32_t root = findRoot(parent, weld[mesh.indices[t]]);
        auto [it, inserted] = partOfRoot.emplace(root, parts.size());
        if (inserted) {
            parts.emplace_back();
            localIndex.emplace_back();
        }
        Part& part = parts[it->second];
        std::map<uint32_t, long>& local = localIndex[it->second];
        std::array<long, 3> triangle{};
        for (size_t k = 0; k < 3; ++k) {
            const uint32_t v = weld[mesh.indices[t + k]];
            auto [slot, added] = local.emplace(v, static_cast<long>(part.points.size()));
            if (added) part.points.push_back(mesh.positions[v].cast<double>());
            triangle[k] = slot->second;
        }
        if (triangle[0] != triangle[1] && triangle[1] != triangle[2] && triangle[0] != triangle[2])
            part.triangles.push_back(triangle);
    }
    return parts;
}

double enclosedVolume(const std::vector<Eigen::Vector3d>& points,
                      const std::vector<std::array<long, 3>>& triangles) {
    if (points.empty()) return 0.0;
    const Eigen::Vector3d o = points.front();
    double volume = 0.0;
    for (const auto& t : triangles) {
        const auto i = static_cast<size_t>(t[0]), j = static_cast<size_t>(t[1]),
                   k = static_cast<size_t>(t[2]);
        volume += (points[i] - o).dot((points[j] - o).cross(points[k] - o)) / 6.0;
    }
    return std::abs(volume);
}

/// Volume of the convex hull of `points` (0 for flat or degenerate sets).
double hullVolume(const std::vector<Eigen::Vector3d>& points) {
    if (points.size() < 4) return 0.0;
    HACD::ICHull hull;
    std::vector<HACD::Vec3<HACD::Real>> input;
    input.reserve(points.size());
    for (const auto& p : points) input.emplace_back(p.x(), p.y(), p.z());
    hull.AddPoints(input.data(), input.size());
    if (hull.Process() != HACD::ICHullErrorOK) return 0.0;
    HACD::TMMesh& mesh = hull.GetMesh();
    std::vector<HACD::Vec3<HACD::Real>> outPoints(mesh.GetNVertices());
    std::vector<HACD::Vec3<long>> outTriangles(mesh.GetNTriangles());
    mesh.GetIFS(outPoints.data(), outTriangles.data());
    std::vector<Eigen::Vector3d> vs;
    for (const auto& p : outPoints) vs.emplace_back(p.X(), p.Y(), p.Z());
    std::vector<std::array<long, 3>> ts;
    for (const auto& t : outTriangles) ts.push_back({t.X(), t.Y(), t.Z()});
    return enclosedVolume(vs, ts);
}

std::vector<Vec3f> toFloat(const std::vector<Eigen::Vector3d>& points) {
    std::vector<Vec3f> out;
    out.reserve(points.size());
    for (const auto& p : points) out.push_back(p.cast<float>());
    return out;
}

/// HACD on one non-convex part; falls back to the part's hull when HACD gives nothing.
std::vector<std::vector<Vec3f>> splitPart(const Part& part, const DecompositionDesc& desc) {
    std::vector<HACD::Vec3<HACD::Real>> points;
    points.reserve(part.points.size());
    for (const auto& p : part.points) points.emplace_back(p.x(), p.y(), p.z());
    std::vector<HACD::Vec3<long>> triangles;
    triangles.reserve(part.triangles.size());
    for (const auto& t : part.triangles) triangles.emplace_back(t[0], t[1], t[2]);

    HACD::HACD hacd;
    hacd.SetPoints(points.data());
    hacd.SetNPoints(points.size());
    hacd.SetTriangles(triangles.data());
    hacd.SetNTriangles(triangles.size());
    hacd.SetScaleFactor(kHacdScale);
    hacd.SetCompacityWeight(0.1);
    hacd.SetVolumeWeight(0.0);
    hacd.SetNClusters(2);  // a minimum: merging stops at the concavity limit
    hacd.SetNVerticesPerCH(desc.maxVerticesPerPiece);
    hacd.SetConcavity(static_cast<double>(desc.concavity) * 2.0 * kHacdScale);
    hacd.SetAddExtraDistPoints(true);
    hacd.SetAddNeighboursDistPoints(false);
    hacd.SetAddFacesPoints(false);
    hacd.SetConnectDist(30.0);
    std::vector<std::vector<Vec3f>> pieces;
    if (!hacd.Compute()) return {toFloat(part.points)};
    for (size_t c = 0; c < hacd.GetNClusters(); ++c) {
        const size_t n = hacd.GetNPointsCH(c);
        if (n < 4) continue;
        std::vector<HACD::Vec3<HACD::Real>> chPoints(n);
        std::vector<HACD::Vec3<long>> chTriangles(hacd.GetNTrianglesCH(c));
        hacd.GetCH(c, chPoints.data(), chTriangles.data());
        std::vector<Vec3f> piece;
        for (const auto& p : chPoints)
            piece.emplace_back(static_cast<float>(p.X()), static_cast<float>(p.Y()),
                               static_cast<float>(p.Z()));
        pieces.push_back(std::move(piece));
    }
    if (pieces.empty()) return {toFloat(part.points)};
    return pieces;
}

Vec3f centroid(const std::vector<Vec3f>& points) {
    Vec3f sum = Vec3f::Zero();
    for (const Vec3f& p : points) sum += p;
    return sum / static_cast<float>(std::max<size_t>(1, points.size()));
}

float boxVolume(const std::vector<Vec3f>& points) {
    Eigen::AlignedBox3f box;
    for (const Vec3f& p : points) box.extend(p);
    return box.volume();
}

/// Merges the smallest piece into the one with the nearest centroid until at most `limit`.
void limitPieces(std::vector<std::vector<Vec3f>>& pieces, size_t limit) {
    while (pieces.size() > std::max<size_t>(1, limit)) {
        size_t smallest = 0;
        for (size_t i = 1; i < pieces.size(); ++i)
            if (boxVolume(pieces[i]) < boxVolume(pieces[smallest])) smallest = i;
        const Vec3f c = centroid(pieces[smallest]);
        size_t nearest = smallest == 0 ? 1 : 0;
        for (size_t i = 0; i < pieces.size(); ++i) {
            if (i == smallest) continue;
            if ((centroid(pieces[i]) - c).squaredNorm() <
                (centroid(pieces[nearest]) - c).squaredNorm())
                nearest = i;
        }
        pieces[nearest].insert(pieces[nearest].end(), pieces[smallest].begin(),
                               pieces[smallest].end());
        pieces.erase(pieces.begin() + static_cast<std::ptrdiff_t>(smallest));
    }
}

// Disk format: "SILTCOL1", piece count (u32), then per piece a point count (u32) and floats.
std::string serialize(const CollisionShape& shape) {
    std::string out = "SILTCOL1";
    auto putU32 = [&](uint32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); };
    putU32(static_cast<uint32_t>(shape.pieces.size()));
    for (const auto& piece : shape.pieces) {
        putU32(static_cast<uint32_t>(piece.size()));
        for (const Vec3f& p : piece) out.append(reinterpret_cast<const char*>(p.data()), 12);
    }
    return out;
}

std::optional<CollisionShape> deserialize(const std::string& bytes) {
    size_t at = 8;
    if (bytes.size() < 12 || bytes.compare(0, 8, "SILTCOL1") != 0) return std::nullopt;
    auto getU32 = [&](uint32_t& v) {
        if (at + 4 > bytes.size()) return false;
        std::memcpy(&v, bytes.data() + at, 4);
        at += 4;
        return true;
    };
    uint32_t count = 0;
    if (!getU32(count) || count == 0 || count > 100000) return std::nullopt;
    CollisionShape shape;
    for (uint32_t i = 0; i < count; ++i) {
        uint32_t n = 0;
        if (!getU32(n) || at + size_t(n) * 12 > bytes.size()) return std::nullopt;
        std::vector<Vec3f> piece(n);
        for (uint32_t k = 0; k < n; ++k, at += 12)
            std::memcpy(piece[k].data(), bytes.data() + at, 12);
        shape.pieces.push_back(std::move(piece));
    }
    if (at != bytes.size()) return std::nullopt;
    return shape;
}

}  // namespace

const char* collisionKindName(CollisionKind kind) {
    return kind == CollisionKind::Hull ? "hull" : "decomposed";
}

Result<CollisionKind> parseCollisionKind(const std::string& text) {
    if (text == "hull") return CollisionKind::Hull;
    if (text == "decomposed") return CollisionKind::Decomposed;
    return Error{fmt::format("expected \"hull\" or \"decomposed\", found \"{}\"", text)};
}

TriangleMesh convexHullMesh(const std::vector<Vec3f>& points) {
    TriangleMesh out;
    if (points.size() < 4) return out;
    HACD::ICHull hull;
    std::vector<HACD::Vec3<HACD::Real>> input;
    input.reserve(points.size());
    for (const Vec3f& p : points) input.emplace_back(p.x(), p.y(), p.z());
    hull.AddPoints(input.data(), input.size());
    if (hull.Process() != HACD::ICHullErrorOK) return out;
    HACD::TMMesh& mesh = hull.GetMesh();
    std::vector<HACD::Vec3<HACD::Real>> vs(mesh.GetNVertices());
    std::vector<HACD::Vec3<long>> ts(mesh.GetNTriangles());
    mesh.GetIFS(vs.data(), ts.data());
    for (const auto& p : vs)
        out.positions.emplace_back(static_cast<float>(p.X()), static_cast<float>(p.Y()),
                                   static_cast<float>(p.Z()));
    double signedVolume = 0.0;
    for (const auto& t : ts) {
        const Vec3f& a = out.positions[static_cast<size_t>(t.X())];
        const Vec3f& b = out.positions[static_cast<size_t>(t.Y())];
        const Vec3f& c = out.positions[static_cast<size_t>(t.Z())];
        signedVolume += static_cast<double>(a.dot(b.cross(c)));
    }
    for (const auto& t : ts) {
        const auto a = static_cast<uint32_t>(t.X()), b = static_cast<uint32_t>(t.Y()),
                   c = static_cast<uint32_t>(t.Z());
        if (signedVolume >= 0.0)
            out.indices.insert(out.indices.end(), {a, b, c});
        else
            out.indices.insert(out.indices.end(), {a, c, b});
    }
    out.normals.assign(out.positions.size(), Vec3f::UnitY());
    return out;
}

CollisionShape convexHullShape(const TriangleMesh& mesh) {
    return CollisionShape{{mesh.positions}};
}

Result<CollisionShape> decomposeConvex(const TriangleMesh& mesh, const DecompositionDesc& desc) {
    if (mesh.triangleCount() == 0 || mesh.positions.empty()) {
        return Error{fmt::format("mesh '{}': no triangles to decompose", mesh.name)};
    }
    CollisionShape shape;
    try {
        for (const Part& part : connectedParts(mesh)) {
            if (part.points.size() < 4) continue;
            const double hull = hullVolume(part.points);
            const double volume = enclosedVolume(part.points, part.triangles);
            // Flat or nearly convex parts are kept whole; HACD only where it pays.
            if (hull <= 0.0 || volume >= static_cast<double>(desc.convexEnough) * hull) {
                shape.pieces.push_back(toFloat(part.points));
                continue;
            }
            for (auto& piece : splitPart(part, desc)) shape.pieces.push_back(std::move(piece));
        }
    } catch (const std::exception& e) {
        return Error{
            fmt::format("mesh '{}': convex decomposition failed: {}", mesh.name, e.what())};
    }
    if (shape.pieces.empty()) return convexHullShape(mesh);
    limitPieces(shape.pieces, desc.maxPieces);
    return shape;
}

fs::path collisionCacheDir() {
    auto env = [](const char* name) -> std::string {
        const char* v = std::getenv(name);
        return v != nullptr ? std::string(v) : std::string();
    };
    if (std::string dir = env("SILT_CACHE_DIR"); !dir.empty()) return fs::path(dir) / "collision";
    if (std::string dir = env("XDG_CACHE_HOME"); !dir.empty())
        return fs::path(dir) / "silt" / "collision";
    if (std::string dir = env("HOME"); !dir.empty())
        return fs::path(dir) / ".cache" / "silt" / "collision";
    return {};
}

std::string collisionCacheKey(const TriangleMesh& mesh, CollisionKind kind) {
    const DecompositionDesc d;
    std::string bytes =
        fmt::format("{}|{}|{}|{}|{}|{}|{}|", kCacheVersion, collisionKindName(kind), d.convexEnough,
                    d.concavity, 2, d.maxVerticesPerPiece, d.maxPieces);
    bytes.append(reinterpret_cast<const char*>(mesh.positions.data()),
                 mesh.positions.size() * sizeof(Vec3f));
    bytes.append(reinterpret_cast<const char*>(mesh.indices.data()),
                 mesh.indices.size() * sizeof(uint32_t));
    return hashHex(bytes);
}

Result<CollisionShape> collisionShapeFor(const TriangleMesh& mesh, CollisionKind kind) {
    if (kind == CollisionKind::Hull) return convexHullShape(mesh);
    static std::mutex mutex;
    static std::map<std::string, CollisionShape> memory;
    const std::string key = collisionCacheKey(mesh, kind);
    {
        std::lock_guard lock(mutex);
        if (auto it = memory.find(key); it != memory.end()) return it->second;
    }
    const fs::path dir = collisionCacheDir();
    const fs::path file = dir.empty() ? fs::path() : dir / (key + ".bin");
    std::optional<CollisionShape> shape;
    if (!file.empty()) {
        if (Result<std::string> bytes = readFile(file); bytes) shape = deserialize(*bytes);
    }
    if (!shape) {
        Result<CollisionShape> computed = decomposeConvex(mesh);
        if (!computed) return computed.error();
        shape = std::move(*computed);
        if (!file.empty()) {
            std::error_code ec;
            fs::create_directories(dir, ec);
            // A cache that cannot be written only costs time on the next run.
            if (!ec) (void)writeFileAtomic(file, serialize(*shape));
        }
    }
    std::lock_guard lock(mutex);
    return memory.emplace(key, std::move(*shape)).first->second;
}

}  // namespace silt::assets
