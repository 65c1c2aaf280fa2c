#include "silt/app/ClipProducer.h"

#include <chrono>

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
    const assets::AssetInfo* info = mLibrary.find(name);
    auto shape = assets::collisionShapeFor(*mesh, info->collision);
    if (!shape) return shape.error().prefixed(fmt::format("asset '{}'", name));
    auto [it, inserted] =
        mAssets.emplace(name, LoadedAsset{std::move(*mesh), *gpuMesh, std::move(*shape)});
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
    auto planned = scenes::randomize(scene, mLookup, seed, clipIndex, overrides);
    if (!planned) return planned.error();
    const scenes::ScenePlan& plan = *planned;

    // Every asset is loaded before anything is written, so a bad asset leaves no trace.
    physics::RigidWorldDesc worldDesc;
    worldDesc.gravity = plan.gravity;
    worldDesc.groundFriction = plan.ground.friction;
    worldDesc.groundRestitution = plan.ground.restitution;
    physics::RigidWorld world(worldDesc);
    std::vector<ObjectRecord> objects;
    for (const scenes::ObjectPlan& object : plan.objects) {
        auto asset = loadAsset(object.asset);
        if (!asset) return asset.error().prefixed(scene.source);
        TriangleMesh collision = scaled((*asset)->mesh, object.scale);
        // An open user mesh encloses no volume: its convex hull stands in (AssetInfo says so).
        const assets::AssetInfo* info = mLibrary.find(object.asset);
        assets::MassProperties mass = assets::computeMassProperties(
            info->massFromHull ? assets::convexHullMesh(collision.positions) : collision,
            object.density);
        if (!(mass.mass > 0.0f)) {
            return Error{fmt::format("{}: asset '{}' has no enclosed volume (is its mesh closed?)",
                                     scene.source, object.asset)};
        }
        physics::RigidBodyDesc body;
        body.mesh = &collision;
        body.scale = 1.0f;  // `collision` is already scaled
        body.convexPieces = (*asset)->collision.pieces;
        for (auto& piece : body.convexPieces)
            for (Vec3f& p : piece) p *= object.scale;
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
    auto ground = groundMesh();
    if (!ground) return ground.error();
    local.plan = secondsSince(start);

    exporters::VideoEncoderDesc video;
    video.width = plan.camera.intrinsics.width;
    video.height = plan.camera.intrinsics.height;
    video.fps = plan.fps;
    auto writer = exporters::ClipWriter::open(datasetDir, clipName(clipIndex), video);
    if (!writer) return writer.error();

    ClipMetadataBuilder metadata(scene, plan, objects);
    const float substepDt = 1.0f / float(plan.fps * plan.substeps);
    for (uint32_t frame = 0; frame < plan.frames; ++frame) {
        auto physicsStart = Clock::now();
        // Frame 0 shows the initial state; frame k the state after k frame intervals.
        if (frame > 0) {
            for (uint32_t s = 0; s < plan.substeps; ++s) world.step(substepDt);
        }
        std::vector<physics::BodyState> states;
        for (physics::BodyId id = 0; id < world.bodyCount(); ++id)
            states.push_back(world.bodyState(id));
        local.physics += secondsSince(physicsStart);

        auto renderStart = Clock::now();
        render::FrameDesc frameDesc;
        frameDesc.camera = plan.camera.at(float(frame) / float(plan.fps));
        frameDesc.lighting = plan.lighting;
        render::DrawItem groundItem;
        groundItem.mesh = *ground;
        groundItem.modelToWorld = modelMatrix(Pose{}, plan.ground.halfExtent);
        groundItem.material = plan.ground.material;
        frameDesc.items.push_back(groundItem);
        for (size_t i = 0; i < objects.size(); ++i) {
            const scenes::ObjectPlan& object = *objects[i].plan;
            render::DrawItem item;
            item.mesh = objects[i].gpuMesh;
            item.modelToWorld = modelMatrix(states[i].pose, object.scale);
            item.material = objects[i].material;
            item.instanceId = object.instanceId;
            frameDesc.items.push_back(item);
        }
        auto image = mRenderer->render(frameDesc);
        if (!image) return image.error().prefixed(fmt::format("rendering frame {}", frame));
        local.render += secondsSince(renderStart);

        auto encodeStart = Clock::now();
        if (Status added = (*writer)->addFrame(*image); !added) return added;
        local.encode += secondsSince(encodeStart);
        metadata.addFrame(frameDesc.camera, states);
    }

    std::vector<SurfaceMaterial> materials;
    for (const ObjectRecord& record : objects) materials.push_back(record.material);
    const std::vector<scenes::SceneEvent> events = sceneEvents(world.events());
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
