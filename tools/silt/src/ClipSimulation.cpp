#include "silt/app/ClipSimulation.h"

#include <fmt/format.h>

#include "silt/assets/MassProperties.h"

namespace silt::app {
namespace {

TriangleMesh scaled(const TriangleMesh& mesh, float scale) {
    TriangleMesh copy = mesh;
    for (Vec3f& p : copy.positions) p *= scale;
    return copy;
}

template <typename Plan>
physics::SandDesc sandDesc(const Plan& block) {
    physics::SandDesc desc;
    desc.density = block.density;
    desc.youngsModulus = block.youngsModulus;
    desc.poissonRatio = block.poissonRatio;
    if (block.frictionAngleDeg) {
        desc.hardening = false;
        desc.frictionAngleDeg = *block.frictionAngleDeg;
    }
    return desc;
}

template <typename Plan>
physics::WaterDesc waterDesc(const Plan& block) {
    physics::WaterDesc desc = physics::WaterDesc::forMaxFlowSpeed(block.maxFlowSpeed);
    // forMaxFlowSpeed assumes 1000 kg/m³: keep its sound speed at this density.
    desc.bulkModulus *= block.density / desc.density;
    desc.density = block.density;
    desc.viscosity = block.viscosity;
    return desc;
}

}  // namespace

Result<const TriangleMesh*> MeshCache::get(const std::string& name) {
    if (auto found = mMeshes.find(name); found != mMeshes.end()) return found->second.get();
    auto mesh = mLibrary.load(name);
    if (!mesh) return mesh.error().prefixed(fmt::format("asset '{}'", name));
    auto [it, inserted] = mMeshes.emplace(name, std::make_unique<TriangleMesh>(std::move(*mesh)));
    return it->second.get();
}

Result<const assets::CollisionShape*> MeshCache::collision(const std::string& name) {
    if (auto found = mShapes.find(name); found != mShapes.end()) return found->second.get();
    auto mesh = get(name);
    if (!mesh) return mesh.error();
    const assets::AssetInfo* info = mLibrary.find(name);
    if (!info) return Error{fmt::format("asset '{}' is not in the library", name)};
    auto shape = assets::collisionShapeFor(**mesh, info->collision);
    if (!shape) return shape.error().prefixed(fmt::format("asset '{}'", name));
    auto [it, inserted] =
        mShapes.emplace(name, std::make_unique<assets::CollisionShape>(std::move(*shape)));
    return it->second.get();
}

Result<std::unique_ptr<ClipSimulation>> ClipSimulation::create(const scenes::ScenePlan& plan,
                                                               MeshCache& meshes, int threads) {
    std::unique_ptr<ClipSimulation> sim(new ClipSimulation(plan));
    const scenes::ScenePlan& p = sim->mPlan;

    physics::WorldDesc worldDesc;
    worldDesc.rigid.gravity = p.gravity;
    worldDesc.rigid.groundFriction = p.ground.friction;
    worldDesc.rigid.groundRestitution = p.ground.restitution;
    worldDesc.rigidSubsteps = p.substeps;
    if (p.continuum) {
        physics::MpmSettings settings;
        settings.dx = p.continuum->cellSize;
        settings.domainMin = p.continuum->domainMin;
        settings.domainMax = p.continuum->domainMax;
        settings.gravity = p.gravity;
        settings.floorFriction = p.continuum->floorFriction;
        settings.wallFriction = p.continuum->wallFriction;
        settings.threads = threads;
        worldDesc.continuum = settings;
    }
    auto world = physics::World::create(worldDesc);
    if (!world) return world.error();
    sim->mWorld = std::move(*world);

    for (const scenes::ObjectPlan& object : p.objects) {
        auto mesh = meshes.get(object.asset);
        if (!mesh) return mesh.error();
        auto shape = meshes.collision(object.asset);
        if (!shape) return shape.error();
        TriangleMesh collision = scaled(**mesh, object.scale);
        // An open user mesh encloses no volume: its convex hull stands in (AssetInfo says so).
        const assets::AssetInfo* info = meshes.library().find(object.asset);
        assets::MassProperties mass = assets::computeMassProperties(
            info->massFromHull ? assets::convexHullMesh(collision.positions) : collision,
            object.density);
        if (!(mass.mass > 0.0f)) {
            return Error{fmt::format("asset '{}' has no enclosed volume (is its mesh closed?)",
                                     object.asset)};
        }
        physics::WorldBodyDesc body;
        body.body.mesh = &collision;
        body.body.convexPieces = (*shape)->pieces;
        for (auto& piece : body.body.convexPieces)
            for (Vec3f& point : piece) point *= object.scale;
        body.body.mass = mass.mass;
        body.body.centerOfMass = mass.centerOfMass;
        body.body.inertia = mass.inertia;
        body.body.pose = object.pose;
        body.body.linearVelocity = object.linearVelocity;
        body.body.angularVelocity = object.angularVelocity;
        body.body.friction = object.friction;
        body.body.restitution = object.restitution;
        body.continuumFriction = object.friction;
        if (p.continuum) {
            // Half a grid cell resolves the body as finely as the grid can feel it.
            auto field = assets::buildSignedDistanceField(collision, 0.5f * p.continuum->cellSize);
            if (!field) return field.error().prefixed(fmt::format("asset '{}'", object.asset));
            sim->mDistanceFields.push_back(
                std::make_unique<assets::SignedDistanceField>(std::move(*field)));
            body.distanceField = sim->mDistanceFields.back().get();
        }
        sim->mWorld->addBody(body);
        sim->mObjects.push_back(ObjectRecord{&object, mass.mass, object.resolvedMaterial((*mesh)->material), 0});
        sim->mObjectMeshes.push_back(*mesh);
    }

    if (p.continuum) {
        physics::MpmSolver& solver = *sim->mWorld->continuum();
        const int perAxis = p.continuum->particlesPerCellPerAxis;
        for (const scenes::SandBlockPlan& block : p.continuum->sand) {
            uint8_t material = solver.addMaterial(sandDesc(block));
            sim->mMaterialKinds.resize(size_t(material) + 1, ContinuumKind::Sand);
            sim->mMaterialKinds[material] = ContinuumKind::Sand;
            sim->mKindMaterials.try_emplace(ContinuumKind::Sand, block.material);
            solver.addBox(material, block.min, block.max, perAxis);
        }
        for (const scenes::WaterBlockPlan& block : p.continuum->water) {
            uint8_t material = solver.addMaterial(waterDesc(block));
            sim->mMaterialKinds.resize(size_t(material) + 1, ContinuumKind::Water);
            sim->mMaterialKinds[material] = ContinuumKind::Water;
            sim->mKindMaterials.try_emplace(ContinuumKind::Water, block.material);
            solver.addBox(material, block.min, block.max, perAxis);
        }
        for (size_t i = 0; i < p.continuum->emitters.size(); ++i) {
            const scenes::EmitterPlan& pour = p.continuum->emitters[i];
            const bool water = pour.kind == "water";
            const ContinuumKind kind = water ? ContinuumKind::Water : ContinuumKind::Sand;
            const uint8_t material =
                water ? solver.addMaterial(waterDesc(pour)) : solver.addMaterial(sandDesc(pour));
            sim->mMaterialKinds.resize(size_t(material) + 1, kind);
            sim->mMaterialKinds[material] = kind;
            sim->mKindMaterials.try_emplace(kind, pour.material);
            physics::EmitterDesc desc;
            desc.material = material;
            desc.shape = pour.shape == "rectangle" ? physics::NozzleShape::Rectangle
                                                   : physics::NozzleShape::Disc;
            desc.centre = pour.position;
            desc.velocity = pour.velocity;
            desc.radius = pour.radius;
            desc.halfSize = 0.5f * Vec2f(pour.width, pour.depth);
            desc.rate = pour.rate;
            desc.start = pour.start;
            desc.end = pour.end;
            desc.spacing = p.continuum->cellSize / float(perAxis);
            desc.maxParticles = pour.maxParticles;
            desc.seed = pour.seed;
            if (Status added = solver.addEmitter(desc); !added)
                return added.error().prefixed(fmt::format("/continuum/emitters/{}", i));
        }
    }
    return sim;
}

Status ClipSimulation::advanceFrame() { return mWorld->advanceFrame(1.0f / float(mPlan.fps)); }

std::vector<physics::BodyState> ClipSimulation::bodyStates() const {
    std::vector<physics::BodyState> states;
    for (physics::BodyId id = 0; id < mWorld->bodyCount(); ++id) states.push_back(mWorld->bodyState(id));
    return states;
}

}  // namespace silt::app
