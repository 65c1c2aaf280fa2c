#pragma once
// World: the whole simulation of one clip — Bullet rigid bodies and, optionally, an MPM
// continuum of sand and water, two-way coupled. Coupling follows PHYSICS.md: each coupled
// body is a GridCollider whose signed distance field (assets::SignedDistanceField, in the
// body's scaled asset frame) gives distance and normal at grid nodes; the grid enforces
// no-penetration with Coulomb friction and the reaction impulse goes back to the body as
// force and torque. Rigid bodies still collide with each other and the ground through Bullet.
//
// Stepping: advanceFrame() takes MPM substeps chosen from CFL and the elastic wave speed
// (MpmSolver::stableDt); Bullet steps with the same dt, after the continuum's impulses have
// been applied. Without a continuum, Bullet takes `rigidSubsteps` equal steps per frame.
// Determinism: bit-identical for any thread count (the solver's guarantee; Bullet is serial).
// Thread-safety: one thread drives a World.

#include <memory>
#include <optional>
#include <vector>

#include "silt/assets/SignedDistanceField.h"
#include "silt/core/Result.h"
#include "silt/physics/RigidWorld.h"
#include "silt/physics/mpm/MpmSettings.h"
#include "silt/physics/mpm/MpmSolver.h"

namespace silt::physics {

struct WorldDesc {
    RigidWorldDesc rigid;
    /// Continuum grid and domain; none = rigid bodies only. Its gravity is overridden by
    /// rigid.gravity so both parts fall alike.
    std::optional<MpmSettings> continuum;
    uint32_t rigidSubsteps = 8;  ///< Bullet steps per frame when there is no continuum
};

/// How a body is driven.
enum class BodyDrive : uint8_t {
    Dynamic,    ///< moved by gravity, contacts and the continuum
    Kinematic,  ///< follows a scripted velocity (e.g. pulled out of sand), pushes everything
};

/// One key of a scripted path: at `time` the body's asset frame sits at its initial pose
/// moved by `offset` and turned by `rotation` (world axes, about the asset frame's origin).
struct KinematicKey {
    float time = 0.0f;                   ///< s, > 0 and increasing along a path
    Vec3f offset = Vec3f::Zero();        ///< m, from the initial position
    Quatf rotation = Quatf::Identity();  ///< applied on top of the initial rotation
};

struct WorldBodyDesc {
    RigidBodyDesc body;
    /// Distance field of the body's mesh in its scaled asset frame; null = the body does
    /// not interact with the continuum. Not owned; must outlive the World.
    const assets::SignedDistanceField* distanceField = nullptr;
    float continuumFriction = 0.5f;  ///< Coulomb coefficient between body and sand/water
    BodyDrive drive = BodyDrive::Dynamic;
    Vec3f kinematicVelocity = Vec3f::Zero();  ///< m/s, for Kinematic bodies
    float kinematicStart = 0.0f;              ///< s, when the scripted motion starts
    /// Kinematic bodies: a keyframed path instead of kinematicVelocity/kinematicStart. The
    /// pose at t = 0 is the initial pose; between keys the offset is interpolated linearly
    /// and the rotation by slerp (eased with smoothstep when kinematicSmooth, so the body
    /// stops at every key); after the last key it holds still.
    std::vector<KinematicKey> kinematicPath;
    bool kinematicSmooth = false;
    /// Grid cells (dx) by which the body is widened for the continuum: nodes closer than
    /// this to the surface are constrained too. Particles sink about half a cell into a
    /// boundary that is only enforced at nodes; measured in the buoyancy validation, a band
    /// of 0 makes floating boxes ride 20–25 % too deep at 12 cells across, 0.5 cell 6–10 %.
    float continuumBand = 0.5f;
};

class World {
public:
    [[nodiscard]] static Result<std::unique_ptr<World>> create(const WorldDesc& desc);
    ~World();
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    BodyId addBody(const WorldBodyDesc& desc);

    /// The continuum, to add materials and particles before the first frame; null when the
    /// world has none.
    [[nodiscard]] MpmSolver* continuum();
    [[nodiscard]] const MpmSolver* continuum() const;

    /// Advances by one frame interval. Fails (and stays failed) when the continuum reports
    /// NaN/Inf or runaway energy, with the solver's diagnostic (step, particle, material).
    [[nodiscard]] Status advanceFrame(float frameDt);

    [[nodiscard]] size_t bodyCount() const;
    [[nodiscard]] BodyState bodyState(BodyId id) const;
    [[nodiscard]] double time() const;  ///< s simulated so far
    /// The rigid bodies' event log (contacts, bounces, tumbles, rest), in time order.
    [[nodiscard]] const std::vector<RigidEvent>& rigidEvents() const;

    /// N, mean force the continuum exerted on the body during the last advanceFrame()
    /// (its reaction impulse / frame interval); zero for bodies without a distance field.
    /// Measured for kinematic bodies too (Bullet ignores it for them).
    [[nodiscard]] Vec3f continuumForce(BodyId id) const;
    /// N·m, the matching mean torque about the body's centre of mass.
    [[nodiscard]] Vec3f continuumTorque(BodyId id) const;
    /// Coupled substeps taken so far (Bullet steps when there is no continuum).
    [[nodiscard]] int64_t stepCount() const;
    [[nodiscard]] const RigidWorld& rigid() const;

private:
    struct Impl;
    explicit World(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> mImpl;
};

}  // namespace silt::physics
