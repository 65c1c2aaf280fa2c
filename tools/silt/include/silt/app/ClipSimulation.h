#pragma once
// ClipSimulation: the physics of one clip, built from its ScenePlan — rigid bodies for the
// plan's objects and, when the plan has a continuum, sand and water two-way coupled with
// them (physics::World). Shared by `silt generate` (which renders it) and `silt simulate`
// (which writes particle and body states). Thread-safety: one thread per instance.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "silt/app/ClipMetadata.h"
#include "silt/assets/AssetLibrary.h"
#include "silt/assets/CollisionShape.h"
#include "silt/assets/SignedDistanceField.h"
#include "silt/core/Result.h"
#include "silt/physics/World.h"
#include "silt/scenes/ScenePlan.h"

namespace silt::app {

/// Imported asset meshes by name, loaded once per process.
class MeshCache {
public:
    explicit MeshCache(const assets::AssetLibrary& library) : mLibrary(library) {}
    /// The asset's mesh (its own frame, unscaled); the error names the asset.
    [[nodiscard]] Result<const TriangleMesh*> get(const std::string& name);
    /// The asset's collision shape (its own frame, unscaled), as its sidecar asks.
    [[nodiscard]] Result<const assets::CollisionShape*> collision(const std::string& name);
    [[nodiscard]] const assets::AssetLibrary& library() const { return mLibrary; }

private:
    const assets::AssetLibrary& mLibrary;
    std::map<std::string, std::unique_ptr<TriangleMesh>> mMeshes;
    std::map<std::string, std::unique_ptr<assets::CollisionShape>> mShapes;
};

class ClipSimulation {
public:
    /// Builds the world: loads every asset, computes mass properties (and distance fields
    /// when there is a continuum), fills sand and water boxes. `threads` feeds the MPM solver.
    [[nodiscard]] static Result<std::unique_ptr<ClipSimulation>> create(
        const scenes::ScenePlan& plan, MeshCache& meshes, int threads);

    /// Advances one frame interval (1 / fps).
    [[nodiscard]] Status advanceFrame();

    [[nodiscard]] std::vector<physics::BodyState> bodyStates() const;
    /// N, the mean force sand and water exerted on object i over the last frame (measured
    /// for scripted objects too, though it does not move them).
    [[nodiscard]] Vec3f continuumForce(size_t object) const;
    /// What the rigid bodies did so far (contacts, bounces, rest), body ids = object indices.
    [[nodiscard]] std::vector<physics::RigidEvent> rigidEvents() const;
    [[nodiscard]] const std::vector<ObjectRecord>& objects() const { return mObjects; }
    /// The asset mesh of object i (unscaled).
    [[nodiscard]] const TriangleMesh& objectMesh(size_t i) const { return *mObjectMeshes[i]; }
    /// Null without a continuum.
    [[nodiscard]] const physics::MpmSolver* continuum() const { return mWorld->continuum(); }
    /// The kind of each solver material index.
    [[nodiscard]] const std::vector<ContinuumKind>& materialKinds() const { return mMaterialKinds; }
    /// The appearance of each continuum kind (the first block's).
    [[nodiscard]] const std::map<ContinuumKind, SurfaceMaterial>& kindMaterials() const {
        return mKindMaterials;
    }
    [[nodiscard]] const scenes::ScenePlan& plan() const { return mPlan; }
    [[nodiscard]] const physics::World& world() const { return *mWorld; }

private:
    explicit ClipSimulation(const scenes::ScenePlan& plan) : mPlan(plan) {}

    scenes::ScenePlan mPlan;
    std::unique_ptr<physics::World> mWorld;
    std::vector<ObjectRecord> mObjects;
    std::vector<const TriangleMesh*> mObjectMeshes;
    std::vector<std::unique_ptr<assets::SignedDistanceField>> mDistanceFields;
    std::vector<ContinuumKind> mMaterialKinds;
    std::map<ContinuumKind, SurfaceMaterial> mKindMaterials;
};

}  // namespace silt::app
