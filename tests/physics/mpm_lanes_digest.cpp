// Prints a digest of the MPM's per-particle SIMD kernels (advanceDeformationLanes, svd3Lanes
// through sandReturnMapLanes) over fixed pseudo-random particles of four sand materials.
// CMake builds it twice from the kernels' own sources, once with the build's flags (8 lanes
// where SILT_AVX2 is on) and once with AVX off (4 lanes); the test MpmLanes.FourAndEight-
// LanesGiveTheSameBits compares the two outputs. It links silt::core (hash, random numbers)
// but not the solver library, which would mix the two lane widths in one program.

#include <cstdint>
#include <cstdio>
#include <vector>

#include "mpm/Constitutive.h"
#include "silt/core/Hash.h"
#include "silt/core/Rng.h"

namespace {

using namespace silt;
using namespace silt::physics;

template <typename T>
void append(std::vector<uint8_t>& bytes, const T& value) {
    const auto* b = reinterpret_cast<const uint8_t*>(&value);
    bytes.insert(bytes.end(), b, b + sizeof(T));
}

}  // namespace

int main() {
    SandDesc hardening, fixed, rate, plain;
    fixed.hardening = false;
    fixed.frictionAngleDeg = 30.0f;
    rate.grainDiameter = 1.0e-3f;
    plain.volumeCorrection = false;
    const detail::SandParams params[4] = {
        detail::SandParams::from(hardening), detail::SandParams::from(fixed),
        detail::SandParams::from(rate), detail::SandParams::from(plain)};
    Pcg32 rng = streamFor(7, 0, "mpm-lanes-digest");
    auto uni = [&] { return 2.0f * rng.uniformFloat() - 1.0f; };
    std::vector<uint8_t> bytes;  // every output bit, lane by lane in particle order
    constexpr int kParticles = 20000;
    int flowed = 0;  // particles whose hardening state grew: the plastic branch ran
    float qBefore[detail::kSvdLanes] = {};
    detail::SandLanes lanes;
    detail::Mat3Lanes gradient;
    auto flush = [&] {
        for (int l = lanes.count; l < detail::kSvdLanes; ++l) {
            lanes.f.set(l, Mat3f::Identity());
            gradient.set(l, Mat3f::Zero());
        }
        detail::advanceDeformationLanes(lanes.f, gradient, 1.0e-3f);
        detail::sandReturnMapLanes(lanes);
        for (int l = 0; l < lanes.count; ++l) {
            append(bytes, lanes.f.get(l));
            append(bytes, lanes.tau.get(l));
            append(bytes, lanes.q[l]);
            append(bytes, lanes.vc[l]);
            append(bytes, lanes.jacobian[l]);
            if (lanes.q[l] > qBefore[l]) ++flowed;
        }
        lanes.count = 0;
    };
    for (int i = 0; i < kParticles; ++i) {
        const int l = lanes.count++;
        Mat3f f, c;
        for (int e = 0; e < 9; ++e) {
            f(e) = (e % 4 == 0 ? 1.0f : 0.0f) + 0.05f * uni();  // ±5 % strain
            c(e) = 30.0f * uni();                               // 1/s
        }
        lanes.f.set(l, f);
        gradient.set(l, c);
        lanes.q[l] = qBefore[l] = i % 3 == 0 ? 0.0f : 4.0f * (uni() + 1.0f);
        lanes.vc[l] = i % 5 == 0 ? 0.0f : 0.02f * uni();
        lanes.shearRate[l] = 50.0f * (uni() + 1.0f);
        lanes.params[l] = &params[i % 4];
        lanes.index[l] = static_cast<uint32_t>(i);
        // Batches of every size, not only full ones.
        if (lanes.count == detail::kSvdLanes || i % 7 == 0) flush();
    }
    if (lanes.count > 0) flush();
    std::printf("particles %d, plastic flow in %d, digest %016llx\n", kParticles, flowed,
                static_cast<unsigned long long>(hash64(bytes)));
    std::fprintf(stderr, "lanes %d\n", detail::kSvdLanes);
    return flowed > 0 && flowed < kParticles ? 0 : 1;  // both branches ran
}
