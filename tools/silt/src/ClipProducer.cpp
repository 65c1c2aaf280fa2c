#include "silt/app/ClipProducer.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <set>

#include <fmt/format.h>

#include "silt/app/ClipMetadata.h"
#include "silt/app/ContinuumEvents.h"
#include "silt/core/Hash.h"
#include "silt/core/Version.h"
#include "silt/exporters/ClipWriter.h"
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

Mat4f modelMatrix(const Pose& pose, float scale) {
    Mat4f m = pose.matrix();
    m.topLeftCorner<3, 3>() *= scale;
    return m;
}

/// The physics event log in the scene's terms (body ids are plan object indices: bodies are
/// added in plan order).
std::vector<scenes::SceneEvent> sceneEvents(const std::vector<physics::RigidEvent>& events) {
    using PK = physics::RigidEvent::Kind;
    using SK = scenes::SceneEvent::Kind;
    std::vector<scenes::SceneEvent> out;
    for (const physics::RigidEvent& e : events) {
        scenes::SceneEvent s;
        s.time = e.time;
        s.object = e.body;
        s.other = e.other == physics::kGround ? 0 : e.other;
        s.speed = e.speed;
        switch (e.kind) {
            case PK::GroundContact:
                s.kind = SK::GroundContact;
                break;
            case PK::BodyContact:
                s.kind = SK::ObjectContact;
                break;
            case PK::Bounce:
                s.kind = SK::Bounce;
                break;
            case PK::Tumble:
                s.kind = SK::Tumble;
                break;
            case PK::Rest:
                s.kind = SK::Rest;
                break;
        }
        s.restingPose = physics::restingPoseName(e.pose);
        out.push_back(std::move(s));
    }
    return out;
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
    auto renderer = render::Renderer::create(desc);
    if (!renderer) return renderer.error();
    return std::unique_ptr<ClipProducer>(new ClipProducer(library, std::move(*renderer), threads));
}

Result<render::MeshId> ClipProducer::gpuMesh(const std::string& asset, const TriangleMesh& mesh) {
    if (auto found = mGpuMeshes.find(asset); found != mGpuMeshes.end()) return found->second;
    auto id = mRenderer->addMesh(mesh);
    if (!id) return id.error().prefixed(fmt::format("asset '{}'", asset));
    mGpuMeshes.emplace(asset, *id);
    return *id;
}

Result<std::optional<render::DrawItem>> ClipProducer::continuumItem(const ClipSimulation& sim,
                                                                    ContinuumKind kind) {
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
    surface->name = kind == ContinuumKind::Sand ? "sand surface" : "water surface";
    auto& slot = mSurfaceMeshes[size_t(kind)];
    if (slot) {
        if (Status replaced = mRenderer->replaceMesh(*slot, *surface); !replaced) return replaced.error();
    } else {
        auto id = mRenderer->addMesh(*surface);
        if (!id) return id.error();
        slot = *id;
    }
    render::DrawItem item;
    item.mesh = *slot;
    item.material = sim.kindMaterials().at(kind);
    item.semanticClass = kind == ContinuumKind::Sand ? kSandClass : kWaterClass;
    item.instanceId = continuumInstanceId(sim.objects().size(), kind);
    // The surface is rebuilt each frame; its flow would come from particle velocities,
    // which the rigid next-transform cannot express, so it is recorded as static here.
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

Status ClipProducer::produce(const scenes::SceneTemplate& scene, uint64_t seed, uint64_t clipIndex,
                             const scenes::PlanOverrides& overrides,
                             const std::filesystem::path& datasetDir, StageTimes* times) {
    StageTimes local;
    auto start = Clock::now();
    auto planned = scenes::randomize(scene, mLookup, seed, clipIndex, overrides, mCategories);
    if (!planned) return planned.error();

    // Every asset is loaded and the world built before anything is written, so a bad asset
    // leaves no trace.
    auto simulation = ClipSimulation::create(*planned, mMeshes, mThreads);
    if (!simulation) return simulation.error().prefixed(scene.source);
    ClipSimulation& sim = **simulation;
    const scenes::ScenePlan& plan = sim.plan();
    std::vector<render::MeshId> objectMeshes;
    for (size_t i = 0; i < sim.objects().size(); ++i) {
        const scenes::ObjectPlan& object = *sim.objects()[i].plan;
        if (!mClasses.count(object.category)) {
            return Error{fmt::format("{}: object '{}' has category '{}', which no asset of the "
                                     "library has (no semantic class id)",
                                     scene.source, object.asset, object.category)};
        }
        auto id = gpuMesh(object.asset, sim.objectMesh(i));
        if (!id) return id.error();
        objectMeshes.push_back(*id);
    }
    auto ground = groundMesh();
    if (!ground) return ground.error();
    local.plan = secondsSince(start);

    exporters::VideoEncoderDesc video;
    video.width = plan.camera.intrinsics.width;
    video.height = plan.camera.intrinsics.height;
    video.fps = plan.fps;
    auto writer = exporters::ClipWriter::open(datasetDir, clipName(clipIndex), video);
    if (!writer) return writer.error();

    ClipMetadataBuilder metadata(scene, plan, sim.objects(), mClasses);
    auto rigidItems = [&](const std::vector<physics::BodyState>& states) {
        std::vector<render::DrawItem> items;
        render::DrawItem groundItem;
        groundItem.mesh = *ground;
        groundItem.modelToWorld = modelMatrix(Pose{}, plan.ground.halfExtent);
        groundItem.nextModelToWorld = groundItem.modelToWorld;
        groundItem.material = plan.ground.material;
        groundItem.semanticClass = kGroundClass;
        items.push_back(groundItem);
        for (size_t i = 0; i < sim.objects().size(); ++i) {
            const ObjectRecord& object = sim.objects()[i];
            render::DrawItem item;
            item.mesh = objectMeshes[i];
            item.modelToWorld = modelMatrix(states[i].pose, object.plan->scale);
            item.material = object.material;
            item.instanceId = object.plan->instanceId;
            item.semanticClass = mClasses.at(object.plan->category);
            items.push_back(item);
        }
        return items;
    };

    // Frame 0 shows the initial state; frame k the state after k frame intervals. Physics
    // runs one frame ahead: frame k is rendered knowing frame k + 1's poses (for its flow),
    // so the continuum's surfaces are built before it advances.
    std::vector<physics::BodyState> states = sim.bodyStates();
    // Sand and water events (burial, splashes, floating …) are read off every simulated frame.
    std::optional<ContinuumEvents> continuumEvents;
    if (sim.continuum()) {
        std::vector<Eigen::AlignedBox3f> bounds;
        for (size_t i = 0; i < sim.objects().size(); ++i) bounds.push_back(sim.objectMesh(i).bounds());
        continuumEvents.emplace(plan, std::move(bounds));
        continuumEvents->observe(0.0f, sim.continuum()->particles(), sim.materialKinds(), states);
    }
    for (uint32_t frame = 0; frame < plan.frames; ++frame) {
        auto surfaceStart = Clock::now();
        std::vector<render::DrawItem> surfaces;
        if (sim.continuum()) {
            for (ContinuumKind kind : {ContinuumKind::Sand, ContinuumKind::Water}) {
                auto item = continuumItem(sim, kind);
                if (!item) return item.error().prefixed(fmt::format("surfacing frame {}", frame));
                if (*item) surfaces.push_back(**item);
            }
        }
        local.render += secondsSince(surfaceStart);

        auto physicsStart = Clock::now();
        if (Status advanced = sim.advanceFrame(); !advanced) {
            return advanced.error().prefixed(fmt::format("simulating frame {}", frame + 1));
        }
        std::vector<physics::BodyState> nextStates = sim.bodyStates();
        if (continuumEvents) {
            continuumEvents->observe(float(frame + 1) / float(plan.fps), sim.continuum()->particles(),
                                     sim.materialKinds(), nextStates);
        }
        local.physics += secondsSince(physicsStart);

        auto renderStart = Clock::now();
        render::FrameDesc frameDesc;
        frameDesc.camera = plan.camera.at(float(frame) / float(plan.fps));
        frameDesc.nextCamera = plan.camera.at(float(frame + 1) / float(plan.fps));
        frameDesc.lighting = plan.lighting;
        frameDesc.items = rigidItems(states);
        const std::vector<render::DrawItem> nextItems = rigidItems(nextStates);
        for (size_t i = 0; i < frameDesc.items.size(); ++i)
            frameDesc.items[i].nextModelToWorld = nextItems[i].modelToWorld;
        frameDesc.items.insert(frameDesc.items.end(), surfaces.begin(), surfaces.end());
        auto images = mRenderer->renderWithLabels(frameDesc);
        if (!images) return images.error().prefixed(fmt::format("rendering frame {}", frame));
        local.render += secondsSince(renderStart);

        auto encodeStart = Clock::now();
        if (Status added = (*writer)->addFrame(images->color); !added) return added;
        if (Status added = (*writer)->addLabels(images->labels); !added) return added;
        local.encode += secondsSince(encodeStart);
        metadata.addFrame(frameDesc.camera, states);
        states = std::move(nextStates);
    }

    std::vector<SurfaceMaterial> materials;
    for (const ObjectRecord& record : sim.objects()) materials.push_back(record.material);
    std::vector<scenes::SceneEvent> events = sceneEvents(sim.rigidEvents());
    if (continuumEvents) {
        // Both lists are in time order; merged stably, rigid events first at equal times.
        const std::vector<scenes::SceneEvent> more = continuumEvents->events();
        std::vector<scenes::SceneEvent> merged;
        std::merge(events.begin(), events.end(), more.begin(), more.end(),
                   std::back_inserter(merged),
                   [](const scenes::SceneEvent& a, const scenes::SceneEvent& b) {
                       return a.time < b.time;
                   });
        events = std::move(merged);
    }
    metadata.setOutcome(events, scenes::writeCaption(plan, materials, events));

    auto commitStart = Clock::now();
    if (Status committed = (*writer)->commit(metadata.build()); !committed) return committed;
    local.encode += secondsSince(commitStart);
    if (times) {
        times->plan += local.plan;
        times->physics += local.physics;
        times->render += local.render;
        times->encode += local.encode;
    }
    return {};
}

}  // namespace silt::app
