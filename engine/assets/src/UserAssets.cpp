#include "silt/assets/UserAssets.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <system_error>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "silt/assets/MeshImport.h"
#include "silt/core/FileAtomics.h"
#include "silt/core/Hash.h"

namespace silt::assets {

namespace fs = std::filesystem;

namespace {

constexpr const char* kProcessVersion = "user-asset-v1";

Error fieldError(const fs::path& sidecar, const std::string& field, const std::string& what) {
    return Error{fmt::format("{}: /{}: {}", sidecar.string(), field, what)};
}

std::vector<uint32_t> weldByPosition(const TriangleMesh& mesh) {
    const double cell = std::max(1e-9, 1e-6 * static_cast<double>(mesh.bounds().diagonal().norm()));
    std::map<std::tuple<int64_t, int64_t, int64_t>, uint32_t> seen;
    std::vector<uint32_t> weld(mesh.positions.size());
    for (size_t i = 0; i < mesh.positions.size(); ++i) {
        const Vec3f& p = mesh.positions[i];
        auto key = std::make_tuple(std::llround(static_cast<double>(p.x()) / cell),
                                   std::llround(static_cast<double>(p.y()) / cell),
                                   std::llround(static_cast<double>(p.z()) / cell));
        weld[i] = seen.emplace(key, static_cast<uint32_t>(i)).first->second;
    }
    return weld;
}

/// Directed boundary edges (no opposite edge) after welding, as welded vertex ids.
std::vector<std::pair<uint32_t, uint32_t>> boundaryEdges(const TriangleMesh& mesh,
                                                         const std::vector<uint32_t>& weld) {
    std::map<std::pair<uint32_t, uint32_t>, int> directed;
    for (size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        for (size_t k = 0; k < 3; ++k) {
            ++directed[{weld[mesh.indices[t + k]], weld[mesh.indices[t + (k + 1) % 3]]}];
        }
    }
    std::vector<std::pair<uint32_t, uint32_t>> boundary;
    for (const auto& [edge, count] : directed) {
        const auto opposite = directed.find({edge.second, edge.first});
        const int back = opposite == directed.end() ? 0 : opposite->second;
        for (int i = back; i < count; ++i) boundary.push_back(edge);
    }
    return boundary;
}

/// Closes boundary loops of at most kMaxHoleEdges edges with a fan around their centroid.
/// Returns the number of holes filled; loops that are not simple are left alone.
size_t fillSmallHoles(TriangleMesh& mesh) {
    const std::vector<uint32_t> weld = weldByPosition(mesh);
    const auto boundary = boundaryEdges(mesh, weld);
    std::map<uint32_t, std::vector<uint32_t>> next;
    for (const auto& [a, b] : boundary) next[a].push_back(b);
    std::map<uint32_t, bool> used;
    size_t filled = 0;
    for (const auto& [start, targets] : next) {
        if (used[start] || targets.size() != 1) continue;
        std::vector<uint32_t> loop = {start};
        uint32_t v = targets.front();
        bool simple = true;
        while (v != start && loop.size() <= kMaxHoleEdges) {
            auto it = next.find(v);
            if (it == next.end() || it->second.size() != 1 || used[v]) {
                simple = false;
                break;
            }
            loop.push_back(v);
            v = it->second.front();
        }
        if (!simple || v != start || loop.size() < 3 || loop.size() > kMaxHoleEdges) continue;
        for (uint32_t u : loop) used[u] = true;
        Vec3f centre = Vec3f::Zero();
        for (uint32_t u : loop) centre += mesh.positions[u];
        centre /= static_cast<float>(loop.size());
        const auto c = static_cast<uint32_t>(mesh.positions.size());
        mesh.positions.push_back(centre);
        mesh.normals.push_back(Vec3f::UnitY());
        // The boundary edge a→b has no twin: the patch supplies b→a.
        for (size_t i = 0; i < loop.size(); ++i) {
            const uint32_t a = loop[i], b = loop[(i + 1) % loop.size()];
            mesh.indices.insert(mesh.indices.end(), {b, a, c});
        }
        ++filled;
    }
    return filled;
}

Result<float> unitScale(const std::string& unit) {
    static const std::map<std::string, float> kUnits = {
        {"m", 1.0f}, {"cm", 0.01f}, {"mm", 0.001f}, {"in", 0.0254f}, {"ft", 0.3048f}};
    auto it = kUnits.find(unit);
    if (it == kUnits.end()) return Error{"expected one of \"m\", \"cm\", \"mm\", \"in\", \"ft\""};
    return it->second;
}

// Binary form of a processed asset for the disk cache.
template <typename T>
void put(std::string& out, const T& value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}
template <typename T>
void putVector(std::string& out, const std::vector<T>& values) {
    put<uint64_t>(out, values.size());
    out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

std::string serialize(const ProcessedAsset& asset) {
    std::string out = "SILTUA01";
    putVector(out, asset.mesh.positions);
    putVector(out, asset.mesh.normals);
    putVector(out, asset.mesh.indices);
    put(out, asset.mesh.material);
    put<uint8_t>(out, asset.closed ? 1 : 0);
    put<uint8_t>(out, asset.massFromHull ? 1 : 0);
    put<uint64_t>(out, asset.degenerateDropped);
    put<uint64_t>(out, asset.holesFilled);
    put(out, asset.appliedScale);
    std::string notes = nlohmann::json(asset.notes).dump();
    put<uint64_t>(out, notes.size());
    out += notes;
    return out;
}

class Reader {
public:
    explicit Reader(const std::string& bytes) : mBytes(bytes) {}
    template <typename T>
    bool get(T& value) {
        if (mAt + sizeof(T) > mBytes.size()) return false;
        std::memcpy(static_cast<void*>(&value), mBytes.data() + mAt, sizeof(T));
        mAt += sizeof(T);
        return true;
    }
    template <typename T>
    bool getVector(std::vector<T>& values) {
        uint64_t n = 0;
        if (!get(n) || n > (mBytes.size() - mAt) / sizeof(T)) return false;
        values.resize(n);
        std::memcpy(static_cast<void*>(values.data()), mBytes.data() + mAt, n * sizeof(T));
        mAt += n * sizeof(T);
        return true;
    }
    bool getString(std::string& s) {
        uint64_t n = 0;
        if (!get(n) || n > mBytes.size() - mAt) return false;
        s = mBytes.substr(mAt, n);
        mAt += n;
        return true;
    }
    [[nodiscard]] bool atEnd() const { return mAt == mBytes.size(); }

private:
    const std::string& mBytes;
    size_t mAt = 8;
};

std::optional<ProcessedAsset> deserialize(const std::string& bytes) {
    if (bytes.size() < 8 || bytes.compare(0, 8, "SILTUA01") != 0) return std::nullopt;
    Reader r(bytes);
    ProcessedAsset asset;
    uint8_t closed = 0, hull = 0;
    uint64_t dropped = 0, holes = 0;
    std::string notes;
    if (!r.getVector(asset.mesh.positions) || !r.getVector(asset.mesh.normals) ||
        !r.getVector(asset.mesh.indices) || !r.get(asset.mesh.material) || !r.get(closed) ||
        !r.get(hull) || !r.get(dropped) || !r.get(holes) || !r.get(asset.appliedScale) ||
        !r.getString(notes) || !r.atEnd())
        return std::nullopt;
    asset.closed = closed != 0;
    asset.massFromHull = hull != 0;
    asset.degenerateDropped = dropped;
    asset.holesFilled = holes;
    auto parsed = nlohmann::json::parse(notes, nullptr, false);
    if (!parsed.is_array()) return std::nullopt;
    for (const auto& note : parsed) asset.notes.push_back(note.get<std::string>());
    return asset;
}

}  // namespace

const std::vector<std::string>& userModelExtensions() {
    static const std::vector<std::string> kExtensions = {".obj", ".gltf", ".glb", ".fbx",
                                                         ".ply", ".stl",  ".dae", ".3ds"};
    return kExtensions;
}

Result<UserAssetDesc> readUserSidecar(const fs::path& sidecar, const std::string& defaultCategory) {
    UserAssetDesc desc;
    desc.category = defaultCategory;
    Result<std::string> text = readFile(sidecar);
    if (!text) return text.error();
    nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
    if (doc.is_discarded()) return Error{fmt::format("{}: invalid JSON", sidecar.string())};
    if (!doc.is_object())
        return Error{fmt::format("{}: expected a JSON object at the top level", sidecar.string())};
    auto number = [&](const char* field, float lo, float hi) -> Result<float> {
        const auto& v = doc[field];
        if (!v.is_number() || !(v.get<double>() >= lo && v.get<double>() <= hi))
            return fieldError(sidecar, field, fmt::format("expected a number in [{}, {}]", lo, hi));
        return v.get<float>();
    };
    for (const auto& [key, value] : doc.items()) {
        if (key == "category") {
            if (!value.is_string() || value.get<std::string>().empty())
                return fieldError(sidecar, key, "expected a non-empty string");
            desc.category = value.get<std::string>();
        } else if (key == "density") {
            auto d = number("density", 1.0f, 30000.0f);
            if (!d) return d.error();
            desc.density = *d;
        } else if (key == "unit") {
            auto scale = value.is_string() ? unitScale(value.get<std::string>())
                                           : Result<float>(Error{"expected a unit name"});
            if (!scale) return fieldError(sidecar, key, scale.error().message);
            desc.unitScale = *scale;
        } else if (key == "up_axis") {
            const std::string axis = value.is_string() ? value.get<std::string>() : "";
            if (axis != "x" && axis != "y" && axis != "z")
                return fieldError(sidecar, key, "expected \"x\", \"y\" or \"z\"");
            desc.upAxis = axis[0];
        } else if (key == "target_size") {
            if (value.is_number() && value.get<double>() > 0.0) {
                desc.minSize = desc.maxSize = value.get<float>();
            } else if (value.is_array() && value.size() == 2 && value[0].is_number() &&
                       value[1].is_number() && value[0].get<double>() > 0.0 &&
                       value[0].get<double>() <= value[1].get<double>()) {
                desc.minSize = value[0].get<float>();
                desc.maxSize = value[1].get<float>();
            } else {
                return fieldError(sidecar, key,
                                  "expected a positive number (m) or [min, max] with min <= max");
            }
        } else if (key == "collision") {
            auto kind = value.is_string() ? parseCollisionKind(value.get<std::string>())
                                          : Result<CollisionKind>(Error{"expected a string"});
            if (!kind) return fieldError(sidecar, key, kind.error().message);
            desc.collision = *kind;
        } else if (key == "color") {
            if (!value.is_array() || value.size() != 3 ||
                !std::all_of(value.begin(), value.end(), [](const auto& c) {
                    return c.is_number() && c.template get<double>() >= 0.0 &&
                           c.template get<double>() <= 1.0;
                }))
                return fieldError(sidecar, key, "expected [r, g, b] with each in [0, 1]");
            desc.color = Vec3f(value[0].get<float>(), value[1].get<float>(), value[2].get<float>());
        } else if (key == "metallic" || key == "roughness") {
            auto v = number(key.c_str(), 0.0f, 1.0f);
            if (!v) return v.error();
            (key == "metallic" ? desc.metallic : desc.roughness) = *v;
        } else if (key != "description" && key != "name") {
            return fieldError(sidecar, key,
                              "unknown field (expected category, density, unit, up_axis, "
                              "target_size, collision, color, metallic, roughness, description)");
        }
    }
    return desc;
}

Result<ProcessedAsset> processUserAsset(const fs::path& file, const UserAssetDesc& desc,
                                        const UserAssetLimits& limits) {
    std::error_code ec;
    const uintmax_t bytes = fs::file_size(file, ec);
    if (ec) return Error{fmt::format("{}: cannot read: {}", file.string(), ec.message())};
    if (bytes == 0) return Error{fmt::format("{}: empty file", file.string())};
    if (bytes > limits.maxFileBytes) {
        return Error{fmt::format("{}: {:.1f} MB is over the {:.1f} MB limit for a model file",
                                 file.string(), double(bytes) / 1048576.0,
                                 double(limits.maxFileBytes) / 1048576.0)};
    }
    Result<TriangleMesh> imported = importMesh(file);
    if (!imported) return imported.error();
    ProcessedAsset out;
    TriangleMesh& mesh = out.mesh;
    mesh = std::move(*imported);
    if (mesh.triangleCount() > limits.maxTriangles) {
        return Error{fmt::format("{}: {} triangles is over the limit of {}", file.string(),
                                 mesh.triangleCount(), limits.maxTriangles)};
    }

    // Degenerate triangles: non-finite corners or (relative to the model) zero area.
    float extent = 0.0f;
    for (const Vec3f& p : mesh.positions)
        if (p.allFinite()) extent = std::max(extent, p.cwiseAbs().maxCoeff());
    const float minArea = 1e-12f * extent * extent;
    std::vector<uint32_t> kept;
    for (size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        const Vec3f& a = mesh.positions[mesh.indices[t]];
        const Vec3f& b = mesh.positions[mesh.indices[t + 1]];
        const Vec3f& c = mesh.positions[mesh.indices[t + 2]];
        const bool finite = a.allFinite() && b.allFinite() && c.allFinite();
        if (finite && 0.5f * (b - a).cross(c - a).norm() > minArea) {
            kept.insert(kept.end(), mesh.indices.begin() + static_cast<std::ptrdiff_t>(t),
                        mesh.indices.begin() + static_cast<std::ptrdiff_t>(t + 3));
        }
    }
    out.degenerateDropped = mesh.triangleCount() - kept.size() / 3;
    if (kept.empty()) {
        return Error{fmt::format("{}: every triangle is degenerate (zero area or non-finite)",
                                 file.string())};
    }
    // Unreferenced (e.g. non-finite) vertices would spoil the bounds: compact.
    mesh = mesh.withTriangles(kept);
    if (out.degenerateDropped > 0)
        out.notes.push_back(fmt::format("dropped {} degenerate triangles", out.degenerateDropped));

    // Units and up axis.
    Mat3f up = Mat3f::Identity();
    if (desc.upAxis == 'z') up = Eigen::AngleAxisf(-kPi / 2, Vec3f::UnitX()).toRotationMatrix();
    if (desc.upAxis == 'x') up = Eigen::AngleAxisf(kPi / 2, Vec3f::UnitZ()).toRotationMatrix();
    for (Vec3f& p : mesh.positions) p = up * (p * desc.unitScale);
    for (Vec3f& n : mesh.normals) n = up * n;

    // Watertightness: close small holes; otherwise mass comes from the convex hull.
    const std::vector<uint32_t> weld = weldByPosition(mesh);
    if (!boundaryEdges(mesh, weld).empty()) {
        out.holesFilled = fillSmallHoles(mesh);
        if (out.holesFilled > 0)
            out.notes.push_back(fmt::format("filled {} small holes", out.holesFilled));
        const std::vector<uint32_t> rewelded = weldByPosition(mesh);
        if (!boundaryEdges(mesh, rewelded).empty()) {
            out.closed = false;
            out.massFromHull = true;
            out.notes.push_back(
                "open surface (holes too large to fill): mass and inertia use its convex hull");
        }
    }

    // Size: the largest extent into [minSize, maxSize].
    const Eigen::AlignedBox3f box = mesh.bounds();
    const float largest = box.sizes().maxCoeff();
    if (!(largest > 0.0f) || !std::isfinite(largest)) {
        return Error{fmt::format("{}: the model has no extent", file.string())};
    }
    const float fitted = std::clamp(largest, desc.minSize, desc.maxSize);
    const float fit = fitted / largest;
    if (fit != 1.0f) {
        out.notes.push_back(
            fmt::format("scaled by {:.4g} to a largest extent of {:.3g} m", fit, fitted));
    }
    out.appliedScale = desc.unitScale * fit;
    // Recentre: base on y = 0, centred in x and z.
    const Vec3f shift(-box.center().x(), -box.min().y(), -box.center().z());
    for (Vec3f& p : mesh.positions) p = (p + shift) * fit;

    if (desc.color) mesh.material.baseColor = *desc.color;
    if (desc.metallic) mesh.material.metallic = *desc.metallic;
    if (desc.roughness) mesh.material.roughness = *desc.roughness;
    mesh.name = file.stem().string();
    return out;
}

Result<ProcessedAsset> processUserAssetCached(const fs::path& file, const UserAssetDesc& desc,
                                              const UserAssetLimits& limits) {
    std::error_code ec;
    const uintmax_t bytes = fs::file_size(file, ec);
    // Too big, missing or empty: let processUserAsset say so, without hashing the file.
    if (ec || bytes == 0 || bytes > limits.maxFileBytes)
        return processUserAsset(file, desc, limits);
    Result<std::string> content = readFile(file);
    if (!content) return content.error();
    nlohmann::json settings = {
        {"v", kProcessVersion},
        {"category", desc.category},
        {"density", desc.density},
        {"unit", desc.unitScale},
        {"up", std::string(1, desc.upAxis)},
        {"size", {desc.minSize, desc.maxSize}},
        {"max_triangles", limits.maxTriangles},
        {"color", desc.color ? nlohmann::json{desc.color->x(), desc.color->y(), desc.color->z()}
                             : nlohmann::json()},
        {"metallic", desc.metallic ? nlohmann::json(*desc.metallic) : nlohmann::json()},
        {"roughness", desc.roughness ? nlohmann::json(*desc.roughness) : nlohmann::json()},
        {"ext", file.extension().string()},
        {"stem", file.stem().string()}};
    const std::string key = hashHex(settings.dump() + "|" + *content);

    static std::mutex mutex;
    static std::map<std::string, ProcessedAsset> memory;
    {
        std::lock_guard lock(mutex);
        if (auto it = memory.find(key); it != memory.end()) return it->second;
    }
    const fs::path collisionDir = collisionCacheDir();
    const fs::path cacheFile =
        collisionDir.empty() ? fs::path() : collisionDir.parent_path() / "assets" / (key + ".bin");
    std::optional<ProcessedAsset> asset;
    if (!cacheFile.empty()) {
        if (Result<std::string> cached = readFile(cacheFile); cached) asset = deserialize(*cached);
    }
    if (!asset) {
        Result<ProcessedAsset> processed = processUserAsset(file, desc, limits);
        if (!processed) return processed.error();
        asset = std::move(*processed);
        if (!cacheFile.empty()) {
            fs::create_directories(cacheFile.parent_path(), ec);
            if (!ec) (void)writeFileAtomic(cacheFile, serialize(*asset));
        }
    }
    asset->mesh.name = file.stem().string();
    std::lock_guard lock(mutex);
    return memory.emplace(key, std::move(*asset)).first->second;
}

}  // namespace silt::assets
