#pragma once
// The matrices the renderer draws with, as plain functions so label passes and tests can
// reproduce exactly where the renderer puts things. No Vulkan types.
//
// Clip space is Vulkan's: x right, y DOWN, depth 0..1. The camera projection uses reversed Z
// (depth 1 at the near plane, 0 at the far plane) for float depth precision.

#include <cstdint>

#include "silt/core/Camera.h"
#include "silt/core/Math.h"

namespace silt::render {

/// Camera frame → Vulkan clip space for the pinhole model of Camera.h: a point that
/// CameraState::project() maps to pixel (u, v) lands at NDC (2u/W − 1, 2v/H − 1).
[[nodiscard]] Mat4f vulkanProjection(const CameraIntrinsics& intrinsics);

/// World → Vulkan clip space: vulkanProjection() · worldToCamera().
[[nodiscard]] Mat4f viewProjection(const CameraState& camera);

/// The sun's orthographic shadow frustum.
struct ShadowFrustum {
    Mat4f worldToClip = Mat4f::Identity();  ///< xy in −1..1 across the map, depth 0 (sunward) .. 1
    float texelSize = 0.0f;                 ///< m, world size of one shadow-map texel (larger side)
};

/// Fits the sun's shadow frustum to the scene: depth covers every caster in `sceneBounds`,
/// and the map's footprint is the scene's, narrowed to what the camera can see (so a large
/// ground plane does not waste resolution on what lies behind the camera).
[[nodiscard]] ShadowFrustum fitSunShadow(const Vec3f& sunDirection,
                                         const Eigen::AlignedBox3f& sceneBounds,
                                         const CameraState& camera, uint32_t mapSize);

}  // namespace silt::render
