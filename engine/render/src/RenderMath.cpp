#include "silt/render/RenderMath.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace silt::render {

Mat4f vulkanProjection(const CameraIntrinsics& k) {
    // With w_clip = −z: x_ndc = 2u/W − 1 where u = fx·x/(−z) + cx, and likewise for y with
    // v = −fy·y/(−z) + cy, so Vulkan's y-down NDC matches Camera.h's y-down pixels.
    const float w = float(k.width);
    const float h = float(k.height);
    const float n = k.nearPlane;
    const float f = k.farPlane;
    Mat4f p = Mat4f::Zero();
    p(0, 0) = 2.0f * k.fx() / w;
    p(0, 2) = -(2.0f * k.cx() / w - 1.0f);
    p(1, 1) = -2.0f * k.fy() / h;
    p(1, 2) = -(2.0f * k.cy() / h - 1.0f);
    // Reversed Z: depth = n·(f + z) / ((f − n)·(−z)), 1 at z = −n and 0 at z = −f.
    p(2, 2) = n / (f - n);
    p(2, 3) = n * f / (f - n);
    p(3, 2) = -1.0f;
    return p;
}

Mat4f viewProjection(const CameraState& camera) {
    return vulkanProjection(camera.intrinsics) * camera.worldToCamera();
}

namespace {

std::array<Vec3f, 8> corners(const Eigen::AlignedBox3f& box) {
    std::array<Vec3f, 8> out;
    for (int i = 0; i < 8; ++i) {
        out[size_t(i)] =
            Vec3f((i & 1) ? box.max().x() : box.min().x(), (i & 2) ? box.max().y() : box.min().y(),
                  (i & 4) ? box.max().z() : box.min().z());
    }
    return out;
}

}  // namespace

bool isHorizontalSlab(const Eigen::AlignedBox3f& box) {
    if (box.isEmpty()) return false;
    const Vec3f size = box.sizes();
    return size.y() < 0.02f * std::max(size.x(), size.z());
}

ShadowFrustum fitSunShadow(const Vec3f& sunDirection, const Eigen::AlignedBox3f& sceneBounds,
                           const Eigen::AlignedBox3f& focusBounds, const CameraState& camera,
                           uint32_t mapSize) {
    Eigen::AlignedBox3f scene = sceneBounds;
    if (scene.isEmpty()) scene = Eigen::AlignedBox3f(Vec3f::Constant(-1.0f), Vec3f::Constant(1.0f));
    const Eigen::AlignedBox3f focus = focusBounds.isEmpty() ? scene : focusBounds;

    // The light's view frame looks down its −Z axis along the direction light travels.
    Vec3f forward = sunDirection.norm() > 1e-9f ? sunDirection.normalized() : Vec3f(0, -1, 0);
    Vec3f reference = std::abs(forward.y()) > 0.99f ? Vec3f::UnitZ() : Vec3f::UnitY();
    Vec3f right = forward.cross(reference).normalized();
    Vec3f up = right.cross(forward);
    Mat4f view = Mat4f::Identity();
    view.block<1, 3>(0, 0) = right.transpose();
    view.block<1, 3>(1, 0) = up.transpose();
    view.block<1, 3>(2, 0) = -forward.transpose();
    const Vec3f centre = scene.center();
    view.block<3, 1>(0, 3) = -(view.topLeftCorner<3, 3>() * centre);

    Eigen::AlignedBox3f sceneLight;
    for (const Vec3f& c : corners(scene)) sceneLight.extend((view * c.homogeneous()).head<3>());
    Eigen::AlignedBox3f focusLight;
    for (const Vec3f& c : corners(focus)) focusLight.extend((view * c.homogeneous()).head<3>());

    // The camera frustum's footprint in light space, out to where the scene ends.
    const CameraIntrinsics& k = camera.intrinsics;
    const float sceneReach =
        (camera.cameraToWorld.position - centre).norm() + 0.5f * scene.diagonal().norm();
    const float farDistance = std::min(k.farPlane, sceneReach);
    const float nearDistance = std::min(k.nearPlane, farDistance);
    const Mat4f cameraToLight = view * camera.cameraToWorld.matrix();
    Eigen::AlignedBox3f frustumLight;
    for (float d : {nearDistance, farDistance}) {
        for (float u : {0.0f, float(k.width)}) {
            for (float v : {0.0f, float(k.height)}) {
                Vec3f p((u - k.cx()) / k.fx() * d, -(v - k.cy()) / k.fy() * d, -d);
                frustumLight.extend((cameraToLight * p.homogeneous()).head<3>());
            }
        }
    }

    Vec2f lo = focusLight.min().head<2>().cwiseMax(frustumLight.min().head<2>());
    Vec2f hi = focusLight.max().head<2>().cwiseMin(frustumLight.max().head<2>());
    if ((hi.array() <= lo.array()).any()) {  // camera looks away from the focus
        lo = focusLight.min().head<2>();
        hi = focusLight.max().head<2>();
    }
    // A margin so PCF taps at the footprint's edge stay inside the map.
    const Vec2f extent = (hi - lo).cwiseMax(Vec2f::Constant(1e-3f));
    const Vec2f margin = extent * (4.0f / float(std::max(mapSize, 8u)));
    lo -= margin;
    hi += margin;
    const float zNear = sceneLight.max().z() + 1e-2f;  // sunward end (larger z in light view)
    const float zFar = sceneLight.min().z() - 1e-2f;

    Mat4f ortho = Mat4f::Identity();
    ortho(0, 0) = 2.0f / (hi.x() - lo.x());
    ortho(0, 3) = -(hi.x() + lo.x()) / (hi.x() - lo.x());
    ortho(1, 1) = 2.0f / (hi.y() - lo.y());
    ortho(1, 3) = -(hi.y() + lo.y()) / (hi.y() - lo.y());
    ortho(2, 2) = -1.0f / (zNear - zFar);
    ortho(2, 3) = zNear / (zNear - zFar);

    ShadowFrustum out;
    out.worldToClip = ortho * view;
    out.texelSize = std::max(hi.x() - lo.x(), hi.y() - lo.y()) / float(std::max(mapSize, 1u));
    return out;
}

}  // namespace silt::render
