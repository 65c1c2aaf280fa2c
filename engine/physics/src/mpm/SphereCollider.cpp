#include "silt/physics/mpm/SphereCollider.h"

namespace silt::physics {

ColliderSample SphereCollider::sample(const Vec3f& x) const {
    ColliderSample s;
    const Vec3f d = x - mCentre;
    const float len = d.norm();
    s.distance = len - mRadius;
    s.normal = len > 0.0f ? Vec3f(d / len) : Vec3f::UnitY();
    s.velocity = mVelocity;
    return s;
}

}  // namespace silt::physics
