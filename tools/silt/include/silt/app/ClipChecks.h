#pragma once
// Automatic plausibility checks of one clip (docs/checks.md): while a clip is produced,
// ClipChecker samples the physics after every frame and the rendered colour and instance
// labels of every frame; at the end it compares each figure with its threshold
// (scenes::ChecksConfig). The figures are pure functions of the clip's states and images,
// summed in a fixed order, so they are as deterministic as the clip itself.
//
// The measuring functions take plain data so that tests can feed them made-up particles,
// bodies and frames.

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Geometry>
#include <nlohmann/json.hpp>

#include "silt/app/ClipMetadata.h"
#include "silt/core/Image.h"
#include "silt/physics/RigidWorld.h"
#include "silt/physics/mpm/MpmParticles.h"
#include "silt/scenes/ChecksConfig.h"

namespace silt::app {

class ClipSimulation;

/// The state the physics checks read, as plain data.
struct PhysicsState {
    const physics::MpmParticles* particles = nullptr;   ///< null without a continuum
    std::span<const ContinuumKind> materialKinds;        ///< kind of each particle material
    Eigen::AlignedBox3f continuumDomain;                 ///< m, the solver's walls
    float cellSize = 0.0f;                               ///< m, grid spacing (dx)
    std::vector<Vec3f> bodyCenters;                      ///< m, centre of mass per object
    std::vector<float> bodyMasses;                       ///< kg per object
    double bodyKineticEnergy = 0.0;                      ///< J, linear + rotational, all bodies
    physics::PenetrationDepths penetration;              ///< deepest so far
    Vec3f gravity{0.0f, -9.81f, 0.0f};                   ///< m/s²
    float groundHalfExtent = 10.0f;                      ///< m, the ground square's half side
    /// Particles at the previous sample: those from this index on were added since (a pour),
    /// and bring their own energy (PhysicsSample::addedEnergy). Default: none was added.
    size_t previousParticleCount = std::numeric_limits<size_t>::max();
};

/// One frame's physics figures.
struct PhysicsSample {
    std::array<double, 2> volume{};       ///< m³, Σ J·V0 per ContinuumKind
    std::array<double, 2> restVolume{};   ///< m³, Σ V0 per ContinuumKind
    std::array<size_t, 2> particles{};    ///< particles per ContinuumKind
    size_t lostParticles = 0;             ///< NaN/Inf or more than a cell outside the domain
    /// J: kinetic energy of particles and bodies plus their potential energy above the
    /// ground plane through the origin (height measured against gravity).
    double energy = 0.0;
    /// J, the part of `energy` carried by particles added since the previous sample.
    double addedEnergy = 0.0;
    physics::PenetrationDepths penetration;  ///< m, deepest so far
    std::vector<bool> objectOutside;         ///< per object: centre of mass off the ground square
};

/// One rendered frame's figures.
struct ImageSample {
    double lumaMean = 0.0;           ///< 0..255, Rec. 709 weights on the sRGB bytes
    double lumaStddev = 0.0;         ///< 0..255
    double saturatedFraction = 0.0;  ///< share of pixels at luma <= 2 or >= 253
    /// Mean |luma - previous frame's luma|, 0..255; none for the first frame.
    std::optional<double> differenceToPrevious;
    std::vector<uint32_t> objectPixels;  ///< instance-label pixels per object
};

/// The outcome of one check.
struct CheckResult {
    std::string name;  ///< scenes::CheckDefinition::name
    double value = 0.0;
    double threshold = 0.0;
    bool minimum = false;  ///< value must be >= threshold (else <=)
    bool passed = true;
};

[[nodiscard]] PhysicsSample measurePhysics(const PhysicsState& state);
/// The state of a running simulation (the plan gives the ground and gravity).
[[nodiscard]] PhysicsState physicsState(const ClipSimulation& sim);

/// `objectIds` are the objects' instance ids, in object order. `previous` is the frame
/// before (same size) or null.
[[nodiscard]] ImageSample measureImage(const ImageRGBA8& color, const ImageRGBA8* previous,
                                       const ImageU32& instances,
                                       std::span<const uint32_t> objectIds);

/// Compares the figures with the config's thresholds. Checks that are off, or that have
/// nothing to measure (no sand, no frames…), are left out.
[[nodiscard]] std::vector<CheckResult> evaluateChecks(const scenes::ChecksConfig& config,
                                                      std::span<const PhysicsSample> physics,
                                                      std::span<const ImageSample> images);

/// clip.json's "checks": {"passed", "<check>": {"value", "threshold", "passed", "compare"},
/// …, "attempt", "seed_stream", "on_fail"}.
[[nodiscard]] nlohmann::json checksJson(const std::vector<CheckResult>& results,
                                        const scenes::ChecksConfig& config, uint32_t attempt,
                                        uint64_t seedStream);
/// One entry of checks.rejected_attempts: {"attempt", "seed_stream", "failed": {check: value}}.
[[nodiscard]] nlohmann::json rejectedAttemptJson(const std::vector<CheckResult>& results,
                                                 uint32_t attempt, uint64_t seedStream);
/// "energy_gain 3.2 > 1.5, frame_contrast 0.4 < 2" for the failed checks; empty if none.
[[nodiscard]] std::string failureSummary(const std::vector<CheckResult>& results);
[[nodiscard]] bool allPassed(const std::vector<CheckResult>& results);

/// A stable identity of the check settings (recorded as checks.config_hash).
[[nodiscard]] std::string checksHash(const scenes::ChecksConfig& config);

/// The seed the randomizer draws attempt `attempt` of a clip from: the dataset seed for the
/// first attempt (0), then streamKey(seed, clip, "attempt <k>") — a pure function of (seed,
/// clip, k), so regenerated clips are the same for any thread count or shard split.
[[nodiscard]] uint64_t attemptSeed(uint64_t seed, uint64_t clipIndex, uint32_t attempt);

/// Gathers the samples of one clip while it is produced. One per clip attempt.
class ClipChecker {
public:
    ClipChecker(const scenes::ChecksConfig& config, std::vector<uint32_t> objectIds)
        : mConfig(config), mObjectIds(std::move(objectIds)) {}

    /// After each simulated frame (and once for the initial state).
    void addPhysics(const ClipSimulation& sim);
    /// After each rendered frame.
    void addFrame(const ImageRGBA8& color, const LabelImages& labels);

    [[nodiscard]] std::vector<CheckResult> results() const;

private:
    const scenes::ChecksConfig& mConfig;
    std::vector<uint32_t> mObjectIds;
    std::vector<PhysicsSample> mPhysics;
    std::vector<ImageSample> mImages;
    ImageRGBA8 mPrevious;
};

}  // namespace silt::app
