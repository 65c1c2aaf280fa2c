#pragma once
// The preview's own camera: orbit about a target (drag to turn, scroll to zoom) or fly (WASD
// to move, drag to look). Plain math on top of silt/core/Camera.h; the scene's camera path
// is used instead whenever the window is in "scene camera" mode.

#include "silt/core/Camera.h"

namespace silt::preview {

class ViewCamera {
public:
    enum class Mode { Scene, Orbit, Fly };

    /// Starts where `scene` looks from, at `target`.
    void reset(const CameraState& scene, const Vec3f& target);

    /// Mouse drag in pixels (turns the orbit or the view).
    void drag(float dx, float dy);
    /// Scroll steps (orbit: zoom; fly: speed).
    void scroll(float steps);
    /// Fly: move along the view (forward, right, up) by this many seconds of travel.
    void move(float forward, float right, float up);

    /// The camera with `intrinsics`.
    [[nodiscard]] CameraState state(const CameraIntrinsics& intrinsics) const;
    /// Bumped whenever the camera changes, so the window knows when to redraw.
    [[nodiscard]] uint64_t version() const { return mVersion; }

    Mode mode = Mode::Scene;

private:
    [[nodiscard]] Vec3f forward() const;

    Vec3f mTarget = Vec3f::Zero();  ///< orbit centre, m
    Vec3f mEye{3, 2, 3};            ///< fly position, m
    float mYaw = 0;                 ///< rad, about +Y
    float mPitch = 0;               ///< rad, up positive
    float mDistance = 3;            ///< m, orbit radius
    float mSpeed = 1;               ///< m/s, fly speed
    uint64_t mVersion = 0;
};

}  // namespace silt::preview
