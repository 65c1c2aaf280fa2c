#include "silt/app/Generate.h"

#include <tbb/global_control.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <malloc.h>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "silt/app/ClipChecks.h"
#include "silt/app/ClipMetadata.h"
#include "silt/core/FileAtomics.h"
#include "silt/core/Log.h"
#include "silt/core/Version.h"
#include "silt/exporters/ClipWriter.h"
#include "silt/exporters/Dataset.h"
#include "silt/exporters/Publish.h"

namespace silt::app {
namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

Status validateOptions(const GenerateOptions& options) {
    if (options.clips < 1)
        return Error{fmt::format("--clips {}: expected an integer >= 1", options.clips)};
    if (options.jobs < 1 || options.jobs > 256)
        return Error{fmt::format("--jobs {}: expected an integer from 1 to 256", options.jobs)};
    return scenes::validateOverrides(
        scenes::PlanOverrides{options.frames, options.fps, options.width, options.height});
}

/// Every field of `expected` is in `existing` with the same value (objects compared field by
/// field, so `existing` may hold more).
bool containsFields(const json& existing, const json& expected) {
    if (!expected.is_object()) return existing == expected;
    if (!existing.is_object()) return false;
    for (const auto& [key, value] : expected.items()) {
        if (!existing.contains(key) || !containsFields(existing[key], value)) return false;
    }
    return true;
}

// A complete clip from an earlier run is kept only if it was made from the same inputs.
bool isUpToDate(const fs::path& clipDir, const json& expected) {
    auto text = readFile(clipDir / "clip.json");
    if (!text) return false;
    json existing = json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (existing.is_discarded()) return false;
    return containsFields(existing, expected);
}

std::string formatDuration(double seconds) {
    if (!(seconds >= 0.0) || seconds > 1e8) return "?";
    auto s = static_cast<uint64_t>(seconds + 0.5);
    if (s >= 3600) return fmt::format("{}h{:02d}m", s / 3600, (s / 60) % 60);
    if (s >= 60) return fmt::format("{}m{:02d}s", s / 60, s % 60);
    return fmt::format("{}s", s);
}

/// The progress line: one line on stderr per finished clip (log files from Slurm or
/// Kubernetes keep every line; nothing relies on a terminal).
class Progress {
public:
    Progress(size_t total, size_t skipped, bool quiet)
        : mTotal(total), mDone(skipped), mSkipped(skipped), mQuiet(quiet) {}

    void clipDone(const std::string& name, uint32_t frames, double seconds) {
        std::lock_guard lock(mMutex);
        ++mDone;
        ++mWritten;
        if (mQuiet) return;
        const double elapsed = std::chrono::duration<double>(Clock::now() - mStart).count();
        const double rate = double(mWritten) / std::max(elapsed, 1e-9);
        const double eta = double(mTotal - mDone) / std::max(rate, 1e-12);
        log::info("{}/{} clips ({} skipped) | {:.3f} clips/s | ETA {} | {}: {} frames in {:.1f} s",
                  mDone, mTotal, mSkipped, rate, formatDuration(eta), name, frames, seconds);
    }

private:
    std::mutex mMutex;
    const Clock::time_point mStart = Clock::now();
    const size_t mTotal;
    size_t mDone, mWritten = 0;
    const size_t mSkipped;
    const bool mQuiet;
};

}  // namespace

void configureThreads(uint32_t threads, uint32_t jobs) {
    uint32_t count = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
    // Lavapipe reads this when its device is created; its rasterizer bins by tile, so the
    // image does not depend on it (tested). Parallel jobs share the cores.
    const uint32_t perDevice = std::max(1u, count / std::max(1u, jobs));
    setenv("LP_NUM_THREADS", std::to_string(perDevice).c_str(), /*overwrite=*/1);
    // Lavapipe allocates and frees its vertex and binning buffers (megabytes) on every draw;
    // with glibc's defaults the freed memory goes back to the kernel each time and every
    // frame pays the page faults again (about a fifth of a 256² frame's CPU time). Keep it.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    static std::unique_ptr<tbb::global_control> control;
    control =
        std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, count);
}

json datasetCard(const scenes::SceneTemplate& scene, const GenerateOptions& options) {
    json card = {{"silt_version", versionString()},
                 {"template",
                  {{"name", scene.name},
                   {"description", scene.description},
                   {"content_hash", templateHash(scene)},
                   {"spec", scene.spec}}},
                 {"seed", options.seed},
                 {"clips_requested", options.clips}};
    // The settings the clips were checked with (a --checks file is not in the template).
    if (auto checks = batchChecks(scene, options)) card["checks_config"] = checks->toJson();
    if (!options.shard.whole())
        card["shard"] = {{"index", options.shard.index}, {"count", options.shard.count}};
    return card;
}

Result<scenes::ChecksConfig> batchChecks(const scenes::SceneTemplate& scene,
                                         const GenerateOptions& options) {
    scenes::ChecksConfig checks = scene.checks;
    if (!options.checks.empty()) {
        if (Status applied = scenes::applyChecksFile(options.checks.string(), checks); !applied)
            return applied.error().prefixed("--checks");
    }
    return checks;
}

Result<GenerateReport> generateDataset(const GenerateOptions& options) {
    if (Status valid = validateOptions(options); !valid) return valid.error();
    auto resolved = options.scene.empty() ? Result<scenes::SceneTemplate>(scenes::defaultTemplate())
                                          : scenes::resolveScene(options.scene);
    if (!resolved) return resolved.error();
    const scenes::SceneTemplate& scene = *resolved;
    auto checks = batchChecks(scene, options);
    if (!checks) return checks.error();
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

    configureThreads(options.threads, options.jobs);
    exporters::removeStaleStaging(options.out);
    scenes::PlanOverrides overrides{options.frames, options.fps, options.width, options.height};

    // Which clips of this shard still need making.
    GenerateReport report;
    auto lookup = assetLookup(*library);
    auto categories = categoryLookup(*library);
    std::vector<std::pair<uint64_t, uint32_t>> todo;  // clip index, frames
    std::optional<std::pair<uint32_t, uint32_t>> size;
    for (uint64_t clip = options.shard.index; clip < options.clips; clip += options.shard.count) {
        auto plan = scenes::randomize(scene, lookup, options.seed, clip, overrides, categories);
        if (!plan) return plan.error();
        const CameraIntrinsics& k = plan->camera.intrinsics;
        if (!size) size = {k.width, k.height};
        json identity = {
            {"silt_version", versionString()},
            {"template", {{"name", scene.name}, {"content_hash", templateHash(scene)}}},
            {"seed", options.seed},
            {"clip_index", clip},
            {"frames", plan->frames},
            {"fps", plan->fps},
            {"width", k.width},
            {"height", k.height}};
        // Clips checked under other settings are made again (a --checks file may change
        // which attempt is written).
        if (checks->enabled) identity["checks"] = {{"config_hash", checksHash(*checks)}};
        if (isUpToDate(exporters::clipDirectory(options.out, clipName(clip)), identity)) {
            ++report.clipsSkipped;
        } else {
            todo.emplace_back(clip, plan->frames);
        }
    }
    const size_t shardTotal = todo.size() + report.clipsSkipped;
    if (!options.quiet && !options.shard.whole()) {
        log::info("shard {}/{} (from {}): {} of the {} clips", options.shard.index,
                  options.shard.count, options.shard.source, shardTotal, options.clips);
    }

    // Each job pulls the next clip index; clips are pure functions of (seed, index), so the
    // order in which jobs finish does not matter.
    Progress progress(shardTotal, report.clipsSkipped, options.quiet);
    std::atomic<size_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::optional<std::pair<uint64_t, Error>> firstError;  // lowest failing clip index
    auto recordError = [&](uint64_t clip, Error error) {
        std::lock_guard lock(mutex);
        if (!firstError || clip < firstError->first) firstError.emplace(clip, std::move(error));
        stop = true;
    };
    auto worker = [&]() {
        std::unique_ptr<ClipProducer> producer;
        for (size_t i; !stop && (i = next++) < todo.size();) {
            const auto [clip, frames] = todo[i];
            if (!producer) {
                auto created = ClipProducer::create(*library, size->first, size->second,
                                                    int(options.threads));
                if (!created) return recordError(clip, created.error());
                producer = std::move(*created);
            }
            auto start = Clock::now();
            StageTimes times;
            auto done =
                producer->produce(scene, options.seed, clip, overrides, options.out, *checks, &times);
            if (!done) return recordError(clip, done.error().prefixed(clipName(clip)));
            if (!done->passed && !options.quiet) {
                log::warn("{}: flagged after {} attempt(s): {}", clipName(clip), done->attempts,
                          done->failures);
            }
            const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
            {
                std::lock_guard lock(mutex);
                report.times.plan += times.plan;
                report.times.physics += times.physics;
                report.times.render += times.render;
                report.times.encode += times.encode;
                report.times.checks += times.checks;
                report.attempts += done->attempts;
                if (done->attempts > 1) ++report.clipsRegenerated;
                if (!done->passed) ++report.clipsFlagged;
                ++report.clipsWritten;
                report.framesWritten += frames;
            }
            progress.clipDone(clipName(clip), frames, seconds);
        }
    };
    auto batchStart = Clock::now();
    const size_t jobs = std::min<size_t>(options.jobs, todo.size());
    if (jobs <= 1) {
        worker();
    } else {
        std::vector<std::thread> threads;
        for (size_t j = 0; j < jobs; ++j) threads.emplace_back(worker);
        for (std::thread& thread : threads) thread.join();
    }
    report.wallSeconds = std::chrono::duration<double>(Clock::now() - batchStart).count();

    // Publish whatever is complete, also after a failure, so committed clips stay usable.
    Status published =
        exporters::publishDataset(options.out, datasetCard(scene, options), options.webDataset);
    if (firstError) return firstError->second;
    if (!published) return published.error();
    return report;
}

}  // namespace silt::app
