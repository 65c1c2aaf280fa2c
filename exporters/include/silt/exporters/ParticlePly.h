#pragma once
// Particle states as binary little-endian PLY, the format Houdini, Blender and MeshLab read:
// one vertex element with float x y z (m), float vx vy vz (m/s) and uchar material.
// Written atomically (temporary file + rename).

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "silt/core/Math.h"
#include "silt/core/Result.h"

namespace silt::exporters {

struct ParticleFrame {
    std::vector<Vec3f> positions;   ///< m
    std::vector<Vec3f> velocities;  ///< m/s, one per position
    std::vector<uint8_t> materials; ///< material index, one per position
};

[[nodiscard]] Status writeParticlePly(const std::filesystem::path& path,
                                      std::span<const Vec3f> positions,
                                      std::span<const Vec3f> velocities,
                                      std::span<const uint8_t> materials);

/// Reads a file written by writeParticlePly (and any PLY with exactly that layout).
[[nodiscard]] Result<ParticleFrame> readParticlePly(const std::filesystem::path& path);

}  // namespace silt::exporters
