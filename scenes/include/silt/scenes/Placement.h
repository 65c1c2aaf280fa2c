#pragma once
// Placement checks for the randomizer: oriented bounding boxes of posed objects, their
// overlap (separating-axis test), and whether an object starts in the camera's view or
// falls into it. Used to reject and redraw poses, and by tests to check plans.

#include <Eigen/Geometry>

#include "silt/core/Camera.h"
#include "silt/core/Math.h"

namespace silt::scenes {

/// An oriented box in the world.
struct OrientedBox {
    Vec3f center = Vec3f::Zero();       ///< m
    Mat3f axes = Mat3f::Identity();     ///< columns: the box's unit axes in the world
    Vec3f halfExtents = Vec3f::Zero();  ///< m, along each axis
};

/// The world box of an asset whose local bounds are `local` (asset frame, unscaled), scaled
/// uniformly by `scale` and placed at `pose`.
[[nodiscard]] OrientedBox orientedBox(const Eigen::AlignedBox3f& local, float scale,
                                      const Pose& pose);

/// The box spanning `min`..`max`, axis-aligned.
[[nodiscard]] OrientedBox alignedBox(const Vec3f& min, const Vec3f& max);

/// True when every corner of `box` lies in `region` (with `tolerance` m of slack).
[[nodiscard]] bool boxInside(const OrientedBox& box, const Eigen::AlignedBox3f& region,
                             float tolerance = 1e-4f);

/// True when `point` lies in `box`.
[[nodiscard]] bool pointInside(const OrientedBox& box, const Vec3f& point);

/// True when the boxes come closer than `gap` metres (each grown by gap/2).
[[nodiscard]] bool boxesOverlap(const OrientedBox& a, const OrientedBox& b, float gap = 0.0f);

/// Lowest world y of the box, m.
[[nodiscard]] float lowestPoint(const OrientedBox& box);

/// True when the box's centre projects inside the image (inset by `marginFraction` of its
/// size) either where it starts or where it would land if it fell straight down onto y = 0.
[[nodiscard]] bool inViewOrFallingIntoIt(const OrientedBox& box, const CameraState& camera,
                                         float marginFraction = 0.02f);

}  // namespace silt::scenes
