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
    desc.grainDiameter = block.grainDiameter;
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
        if (object.motion) {
            // Scripted: Bullet moves it at the velocity from the start time on; it pushes the
            // continuum and other bodies and is not pushed back.
            body.drive = physics::BodyDrive::Kinematic;
            body.kinematicVelocity = object.motion->velocity;
            body.kinematicStart = object.motion->start;
            for (const scenes::MotionKey& key : object.motion->keyframes)
                body.kinematicPath.push_back({key.time, key.offset, key.rotation});
            body.kinematicSmooth = object.motion->easeInOut;
        }
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
        // The continuum's walls hold the objects too (a tank, a sand box): four static slabs
        // just outside the domain's sides, added after the objects so that body ids stay
        // object indices. They do not touch the continuum, which has its own walls.
        const Vec3f lo = p.continuum->domainMin, hi = p.continuum->domainMax;
        constexpr float kThick = 0.2f;  // m, so fast bodies do not tunnel through
        const float top = hi.y() + 1.0f;
        auto slab = [&](const Vec3f& a, const Vec3f& b) {
            std::vector<Vec3f> corners;
            for (int c = 0; c < 8; ++c)
                corners.emplace_back(c & 1 ? b.x() : a.x(), c & 2 ? b.y() : a.y(),
                                     c & 4 ? b.z() : a.z());
            physics::WorldBodyDesc wall;
            wall.body.convexPieces = {corners};
            wall.body.mass = 0.0f;
            wall.body.friction = p.continuum->wallFriction;
            wall.body.restitution = 0.0f;
            sim->mWorld->addBody(wall);
        };
        slab(Vec3f(lo.x() - kThick, lo.y(), lo.z() - kThick), Vec3f(lo.x(), top, hi.z() + kThick));
        slab(Vec3f(hi.x(), lo.y(), lo.z() - kThick), Vec3f(hi.x() + kThick, top, hi.z() + kThick));
        slab(Vec3f(lo.x(), lo.y(), lo.z() - kThick), Vec3f(hi.x(), top, lo.z()));
        slab(Vec3f(lo.x(), lo.y(), hi.z()), Vec3f(hi.x(), top, hi.z() + kThick));

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
            const size_t first = solver.particles().size();
            const size_t added = solver.addBox(material, block.min, block.max, perAxis);
            // A block of water starts at rest: at hydrostatic pressure below its top face.
            const Vec3f surface = block.max.cwiseMin(p.continuum->domainMax);
            if (Status set = solver.setHydrostatic(first, added, surface); !set)
                return set.error().prefixed("/continuum/water");
        }
        // Let the water settle into the grid's equilibrium before the first frame, so that it
        // does not ring through the clip (docs/physics.md, "Starting at rest"). A continuum
        // that blows up while relaxing is left as filled: its first frame then fails the
        // same way, as a simulation failure the producer can regenerate from the next seed.
        if (!p.continuum->water.empty()) (void)solver.relax();
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

Vec3f ClipSimulation::continuumForce(size_t object) const {
    return mWorld->continuumForce(physics::BodyId(object));
}

std::vector<physics::BodyState> ClipSimulation::bodyStates() const {
    std::vector<physics::BodyState> states;
    for (physics::BodyId id = 0; id < mObjects.size(); ++id) states.push_back(mWorld->bodyState(id));
    return states;
}

std::vector<physics::RigidEvent> ClipSimulation::rigidEvents() const {
    // Without the walls: only the objects' own events (a touch of a wall is not told).
    std::vector<physics::RigidEvent> events;
    const size_t n = mObjects.size();
    for (const physics::RigidEvent& e : mWorld->rigidEvents()) {
        if (e.body >= n) continue;
        if (e.kind == physics::RigidEvent::Kind::BodyContact && e.other != physics::kGround &&
            e.other >= n)
            continue;
        events.push_back(e);
    }
    return events;
}

}  // namespace silt::app
