#pragma once
// ClipProducer runs one clip through every stage: ScenePlan → rigid world → renderer →
// ClipWriter. It owns the renderer and the caches that are worth keeping between clips
// (imported meshes, uploaded GPU meshes), so a batch pays for them once.
// Thread-safety: one thread per ClipProducer.

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "silt/assets/AssetLibrary.h"
#include "silt/core/Result.h"
#include "silt/render/Renderer.h"
#include "silt/scenes/SceneTemplate.h"

namespace silt::app {

/// Seconds spent in each stage of one clip (wall clock, for benchmarks and progress only:
/// never written into clip files).
struct StageTimes {
    double plan = 0, physics = 0, render = 0, encode = 0;
};

/// A lookup of asset facts for scenes::randomize, backed by the library.
scenes::AssetLookup assetLookup(const assets::AssetLibrary& library);

class ClipProducer {
public:
    [[nodiscard]] static Result<std::unique_ptr<ClipProducer>> create(
        const assets::AssetLibrary& library, uint32_t width, uint32_t height);

    /// Plans, simulates, renders and writes clip `clipIndex` into `datasetDir`. On failure
    /// nothing is left under the clip's final name.
    [[nodiscard]] Status produce(const scenes::SceneTemplate& scene, uint64_t seed,
                                 uint64_t clipIndex, const scenes::PlanOverrides& overrides,
                                 const std::filesystem::path& datasetDir, StageTimes* times);

    [[nodiscard]] std::string deviceName() const { return mRenderer->deviceName(); }

private:
    ClipProducer(const assets::AssetLibrary& library, std::unique_ptr<render::Renderer> renderer)
        : mLibrary(library), mRenderer(std::move(renderer)), mLookup(assetLookup(library)) {}

    struct LoadedAsset {
        TriangleMesh mesh;
        render::MeshId gpuMesh = 0;
        assets::CollisionShape collision;  ///< asset frame, unscaled
    };
    Result<const LoadedAsset*> loadAsset(const std::string& name);
    Result<render::MeshId> groundMesh();

    const assets::AssetLibrary& mLibrary;
    std::unique_ptr<render::Renderer> mRenderer;
    std::map<std::string, LoadedAsset> mAssets;
    std::optional<render::MeshId> mGround;
    scenes::AssetLookup mLookup;  ///< caches asset bounds between clips
};

/// The clip folder name for a clip index ("clip_000042").
std::string clipName(uint64_t clipIndex);

}  // namespace silt::app
