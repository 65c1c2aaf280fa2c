#include "silt/app/ClipProducer.h"

#include <chrono>
#include <set>

#include <fmt/format.h>

#include "silt/app/ClipMetadata.h"
#include "silt/assets/MassProperties.h"
#include "silt/core/Hash.h"
#include "silt/core/Version.h"
#include "silt/exporters/ClipWriter.h"
#include "silt/physics/RigidWorld.h"

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

TriangleMesh scaled(const TriangleMesh& mesh, float scale) {
    TriangleMesh copy = mesh;
    for (Vec3f& p : copy.positions) p *= scale;
    return copy;
}

Mat4f modelMatrix(const Pose& pose, float scale) {
    Mat4f m = pose.matrix();
    m.topLeftCorner<3, 3>() *= scale;
    return m;
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
    return [&library](const std::string& name) -> std::optional<scenes::AssetFacts> {
        const assets::AssetInfo* info = library.find(name);
        if (!info) return std::nullopt;
        return scenes::AssetFacts{info->category, info->density};
    };
}

Result<std::unique_ptr<ClipProducer>> ClipProducer::create(const assets::AssetLibrary& library,
                                                           uint32_t width, uint32_t height) {
    render::RendererDesc desc;
    desc.width = width;
    desc.height = height;
    auto renderer = render::Renderer::create(desc);
    if (!renderer) return renderer.error();
    return std::unique_ptr<ClipProducer>(new ClipProducer(library, std::move(*renderer)));
}

Result<const ClipProducer::LoadedAsset*> ClipProducer::loadAsset(const std::string& name) {
    if (auto found = mAssets.find(name); found != mAssets.end()) return &found->second;
    auto mesh = mLibrary.load(name);
    if (!mesh) return mesh.error().prefixed(fmt::format("asset '{}'", name));
    auto gpuMesh = mRenderer->addMesh(*mesh);
    if (!gpuMesh) return gpuMesh.error();
    auto [it, inserted] = mAssets.emplace(name, LoadedAsset{std::move(*mesh), *gpuMesh});
    return &it->second;
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
    auto planned = scenes::randomize(scene, assetLookup(mLibrary), seed, clipIndex, overrides);
    if (!planned) return planned.error();
    const scenes::ScenePlan& plan = *planned;

    // Every asset is loaded before anything is written, so a bad asset leaves no trace.
    physics::RigidWorld world(
        physics::RigidWorldDesc{plan.gravity, plan.ground.friction, plan.ground.restitution});
    std::vector<ObjectRecord> objects;
    for (const scenes::ObjectPlan& object : plan.objects) {
        auto asset = loadAsset(object.asset);
        if (!asset) return asset.error().prefixed(scene.source);
        TriangleMesh collision = scaled((*asset)->mesh, object.scale);
        assets::MassProperties mass = assets::computeMassProperties(collision, object.density);
        if (!(mass.mass > 0.0f)) {
            return Error{fmt::format("{}: asset '{}' has no enclosed volume (is its mesh closed?)",
                                     scene.source, object.asset)};
        }
        physics::RigidBodyDesc body;
        body.mesh = &collision;
        body.mass = mass.mass;
        body.centerOfMass = mass.centerOfMass;
        body.inertia = mass.inertia;
        body.pose = object.pose;
        body.linearVelocity = object.linearVelocity;
        body.angularVelocity = object.angularVelocity;
        body.friction = object.friction;
        body.restitution = object.restitution;
        world.addBody(body);
        objects.push_back(ObjectRecord{&object, mass.mass,
                                       object.resolvedMaterial((*asset)->mesh.material),
                                       (*asset)->gpuMesh});
    }
    for (const scenes::ObjectPlan& object : plan.objects) {
        if (!mClasses.count(object.category)) {
            return Error{
                fmt::format("{}: object '{}' has category '{}', which no asset of the "
                            "library has (no semantic class id)",
                            scene.source, object.asset, object.category)};
        }
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

    ClipMetadataBuilder metadata(scene, plan, objects, mClasses);
    const float substepDt = 1.0f / float(plan.fps * plan.substeps);
    auto bodyStates = [&world] {
        std::vector<physics::BodyState> states;
        for (physics::BodyId id = 0; id < world.bodyCount(); ++id)
            states.push_back(world.bodyState(id));
        return states;
    };
    auto drawItems = [&](const std::vector<physics::BodyState>& states) {
        std::vector<render::DrawItem> items;
        render::DrawItem groundItem;
        groundItem.mesh = *ground;
        groundItem.modelToWorld = modelMatrix(Pose{}, plan.ground.halfExtent);
        groundItem.nextModelToWorld = groundItem.modelToWorld;
        groundItem.material = plan.ground.material;
        groundItem.semanticClass = kGroundClass;
        items.push_back(groundItem);
        for (size_t i = 0; i < objects.size(); ++i) {
            const scenes::ObjectPlan& object = *objects[i].plan;
            render::DrawItem item;
            item.mesh = objects[i].gpuMesh;
            item.modelToWorld = modelMatrix(states[i].pose, object.scale);
            item.material = objects[i].material;
            item.instanceId = object.instanceId;
            item.semanticClass = mClasses.at(object.category);
            items.push_back(item);
        }
        return items;
    };

    // Frame 0 shows the initial state; frame k the state after k frame intervals. Physics
    // runs one frame ahead: frame k is rendered knowing frame k + 1's poses (for its flow).
    std::vector<physics::BodyState> states = bodyStates();
    for (uint32_t frame = 0; frame < plan.frames; ++frame) {
        auto physicsStart = Clock::now();
        for (uint32_t s = 0; s < plan.substeps; ++s) world.step(substepDt);
        std::vector<physics::BodyState> nextStates = bodyStates();
        local.physics += secondsSince(physicsStart);

        auto renderStart = Clock::now();
        render::FrameDesc frameDesc;
        frameDesc.camera = plan.camera.at(float(frame) / float(plan.fps));
        frameDesc.nextCamera = plan.camera.at(float(frame + 1) / float(plan.fps));
        frameDesc.lighting = plan.lighting;
        frameDesc.items = drawItems(states);
        const std::vector<render::DrawItem> nextItems = drawItems(nextStates);
        for (size_t i = 0; i < frameDesc.items.size(); ++i)
            frameDesc.items[i].nextModelToWorld = nextItems[i].modelToWorld;
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
