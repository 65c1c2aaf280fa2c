#pragma once
// A narrow-band signed-distance level set on a sparse voxel grid: what the Surfacer builds
// from particles and meshes, and what VdbCache writes per frame for simulation people.
// Distances in metres, negative inside the material, positive outside.
//
// Ownership: a LevelSet owns its grid (OpenVDB, hidden behind Impl so that no OpenVDB type
// reaches this header). Copying is deep; moving is cheap and leaves the source empty.
// Thread-safety: const member functions may be called from several threads at once.

#include <cstdint>
#include <memory>
#include <string>

#include "silt/core/Math.h"

namespace silt::volume {

class LevelSet {
public:
    /// The module-private grid holder (src/LevelSetImpl.h).
    struct Impl;

    /// An empty level set: no active voxels, everything outside.
    LevelSet();
    /// Takes a grid holder (module-internal); null means empty.
    explicit LevelSet(std::unique_ptr<Impl> impl);
    ~LevelSet();
    LevelSet(const LevelSet& other);
    LevelSet& operator=(const LevelSet& other);
    LevelSet(LevelSet&&) noexcept;
    LevelSet& operator=(LevelSet&&) noexcept;

    [[nodiscard]] bool empty() const { return activeVoxelCount() == 0; }
    /// m, edge length of one voxel (0 when there is no grid).
    [[nodiscard]] float voxelSize() const;
    /// m, value stored outside the narrow band (0 when there is no grid).
    [[nodiscard]] float background() const;
    [[nodiscard]] uint64_t activeVoxelCount() const;
    /// m, signed distance at a world point, trilinearly interpolated.
    [[nodiscard]] float sample(const Vec3f& world) const;
    /// m, signed distance stored at voxel (i, j, k), whose centre is at voxelSize·(i, j, k).
    [[nodiscard]] float voxelValue(int i, int j, int k) const;
    /// XXH3-128 hex of every active voxel's coordinate and value in tree order plus the
    /// voxel size: equal hashes mean equal grids, for determinism checks and caches.
    [[nodiscard]] std::string contentHash() const;

    /// The grid holder, or null when empty (module-internal).
    [[nodiscard]] const Impl* impl() const { return mImpl.get(); }

private:
    std::unique_ptr<Impl> mImpl;
};

}  // namespace silt::volume
