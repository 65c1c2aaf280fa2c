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

/// Fits the sun's shadow frustum to the scene: depth covers everything in `sceneBounds`;
/// the map's footprint covers `focusBounds` as seen along the sun (in an orthographic light
/// view a caster's shadow lies at the caster's own footprint), narrowed to what the camera
/// can see. Passing the objects without the ground as focus keeps a large ground plane from
/// diluting the map's resolution; an empty focus means the whole scene.
[[nodiscard]] ShadowFrustum fitSunShadow(const Vec3f& sunDirection,
                                         const Eigen::AlignedBox3f& sceneBounds,
                                         const Eigen::AlignedBox3f& focusBounds,
                                         const CameraState& camera, uint32_t mapSize);

/// Whether a world box is a horizontal slab (a ground, floor or water plane): thinner
/// vertically than 2% of its width. The renderer leaves such items out of the shadow focus.
[[nodiscard]] bool isHorizontalSlab(const Eigen::AlignedBox3f& worldBounds);

}  // namespace silt::render
