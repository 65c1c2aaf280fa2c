#pragma once
// Two-way coupling hook: a solid the MPM grid collides with. During the grid update every
// grid node with mass inside a collider (signed distance ≤ 0) gets the collider's boundary
// condition: relative velocity r = v − v_solid(x), no inward normal part, Coulomb friction on
// the tangential part. The momentum taken from the grid is accumulated here as the
// reaction impulse on the solid, with its moment about centre(); a rigid-body world reads
// impulse()/angularImpulse() after MpmSolver::advance() and applies them as force·dt.
//
// Thread-safety: sample() is called concurrently from solver threads and must be const and
// re-entrant; the accumulators are written only by the solver thread between parallel
// phases, in a fixed order (deterministic).

#include "silt/core/Math.h"

namespace silt::physics {

struct ColliderSample {
    float distance = 1.0f;           ///< m, signed distance (negative inside the solid)
    Vec3f normal = Vec3f::UnitY();   ///< outward unit normal of the solid's surface
    Vec3f velocity = Vec3f::Zero();  ///< m/s, velocity of the solid's material point at x
};

class GridCollider {
public:
    virtual ~GridCollider() = default;

    /// Distance, normal and solid velocity at world point x (m).
    [[nodiscard]] virtual ColliderSample sample(const Vec3f& x) const = 0;
    /// m, the point the angular impulse is taken about (a rigid body's centre of mass).
    [[nodiscard]] virtual Vec3f centre() const = 0;
    /// Called once after every solver substep of dt seconds; kinematic colliders move here.
    virtual void onSubstep(float /*dt*/) {}
    /// Moves a particle position that ended a substep inside the solid back onto its
    /// surface (m, world). Positions only: velocities (and so momentum) are left alone, so
    /// the coupling stays exactly conservative. Called concurrently from solver threads
    /// after the advection of each particle; must be const and re-entrant. The default
    /// leaves particles where they are (the node boundary condition alone).
    virtual void projectOut(Vec3f& /*x*/) const {}

    float friction = 0.5f;  ///< Coulomb coefficient between the continuum and this solid

    void resetImpulse() {
        mImpulse.setZero();
        mAngularImpulse.setZero();
    }
    void addImpulse(const Eigen::Vector3d& linear, const Eigen::Vector3d& angular) {
        mImpulse += linear;
        mAngularImpulse += angular;
    }
    /// N·s, reaction impulse the continuum exerted on the solid since resetImpulse().
    [[nodiscard]] const Eigen::Vector3d& impulse() const { return mImpulse; }
    /// N·m·s, its moment about centre().
    [[nodiscard]] const Eigen::Vector3d& angularImpulse() const { return mAngularImpulse; }

private:
    Eigen::Vector3d mImpulse = Eigen::Vector3d::Zero();
    Eigen::Vector3d mAngularImpulse = Eigen::Vector3d::Zero();
};

}  // namespace silt::physics
