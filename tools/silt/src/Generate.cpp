#include "silt/app/Generate.h"

#include <tbb/global_control.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>

#include "silt/app/ClipMetadata.h"
#include "silt/core/FileAtomics.h"
#include "silt/core/Log.h"
#include "silt/core/Version.h"
#include "silt/exporters/ClipWriter.h"
#include "silt/exporters/Dataset.h"

namespace silt::app {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Status validateOptions(const GenerateOptions& options) {
    if (options.clips < 1)
        return Error{fmt::format("--clips {}: expected an integer >= 1", options.clips)};
    return scenes::validateOverrides(
        scenes::PlanOverrides{options.frames, options.fps, options.width, options.height});
}

// A complete clip from an earlier run is kept only if it was made from the same inputs.
bool isUpToDate(const fs::path& clipDir, const json& expected) {
    auto text = readFile(clipDir / "clip.json");
    if (!text) return false;
    json existing = json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (existing.is_discarded()) return false;
    for (const auto& [key, value] : expected.items()) {
        if (!existing.contains(key) || existing[key] != value) return false;
    }
    return true;
}

}  // namespace

void configureThreads(uint32_t threads) {
    uint32_t count = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
    // Lavapipe reads this when its device is created; its rasterizer bins by tile, so the
    // image does not depend on it (tested).
    setenv("LP_NUM_THREADS", std::to_string(count).c_str(), /*overwrite=*/1);
    static std::unique_ptr<tbb::global_control> control;
    control =
        std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, count);
}

Result<GenerateReport> generateDataset(const GenerateOptions& options) {
    if (Status valid = validateOptions(options); !valid) return valid.error();
    auto resolved = options.scene.empty() ? Result<scenes::SceneTemplate>(scenes::defaultTemplate())
                                          : scenes::resolveScene(options.scene);
    if (!resolved) return resolved.error();
    const scenes::SceneTemplate& scene = *resolved;
    if (Status writable = ensureWritableDirectory(options.out); !writable) return writable.error();
    auto library = assets::AssetLibrary::open(assets::bundledMeshDir());
    if (!library) return library.error();
    if (!options.assets.empty()) {
        // Unusable models are skipped with a warning; a template naming one then fails with
        // "unknown asset" before any clip is written.
        auto messages = library->addUserFolder(options.assets);
        if (!messages) return messages.error().prefixed("--assets");
        for (const std::string& message : *messages) log::warn("{}", message);
    }

    configureThreads(options.threads);
    exporters::removeStaleStaging(options.out);
    scenes::PlanOverrides overrides{options.frames, options.fps, options.width, options.height};

    GenerateReport report;
    std::unique_ptr<ClipProducer> producer;
    auto lookup = assetLookup(*library);
    for (uint64_t clip = 0; clip < options.clips; ++clip) {
        auto plan = scenes::randomize(scene, lookup, options.seed, clip, overrides);
        if (!plan) return plan.error();
        const CameraIntrinsics& k = plan->camera.intrinsics;
        json identity = {
            {"silt_version", versionString()},
            {"template", {{"name", scene.name}, {"content_hash", templateHash(scene)}}},
            {"seed", options.seed},
            {"clip_index", clip},
            {"frames", plan->frames},
            {"fps", plan->fps},
            {"width", k.width},
            {"height", k.height}};
        fs::path clipDir = exporters::clipDirectory(options.out, clipName(clip));
        if (isUpToDate(clipDir, identity)) {
            ++report.clipsSkipped;
            continue;
        }
        if (!producer) {
            auto created = ClipProducer::create(*library, k.width, k.height);
            if (!created) return created.error();
            producer = std::move(*created);
        }
        auto start = std::chrono::steady_clock::now();
        StageTimes times;
        if (Status done =
                producer->produce(scene, options.seed, clip, overrides, options.out, &times);
            !done) {
            return done.error().prefixed(clipName(clip));
        }
        double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        report.times.plan += times.plan;
        report.times.physics += times.physics;
        report.times.render += times.render;
        report.times.encode += times.encode;
        ++report.clipsWritten;
        report.framesWritten += plan->frames;
        if (!options.quiet) {
            log::info("clip {}/{} {}: {} frames {}x{} in {:.1f} s ({:.1f} frames/s)", clip + 1,
                      options.clips, clipName(clip), plan->frames, k.width, k.height, seconds,
                      plan->frames / std::max(seconds, 1e-9));
        }
    }

    json card = {{"silt_version", versionString()},
                 {"template",
                  {{"name", scene.name},
                   {"description", scene.description},
                   {"content_hash", templateHash(scene)},
                   {"spec", scene.spec}}},
                 {"seed", options.seed},
                 {"clips_requested", options.clips}};
    if (Status written = exporters::writeDatasetCard(options.out, card); !written)
        return written.error();
    return report;
}

}  // namespace silt::app
