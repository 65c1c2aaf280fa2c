#include <gtest/gtest.h>

#include <cmath>

#include "silt/assets/SignedDistanceField.h"

namespace silt::assets {
namespace {

TriangleMesh box(const Vec3f& half) {
    TriangleMesh mesh;
    mesh.name = "box";
    for (int i = 0; i < 8; ++i) {
        mesh.positions.emplace_back((i & 1) ? half.x() : -half.x(), (i & 2) ? half.y() : -half.y(),
                                    (i & 4) ? half.z() : -half.z());
        mesh.normals.push_back(mesh.positions.back().normalized());
    }
    mesh.indices = {0, 1, 3, 0, 3, 2, 4, 6, 7, 4, 7, 5, 0, 4, 5, 0, 5, 1,
                    2, 3, 7, 2, 7, 6, 0, 2, 6, 0, 6, 4, 1, 5, 7, 1, 7, 3};
    return mesh;
}

TEST(SignedDistanceField, BoxDistancesAndNormals) {
    for (float voxel : {0.01f, 0.02f}) {
        Vec3f half(0.2f, 0.1f, 0.15f);
        auto field = buildSignedDistanceField(box(half), voxel);
        ASSERT_TRUE(field.ok()) << field.error().message;
        // Inside: distance to the nearest face (y), negative.
        EXPECT_NEAR(field->distance(Vec3f::Zero()), -0.1f, voxel);
        // Outside each face, within the padding band.
        EXPECT_NEAR(field->distance(Vec3f(0.22f, 0, 0)), 0.02f, voxel * 0.5f);
        EXPECT_NEAR(field->distance(Vec3f(0, -0.12f, 0)), 0.02f, voxel * 0.5f);
        // Far outside the sampled box: still a positive, growing distance.
        EXPECT_GT(field->distance(Vec3f(1.0f, 0, 0)), 0.7f);
        EXPECT_GT(field->distance(Vec3f(2.0f, 0, 0)), field->distance(Vec3f(1.0f, 0, 0)));
        // Normals point out of the face they are nearest to.
        EXPECT_GT(field->normal(Vec3f(0.19f, 0, 0)).dot(Vec3f::UnitX()), 0.95f);
        EXPECT_GT(field->normal(Vec3f(0, 0.09f, 0.01f)).dot(Vec3f::UnitY()), 0.95f);
        EXPECT_GT(field->normal(Vec3f(0, 0, -0.16f)).dot(-Vec3f::UnitZ()), 0.95f);
    }
}

TEST(SignedDistanceField, RejectsEmptyMeshAndBadVoxel) {
    EXPECT_FALSE(buildSignedDistanceField(TriangleMesh{}, 0.01f).ok());
    auto bad = buildSignedDistanceField(box(Vec3f::Ones()), 0.0f);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("voxel size"), std::string::npos);
}

}  // namespace
}  // namespace silt::assets
