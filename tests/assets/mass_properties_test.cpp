// Mass properties against closed-form solids: boxes and a fine sphere.

#include <cmath>

#include <gtest/gtest.h>

#include "silt/assetgen/MeshBuilder.h"
#include "silt/assets/MassProperties.h"

namespace silt::assets {
namespace {

using assetgen::MeshBuilder;
using assetgen::Vec3d;

TriangleMesh boxMesh(const Vec3d& center, const Vec3d& half,
                     const Eigen::Matrix3d& rotation = Eigen::Matrix3d::Identity()) {
    MeshBuilder b;
    b.addBox(center, half, rotation);
    return b.build("box", {});
}

TEST(MassProperties, UnitCube) {
    const TriangleMesh cube = boxMesh({0.5, 0.5, 0.5}, {0.5, 0.5, 0.5});
    const float density = 2.0f;
    const MassProperties p = computeMassProperties(cube, density);
    EXPECT_NEAR(p.volume, 1.0f, 1e-6f);
    EXPECT_NEAR(p.mass, 2.0f, 1e-6f);
    EXPECT_TRUE(p.centerOfMass.isApprox(Vec3f(0.5f, 0.5f, 0.5f), 1e-6f)) << p.centerOfMass;
    // Solid cube of side 1 about its centre: I = m/6 on the diagonal, no products of inertia.
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) {
            EXPECT_NEAR(p.inertia(i, j), i == j ? p.mass / 6.0f : 0.0f, 1e-6f) << i << "," << j;
        }
    }
}

TEST(MassProperties, CuboidAndRotatedCuboid) {
    const double a = 1.0, b = 2.0, c = 3.0;  // edge lengths
    const TriangleMesh box = boxMesh({0.0, 0.0, 0.0}, {a / 2, b / 2, c / 2});
    const MassProperties p = computeMassProperties(box, 1.0f);
    const float m = p.mass;
    EXPECT_NEAR(m, 6.0f, 1e-5f);
    EXPECT_NEAR(p.inertia(0, 0), m * (b * b + c * c) / 12.0, 1e-4);
    EXPECT_NEAR(p.inertia(1, 1), m * (a * a + c * c) / 12.0, 1e-4);
    EXPECT_NEAR(p.inertia(2, 2), m * (a * a + b * b) / 12.0, 1e-4);

    // The same box turned: its inertia tensor turns with it, I' = R I Rᵀ.
    const Eigen::Matrix3d rotation =
        Eigen::AngleAxisd(0.7, Eigen::Vector3d(1.0, 2.0, 0.5).normalized()).toRotationMatrix();
    const MassProperties turned =
        computeMassProperties(boxMesh({1.0, 2.0, -1.0}, {a / 2, b / 2, c / 2}, rotation), 1.0f);
    const Mat3f expected = rotation.cast<float>() * p.inertia * rotation.cast<float>().transpose();
    EXPECT_TRUE(turned.inertia.isApprox(expected, 1e-4f)) << turned.inertia << "\n" << expected;
    EXPECT_TRUE(turned.centerOfMass.isApprox(Vec3f(1.0f, 2.0f, -1.0f), 1e-5f));
}

TEST(MassProperties, FineIcosphereMatchesSolidSphere) {
    const double r = 0.3;
    MeshBuilder b;
    b.addIcosphere(Vec3d::Zero(), r, 5);
    const TriangleMesh sphere = b.build("sphere", {});
    const float density = 1000.0f;
    const MassProperties p = computeMassProperties(sphere, density);
    const double volume = 4.0 / 3.0 * M_PI * r * r * r;
    EXPECT_NEAR(p.volume, volume, 0.01 * volume);
    const double i = 0.4 * p.mass * r * r;
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(p.inertia(k, k), i, 0.02 * i);
    EXPECT_LT(p.centerOfMass.norm(), 1e-5f);
    EXPECT_LT(std::abs(p.inertia(0, 1)) + std::abs(p.inertia(0, 2)) + std::abs(p.inertia(1, 2)),
              1e-3 * i);
}

TEST(MassProperties, InertiaAboutComIsTranslationInvariant) {
    // An asymmetric solid: an off-centre box plus a sphere.
    MeshBuilder b;
    b.addBox({0.1, 0.2, 0.0}, {0.3, 0.05, 0.2});
    b.addIcosphere({0.5, 0.4, 0.1}, 0.15, 3);
    TriangleMesh mesh = b.build("lump", {});
    const MassProperties here = computeMassProperties(mesh, 500.0f);
    const Vec3f offset(12.0f, -7.0f, 30.0f);
    for (Vec3f& p : mesh.positions) p += offset;
    const MassProperties there = computeMassProperties(mesh, 500.0f);
    EXPECT_NEAR(there.mass, here.mass, 1e-4f * here.mass);
    EXPECT_TRUE(there.centerOfMass.isApprox(here.centerOfMass + offset, 1e-5f));
    EXPECT_TRUE(there.inertia.isApprox(here.inertia, 1e-3f)) << there.inertia << "\n"
                                                             << here.inertia;
    // And it is not the inertia about the origin (which would grow with the offset).
    EXPECT_GT(here.inertia(1, 1), 0.0f);
}

TEST(MassProperties, InwardOrientationGivesNegativeVolume) {
    TriangleMesh cube = boxMesh({0.0, 0.0, 0.0}, {0.5, 0.5, 0.5});
    for (size_t i = 0; i < cube.indices.size(); i += 3)
        std::swap(cube.indices[i + 1], cube.indices[i + 2]);
    EXPECT_NEAR(computeMassProperties(cube, 1.0f).volume, -1.0f, 1e-6f);
}

}  // namespace
}  // namespace silt::assets
