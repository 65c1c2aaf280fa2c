#pragma once
// A pinhole camera as plain data, shared by the scene plan (which animates it), the
// renderer (which draws through it) and the exporters (which record it).
//
// Convention: the camera frame is OpenGL's — the camera looks down its local −Z axis with
// +Y up and +X right. Pixel coordinates have (0,0) at the top-left corner of the top-left
// pixel, x right, y down; pixel centres are at half-integers. The intrinsic matrix K below
// maps a camera-frame point (x, y, z), z < 0, to pixels as u = fx·x/(−z) + cx,
// v = −fy·y/(−z) + cy.

#include <cmath>
#include <cstdint>

#include "silt/core/Math.h"

namespace silt {

struct CameraIntrinsics {
    uint32_t width = 256;         ///< pixels
    uint32_t height = 256;        ///< pixels
    float verticalFov = 0.8727f;  ///< radians (50°), full angle
    float nearPlane = 0.05f;      ///< m
    float farPlane = 100.0f;      ///< m

    [[nodiscard]] float fy() const { return 0.5f * float(height) / std::tan(0.5f * verticalFov); }
    [[nodiscard]] float fx() const { return fy(); }  ///< square pixels
    [[nodiscard]] float cx() const { return 0.5f * float(width); }
    [[nodiscard]] float cy() const { return 0.5f * float(height); }
    [[nodiscard]] float aspect() const { return float(width) / float(height); }
};

/// The camera at one instant: where it is (camera-to-world) and what it sees.
struct CameraState {
    CameraIntrinsics intrinsics;
    Pose cameraToWorld;  ///< camera frame → world frame

    [[nodiscard]] Mat4f worldToCamera() const { return cameraToWorld.matrix().inverse(); }

    /// Projects a world point to pixel coordinates; returns false behind the camera.
    [[nodiscard]] bool project(const Vec3f& world, Vec2f* pixel) const {
        Vec4f c = worldToCamera() * world.homogeneous();
        if (c.z() >= -1e-6f) return false;
        float invDepth = 1.0f / -c.z();
        *pixel = Vec2f(intrinsics.fx() * c.x() * invDepth + intrinsics.cx(),
                       -intrinsics.fy() * c.y() * invDepth + intrinsics.cy());
        return true;
    }
};

/// A camera pose looking from `eye` at `target` with world +Y as up.
inline Pose lookAt(const Vec3f& eye, const Vec3f& target) {
    Vec3f forward = (target - eye).normalized();
    Vec3f right = forward.cross(Vec3f::UnitY()).normalized();
    Vec3f up = right.cross(forward);
    Mat3f rotation;
    rotation.col(0) = right;
    rotation.col(1) = up;
    rotation.col(2) = -forward;
    Pose pose;
    pose.position = eye;
    pose.rotation = Quatf(rotation).normalized();
    return pose;
}

/// A directional light (the sun) plus a uniform ambient term.
struct LightingDesc {
    Vec3f sunDirection{-0.4f, -1.0f, -0.3f};  ///< direction light travels (world), need not be unit
    Vec3f sunColor{1.0f, 0.97f, 0.92f};       ///< linear RGB
    /// K; > 0: sunColor was derived from this colour temperature (recorded in clip metadata);
    /// 0: sunColor was given directly.
    float sunTemperature = 0.0f;
    float sunIntensity = 3.0f;                ///< multiplier on sunColor
    Vec3f skyColor{0.55f, 0.7f, 0.9f};        ///< linear RGB of the background and ambient light
    float ambientIntensity = 0.35f;           ///< multiplier on skyColor for ambient light
};

}  // namespace silt
