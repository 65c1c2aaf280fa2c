#pragma once
// A closed cube and the rigid-body description of it, shared by the rigid-world tests.

#include "silt/physics/RigidWorld.h"

namespace silt::physics::test {

/// A closed cube of side `side`, base at y = 0, centred in x and z.
inline TriangleMesh cubeMesh(float side) {
    TriangleMesh mesh;
    const float h = side / 2;
    for (int i = 0; i < 8; ++i) {
        mesh.positions.emplace_back((i & 1) ? h : -h, (i & 2) ? side : 0.0f, (i & 4) ? h : -h);
        mesh.normals.push_back(mesh.positions.back().normalized());
    }
    mesh.indices = {0, 1, 3, 0, 3, 2, 4, 6, 7, 4, 7, 5, 0, 4, 5, 0, 5, 1,
                    2, 3, 7, 2, 7, 6, 0, 2, 6, 0, 6, 4, 1, 5, 7, 1, 7, 3};
    return mesh;
}

/// A uniform cube body of `mass` (kg) for `mesh` = cubeMesh(side).
inline RigidBodyDesc cubeBody(const TriangleMesh& mesh, float side, float mass) {
    RigidBodyDesc desc;
    desc.mesh = &mesh;
    desc.mass = mass;
    desc.centerOfMass = Vec3f(0, side / 2, 0);
    desc.inertia = Mat3f::Identity() * (mass * side * side / 6.0f);
    return desc;
}

}  // namespace silt::physics::test
