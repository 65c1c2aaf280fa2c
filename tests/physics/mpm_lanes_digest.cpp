// Prints a digest of the MPM's per-particle SIMD kernels (advanceDeformationLanes, svd3Lanes
// through sandReturnMapLanes) over fixed pseudo-random particles of four sand materials.
// CMake builds it twice from the kernels' own sources, once with the build's flags (8 lanes
// where SILT_AVX2 is on) and once with AVX off (4 lanes); the test MpmLanes.FourAndEight-
// LanesGiveTheSameBits compares the two outputs. Standalone on purpose: linking the solver
// library would mix the two lane widths in one program.

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "mpm/Constitutive.h"

namespace {

using namespace silt;
using namespace silt::physics;

/// 64-bit FNV-1a over raw bytes: any changed bit changes the digest.
struct Digest {
    uint64_t h = 1469598103934665603ull;
    void add(const void* data, size_t bytes) {
        const auto* b = static_cast<const unsigned char*>(data);
        for (size_t i = 0; i < bytes; ++i) h = (h ^ b[i]) * 1099511628211ull;
    }
};

/// Deterministic uniform numbers in [−1, 1) (xorshift64*; no library needed).
struct Numbers {
    uint64_t s = 0x9e3779b97f4a7c15ull;
    float next() {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        const uint64_t r = s * 2685821657736338717ull;
        return static_cast<float>(r >> 40) / static_cast<float>(1u << 23) - 1.0f;
    }
};

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
    Numbers numbers;
    Digest digest;
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
        // Lane by lane, in particle order: the digest does not depend on the lane width.
        for (int l = 0; l < lanes.count; ++l) {
            const Mat3f f = lanes.f.get(l), tau = lanes.tau.get(l);
            digest.add(f.data(), sizeof(Mat3f));
            digest.add(tau.data(), sizeof(Mat3f));
            digest.add(&lanes.q[l], sizeof(float));
            digest.add(&lanes.vc[l], sizeof(float));
            digest.add(&lanes.jacobian[l], sizeof(float));
            if (lanes.q[l] > qBefore[l]) ++flowed;
        }
        lanes.count = 0;
    };
    for (int i = 0; i < kParticles; ++i) {
        const int l = lanes.count++;
        Mat3f f, c;
        for (int e = 0; e < 9; ++e) {
            f(e) = (e % 4 == 0 ? 1.0f : 0.0f) + 0.05f * numbers.next();  // ±5 % strain
            c(e) = 30.0f * numbers.next();                               // 1/s
        }
        lanes.f.set(l, f);
        gradient.set(l, c);
        lanes.q[l] = qBefore[l] = i % 3 == 0 ? 0.0f : 4.0f * (numbers.next() + 1.0f);
        lanes.vc[l] = i % 5 == 0 ? 0.0f : 0.02f * numbers.next();
        lanes.shearRate[l] = 50.0f * (numbers.next() + 1.0f);
        lanes.params[l] = &params[i % 4];
        lanes.index[l] = static_cast<uint32_t>(i);
        // Batches of every size, not only full ones.
        if (lanes.count == detail::kSvdLanes || i % 7 == 0) flush();
    }
    if (lanes.count > 0) flush();
    std::printf("particles %d, plastic flow in %d, digest %016llx\n", kParticles, flowed,
                static_cast<unsigned long long>(digest.h));
    std::fprintf(stderr, "lanes %d\n", detail::kSvdLanes);
    return flowed > 0 && flowed < kParticles ? 0 : 1;  // both branches ran
}
