#include "ViewCamera.h"

#include <algorithm>
#include <cmath>

namespace silt::preview {
namespace {
constexpr float kRadiansPerPixel = 0.008f;
constexpr float kMaxPitch = 1.5f;  // rad: just short of straight up/down, where lookAt degenerates
}  // namespace

void ViewCamera::reset(const CameraState& scene, const Vec3f& target) {
    mTarget = target;
    mEye = scene.cameraToWorld.position;
    const Vec3f offset = mEye - mTarget;
    mDistance = std::max(offset.norm(), 0.05f);
    mYaw = std::atan2(offset.x(), offset.z());
    mPitch = std::asin(std::clamp(offset.y() / mDistance, -1.0f, 1.0f));
    mSpeed = std::max(0.5f * mDistance, 0.1f);
    ++mVersion;
}

Vec3f ViewCamera::forward() const {
    // From the eye towards the target for the orbit's yaw/pitch.
    return -Vec3f(std::cos(mPitch) * std::sin(mYaw), std::sin(mPitch),
                  std::cos(mPitch) * std::cos(mYaw));
}

void ViewCamera::drag(float dx, float dy) {
    if (mode == Mode::Fly) {
        // Look around: the eye stays, the direction turns (the same angles, seen from the eye).
        mYaw -= dx * kRadiansPerPixel;
        mPitch = std::clamp(mPitch + dy * kRadiansPerPixel, -kMaxPitch, kMaxPitch);
    } else {
        // Dragging up lifts the camera over the target.
        mYaw -= dx * kRadiansPerPixel;
        mPitch = std::clamp(mPitch - dy * kRadiansPerPixel, -kMaxPitch, kMaxPitch);
        mEye = mTarget - mDistance * forward();
    }
    ++mVersion;
}

void ViewCamera::scroll(float steps) {
    if (mode == Mode::Fly) {
        mSpeed = std::clamp(mSpeed * std::pow(1.2f, steps), 0.01f, 100.0f);
    } else {
        mDistance = std::clamp(mDistance * std::pow(0.9f, steps), 0.05f, 500.0f);
        mEye = mTarget - mDistance * forward();
    }
    ++mVersion;
}

void ViewCamera::move(float forwardAmount, float rightAmount, float upAmount) {
    const Vec3f f = forward();
    const Vec3f r = f.cross(Vec3f::UnitY()).normalized();
    mEye += mSpeed * (forwardAmount * f + rightAmount * r + upAmount * Vec3f::UnitY());
    mTarget = mEye + mDistance * f;
    ++mVersion;
}

CameraState ViewCamera::state(const CameraIntrinsics& intrinsics) const {
    CameraState camera;
    camera.intrinsics = intrinsics;
    const Vec3f eye = mode == Mode::Orbit ? mTarget - mDistance * forward() : mEye;
    camera.cameraToWorld = lookAt(eye, eye + forward());
    return camera;
}

}  // namespace silt::preview
