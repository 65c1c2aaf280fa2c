#include <algorithm>
#include <array>
#include <cmath>

#include "silt/core/Check.h"
#include "silt/core/Rng.h"
#include "silt/scenes/ScenePlan.h"

namespace silt::scenes {
namespace {

constexpr float kTwoPi = 6.28318530717958647692f;
/// Sinusoids per jitter channel: few enough to stay cheap, enough not to look periodic.
constexpr int kJitterWaves = 3;
/// Lowest frequency of a jitter wave, as a fraction of the band limit.
constexpr float kLowestFraction = 0.2f;

}  // namespace

CameraPlan::Jitter CameraPlan::handheldJitter(float t) const {
    Jitter jitter;
    if (handheldAmplitude <= 0.0f && handheldAngle <= 0.0f) return jitter;
    // The waves are redrawn from the seed on every call: the jitter is a pure function of
    // (plan, t), independent of the order in which frames ask for it. Six channels (eye x, y,
    // z; rotation about camera x, y, z), each a weighted sum of sinusoids whose weights sum
    // to 1, so each channel stays within ±1 before scaling.
    Pcg32 rng(handheldSeed, 0x68616e6468656c64ULL);  // "handheld"
    std::array<float, 6> channel{};
    for (float& value : channel) {
        std::array<float, kJitterWaves> weight{}, frequency{}, phase{};
        float weightSum = 0.0f;
        for (int k = 0; k < kJitterWaves; ++k) {
            weight[k] = 0.5f + rng.uniformFloat();
            frequency[k] = handheldFrequency * (kLowestFraction + (1.0f - kLowestFraction) *
                                                                      rng.uniformFloat());
            phase[k] = kTwoPi * rng.uniformFloat();
            weightSum += weight[k];
        }
        value = 0.0f;
        for (int k = 0; k < kJitterWaves; ++k)
            value += weight[k] / weightSum * std::sin(kTwoPi * frequency[k] * t + phase[k]);
        value = std::clamp(value, -1.0f, 1.0f);  // rounding must not break the declared bound
    }
    jitter.offset = handheldAmplitude * Vec3f(channel[0], channel[1], channel[2]);
    jitter.angles = handheldAngle * Vec3f(channel[3], channel[4], channel[5]);
    return jitter;
}

CameraState CameraPlan::at(float t) const {
    SILT_CHECK(path == "static" || path == "orbit" || path == "dolly");
    Vec3f eye = position;
    Vec3f lookedAt = target;
    if (path == "orbit") {
        // Positive rates turn counter-clockwise seen from above (right-handed about +Y).
        eye = target + Eigen::AngleAxisf(orbitRate * t, Vec3f::UnitY()) * (position - target);
    } else if (path == "dolly") {
        SILT_CHECK(dollyEasing == "linear" || dollyEasing == "ease_in_out");
        SILT_CHECK(duration > 0.0f);
        float s = std::clamp(t / duration, 0.0f, 1.0f);
        // Smoothstep: zero velocity at both ends, so the move starts and stops gently.
        if (dollyEasing == "ease_in_out") s = s * s * (3.0f - 2.0f * s);
        eye = position + s * (dollyPosition - position);
        lookedAt = target + s * (dollyTarget - target);
    }
    CameraState state;
    state.intrinsics = intrinsics;
    const Jitter jitter = handheldJitter(t);
    state.cameraToWorld = lookAt(eye + jitter.offset, lookedAt + jitter.offset);
    if (handheldAngle > 0.0f) {
        // Small rotations in the camera's own frame: pitch (x), yaw (y), roll (z).
        const Quatf shake = Eigen::AngleAxisf(jitter.angles.x(), Vec3f::UnitX()) *
                            Eigen::AngleAxisf(jitter.angles.y(), Vec3f::UnitY()) *
                            Eigen::AngleAxisf(jitter.angles.z(), Vec3f::UnitZ());
        state.cameraToWorld.rotation = (state.cameraToWorld.rotation * shake).normalized();
    }
    return state;
}

}  // namespace silt::scenes
