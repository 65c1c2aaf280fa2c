#pragma once
// `silt simulate`: the physics of one clip without rendering, written for Houdini, Blender
// and analysis: per-frame particle states as binary PLY (position, velocity, material) and
// the rigid bodies' poses and velocities as JSON. The output folder appears complete or not
// at all (staged, then renamed).
//
// Layout of OUT:
//   simulation.json           plan summary, materials, and per frame: time and body states
//   particles/frame_NNNNNN.ply  one per frame, when the scene has sand or water

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "silt/core/Result.h"

namespace silt::app {

struct SimulateOptions {
    std::string scene;                   ///< builtin name or file; empty = default template
    std::filesystem::path out = "out/simulation";
    uint64_t seed = 0;
    uint64_t clip = 0;                   ///< clip index: the same physics as that clip of `generate`
    std::optional<uint32_t> frames, fps; ///< override the template
    uint32_t threads = 0;                ///< 0 = all cores
};

[[nodiscard]] Status simulateClip(const SimulateOptions& options);

}  // namespace silt::app
