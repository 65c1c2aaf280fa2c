#pragma once
// Constitutive updates run per particle at the end of G2P: they take the trial deformation
// and return the new state and its Kirchhoff stress τ (which the next P2G scatters).
// Private to the MPM solver.

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "mpm/Lanes.h"
#include "mpm/Svd3.h"
#include "silt/core/Math.h"
#include "silt/physics/mpm/MpmSettings.h"

namespace silt::physics::detail {

// Scalar sin, tan and pow through the lane polynomials, for the constants every particle of
// a material uses (and water's EOS): libm's sinf, tanf and powf may differ in the last bit
// between machines, because glibc picks an FMA variant at run time on CPUs that have it, and
// one such bit would change every later substep.

/// sin x, x in radians with |x| up to ~1e4 (lanes::vsin: error within 2e-7).
inline float portableSin(float x) {
    return lanes::vsin(lanes::splat(x))[0];
}

/// tan x for |x| < π/2, as sin x / sin(x + π/2).
inline float portableTan(float x) {
    return portableSin(x) / portableSin(x + 1.57079632679489662f);
}

/// x^y for x > 0 (lanes::vexp, lanes::vlog: ~1 ulp each).
inline float portablePower(float x, float y) {
    return lanes::vexp(lanes::vlog(lanes::splat(x)) * y)[0];
}

/// Drucker-Prager friction coefficient α = √(2/3) · 2 sin φ / (3 − sin φ), φ in degrees.
inline float frictionAlpha(float phiDegrees) {
    const float s = portableSin(degToRad(phiDegrees));
    return std::sqrt(2.0f / 3.0f) * 2.0f * s / (3.0f - s);
}

struct SandParams {
    float mu = 0.0f;      ///< Pa, Lamé shear modulus
    float lambda = 0.0f;  ///< Pa, Lamé first parameter
    bool hardening = true;
    float alphaFixed = 0.0f;                             ///< α for hardening == false
    float h0 = 35.0f, h1 = 9.0f, h2 = 0.2f, h3 = 10.0f;  ///< degrees, deg, 1, degrees
    bool volumeCorrection = true;
    float tanFixed = 0.0f;       ///< tan φ for hardening == false
    float grainDiameter = 0.0f;  ///< m; > 0: μ(I)
    float tanRise = 0.0f;        ///< tan(φ₂ − φ_s)
    float inertialI0 = 0.279f;
    float density = 0.0f;  ///< kg/m³, grain density in I

    static SandParams from(const SandDesc& d) {
        SandParams p;
        p.mu = d.youngsModulus / (2.0f * (1.0f + d.poissonRatio));
        p.lambda = d.youngsModulus * d.poissonRatio /
                   ((1.0f + d.poissonRatio) * (1.0f - 2.0f * d.poissonRatio));
        p.hardening = d.hardening;
        p.alphaFixed = frictionAlpha(d.frictionAngleDeg);
        p.h0 = d.h0;
        p.h1 = d.h1;
        p.h2 = d.h2;
        p.h3 = d.h3;
        p.volumeCorrection = d.volumeCorrection;
        p.tanFixed = portableTan(degToRad(d.frictionAngleDeg));
        p.grainDiameter = d.grainDiameter;
        p.tanRise = portableTan(degToRad(d.inertialRiseDeg));
        p.inertialI0 = d.inertialI0;
        p.density = d.density;
        return p;
    }
};

/// Drucker-Prager α of the rate-dependent friction μ(I) (SandDesc::grainDiameter) from the
/// rate-independent coefficient tanPhi, the deviatoric shear rate (1/s) and the Kirchhoff
/// pressure p (Pa, > 0). Only +, −, ×, ÷ and √ (sin(atan μ) = μ / √(1 + μ²)), so the SIMD
/// lanes give the same bits on every machine.
inline float inertialAlpha(const SandParams& p, float tanPhi, float shearRate, float pressure) {
    const float inertial = shearRate * p.grainDiameter / std::sqrt(pressure / p.density);
    const float muMax = (tanPhi + p.tanRise) / (1.0f - tanPhi * p.tanRise);
    const float mu = tanPhi + (muMax - tanPhi) * inertial / (p.inertialI0 + inertial);
    const float s = mu / std::sqrt(1.0f + mu * mu);
    return 0.816496580927726033f * 2.0f * s / (3.0f - s);
}

/// Klar et al. 2016 return mapping on the trial elastic F (Hencky strain, d = 3) with the
/// volume correction of Tampubolon et al. 2017. Updates f (to the projected F_E), q, vc,
/// and writes the Kirchhoff stress τ = U (2μ ε + λ tr ε I) Uᵀ and J = det F_E.
/// Scalar reference (libm log/exp/sin) for tests; the solver runs sandReturnMapLanes().
/// shearRate (1/s, √(2 D′:D′) of the velocity gradient) matters only with μ(I).
inline void sandReturnMap(const SandParams& p, Mat3f& f, float& q, float& vc, Mat3f& tau,
                          float& jacobian, float shearRate = 0.0f) {
    Mat3f u, v;
    Vec3f sigma;
    svd3(f, u, sigma, v);
    Vec3f eps = sigma.cwiseMax(1.0e-6f).array().log().matrix();
    const float logJTrial = eps.sum();
    if (p.volumeCorrection) eps.array() += vc / 3.0f;
    const float phi = p.hardening ? p.h0 + (p.h1 * q - p.h3) * std::exp(-p.h2 * q) : 0.0f;
    float alpha = p.hardening ? frictionAlpha(phi) : p.alphaFixed;
    const float tr = eps.sum();
    const float pressure = -(2.0f * p.mu / 3.0f + p.lambda) * tr;
    if (p.grainDiameter > 0.0f && pressure > 0.0f) {
        const float sinPhi = std::sin(degToRad(phi));
        const float tanPhi = p.hardening ? sinPhi / std::sqrt(1.0f - sinPhi * sinPhi) : p.tanFixed;
        alpha = inertialAlpha(p, tanPhi, shearRate, pressure);
    }
    if (tr >= 0.0f) {
        // Expansion: cohesionless sand carries no tension, project to the cone tip.
        q += eps.norm();
        eps.setZero();
    } else {
        const Vec3f epsHat = eps.array() - tr / 3.0f;
        const float epsHatNorm = epsHat.norm();
        const float deltaGamma =
            epsHatNorm + (3.0f * p.lambda + 2.0f * p.mu) / (2.0f * p.mu) * tr * alpha;
        if (deltaGamma > 0.0f) {
            eps -= (deltaGamma / epsHatNorm) * epsHat;
            q += deltaGamma;
        }
    }
    const float trNew = eps.sum();
    if (p.volumeCorrection) vc = vc + logJTrial - trNew;
    const Vec3f sigmaNew = eps.array().exp().matrix();
    f = u * sigmaNew.asDiagonal() * v.transpose();
    const Vec3f tauDiag = (2.0f * p.mu * eps.array() + p.lambda * trNew).matrix();
    tau = u * tauDiag.asDiagonal() * u.transpose();
    jacobian = sigmaNew.prod();
}

/// kSvdLanes sand particles for sandReturnMapLanes(); lanes ≥ count are padding.
struct SandLanes {
    Mat3Lanes f;                               ///< in: trial elastic F; out: projected F_E
    Mat3Lanes tau;                             ///< out: Kirchhoff stress τ
    float q[kSvdLanes] = {};                   ///< in/out: hardening state
    float vc[kSvdLanes] = {};                  ///< in/out: volume correction
    float jacobian[kSvdLanes] = {};            ///< out: det F_E
    const SandParams* params[kSvdLanes] = {};  ///< material of each lane
    uint32_t index[kSvdLanes] = {};            ///< particle of each lane (for the caller)
    float shearRate[kSvdLanes] = {};           ///< 1/s, in: for μ(I) (see sandReturnMap)
    int count = 0;                             ///< lanes in use
};

/// The return mapping of sandReturnMap() on kSvdLanes particles at once (SIMD, including
/// the SVD and polynomial log/exp/sin): the same maths to float rounding, ~4× the
/// throughput, and each lane's result depends on its own inputs only. Pads lanes ≥ count.
void sandReturnMapLanes(SandLanes& s);

/// f ← (I + dt c) f on every lane: the trial elastic F from the velocity gradient c (1/s).
void advanceDeformationLanes(Mat3Lanes& f, const Mat3Lanes& c, float dt);

/// x^n for n ≥ 0 by repeated squaring: multiplications only (x⁷ takes 4), cheaper than any
/// pow and the same bits on every x86-64 machine.
inline float wholePower(float x, int n) {
    float result = 1.0f;
    for (float base = x; n > 0; n >>= 1, base *= base)
        if (n & 1) result *= base;
    return result;
}

struct WaterParams {
    float bulkModulus = 0.0f;  ///< Pa
    float gamma = 7.0f;
    bool tait = true;
    float viscosity = 0.0f;  ///< Pa·s
    // Per material, for pressure(), which runs for every water particle in every substep.
    int wholeGamma = 7;          ///< γ when it is a whole number in 1..16, else 0
    float bulkOverGamma = 0.0f;  ///< Pa, K / γ

    static WaterParams from(const WaterDesc& d) {
        WaterParams p;
        p.bulkModulus = d.bulkModulus;
        p.gamma = d.gamma;
        p.tait = d.eos == EquationOfState::Tait;
        p.viscosity = d.viscosity;
        const bool whole = d.gamma >= 1.0f && d.gamma <= 16.0f && d.gamma == std::floor(d.gamma);
        p.wholeGamma = whole ? static_cast<int>(d.gamma) : 0;
        p.bulkOverGamma = d.bulkModulus / d.gamma;
        return p;
    }
    /// Pa, EOS pressure at volume ratio J. A whole γ (water's 7) takes the multiplications
    /// of wholePower instead of a pow.
    [[nodiscard]] float pressure(float j) const {
        if (!tait) return bulkModulus * (1.0f / j - 1.0f);
        const float power =
            wholeGamma > 0 ? 1.0f / wholePower(j, wholeGamma) : portablePower(j, -gamma);
        return bulkOverGamma * (power - 1.0f);
    }
    /// Volume ratio J at which the EOS gives pressure p ≥ 0 Pa (the inverse of pressure()).
    [[nodiscard]] float jacobianAt(float p) const {
        return tait ? portablePower(1.0f + gamma * p / bulkModulus, -1.0f / gamma)
                    : 1.0f / (1.0f + p / bulkModulus);
    }
};

/// Weakly compressible water: J ← J (1 + dt tr C) (kept in [0.2, 5] so the EOS stays
/// finite), τ = J σ with σ = −p I + η (C + Cᵀ).
inline void waterUpdate(const WaterParams& p, const Mat3f& c, float dt, float& jacobian,
                        Mat3f& tau) {
    jacobian = std::clamp(jacobian * (1.0f + dt * c.trace()), 0.2f, 5.0f);
    const float pressure = p.pressure(jacobian);
    tau = (-pressure * jacobian) * Mat3f::Identity();
    if (p.viscosity > 0.0f) tau += (p.viscosity * jacobian) * (c + c.transpose());
}

}  // namespace silt::physics::detail
