#pragma once
// An analytic collider: a rigid sphere moving with a constant linear velocity (kinematic).
// Used for validation and as the reference implementation of GridCollider.

#include "silt/physics/mpm/GridCollider.h"

namespace silt::physics {

class SphereCollider final : public GridCollider {
public:
    SphereCollider(const Vec3f& centre, float radius, const Vec3f& velocity)
        : mCentre(centre), mRadius(radius), mVelocity(velocity) {}

    [[nodiscard]] ColliderSample sample(const Vec3f& x) const override;
    [[nodiscard]] Vec3f centre() const override { return mCentre; }
    void onSubstep(float dt) override { mCentre += dt * mVelocity; }

    [[nodiscard]] float radius() const { return mRadius; }
    void setVelocity(const Vec3f& velocity) { mVelocity = velocity; }  ///< m/s

private:
    Vec3f mCentre;    ///< m
    float mRadius;    ///< m
    Vec3f mVelocity;  ///< m/s
};

}  // namespace silt::physics
