#include "RigidBodyCollider.h"

#include <algorithm>
#include <limits>

#include "silt/core/Check.h"

namespace silt::physics {

RigidBodyCollider::RigidBodyCollider(const assets::SignedDistanceField& field, float band)
    : mField(field), mBand(band) {
    SILT_CHECK(field.dims.minCoeff() >= 2);
    SILT_CHECK_GE(band, 0.0f);
    mBoxMin = field.origin;
    mBoxMax = field.origin + field.voxelSize * (field.dims - Eigen::Vector3i::Ones()).cast<float>();
}

void RigidBodyCollider::update(const Pose& pose, const Vec3f& centerOfMass,
                               const Vec3f& linearVelocity, const Vec3f& angularVelocity) {
    mRotation = pose.rotation.toRotationMatrix();
    mPosition = pose.position;
    mCentre = centerOfMass;
    mVelocity = linearVelocity;
    mAngularVelocity = angularVelocity;
    mWorldMin = Vec3f::Constant(std::numeric_limits<float>::max());
    mWorldMax = Vec3f::Constant(-std::numeric_limits<float>::max());
    mRadius = 0.0f;
    for (int corner = 0; corner < 8; ++corner) {
        const Vec3f local((corner & 1) ? mBoxMax.x() : mBoxMin.x(),
                          (corner & 2) ? mBoxMax.y() : mBoxMin.y(),
                          (corner & 4) ? mBoxMax.z() : mBoxMin.z());
        const Vec3f world = mRotation * local + mPosition;
        mWorldMin = mWorldMin.cwiseMin(world);
        mWorldMax = mWorldMax.cwiseMax(world);
        mRadius = std::max(mRadius, (world - mCentre).norm());
    }
    // Outside the sampled box the field is positive (it is padded around the mesh), so
    // only the band can reach past it.
    mWorldMin -= Vec3f::Constant(mBand);
    mWorldMax += Vec3f::Constant(mBand);
}

ColliderSample RigidBodyCollider::sample(const Vec3f& x) const {
    ColliderSample s;
    if ((x.array() < mWorldMin.array()).any() || (x.array() > mWorldMax.array()).any()) {
        s.distance = mBand + mField.voxelSize;  // any positive value: not in contact
        return s;
    }
    const Vec3f local = mRotation.transpose() * (x - mPosition);
    s.distance = mField.distance(local) - mBand;
    if (s.distance > 0.0f) return s;  // the normal (six more lookups) only where it is used
    s.normal = mRotation * mField.normal(local);
    s.velocity = mVelocity + mAngularVelocity.cross(x - mCentre);
    return s;
}

void RigidBodyCollider::projectOut(Vec3f& x) const {
    if ((x.array() < mWorldMin.array()).any() || (x.array() > mWorldMax.array()).any()) return;
    const Vec3f local = mRotation.transpose() * (x - mPosition);
    const float d = mField.distance(local);
    if (!(d < 0.0f)) return;
    x += mRotation * mField.normal(local) * (-d);
}

}  // namespace silt::physics
