#pragma once
// Lane arithmetic for the per-particle SIMD kernels (svd3Lanes, sandReturnMapLanes): GCC
// vector extensions, one SSE or AVX vector of kLanes floats. Every operator is the same IEEE
// operation on every lane (+ − × ÷ and a correctly rounded √; no FMA contraction: baseline
// x86-64 has no FMA and AVX2 builds keep it off; never the approximate rsqrt/rcp, whose
// bits differ between CPU vendors), and the transcendental functions below are plain
// polynomials in those operations, so results are the same on every x86-64 machine, with 4
// lanes or 8, and do not depend on which other particles share the vector. Private to the
// MPM solver.

#include <cstring>

#if defined(__AVX__)
#include <immintrin.h>
#elif defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace silt::physics::detail::lanes {

// 8 lanes (one AVX vector) where the build has AVX, else 4 (one SSE vector): 8-lane vectors
// without AVX are split by the compiler and took 1.3–2.3× the time of 4 lanes.
#if defined(__AVX__)
constexpr int kLanes = 8;
#else
constexpr int kLanes = 4;
#endif
using VF = float __attribute__((vector_size(4 * kLanes)));
using VI = int __attribute__((vector_size(4 * kLanes)));

inline VF splat(float x) {
    return VF{} + x;
}
inline VF load(const float* p) {
    VF r;
    std::memcpy(&r, p, sizeof r);
    return r;
}
inline void store(float* p, VF x) {
    std::memcpy(p, &x, sizeof x);
}
inline VF asFloat(VI x) {
    VF r;
    std::memcpy(&r, &x, sizeof r);
    return r;
}
inline VI asInt(VF x) {
    VI r;
    std::memcpy(&r, &x, sizeof r);
    return r;
}

inline VF vsqrt(VF a) {
#if defined(__AVX__)
    return _mm256_sqrt_ps(a);
#elif defined(__SSE__)
    return _mm_sqrt_ps(a);
#else
    float x[kLanes];
    std::memcpy(x, &a, sizeof a);
    for (float& e : x) e = __builtin_sqrtf(e);
    return load(x);
#endif
}

inline VF vabs(VF a) {
    return asFloat(asInt(a) & 0x7fffffff);
}
inline VF vmax(VF a, VF b) {
    return a > b ? a : b;
}
inline VF vmin(VF a, VF b) {
    return a < b ? a : b;
}

inline bool any(VI m) {
    int acc = 0;
    for (int l = 0; l < kLanes; ++l) acc |= m[l];
    return acc != 0;
}

/// Nearest integer (halves away from zero) of |x| < 2³¹.
inline VI roundToInt(VF x) {
    return __builtin_convertvector(x + (x < 0.0f ? splat(-0.5f) : splat(0.5f)), VI);
}

/// Natural logarithm of positive normal floats (Cephes logf: ~1 ulp).
inline VF vlog(VF x) {
    VI bits = asInt(x);
    VI e = ((bits >> 23) & 0xff) - 126;
    VF m = asFloat((bits & 0x807fffff) | 0x3f000000);  // mantissa in [0.5, 1)
    const VI small = m < 0.707106781186547524f;
    e = small ? e - 1 : e;
    m = small ? m + m - 1.0f : m - 1.0f;
    const VF z = m * m;
    VF y = 7.0376836292e-2f * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    const VF fe = __builtin_convertvector(e, VF);
    y += fe * -2.12194440e-4f;
    y += -0.5f * z;
    return m + y + fe * 0.693359375f;
}

/// e^x, x clamped to [−87, 88] (Cephes expf: ~1 ulp).
inline VF vexp(VF x) {
    x = vmin(vmax(x, splat(-87.0f)), splat(88.0f));
    const VI k = roundToInt(x * 1.44269504088896341f);
    const VF fk = __builtin_convertvector(k, VF);
    x = x - fk * 0.693359375f;
    x = x - fk * -2.12194440e-4f;
    const VF z = x * x;
    VF y = 1.9875691500e-4f * x + 1.3981999507e-3f;
    y = y * x + 8.3334519073e-3f;
    y = y * x + 4.1665795894e-2f;
    y = y * x + 1.6666665459e-1f;
    y = y * x + 5.0000001201e-1f;
    y = y * z + x + 1.0f;
    return y * asFloat((k + 127) << 23);
}

/// sin x for |x| up to ~1e4 (reduced to [−π/2, π/2], Taylor to x¹¹: error < 4e-8).
inline VF vsin(VF x) {
    const VI k = roundToInt(x * 0.318309886183790672f);
    const VF fk = __builtin_convertvector(k, VF);
    // Cody-Waite: π split so that fk · (first part) is exact.
    VF r = x - fk * 3.140625f;
    r = r - fk * 9.67502593994140625e-4f;
    r = r - fk * 1.509957990978376432e-7f;
    const VF r2 = r * r;
    VF y = -2.5052108385e-8f * r2 + 2.7557319224e-6f;
    y = y * r2 - 1.9841269841e-4f;
    y = y * r2 + 8.3333333333e-3f;
    y = y * r2 - 1.6666666667e-1f;
    y = y * r2 * r + r;
    return (k & 1) != 0 ? -y : y;
}

}  // namespace silt::physics::detail::lanes
