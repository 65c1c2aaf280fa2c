#include "silt/app/ClipProducer.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <set>

#include <fmt/format.h>

#include "silt/app/ClipChecks.h"
#include "silt/app/ClipMetadata.h"
#include "silt/app/ClipRun.h"
#include "silt/app/ContinuumEvents.h"
#include "silt/core/Hash.h"
#include "silt/core/Version.h"
#include "silt/exporters/ClipWriter.h"
#include "silt/volume/SurfaceVelocity.h"
#include "silt/volume/Surfacer.h"

namespace silt::app {
namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

TriangleMesh unitGroundQuad() {
    TriangleMesh quad;
    quad.name = "ground";
    quad.positions = {{-1, 0, -1}, {1, 0, -1}, {1, 0, 1}, {-1, 0, 1}};
    quad.normals.assign(4, Vec3f::UnitY());
    quad.indices = {0, 2, 1, 0, 3, 2};  // counter-clockwise seen from above
    return quad;
}

}  // namespace

std::map<std::string, uint32_t> semanticClasses(const assets::AssetLibrary& library) {
    std::map<std::string, uint32_t> classes{{"background", kBackgroundClass},
                                            {"ground", kGroundClass},
                                            {"sand", kSandClass},
                                            {"water", kWaterClass}};
    std::set<std::string> categories;
    for (const assets::AssetInfo& asset : library.assets()) categories.insert(asset.category);
    uint32_t next = kFirstCategoryClass;
    for (const std::string& category : categories) {
        if (!classes.count(category)) classes[category] = next++;
    }
    return classes;
}

std::string clipName(uint64_t clipIndex) {
    return fmt::format("clip_{:06d}", clipIndex);
}

scenes::AssetLookup assetLookup(const assets::AssetLibrary& library) {
    // Bounds need the mesh: import each asset once per lookup object, not once per clip.
    auto bounds = std::make_shared<std::map<std::string, std::optional<Eigen::AlignedBox3f>>>();
    return [&library, bounds](const std::string& name) -> std::optional<scenes::AssetFacts> {
        const assets::AssetInfo* info = library.find(name);
        if (!info) return std::nullopt;
        auto it = bounds->find(name);
        if (it == bounds->end()) {
            auto mesh = library.load(name);
            // A mesh that cannot be loaded fails later with its own error; no bounds here.
            it = bounds->emplace(name, mesh ? std::optional(mesh->bounds()) : std::nullopt).first;
        }
        return scenes::AssetFacts{info->category, info->density, it->second};
    };
}

scenes::CategoryLookup categoryLookup(const assets::AssetLibrary& library) {
    return [&library](const std::string& category) {
        std::vector<std::string> names;
        for (const assets::AssetInfo& asset : library.assets())
            if (asset.category == category) names.push_back(asset.name);
        std::sort(names.begin(), names.end());
        return names;
    };
}

Result<std::unique_ptr<ClipProducer>> ClipProducer::create(const assets::AssetLibrary& library,
                                                           uint32_t width, uint32_t height,
                                                           int threads) {
    render::RendererDesc desc;
    desc.width = width;
    desc.height = height;
    return create(library, desc, threads);
}

Result<std::unique_ptr<ClipProducer>> ClipProducer::create(const assets::AssetLibrary& library,
                                                           const render::RendererDesc& desc,
                                                           int threads) {
    auto renderer = render::Renderer::create(desc);
    if (!renderer) return renderer.error();
    return std::unique_ptr<ClipProducer>(
        new ClipProducer(library, std::move(*renderer), desc, threads));
}

Result<render::MeshId> ClipProducer::gpuMesh(const std::string& asset, const TriangleMesh& mesh) {
    if (auto found = mGpuMeshes.find(asset); found != mGpuMeshes.end()) return found->second;
    auto id = mRenderer->addMesh(mesh);
    if (!id) return id.error().prefixed(fmt::format("asset '{}'", asset));
    mGpuMeshes.emplace(asset, *id);
    return *id;
}

Result<std::optional<render::DrawItem>> ClipProducer::continuumItem(
    const ClipSimulation& sim, ContinuumKind kind, std::vector<TriangleMesh>* keep) {
    const physics::MpmParticles& particles = sim.continuum()->particles();
    std::vector<uint8_t> mask(particles.size());
    bool any = false;
    for (size_t i = 0; i < particles.size(); ++i) {
        mask[i] = sim.materialKinds()[particles.material[i]] == kind ? 1 : 0;
        any = any || mask[i] != 0;
    }
    if (!any) return std::optional<render::DrawItem>();
    const scenes::ContinuumPlan& continuum = *sim.plan().continuum;
    const float spacing = continuum.cellSize / float(continuum.particlesPerCellPerAxis);
    volume::SurfacerDesc desc;
    desc.voxelSize = spacing;
    desc.particleRadius = 0.75f * spacing;  // the material boundary (see Surfacer.h)
    desc.searchRadiusScale = 3.0f;
    desc.smoothingIterations = kind == ContinuumKind::Water ? 2 : 1;
    auto surface = volume::surfaceParticles(volume::ParticleView{particles.position, {}, mask}, desc);
    if (!surface) return surface.error();
    if (surface->indices.empty()) return std::optional<render::DrawItem>();
    // Flow of the surface follows the material: each vertex moves with nearby particles.
    if (Status moved = volume::attachParticleVelocities(*surface, particles.position,
                                                        particles.velocity, mask, 2.0f * spacing);
        !moved)
        return moved.error();
    surface->name = kind == ContinuumKind::Sand ? "sand surface" : "water surface";
    if (keep) keep->push_back(*surface);
    auto& slot = mSurfaceMeshes[size_t(kind)];
    if (slot) {
        if (Status replaced = mRenderer->replaceMesh(*slot, *surface); !replaced) return replaced.error();
    } else {
        auto id = mRenderer->addMesh(*surface, render::MeshUsage::Rebuilt);
        if (!id) return id.error();
        slot = *id;
    }
    render::DrawItem item;
    item.mesh = *slot;
    item.material = sim.kindMaterials().at(kind);
    item.semanticClass = kind == ContinuumKind::Sand ? kSandClass : kWaterClass;
    item.shading = kind == ContinuumKind::Sand ? render::Shading::Sand : render::Shading::Water;
    item.instanceId = continuumInstanceId(sim.objects().size(), kind);
    // The surface is rebuilt each frame: its flow comes from the vertex velocities (see
    // FrameDesc::timeStep), not from a change of transform.
    item.nextModelToWorld = item.modelToWorld;
    return std::optional<render::DrawItem>(item);
}

Result<render::MeshId> ClipProducer::groundMesh() {
    if (!mGround) {
        auto id = mRenderer->addMesh(unitGroundQuad());
        if (!id) return id.error();
        mGround = *id;
    }
    return *mGround;
}

Result<std::unique_ptr<ClipRun>> ClipProducer::start(const scenes::SceneTemplate& scene,
                                                     uint64_t seed, uint64_t clipIndex,
                                                     const scenes::PlanOverrides& overrides) {
    auto planned = scenes::randomize(scene, mLookup, seed, clipIndex, overrides, mCategories);
    if (!planned) return planned.error();
    if (planned->camera.intrinsics.width != mRendererDesc.width ||
        planned->camera.intrinsics.height != mRendererDesc.height) {
        return Error{fmt::format("{}: the clip is {}x{} pixels, the renderer {}x{}", scene.source,
                                 planned->camera.intrinsics.width,
                                 planned->camera.intrinsics.height, mRendererDesc.width,
                                 mRendererDesc.height)};
    }

    // Every asset is loaded and the world built before anything is written, so a bad asset
    // leaves no trace.
    std::unique_ptr<ClipRun> run(new ClipRun(*this, scene));
    auto simulation = ClipSimulation::create(*planned, mMeshes, mThreads);
    if (!simulation) return simulation.error().prefixed(scene.source);
    run->mSim = std::move(*simulation);
    const ClipSimulation& sim = *run->mSim;
    for (size_t i = 0; i < sim.objects().size(); ++i) {
        const scenes::ObjectPlan& object = *sim.objects()[i].plan;
        if (!mClasses.count(object.category)) {
            return Error{fmt::format("{}: object '{}' has category '{}', which no asset of the "
                                     "library has (no semantic class id)",
                                     scene.source, object.asset, object.category)};
        }
        auto id = gpuMesh(object.asset, sim.objectMesh(i));
        if (!id) return id.error();
        run->mObjectMeshes.push_back(*id);
    }
    auto ground = groundMesh();
    if (!ground) return ground.error();
    run->mGround = *ground;
    run->mMetadata =
        std::make_unique<ClipMetadataBuilder>(scene, sim.plan(), sim.objects(), mClasses);
    run->mStates = sim.bodyStates();
    if (sim.continuum()) {
        std::vector<Eigen::AlignedBox3f> bounds;
        for (size_t i = 0; i < sim.objects().size(); ++i) bounds.push_back(sim.objectMesh(i).bounds());
        run->mContinuumEvents = std::make_unique<ContinuumEvents>(sim.plan(), std::move(bounds));
        run->mContinuumEvents->observe(0.0f, sim.continuum()->particles(), sim.materialKinds(),
                                       run->mStates);
    }
    return run;
}

Result<render::FrameImages> ClipProducer::rerender(const ClipFrame& frame,
                                                   const CameraState& camera,
                                                   const CameraState& nextCamera) {
    render::FrameDesc desc = frame.desc;
    desc.camera = camera;
    desc.nextCamera = nextCamera;
    // The frame's surfaces are its last items, in the order surfaceSlot() hands them out.
    const size_t first = desc.items.size() - frame.surfaces.size();
    for (size_t i = 0; i < frame.surfaces.size(); ++i) {
        const render::MeshId id = desc.items[first + i].mesh;
        if (Status s = mRenderer->replaceMesh(id, frame.surfaces[i]); !s) return s.error();
    }
    return mRenderer->renderWithLabels(desc);
}

struct ClipProducer::Attempt {
    std::unique_ptr<exporters::ClipWriter> writer;  ///< uncommitted: dropping it leaves nothing
    nlohmann::json metadata;
    std::vector<CheckResult> checks;
    /// The simulation failed (NaN/Inf, runaway energy): nothing was rendered to the end.
    std::optional<Error> simulationFailure;
};

Result<ClipOutcome> ClipProducer::produce(const scenes::SceneTemplate& scene, uint64_t seed,
                                          uint64_t clipIndex, const scenes::PlanOverrides& overrides,
                                          const std::filesystem::path& datasetDir,
                                          const scenes::ChecksConfig& checks, StageTimes* times) {
    StageTimes local;
    const bool regenerate = checks.enabled && checks.onFail == scenes::CheckFailPolicy::Regenerate;
    const uint32_t attempts = regenerate ? checks.maxAttempts : 1;
    ClipOutcome outcome;
    nlohmann::json rejected = nlohmann::json::array();
    for (uint32_t attempt = 0; attempt < attempts; ++attempt) {
        const uint64_t stream = attemptSeed(seed, clipIndex, attempt);
        auto begin = Clock::now();
        auto run = this->start(scene, stream, clipIndex, overrides);
        if (!run) return run.error();
        local.plan += secondsSince(begin);
        auto made = renderRun(**run, datasetDir, checks, local);
        if (!made) return made.error();
        outcome.attempts = attempt + 1;
        if (made->simulationFailure) {
            // An exploded simulation is the plainest failed check; with nothing to write, the
            // last attempt's failure is the clip's error.
            if (attempt + 1 == attempts) return *made->simulationFailure;
            nlohmann::json entry = rejectedAttemptJson({}, attempt, stream);
            entry["simulation_error"] = made->simulationFailure->message;
            rejected.push_back(std::move(entry));
            continue;
        }
        outcome.passed = allPassed(made->checks);
        outcome.failures = failureSummary(made->checks);
        if (!outcome.passed && attempt + 1 < attempts) {
            // Dropping the writer removes the attempt's staging folder.
            rejected.push_back(rejectedAttemptJson(made->checks, attempt, stream));
            continue;
        }
        // clip.json records the dataset seed (what identifies the clip); the stream the
        // randomizer drew this attempt from is under checks.seed_stream.
        made->metadata["seed"] = seed;
        if (checks.enabled) {
            nlohmann::json record = checksJson(made->checks, checks, attempt, stream);
            record["rejected_attempts"] = std::move(rejected);
            made->metadata["checks"] = std::move(record);
        }
        auto commitStart = Clock::now();
        if (Status committed = made->writer->commit(std::move(made->metadata)); !committed)
            return committed.error();
        local.encode += secondsSince(commitStart);
        break;
    }
    if (times) {
        times->plan += local.plan;
        times->physics += local.physics;
        times->render += local.render;
        times->encode += local.encode;
        times->checks += local.checks;
    }
    return outcome;
}

Status ClipProducer::write(ClipRun& run, const std::filesystem::path& datasetDir,
                           StageTimes* local, StageTimes* times) {
    StageTimes own;
    if (!local) local = &own;
    scenes::ChecksConfig none;
    none.enabled = false;
    auto made = renderRun(run, datasetDir, none, *local);
    if (!made) return made.error();
    if (made->simulationFailure) return *made->simulationFailure;
    auto commitStart = Clock::now();
    if (Status committed = made->writer->commit(std::move(made->metadata)); !committed)
        return committed;
    local->encode += secondsSince(commitStart);
    if (times) {
        times->plan += local->plan;
        times->physics += local->physics;
        times->render += local->render;
        times->encode += local->encode;
    }
    return {};
}

Result<ClipProducer::Attempt> ClipProducer::renderRun(ClipRun& run,
                                                      const std::filesystem::path& datasetDir,
                                                      const scenes::ChecksConfig& checks,
                                                      StageTimes& local) {
    const scenes::ScenePlan& plan = run.plan();
    exporters::VideoEncoderDesc video;
    video.width = plan.camera.intrinsics.width;
    video.height = plan.camera.intrinsics.height;
    video.fps = plan.fps;
    auto writer = exporters::ClipWriter::open(datasetDir, clipName(plan.clipIndex), video);
    if (!writer) return writer.error();

    std::vector<uint32_t> instanceIds;
    for (const ObjectRecord& object : run.simulation().objects())
        instanceIds.push_back(object.plan->instanceId);
    ClipChecker checker(checks, std::move(instanceIds));
    auto checkStart = Clock::now();
    checker.addPhysics(run.simulation());
    local.checks += secondsSince(checkStart);
    // Rendering is pipelined: frame k + 1 is simulated and submitted while frame k renders,
    // then frame k is collected, encoded and checked. Frames come back in order, so the
    // output is the same as rendering one frame at a time.
    auto encodeOldest = [&]() -> Status {
        auto frame = run.collect(&local);
        if (!frame) return frame.error();
        auto encodeStart = Clock::now();
        if (Status added = (*writer)->addFrame(frame->images.color); !added) return added;
        if (Status added = (*writer)->addLabels(frame->images.labels); !added) return added;
        local.encode += secondsSince(encodeStart);
        checkStart = Clock::now();
        checker.addFrame(frame->images.color, frame->images.labels);
        local.checks += secondsSince(checkStart);
        return {};
    };
    while (!run.finished()) {
        if (run.pendingFrames() >= render::Renderer::kFramesInFlight) {
            if (Status encoded = encodeOldest(); !encoded) return encoded.error();
        }
        if (Status submitted = run.submit(&local); !submitted) {
            if (!run.simulationFailed()) return submitted.error();
            Attempt failed;
            failed.simulationFailure = submitted.error();
            return failed;
        }
        // Each submit advances the physics one frame interval: check every state once.
        checkStart = Clock::now();
        checker.addPhysics(run.simulation());
        local.checks += secondsSince(checkStart);
    }
    while (run.pendingFrames() > 0) {
        if (Status encoded = encodeOldest(); !encoded) return encoded.error();
    }
    checkStart = Clock::now();
    std::vector<CheckResult> results = checker.results();
    local.checks += secondsSince(checkStart);
    return Attempt{std::move(*writer), run.metadata(), std::move(results), std::nullopt};
}

}  // namespace silt::app
