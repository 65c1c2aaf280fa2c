#include "silt/scenes/Placement.h"

#include <cmath>

namespace silt::scenes {

OrientedBox orientedBox(const Eigen::AlignedBox3f& local, float scale, const Pose& pose) {
    OrientedBox box;
    box.center = pose.apply(Vec3f(local.center() * scale));
    box.axes = pose.rotation.toRotationMatrix();
    box.halfExtents = local.sizes() * (0.5f * scale);
    return box;
}

bool boxesOverlap(const OrientedBox& a, const OrientedBox& b, float gap) {
    // Separating-axis test (Gottschalk et al. 1996): 3 + 3 face axes, 9 edge cross products.
    const Vec3f ha = a.halfExtents.array() + 0.5f * gap;
    const Vec3f hb = b.halfExtents.array() + 0.5f * gap;
    const Vec3f d = b.center - a.center;
    auto separated = [&](const Vec3f& axis) {
        const float length = axis.norm();
        if (length < 1e-6f) return false;  // parallel edges: covered by the face axes
        const Vec3f n = axis / length;
        float ra = 0.0f, rb = 0.0f;
        for (int i = 0; i < 3; ++i) {
            ra += ha[i] * std::abs(a.axes.col(i).dot(n));
            rb += hb[i] * std::abs(b.axes.col(i).dot(n));
        }
        return std::abs(d.dot(n)) > ra + rb;
    };
    for (int i = 0; i < 3; ++i) {
        if (separated(a.axes.col(i)) || separated(b.axes.col(i))) return false;
    }
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) {
            if (separated(a.axes.col(i).cross(b.axes.col(j)))) return false;
        }
    }
    return true;
}

OrientedBox alignedBox(const Vec3f& min, const Vec3f& max) {
    OrientedBox box;
    box.center = 0.5f * (min + max);
    box.halfExtents = 0.5f * (max - min);
    return box;
}

bool boxInside(const OrientedBox& box, const Eigen::AlignedBox3f& region, float tolerance) {
    // The box's extent along each world axis: the sum of its half axes' projections.
    const Vec3f reach = (box.axes.cwiseAbs() * box.halfExtents).eval();
    const Vec3f lo = box.center - reach, hi = box.center + reach;
    return (lo.array() >= region.min().array() - tolerance).all() &&
           (hi.array() <= region.max().array() + tolerance).all();
}

bool pointInside(const OrientedBox& box, const Vec3f& point) {
    const Vec3f local = box.axes.transpose() * (point - box.center);
    return (local.cwiseAbs().array() <= box.halfExtents.array()).all();
}

float lowestPoint(const OrientedBox& box) {
    float extent = 0.0f;
    for (int i = 0; i < 3; ++i) extent += box.halfExtents[i] * std::abs(box.axes(1, i));
    return box.center.y() - extent;
}

bool inViewOrFallingIntoIt(const OrientedBox& box, const CameraState& camera,
                           float marginFraction) {
    const CameraIntrinsics& k = camera.intrinsics;
    auto inside = [&](const Vec3f& p) {
        Vec2f pixel;
        if (!camera.project(p, &pixel)) return false;
        const float mx = marginFraction * float(k.width), my = marginFraction * float(k.height);
        return pixel.x() >= mx && pixel.x() <= float(k.width) - mx && pixel.y() >= my &&
               pixel.y() <= float(k.height) - my;
    };
    const float drop = lowestPoint(box);
    const Vec3f landed = box.center - Vec3f(0.0f, std::max(0.0f, drop), 0.0f);
    return inside(box.center) || inside(landed);
}

}  // namespace silt::scenes
