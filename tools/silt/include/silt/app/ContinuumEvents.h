#pragma once
// ContinuumEvents: what happened between the objects and the sand and water of a clip, read
// off the particles frame by frame, in the scene's terms (scenes::SceneEvent) for captions
// and metadata. Rigid contacts come from physics::World's own event log; these are the
// continuum's: burial depth in sand, splashes, floating or sinking, an object pulled out of
// the sand and sand streaming off it.
//
// How each is measured (columns are a cellSize grid over the domain's floor; a column's
// "top" is the highest particle of a kind in it; an object's "ring" is the columns between
// 1 and 3 cells outside its world bounding box, i.e. the undisturbed surface around it):
// - Burial (dynamic objects, at the last frame): median sand top of the ring minus the
//   object's lowest point, when over a quarter of a cell. (A column's top is its highest
//   particle plus half a particle spacing: where the material's surface is.)
// - Splash (first frame it happens, per object): water particles within 2 cells of the
//   object's footprint, above the water's rest level (volume / floor area) + 2 cells and
//   rising faster than kSplashSpeed; at least kMinParticles of them.
// - Float / Sink (dynamic objects with water in their ring, at the last frame): Sink when
//   the object's top is over half a cell below the ring's median water top, Float when it
//   is not but its bottom is within a cell of that surface.
// - PulledOut (objects that start buried and are scripted upwards): the first frame their
//   lowest point clears the bed's surface around them at the start by half a cell.
// - SandPour (the same objects, once moving): sand particles over the object's footprint
//   (widened by 1.5 cells), above the starting bed by a cell and falling faster than
//   kPourSpeed; reported at the first frame with at least kMinParticles, with the peak.
// All thresholds are in cells, so they scale with the simulation's resolution.
// Deterministic: a pure function of the observed states. Not thread-safe.

#include <cstdint>
#include <optional>
#include <vector>

#include <Eigen/Geometry>

#include "silt/app/ClipMetadata.h"
#include "silt/physics/RigidWorld.h"
#include "silt/physics/mpm/MpmParticles.h"
#include "silt/scenes/Caption.h"
#include "silt/scenes/ScenePlan.h"

namespace silt::app {

class ContinuumEvents {
public:
    static constexpr float kSplashSpeed = 0.5f;  ///< m/s upwards
    static constexpr float kPourSpeed = 0.2f;    ///< m/s downwards
    static constexpr uint32_t kMinParticles = 12;

    /// `localBounds[i]` is object i's mesh bounds in its asset frame, unscaled. The plan must
    /// have a continuum.
    ContinuumEvents(const scenes::ScenePlan& plan, std::vector<Eigen::AlignedBox3f> localBounds);

    /// Looks at one frame: the state at `time` s. `kinds[m]` is the kind of solver material m.
    void observe(float time, const physics::MpmParticles& particles,
                 const std::vector<ContinuumKind>& kinds,
                 const std::vector<physics::BodyState>& bodies);

    /// The events so far plus those judged at the last observed frame, in time order.
    [[nodiscard]] std::vector<scenes::SceneEvent> events() const;

    /// Per observed frame, the sand particles lifted over object i's footprint (above the
    /// starting bed by a cell): rises as the object pulls sand up, falls as it pours off.
    [[nodiscard]] const std::vector<uint32_t>& liftedSand(size_t object) const {
        return mLifted[object];
    }

private:
    struct Columns {
        std::vector<float> sandTop, waterTop;  ///< m; -inf where the column has none
    };
    [[nodiscard]] size_t columnIndex(float x, float z) const;
    [[nodiscard]] Columns columns(const physics::MpmParticles& particles,
                                  const std::vector<ContinuumKind>& kinds) const;
    [[nodiscard]] Eigen::AlignedBox3f worldBox(size_t object, const physics::BodyState& state) const;
    /// Median of `tops` over the ring of `box`; nullopt when no ring column has any.
    [[nodiscard]] std::optional<float> ringSurface(const std::vector<float>& tops,
                                                   const Eigen::AlignedBox3f& box) const;
    [[nodiscard]] bool pulledUp(size_t object) const;

    const scenes::ScenePlan& mPlan;
    std::vector<Eigen::AlignedBox3f> mLocalBounds;
    float mCell = 0.0f;     ///< m, grid spacing
    float mSpacing = 0.0f;  ///< m, particle spacing at the start
    Vec3f mDomainMin = Vec3f::Zero();
    int mColumnsX = 0, mColumnsZ = 0;
    bool mFirst = true;
    std::vector<float> mBedTop;              ///< sand tops at the first frame
    std::vector<std::optional<float>> mBed;  ///< per object: the bed around it at the start
    float mWaterRest = 0.0f;                 ///< m, the water's level at rest
    std::vector<scenes::SceneEvent> mEvents;
    std::vector<bool> mSplashed, mPulledOut, mPoured;
    std::vector<uint32_t> mPourPeak;
    std::vector<size_t> mPourEvent;  ///< index into mEvents, per object (SIZE_MAX: none)
    std::vector<std::vector<uint32_t>> mLifted;
    // The last frame, judged by events().
    float mLastTime = 0.0f;
    Columns mLast;
    std::vector<physics::BodyState> mLastBodies;
};

}  // namespace silt::app
