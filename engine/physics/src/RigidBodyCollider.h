#pragma once
// The MPM grid's view of one rigid body: its signed distance field (in the body's scaled
// asset frame) placed at the body's current pose, with the rigid velocity field
// v(x) = v_com + ω × (x − com). World refreshes it from Bullet before every substep; the
// solver then samples it at grid nodes (concurrently: sample() only reads) and accumulates
// the continuum's reaction impulse in the GridCollider base.

#include "silt/assets/SignedDistanceField.h"
#include "silt/physics/mpm/GridCollider.h"

namespace silt::physics {

class RigidBodyCollider final : public GridCollider {
public:
    /// `field` is borrowed and must outlive the collider. `band` (m) widens the body for the
    /// continuum: nodes closer than band to the surface are constrained too (0 = the mesh).
    RigidBodyCollider(const assets::SignedDistanceField& field, float band);

    /// Places the body: asset-frame pose, centre of mass (m, world) and its velocities
    /// (m/s; rad/s, world frame).
    void update(const Pose& pose, const Vec3f& centerOfMass, const Vec3f& linearVelocity,
                const Vec3f& angularVelocity);

    [[nodiscard]] ColliderSample sample(const Vec3f& x) const override;
    [[nodiscard]] Vec3f centre() const override { return mCentre; }
    /// Particles that leaked into the body (not the band) go back onto its surface.
    void projectOut(Vec3f& x) const override;

    /// m, the largest distance from the centre of mass to the field's sampled box: bounds
    /// how far a point of the body moves for a given angular velocity.
    [[nodiscard]] float boundingRadius() const { return mRadius; }

private:
    const assets::SignedDistanceField& mField;
    float mBand;
    Vec3f mBoxMin;  ///< m, local corners of the sampled box
    Vec3f mBoxMax;
    Mat3f mRotation = Mat3f::Identity();  ///< asset frame → world
    Vec3f mPosition = Vec3f::Zero();
    Vec3f mCentre = Vec3f::Zero();
    Vec3f mVelocity = Vec3f::Zero();
    Vec3f mAngularVelocity = Vec3f::Zero();
    Vec3f mWorldMin = Vec3f::Zero();  ///< m, world AABB of the sampled box
    Vec3f mWorldMax = Vec3f::Zero();
    float mRadius = 0.0f;
};

}  // namespace silt::physics
