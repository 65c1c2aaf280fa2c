#pragma once
// Module-private: the OpenVDB grid behind silt::volume::LevelSet, and the one place that
// initializes OpenVDB. Only the module's .cpp files include this header.

#include <openvdb/openvdb.h>

#include "silt/volume/LevelSet.h"

namespace silt::volume {

struct LevelSet::Impl {
    openvdb::FloatGrid::Ptr grid;  ///< never null; a level set in world units (metres)
};

/// Registers OpenVDB's grid and transform types (needed for I/O); idempotent, thread-safe.
void ensureOpenVdbInitialized();

/// Wraps a grid, which must not be null.
LevelSet makeLevelSet(openvdb::FloatGrid::Ptr grid);

}  // namespace silt::volume
