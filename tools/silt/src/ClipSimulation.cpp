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

physics::SandDesc sandDesc(const scenes::SandBlockPlan& block) {
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

physics::WaterDesc waterDesc(const scenes::WaterBlockPlan& block) {
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

Result<std::unique_ptr<ClipSimulation>> ClipSimulation::create(const scenes::ScenePlan& plan,
                                                               MeshCache& meshes, int threads) {
    std::unique_ptr<ClipSimulation> sim(new ClipSimulation(plan));
    const scenes::ScenePlan& p = sim->mPlan;

    physics::WorldDesc worldDesc;
    worldDesc.rigid = physics::RigidWorldDesc{p.gravity, p.ground.friction, p.ground.restitution};
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
        TriangleMesh collision = scaled(**mesh, object.scale);
        assets::MassProperties mass = assets::computeMassProperties(collision, object.density);
        if (!(mass.mass > 0.0f)) {
            return Error{fmt::format("asset '{}' has no enclosed volume (is its mesh closed?)",
                                     object.asset)};
        }
        physics::WorldBodyDesc body;
        body.body.mesh = &collision;
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
