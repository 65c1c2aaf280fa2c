#include "silt/volume/SurfaceVelocity.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <vector>

namespace silt::volume {
namespace {

/// A uniform hash grid of particle indices with cells of the search radius.
class ParticleGrid {
public:
    ParticleGrid(std::span<const Vec3f> positions, std::span<const uint8_t> mask, float cell)
        : mInverseCell(1.0f / cell) {
        for (uint32_t i = 0; i < positions.size(); ++i) {
            if (!mask.empty() && mask[i] == 0) continue;
            mCells[key(cellOf(positions[i]))].push_back(i);
        }
    }
    /// Calls f(index) for every particle in the 3×3×3 cells around p (cell = search radius),
    /// or the 5×5×5 cells for `reach` = 2.
    template <typename F>
    void forNear(const Vec3f& p, int reach, F&& f) const {
        const Eigen::Vector3i c = cellOf(p);
        for (int dz = -reach; dz <= reach; ++dz)
            for (int dy = -reach; dy <= reach; ++dy)
                for (int dx = -reach; dx <= reach; ++dx) {
                    auto it = mCells.find(key(c + Eigen::Vector3i(dx, dy, dz)));
                    if (it == mCells.end()) continue;
                    for (uint32_t i : it->second) f(i);
                }
    }

private:
    Eigen::Vector3i cellOf(const Vec3f& p) const {
        return Eigen::Vector3i(int(std::floor(p.x() * mInverseCell)),
                               int(std::floor(p.y() * mInverseCell)),
                               int(std::floor(p.z() * mInverseCell)));
    }
    static uint64_t key(const Eigen::Vector3i& c) {
        const uint64_t mask = (1u << 21) - 1;
        return (uint64_t(c.x()) & mask) | ((uint64_t(c.y()) & mask) << 21) |
               ((uint64_t(c.z()) & mask) << 42);
    }
    float mInverseCell;
    std::unordered_map<uint64_t, std::vector<uint32_t>> mCells;
};

}  // namespace

Status attachParticleVelocities(TriangleMesh& mesh, std::span<const Vec3f> positions,
                                std::span<const Vec3f> velocities, std::span<const uint8_t> mask,
                                float radius) {
    if (velocities.size() != positions.size()) {
        return Error{fmt::format("attachParticleVelocities: expected one velocity per particle, "
                                 "got {} velocities for {} particles",
                                 velocities.size(), positions.size())};
    }
    if (!mask.empty() && mask.size() != positions.size()) {
        return Error{fmt::format("attachParticleVelocities: expected one mask entry per particle, "
                                 "got {} for {} particles",
                                 mask.size(), positions.size())};
    }
    if (!(radius > 0.0f) || !std::isfinite(radius)) {
        return Error{fmt::format("attachParticleVelocities: expected a radius > 0 m, got {}",
                                 radius)};
    }
    const ParticleGrid grid(positions, mask, radius);
    const float r2 = radius * radius;
    mesh.velocities.assign(mesh.positions.size(), Vec3f::Zero());
    for (size_t v = 0; v < mesh.positions.size(); ++v) {
        const Vec3f& p = mesh.positions[v];
        Vec3f sum = Vec3f::Zero();
        float weightSum = 0.0f;
        grid.forNear(p, 1, [&](uint32_t i) {
            const float d2 = (positions[i] - p).squaredNorm();
            if (d2 >= r2) return;
            const float s = 1.0f - d2 / r2;
            const float w = s * s * s;
            sum += w * velocities[i];
            weightSum += w;
        });
        if (weightSum > 0.0f) {
            mesh.velocities[v] = sum / weightSum;
            continue;
        }
        float best = 4.0f * r2;
        grid.forNear(p, 2, [&](uint32_t i) {
            const float d2 = (positions[i] - p).squaredNorm();
            if (d2 < best) {
                best = d2;
                mesh.velocities[v] = velocities[i];
            }
        });
    }
    return {};
}

}  // namespace silt::volume
