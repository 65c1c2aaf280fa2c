#include "silt/assets/AssetLibrary.h"

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "silt/assets/MeshImport.h"
#include "silt/core/FileAtomics.h"

namespace silt::assets {

namespace fs = std::filesystem;

namespace {

Error fieldError(const fs::path& sidecar, const std::string& field, const std::string& what) {
    return Error{fmt::format("{}: /{}: {}", sidecar.string(), field, what)};
}

Result<std::string> requireString(const nlohmann::json& doc, const fs::path& sidecar,
                                  const std::string& field, bool allowEmpty) {
    auto it = doc.find(field);
    if (it == doc.end()) return fieldError(sidecar, field, "missing (expected a string)");
    if (!it->is_string()) return fieldError(sidecar, field, "expected a string");
    std::string value = it->get<std::string>();
    if (!allowEmpty && value.empty())
        return fieldError(sidecar, field, "expected a non-empty string");
    return value;
}

Result<AssetInfo> readSidecar(const fs::path& sidecar) {
    Result<std::string> text = readFile(sidecar);
    if (!text) return text.error();
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(*text);
    } catch (const nlohmann::json::exception& e) {
        return Error{fmt::format("{}: invalid JSON: {}", sidecar.string(), e.what())};
    }
    if (!doc.is_object()) {
        return Error{fmt::format("{}: expected a JSON object at the top level", sidecar.string())};
    }
    AssetInfo info;
    Result<std::string> name = requireString(doc, sidecar, "name", false);
    if (!name) return name.error();
    if (*name != sidecar.stem().string()) {
        return fieldError(sidecar, "name",
                          fmt::format("expected \"{}\" (the file's name), found \"{}\"",
                                      sidecar.stem().string(), *name));
    }
    info.name = *name;
    Result<std::string> category = requireString(doc, sidecar, "category", false);
    if (!category) return category.error();
    info.category = *category;

    auto density = doc.find("density");
    if (density == doc.end())
        return fieldError(sidecar, "density", "missing (expected a positive number)");
    if (!density->is_number() || !(density->get<double>() > 0.0)) {
        return fieldError(sidecar, "density", "expected a positive number");
    }
    info.density = density->get<float>();

    if (doc.contains("description")) {
        Result<std::string> description = requireString(doc, sidecar, "description", true);
        if (!description) return description.error();
    }

    if (doc.contains("collision")) {
        Result<std::string> collision = requireString(doc, sidecar, "collision", false);
        if (!collision) return collision.error();
        Result<CollisionKind> kind = parseCollisionKind(*collision);
        if (!kind) return fieldError(sidecar, "collision", kind.error().message);
        info.collision = *kind;
    }

    info.meshFile = fs::absolute(sidecar.parent_path() / (info.name + ".gltf"));
    std::error_code ec;
    if (!fs::is_regular_file(info.meshFile, ec)) {
        return fieldError(
            sidecar, "name",
            fmt::format("no mesh file {} beside the sidecar", info.meshFile.string()));
    }
    return info;
}

}  // namespace

Result<AssetLibrary> AssetLibrary::open(const fs::path& meshDir) {
    std::error_code ec;
    if (!fs::is_directory(meshDir, ec)) {
        return Error{fmt::format("{}: asset folder not found", meshDir.string())};
    }
    std::vector<fs::path> sidecars;
    for (const fs::directory_entry& entry : fs::directory_iterator(meshDir, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".json") {
            sidecars.push_back(entry.path());
        }
    }
    if (ec) return Error{fmt::format("{}: cannot list folder: {}", meshDir.string(), ec.message())};
    std::sort(sidecars.begin(), sidecars.end());

    AssetLibrary library;
    for (const fs::path& sidecar : sidecars) {
        Result<AssetInfo> info = readSidecar(sidecar);
        if (!info) return info.error();
        library.mAssets.push_back(std::move(*info));
    }
    std::sort(library.mAssets.begin(), library.mAssets.end(),
              [](const AssetInfo& a, const AssetInfo& b) { return a.name < b.name; });
    return library;
}

const AssetInfo* AssetLibrary::find(const std::string& name) const {
    auto it = std::lower_bound(mAssets.begin(), mAssets.end(), name,
                               [](const AssetInfo& a, const std::string& n) { return a.name < n; });
    return (it != mAssets.end() && it->name == name) ? &*it : nullptr;
}

std::vector<std::string> AssetLibrary::namesInCategory(const std::string& category) const {
    std::vector<std::string> names;
    for (const AssetInfo& info : mAssets) {
        if (info.category == category) names.push_back(info.name);
    }
    return names;  // mAssets is sorted by name
}

Result<TriangleMesh> AssetLibrary::load(const std::string& name) const {
    const AssetInfo* info = find(name);
    if (info == nullptr) {
        std::string known;
        for (const AssetInfo& a : mAssets) known += (known.empty() ? "" : ", ") + a.name;
        return Error{fmt::format("unknown asset \"{}\" (known: {})", name, known)};
    }
    if (info->user) return mUserMeshes.at(name);
    Result<TriangleMesh> mesh = importMesh(info->meshFile);
    if (!mesh) return mesh.error();
    mesh->name = info->name;
    return mesh;
}

Result<std::vector<std::string>> AssetLibrary::addUserFolder(const fs::path& dir,
                                                             const UserAssetLimits& limits) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        return Error{fmt::format("{}: asset folder not found", dir.string())};
    }
    const auto& extensions = userModelExtensions();
    std::vector<fs::path> models;
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file()) continue;
        std::string ext = it->path().extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (std::find(extensions.begin(), extensions.end(), ext) != extensions.end())
            models.push_back(it->path());
    }
    if (ec) return Error{fmt::format("{}: cannot list folder: {}", dir.string(), ec.message())};
    std::sort(models.begin(), models.end());

    std::vector<std::string> warnings;
    for (const fs::path& model : models) {
        const fs::path parent = fs::relative(model.parent_path(), dir, ec);
        const std::string category =
            (ec || parent.empty() || parent == ".") ? "user" : parent.filename().string();
        UserAssetDesc desc;
        desc.category = category;
        const fs::path sidecar = model.parent_path() / (model.stem().string() + ".json");
        if (fs::is_regular_file(sidecar, ec)) {
            Result<UserAssetDesc> read = readUserSidecar(sidecar, category);
            if (!read) {
                warnings.push_back(
                    fmt::format("skipped {}: {}", model.string(), read.error().message));
                continue;
            }
            desc = *read;
        }
        const std::string name = model.stem().string();
        if (find(name) != nullptr) {
            warnings.push_back(
                fmt::format("skipped {}: an asset named \"{}\" already exists (rename the file)",
                            model.string(), name));
            continue;
        }
        Result<ProcessedAsset> processed = processUserAssetCached(model, desc, limits);
        if (!processed) {
            warnings.push_back(fmt::format("skipped {}", processed.error().message));
            continue;
        }
        for (const std::string& note : processed->notes)
            warnings.push_back(fmt::format("note: {}: {}", model.string(), note));
        AssetInfo info;
        info.name = name;
        info.category = desc.category;
        info.density = desc.density;
        info.meshFile = fs::absolute(model);
        info.collision = desc.collision;
        info.user = true;
        info.massFromHull = processed->massFromHull;
        mUserMeshes.emplace(name, processed->mesh);
        auto at =
            std::lower_bound(mAssets.begin(), mAssets.end(), name,
                             [](const AssetInfo& a, const std::string& n) { return a.name < n; });
        mAssets.insert(at, std::move(info));
    }
    return warnings;
}

fs::path bundledMeshDir() {
    if (const char* dir = std::getenv("SILT_ASSET_DIR"); dir != nullptr && *dir != '\0') {
        return fs::path(dir);
    }
    return fs::path(SILT_BUNDLED_MESH_DIR);
}

}  // namespace silt::assets
