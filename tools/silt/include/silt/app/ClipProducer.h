#pragma once
// ClipProducer runs one clip through every stage: ScenePlan → rigid world → renderer →
// ClipWriter. It owns the renderer and the caches that are worth keeping between clips
// (imported meshes, uploaded GPU meshes), so a batch pays for them once.
// Thread-safety: one thread per ClipProducer.

#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "silt/app/ClipRun.h"
#include "silt/app/ClipSimulation.h"
#include "silt/assets/AssetLibrary.h"
#include "silt/core/Result.h"
#include "silt/render/Renderer.h"
#include "silt/scenes/SceneTemplate.h"

namespace silt::app {

/// Semantic class ids written into the `semantic` label channel. Fixed ids for what every
/// scene has or will have, then the asset library's categories in sorted name order from
/// kFirstCategoryClass (so a library with the same categories gives the same ids; each
/// clip.json records the table it used under labels.classes).
inline constexpr uint32_t kBackgroundClass = 0;  ///< sky, nothing drawn
inline constexpr uint32_t kGroundClass = 1;
inline constexpr uint32_t kSandClass = 2;   ///< reserved for MPM sand bodies
inline constexpr uint32_t kWaterClass = 3;  ///< reserved for MPM water bodies
inline constexpr uint32_t kFirstCategoryClass = 16;

/// Class name → id: "background", "ground", "sand", "water", then every category of `library`.
std::map<std::string, uint32_t> semanticClasses(const assets::AssetLibrary& library);

/// Seconds spent in each stage of one clip (wall clock, for benchmarks and progress only:
/// never written into clip files).
struct StageTimes {
    double plan = 0, physics = 0, render = 0, encode = 0;
    double checks = 0;  ///< measuring and evaluating the plausibility checks (ClipChecks.h)
};

/// What became of one clip.
struct ClipOutcome {
    uint32_t attempts = 0;  ///< attempts drawn (1 unless checks failed under "regenerate")
    bool passed = true;     ///< the written attempt passed every check
    std::string failures;   ///< failureSummary() of the written attempt
};

/// A lookup of asset facts for scenes::randomize, backed by the library.
scenes::AssetLookup assetLookup(const assets::AssetLibrary& library);
/// Asset names by category for scenes::randomize ("category" in templates), sorted.
scenes::CategoryLookup categoryLookup(const assets::AssetLibrary& library);

class ClipProducer {
public:
    /// `threads` is handed to the continuum solver (0 = all cores; results do not depend on it).
    [[nodiscard]] static Result<std::unique_ptr<ClipProducer>> create(
        const assets::AssetLibrary& library, uint32_t width, uint32_t height, int threads = 0);
    /// The same with every renderer setting (e.g. a presentable renderer for `silt preview`).
    [[nodiscard]] static Result<std::unique_ptr<ClipProducer>> create(
        const assets::AssetLibrary& library, const render::RendererDesc& desc, int threads = 0);

    /// Plans, simulates, renders and writes clip `clipIndex` into `datasetDir`: the colour
    /// video and every label channel of every frame (labels/, see ClipWriter.h). Physics runs
    /// one frame ahead of rendering so that each frame's flow sees the next frame's poses
    /// (the last frame's flow comes from one extra step). The plausibility checks
    /// (ClipChecks.h) run on every attempt; under on_fail "regenerate" a failing attempt is
    /// dropped and the clip drawn again from attemptSeed(seed, clip, k), up to max_attempts;
    /// the attempt written (the first that passes, else the last) records them in clip.json
    /// "checks". A simulation that fails (NaN/Inf, runaway energy) counts as a failed attempt
    /// under "regenerate"; when the last attempt fails so, that is the clip's error. On
    /// failure nothing is left under the clip's final name.
    [[nodiscard]] Result<ClipOutcome> produce(const scenes::SceneTemplate& scene, uint64_t seed,
                                              uint64_t clipIndex,
                                              const scenes::PlanOverrides& overrides,
                                              const std::filesystem::path& datasetDir,
                                              const scenes::ChecksConfig& checks,
                                              StageTimes* times);

    /// Plans clip `clipIndex` and builds its world (every asset loaded, nothing written); the
    /// run then renders it frame by frame. The plan's image size must be the renderer's.
    [[nodiscard]] Result<std::unique_ptr<ClipRun>> start(const scenes::SceneTemplate& scene,
                                                         uint64_t seed, uint64_t clipIndex,
                                                         const scenes::PlanOverrides& overrides);

    /// Renders every remaining frame of `run` and commits the clip into `datasetDir` (what
    /// produce() does after start()). `local` (optional) already holds this clip's plan time;
    /// the clip's stage times are added to `times` when given.
    [[nodiscard]] Status write(ClipRun& run, const std::filesystem::path& datasetDir,
                               StageTimes* local, StageTimes* times);

    /// Draws a frame of a run again through another camera (the frame must have been
    /// stepped with keepSurfaces when the clip has a continuum).
    [[nodiscard]] Result<render::FrameImages> rerender(const ClipFrame& frame,
                                                       const CameraState& camera,
                                                       const CameraState& nextCamera);

    [[nodiscard]] std::string deviceName() const { return mRenderer->deviceName(); }
    [[nodiscard]] render::Renderer& renderer() { return *mRenderer; }

private:
    friend class ClipRun;
    ClipProducer(const assets::AssetLibrary& library, std::unique_ptr<render::Renderer> renderer,
                 const render::RendererDesc& desc, int threads)
        : mMeshes(library),
          mRenderer(std::move(renderer)),
          mRendererDesc(desc),
          mThreads(threads),
          mClasses(semanticClasses(library)),
          mLookup(assetLookup(library)),
          mCategories(categoryLookup(library)) {}

    struct Attempt;
    /// Renders every remaining frame of `run` into an uncommitted writer, measuring the
    /// checks as it goes (none when `checks` is disabled).
    Result<Attempt> renderRun(ClipRun& run, const std::filesystem::path& datasetDir,
                              const scenes::ChecksConfig& checks, StageTimes& local);
    Result<render::MeshId> gpuMesh(const std::string& asset, const TriangleMesh& mesh);
    Result<render::MeshId> groundMesh();
    /// The surface of one continuum kind this frame (rebuilt from the particles), or none
    /// when no particle of that kind exists. With `keep`, a copy of the mesh is appended.
    Result<std::optional<render::DrawItem>> continuumItem(const ClipSimulation& sim,
                                                          ContinuumKind kind,
                                                          std::vector<TriangleMesh>* keep);

    MeshCache mMeshes;
    std::unique_ptr<render::Renderer> mRenderer;
    render::RendererDesc mRendererDesc;
    int mThreads = 0;
    std::map<std::string, render::MeshId> mGpuMeshes;
    std::optional<render::MeshId> mGround;
    std::array<std::optional<render::MeshId>, 2> mSurfaceMeshes;  ///< by ContinuumKind
    std::map<std::string, uint32_t> mClasses;  ///< semanticClasses(library)
    scenes::AssetLookup mLookup;  ///< caches asset bounds between clips
    scenes::CategoryLookup mCategories;
};

/// The clip folder name for a clip index ("clip_000042").
std::string clipName(uint64_t clipIndex);

}  // namespace silt::app
