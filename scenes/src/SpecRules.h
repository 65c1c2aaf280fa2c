#pragma once
// The value rules of the scene-spec format (docs/scene-spec.md), shared by the checker that
// validates a template and the randomizer that draws from it (and checks overrides).

#include <cmath>
#include <limits>

namespace silt::scenes::detail {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// What one number (or each component of a vector) may be. `what` is the phrase shown after
/// "expected" in error messages, with the unit.
struct NumberRule {
    const char* what;
    double lo = -kInf;
    double hi = kInf;
    bool loOpen = false;  ///< lo itself is not allowed
    bool hiOpen = false;  ///< hi itself is not allowed
    bool integer = false;
    bool even = false;  ///< only fixed values or choices (a range would draw odd numbers)

    [[nodiscard]] bool admits(double v) const {
        if (!std::isfinite(v)) return false;
        if (std::abs(v) > double(std::numeric_limits<float>::max())) return false;
        if (loOpen ? v <= lo : v < lo) return false;
        if (hiOpen ? v >= hi : v > hi) return false;
        if (integer && v != std::floor(v)) return false;
        if (even && std::fmod(v, 2.0) != 0.0) return false;
        return true;
    }
};

/// A vector of three numbers: its description and the rule for each component.
struct Vec3Rule {
    const char* what;
    NumberRule component;
};

// clang-format off
inline constexpr NumberRule kFrames{"an integer ≥ 1 (frames, at most 100000)", 1, 100000, false, false, true};
inline constexpr NumberRule kFps{"an integer 1..240 (frames per second)", 1, 240, false, false, true};
inline constexpr NumberRule kImageSize{"an even integer 16..4096 (pixels)", 16, 4096, false, false, true, true};
inline constexpr NumberRule kSubsteps{"an integer 1..1000 (physics steps per frame)", 1, 1000, false, false, true};
inline constexpr NumberRule kCount{"an integer 0..100 (copies)", 0, 100, false, false, true};
inline constexpr NumberRule kSize{"a positive number (m, the object's largest extent)", 0, kInf, true};
inline constexpr NumberRule kMotionStart{"a number ≥ 0 (s from the first frame)", 0};
inline constexpr NumberRule kKeyTime{"a number of seconds > 0 (the key's time from the first frame)", 0, kInf, true};
inline constexpr NumberRule kFriction{"a number ≥ 0 (friction coefficient)", 0};
inline constexpr NumberRule kRestitution{"a number 0..1 (restitution)", 0, 1};
inline constexpr NumberRule kUnitInterval{"a number 0..1", 0, 1};
inline constexpr NumberRule kHalfExtent{"a positive number (m)", 0, kInf, true};
inline constexpr NumberRule kScale{"a positive number (scale factor)", 0, kInf, true};
inline constexpr NumberRule kDensity{"a positive number (kg/m³)", 0, kInf, true};
inline constexpr NumberRule kFov{"a number of degrees between 0 and 180, exclusive", 0, 180, true, true};
inline constexpr NumberRule kOrbitRate{"a number (degrees per second)"};
inline constexpr NumberRule kIntensity{"a number ≥ 0 (intensity multiplier)", 0};
inline constexpr NumberRule kHandheldShift{"a number of metres in 0..1 (jitter amplitude)", 0, 1};
inline constexpr NumberRule kHandheldAngle{"a number of degrees in 0..10 (jitter amplitude)", 0, 10};
inline constexpr NumberRule kHandheldRate{"a number of hertz in 0..30, 0 excluded (jitter band limit)", 0, 30, true};
inline constexpr NumberRule kColorTemperature{"a number of kelvin in 1667..25000 (colour temperature)", 1667, 25000};

inline constexpr NumberRule kCellSize{"a number of metres in 0.002..0.5 (grid spacing)", 0.002, 0.5};
inline constexpr NumberRule kParticlesPerCell{"an integer 1..4 (particles per cell along each axis)", 1, 4, false, false, true};
inline constexpr NumberRule kFrictionAngle{"a number of degrees in 0..60, exclusive (friction angle)", 0, 60, true, true};
inline constexpr NumberRule kYoungsModulus{"a positive number (Pa)", 0, kInf, true};
inline constexpr NumberRule kGrainDiameter{"a number of metres in 0..0.1 (grain diameter; 0: rate-independent friction)", 0, 0.1};
inline constexpr NumberRule kPoissonRatio{"a number in 0..0.5, 0.5 excluded (Poisson ratio)", 0, 0.5, false, true};
inline constexpr NumberRule kFlowSpeed{"a positive number (m/s)", 0, kInf, true};
inline constexpr NumberRule kNozzleSize{"a positive number of metres (nozzle size)", 0, kInf, true};
inline constexpr NumberRule kPourRate{"a positive number (m³/s of material)", 0, kInf, true};
inline constexpr NumberRule kTime{"a number of seconds ≥ 0", 0};
inline constexpr NumberRule kParticleBudget{"an integer 1..20000000 (particles)", 1, 2.0e7, false, false, true};
inline constexpr NumberRule kViscosity{"a number ≥ 0 (Pa·s)", 0};

inline constexpr Vec3Rule kGravity{"an array of 3 numbers [x, y, z] (m/s²)", {"a number (m/s²)"}};
inline constexpr Vec3Rule kPosition{"an array of 3 numbers [x, y, z] (m)", {"a number (m)"}};
inline constexpr Vec3Rule kRotation{"an array of 3 angles [x, y, z] (degrees)", {"a number (degrees)"}};
inline constexpr Vec3Rule kVelocity{"an array of 3 numbers [x, y, z] (m/s)", {"a number (m/s)"}};
inline constexpr Vec3Rule kMotionVelocity{"an array of 3 numbers [x, y, z] (m/s, the scripted velocity)", {"a number (m/s)", -20, 20}};
inline constexpr Vec3Rule kKeyOffset{"an array of 3 numbers [x, y, z] (m from the placed position, each within ±50)", {"a number (m)", -50, 50}};
inline constexpr Vec3Rule kAngularVelocity{"an array of 3 numbers [x, y, z] (rad/s)", {"a number (rad/s)"}};
inline constexpr Vec3Rule kColor{"an array of 3 numbers [r, g, b] (linear RGB, 0..1)", {"a number 0..1 (linear RGB)", 0, 1}};
inline constexpr Vec3Rule kDirection{"an array of 3 numbers [x, y, z] (a direction, not all zero)", {"a number (direction component)"}};
// clang-format on

/// The only format version this Silt reads.
inline constexpr int kSpecVersion = 1;

}  // namespace silt::scenes::detail
