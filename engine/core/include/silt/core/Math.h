#pragma once
// Math types: Eigen, single precision for geometry, with the SI units and the frame
// convention of the whole project (+Y up, right-handed, metres).

#include <Eigen/Core>
#include <Eigen/Geometry>

namespace silt {

using Vec2f = Eigen::Vector2f;
using Vec3f = Eigen::Vector3f;
using Vec4f = Eigen::Vector4f;
using Mat3f = Eigen::Matrix3f;
using Mat4f = Eigen::Matrix4f;
using Quatf = Eigen::Quaternionf;

/// A rigid transform: world = rotation * local + position.
struct Pose {
    Vec3f position = Vec3f::Zero();      ///< m
    Quatf rotation = Quatf::Identity();  ///< unit quaternion

    [[nodiscard]] Mat4f matrix() const {
        Mat4f m = Mat4f::Identity();
        m.topLeftCorner<3, 3>() = rotation.toRotationMatrix();
        m.topRightCorner<3, 1>() = position;
        return m;
    }
    [[nodiscard]] Vec3f apply(const Vec3f& local) const { return rotation * local + position; }
};

constexpr float kPi = 3.14159265358979323846f;
constexpr float degToRad(float degrees) {
    return degrees * kPi / 180.0f;
}

}  // namespace silt
