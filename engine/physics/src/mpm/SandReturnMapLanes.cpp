// sandReturnMapLanes(): the Drucker-Prager return mapping of Constitutive.h (sandReturnMap)
// for kSvdLanes particles at once. Same steps in the same order, written on lane vectors
// with selects instead of branches.

#include "mpm/Constitutive.h"
#include "mpm/Lanes.h"

namespace silt::physics::detail {

using lanes::load;
using lanes::splat;
using lanes::store;
using lanes::VF;
using lanes::VI;

void sandReturnMapLanes(SandLanes& s) {
    for (int l = s.count; l < kSvdLanes; ++l) {
        s.f.set(l, Mat3f::Identity());
        s.q[l] = 0.0f;
        s.vc[l] = 0.0f;
        s.shearRate[l] = 0.0f;
        s.params[l] = s.params[0];
    }
    // Per-lane material parameters (lanes may hold different sand materials), built in
    // registers: scalar stores read back as one vector would stall store forwarding.
    VF mu, lambda, alphaFixed, h0, h1, h2, h3, tanFixed, grain, tanRise, i0, density;
    VI hard, volCorr, inertial;
    for (int l = 0; l < kSvdLanes; ++l) {
        const SandParams& p = *s.params[l];
        mu[l] = p.mu;
        lambda[l] = p.lambda;
        alphaFixed[l] = p.alphaFixed;
        h0[l] = p.h0;
        h1[l] = p.h1;
        h2[l] = p.h2;
        h3[l] = p.h3;
        hard[l] = p.hardening ? -1 : 0;
        volCorr[l] = p.volumeCorrection ? -1 : 0;
        tanFixed[l] = p.tanFixed;
        grain[l] = p.grainDiameter;
        tanRise[l] = p.tanRise;
        i0[l] = p.inertialI0;
        density[l] = p.density > 0.0f ? p.density : 1.0f;
        inertial[l] = p.grainDiameter > 0.0f ? -1 : 0;
    }
    const VF vMu = mu, vLambda = lambda;

    Mat3Lanes u, v;
    Vec3Lanes sigma;
    svd3Lanes(s.f, u, sigma, v);

    VF eps[3];
    for (int k = 0; k < 3; ++k) eps[k] = lanes::vlog(lanes::vmax(load(sigma.v[k]), splat(1.0e-6f)));
    const VF logJTrial = eps[0] + eps[1] + eps[2];
    VF vc = load(s.vc);
    VF q = load(s.q);
    for (auto& e : eps) e = volCorr ? e + vc / 3.0f : e;
    // Friction angle from the hardening law (degrees), α = √(2/3) · 2 sin φ / (3 − sin φ).
    const VF phi = h0 + (h1 * q - h3) * lanes::vexp(-h2 * q);
    const VF sinPhi = lanes::vsin(phi * 0.0174532925199432958f);
    const VF alphaHard = 0.816496580927726033f * 2.0f * sinPhi / (3.0f - sinPhi);
    VF alpha = hard ? alphaHard : alphaFixed;
    const VF tr = eps[0] + eps[1] + eps[2];
    // Rate-dependent friction μ(I): inertialAlpha() of Constitutive.h on the lanes.
    if (lanes::any(inertial)) {
        const VF pressure = -(2.0f * vMu / 3.0f + vLambda) * tr;
        const VI active = inertial & (pressure > 0.0f);
        const VF safeP = active ? pressure : splat(1.0f);
        const VF tanPhi = hard ? sinPhi / lanes::vsqrt(1.0f - sinPhi * sinPhi) : tanFixed;
        const VF inertialNumber = load(s.shearRate) * grain / lanes::vsqrt(safeP / density);
        const VF muMax = (tanPhi + tanRise) / (1.0f - tanPhi * tanRise);
        const VF m = tanPhi + (muMax - tanPhi) * inertialNumber / (i0 + inertialNumber);
        const VF sinEff = m / lanes::vsqrt(1.0f + m * m);
        const VF alphaRate = 0.816496580927726033f * 2.0f * sinEff / (3.0f - sinEff);
        alpha = active ? alphaRate : alpha;
    }
    const VI expand = tr >= 0.0f;
    // Expansion: cohesionless sand carries no tension, project to the cone tip.
    const VF epsNorm = lanes::vsqrt(eps[0] * eps[0] + eps[1] * eps[1] + eps[2] * eps[2]);
    // Compression: shear beyond the cone is projected back onto it.
    VF epsHat[3];
    for (int k = 0; k < 3; ++k) epsHat[k] = eps[k] - tr / 3.0f;
    const VF epsHatNorm =
        lanes::vsqrt(epsHat[0] * epsHat[0] + epsHat[1] * epsHat[1] + epsHat[2] * epsHat[2]);
    const VF deltaGamma = epsHatNorm + (3.0f * vLambda + 2.0f * vMu) / (2.0f * vMu) * tr * alpha;
    const VI yield = ~expand & (deltaGamma > 0.0f);
    const VF shrink = deltaGamma / epsHatNorm;
    for (int k = 0; k < 3; ++k) {
        eps[k] = yield ? eps[k] - shrink * epsHat[k] : eps[k];
        eps[k] = expand ? VF{} : eps[k];
    }
    q = expand ? q + epsNorm : (yield ? q + deltaGamma : q);
    const VF trNew = eps[0] + eps[1] + eps[2];
    vc = volCorr ? vc + logJTrial - trNew : vc;
    store(s.q, q);
    store(s.vc, vc);
    VF sigmaNew[3], tauDiag[3];
    for (int k = 0; k < 3; ++k) {
        sigmaNew[k] = lanes::vexp(eps[k]);
        tauDiag[k] = 2.0f * vMu * eps[k] + vLambda * trNew;
    }
    store(s.jacobian, sigmaNew[0] * sigmaNew[1] * sigmaNew[2]);
    // F_E = U diag(σ_new) Vᵀ and τ = U diag(τ) Uᵀ (symmetric).
    VF uu[3][3], vv[3][3];
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) {
            uu[r][c] = load(u.m[r + 3 * c]);
            vv[r][c] = load(v.m[r + 3 * c]);
        }
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) {
            VF fe = VF{}, te = VF{};
            for (int k = 0; k < 3; ++k) {
                fe += uu[r][k] * sigmaNew[k] * vv[c][k];
                te += uu[r][k] * tauDiag[k] * uu[c][k];
            }
            store(s.f.m[r + 3 * c], fe);
            store(s.tau.m[r + 3 * c], te);
        }
}

void advanceDeformationLanes(Mat3Lanes& f, const Mat3Lanes& c, float dt) {
    VF a[3][3], b[3][3];
    for (int r = 0; r < 3; ++r)
        for (int k = 0; k < 3; ++k) {
            a[r][k] = dt * load(c.m[r + 3 * k]);
            b[r][k] = load(f.m[r + 3 * k]);
        }
    for (int r = 0; r < 3; ++r)
        for (int col = 0; col < 3; ++col)
            store(f.m[r + 3 * col],
                  b[r][col] + (a[r][0] * b[0][col] + a[r][1] * b[1][col] + a[r][2] * b[2][col]));
}

}  // namespace silt::physics::detail
