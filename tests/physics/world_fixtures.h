#pragma once
// Shared set-ups for the World (rigid + continuum) validation tests: box bodies with their
// distance field and mass properties, and particle lattices that leave bodies empty.

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <vector>

#include "silt/assets/MassProperties.h"
#include "silt/assets/SignedDistanceField.h"
#include "silt/physics/World.h"

namespace silt::physics::validation {

constexpr float kG = 9.81f;

/// A closed, outward-wound box of the given size (m): centred in x and z, base at y = 0.
inline TriangleMesh boxMesh(const Vec3f& size) {
    TriangleMesh mesh;
    const Vec3f lo(-0.5f * size.x(), 0.0f, -0.5f * size.z());
    const Vec3f hi(0.5f * size.x(), size.y(), 0.5f * size.z());
    for (int i = 0; i < 8; ++i) {
        mesh.positions.emplace_back((i & 1) ? hi.x() : lo.x(), (i & 2) ? hi.y() : lo.y(),
                                    (i & 4) ? hi.z() : lo.z());
        mesh.normals.push_back(mesh.positions.back().normalized());
    }
    const Vec3f centre = 0.5f * (lo + hi);
    // Two triangles per face, wound so that (b − a) × (c − a) points away from the centre.
    const int faces[6][4] = {{0, 1, 3, 2}, {4, 5, 7, 6}, {0, 1, 5, 4},
                             {2, 3, 7, 6}, {0, 2, 6, 4}, {1, 3, 7, 5}};
    for (const auto& f : faces) {
        for (const auto& tri :
             {std::array<int, 3>{f[0], f[1], f[2]}, std::array<int, 3>{f[0], f[2], f[3]}}) {
            const Vec3f& a = mesh.positions[static_cast<size_t>(tri[0])];
            const Vec3f& b = mesh.positions[static_cast<size_t>(tri[1])];
            const Vec3f& c = mesh.positions[static_cast<size_t>(tri[2])];
            const bool outward = (b - a).cross(c - a).dot(a - centre) > 0.0f;
            mesh.indices.push_back(static_cast<uint32_t>(tri[0]));
            mesh.indices.push_back(static_cast<uint32_t>(outward ? tri[1] : tri[2]));
            mesh.indices.push_back(static_cast<uint32_t>(outward ? tri[2] : tri[1]));
        }
    }
    return mesh;
}

/// A box body: mesh, distance field and mass properties; keep it alive while the World is.
struct BoxBody {
    Vec3f size;
    TriangleMesh mesh;
    assets::SignedDistanceField field;
    assets::MassProperties mass;
};

inline std::unique_ptr<BoxBody> makeBox(const Vec3f& size, float density, float voxel) {
    auto box = std::make_unique<BoxBody>();
    box->size = size;
    box->mesh = boxMesh(size);
    auto field = assets::buildSignedDistanceField(box->mesh, voxel);
    EXPECT_TRUE(field.ok());
    if (field.ok()) box->field = std::move(*field);
    box->mass = assets::computeMassProperties(box->mesh, density);
    return box;
}

/// A dynamic body for `box` with its asset frame (base centre) at `position`.
inline WorldBodyDesc boxBodyDesc(const BoxBody& box, const Vec3f& position) {
    WorldBodyDesc d;
    d.body.mesh = &box.mesh;
    d.body.mass = box.mass.mass;
    d.body.centerOfMass = box.mass.centerOfMass;
    d.body.inertia = box.mass.inertia;
    d.body.pose.position = position;
    d.body.restitution = 0.0f;
    d.distanceField = &box.field;
    return d;
}

/// Fills [min, max] with a lattice of ppc³ particles per cell of the continuum's grid,
/// skipping points for which `skip` is true (e.g. inside a body). Returns the count.
inline size_t addLattice(MpmSolver& solver, uint8_t material, const Vec3f& min, const Vec3f& max,
                         int ppc, const std::function<bool(const Vec3f&)>& skip = {}) {
    const float h = solver.settings().dx / static_cast<float>(ppc);
    std::vector<Vec3f> positions;
    const Vec3f extent = max - min;
    const int nx = static_cast<int>(std::floor(extent.x() / h + 1e-3f));
    const int ny = static_cast<int>(std::floor(extent.y() / h + 1e-3f));
    const int nz = static_cast<int>(std::floor(extent.z() / h + 1e-3f));
    for (int i = 0; i < nx; ++i)
        for (int j = 0; j < ny; ++j)
            for (int k = 0; k < nz; ++k) {
                const Vec3f p =
                    min + h * Vec3f(static_cast<float>(i) + 0.5f, static_cast<float>(j) + 0.5f,
                                    static_cast<float>(k) + 0.5f);
                if (!skip || !skip(p)) positions.push_back(p);
            }
    solver.addParticles(material, positions, {}, h * h * h);
    return positions.size();
}

/// m, lowest y of the box's corners at its current pose (tilt-proof bottom height).
inline float boxBottom(const BoxBody& box, const Pose& pose) {
    float lowest = std::numeric_limits<float>::max();
    for (int i = 0; i < 8; ++i) {
        const Vec3f local((i & 1) ? 0.5f * box.size.x() : -0.5f * box.size.x(),
                          (i & 2) ? box.size.y() : 0.0f,
                          (i & 4) ? 0.5f * box.size.z() : -0.5f * box.size.z());
        lowest = std::min(lowest, pose.apply(local).y());
    }
    return lowest;
}

}  // namespace silt::physics::validation
