#pragma once
// Per-frame level-set cache as OpenVDB .vdb files, for simulation people who inspect or
// re-mesh the surfaces in Houdini, Blender or vdb_view. One file per frame,
// "<folder>/<prefix>.<frame, 5 digits>.vdb", holding one float grid named "surface"
// (a level set in metres). Files are written under a temporary name and renamed into
// place, so a killed process never leaves a half-written frame under its final name.
//
// Thread-safety: write() may be called from several threads for different frames.

#include <cstdint>
#include <filesystem>
#include <string>

#include "silt/core/Result.h"
#include "silt/volume/LevelSet.h"

namespace silt::volume {

class VdbCache {
public:
    /// Caches into `folder` (created on first write) with file names "<prefix>.NNNNN.vdb".
    VdbCache(std::filesystem::path folder, std::string prefix = "surface");

    /// The file frame `frame` goes to.
    [[nodiscard]] std::filesystem::path framePath(uint32_t frame) const;

    /// Writes one frame's level set atomically, replacing an older file of that frame.
    [[nodiscard]] Status write(const LevelSet& levelSet, uint32_t frame) const;

    /// Reads the grid named "surface" back from a file written by write().
    [[nodiscard]] static Result<LevelSet> read(const std::filesystem::path& path);

private:
    std::filesystem::path mFolder;
    std::string mPrefix;
};

}  // namespace silt::volume
