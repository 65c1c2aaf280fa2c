#include "silt/core/Check.h"
#include "silt/scenes/ScenePlan.h"

namespace silt::scenes {

CameraState CameraPlan::at(float t) const {
    SILT_CHECK(path == "static" || path == "orbit");
    Vec3f eye = position;
    if (path == "orbit") {
        // Positive rates turn counter-clockwise seen from above (right-handed about +Y).
        eye = target + Eigen::AngleAxisf(orbitRate * t, Vec3f::UnitY()) * (position - target);
    }
    CameraState state;
    state.intrinsics = intrinsics;
    state.cameraToWorld = lookAt(eye, target);
    return state;
}

}  // namespace silt::scenes
