#include "mpm/Svd3.h"

#include "mpm/Lanes.h"

namespace silt::physics::detail {
namespace {

using lanes::any;
using lanes::load;
using lanes::store;
using lanes::vabs;
using lanes::VF;
using lanes::VI;
using lanes::vsqrt;

using M3 = VF[3][3];  ///< [row][column]

/// One Jacobi rotation of the symmetric s in the (P, Q) plane, accumulated into v, on the
/// lanes of `active` whose s(P, Q) is not already zero. The other lanes keep their values.
template <int P, int Q>
inline void jacobiRotate(M3& s, M3& v, VI active) {
    constexpr int R = 3 - P - Q;
    const VF apq = s[P][Q];
    const VI rot = active & (vabs(apq) >= 1.0e-30f);
    const VF theta = (s[Q][Q] - s[P][P]) / (2.0f * apq);
    const VF absTheta = vabs(theta);
    const VF signTheta = theta < 0.0f ? VF{} - 1.0f : VF{} + 1.0f;
    // tan of the rotation angle, the smaller root; for huge θ (θ² would overflow) 1/(2θ).
    const VF t =
        absTheta > 1.0e15f ? 0.5f / theta : signTheta / (absTheta + vsqrt(theta * theta + 1.0f));
    const VF c = 1.0f / vsqrt(t * t + 1.0f);
    const VF sn = t * c;
    s[P][P] = rot ? s[P][P] - t * apq : s[P][P];
    s[Q][Q] = rot ? s[Q][Q] + t * apq : s[Q][Q];
    s[P][Q] = s[Q][P] = rot ? VF{} : apq;
    const VF arp = s[R][P], arq = s[R][Q];
    s[R][P] = s[P][R] = rot ? c * arp - sn * arq : arp;
    s[R][Q] = s[Q][R] = rot ? sn * arp + c * arq : arq;
    for (int k = 0; k < 3; ++k) {
        const VF vkp = v[k][P], vkq = v[k][Q];
        v[k][P] = rot ? c * vkp - sn * vkq : vkp;
        v[k][Q] = rot ? sn * vkp + c * vkq : vkq;
    }
}

/// Where m: swaps columns i and j of a and negates the new column j.
inline void swapColumnsNegating(M3& a, int i, int j, VI m) {
    for (int k = 0; k < 3; ++k) {
        const VF ai = a[k][i], aj = a[k][j];
        a[k][i] = m ? aj : ai;
        a[k][j] = m ? -ai : aj;
    }
}

/// Where m: swaps x[i] and x[j].
inline void swapValues(VF* x, int i, int j, VI m) {
    const VF xi = x[i], xj = x[j];
    x[i] = m ? xj : xi;
    x[j] = m ? xi : xj;
}

/// Where m: swaps columns i and j of b and v and negates the new column j (keeps det v).
inline void swapColumns(M3& b, M3& v, VF* len, int i, int j, VI m) {
    swapColumnsNegating(b, i, j, m);
    swapColumnsNegating(v, i, j, m);
    swapValues(len, i, j, m);
}

/// Givens rotation of rows j and i of b that zeroes b(i, j); u accumulates its transpose.
inline void givens(M3& b, M3& u, int j, int i) {
    const VF a = b[j][j], bb = b[i][j];
    const VF rr = vsqrt(a * a + bb * bb);
    const VI nonZero = rr > 0.0f;
    const VF c = nonZero ? a / rr : VF{} + 1.0f;
    const VF sn = nonZero ? bb / rr : VF{};
    for (int k = 0; k < 3; ++k) {
        const VF bj = b[j][k], bi = b[i][k];
        b[j][k] = c * bj + sn * bi;
        b[i][k] = -sn * bj + c * bi;
        const VF uj = u[k][j], ui = u[k][i];
        u[k][j] = c * uj + sn * ui;
        u[k][i] = -sn * uj + c * ui;
    }
}

/// Where σ_i < σ_j: swaps σ_i and σ_j and columns i and j of u and v, negating the new
/// column j of both (det v stays +1 and U diag(σ) Vᵀ is unchanged).
inline void sortSingularValues(VF* sigma, M3& u, M3& v, int i, int j) {
    const VI m = sigma[i] < sigma[j];
    swapValues(sigma, i, j, m);
    swapColumnsNegating(u, i, j, m);
    swapColumnsNegating(v, i, j, m);
}

}  // namespace

void svd3Lanes(const Mat3Lanes& fIn, Mat3Lanes& uOut, Vec3Lanes& sigmaOut, Mat3Lanes& vOut) {
    M3 f;
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) f[r][c] = load(fIn.m[r + 3 * c]);
    M3 s, v;
    for (int p = 0; p < 3; ++p)
        for (int q = 0; q < 3; ++q) {
            s[p][q] = f[0][p] * f[0][q] + f[1][p] * f[1][q] + f[2][p] * f[2][q];
            v[p][q] = VF{} + (p == q ? 1.0f : 0.0f);
        }
    // Cyclic Jacobi on s = FᵀF until the off-diagonal is ~1e-6 of the diagonal (float
    // precision), at most 6 sweeps; a NaN lane fails the test and stops at once.
    VI active = VI{} - 1;
    for (int sweep = 0; sweep < 6; ++sweep) {
        const VF off = s[0][1] * s[0][1] + s[0][2] * s[0][2] + s[1][2] * s[1][2];
        const VF diag = s[0][0] * s[0][0] + s[1][1] * s[1][1] + s[2][2] * s[2][2];
        active &= off > 1.0e-12f * diag;
        if (!any(active)) break;
        jacobiRotate<0, 1>(s, v, active);
        jacobiRotate<0, 2>(s, v, active);
        jacobiRotate<1, 2>(s, v, active);
    }
    M3 b;  // F V
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
            b[r][c] = f[r][0] * v[0][c] + f[r][1] * v[1][c] + f[r][2] * v[2][c];
    // Sort columns by length, descending; a swap negates one column to keep det V = +1.
    VF len[3];
    for (int c = 0; c < 3; ++c) len[c] = b[0][c] * b[0][c] + b[1][c] * b[1][c] + b[2][c] * b[2][c];
    swapColumns(b, v, len, 0, 1, len[0] < len[1]);
    swapColumns(b, v, len, 0, 2, len[0] < len[2]);
    swapColumns(b, v, len, 1, 2, len[1] < len[2]);
    const VF detV = v[0][0] * (v[1][1] * v[2][2] - v[1][2] * v[2][1]) -
                    v[0][1] * (v[1][0] * v[2][2] - v[1][2] * v[2][0]) +
                    v[0][2] * (v[1][0] * v[2][1] - v[1][1] * v[2][0]);
    const VI flip = detV < 0.0f;
    for (int k = 0; k < 3; ++k) {
        v[k][2] = flip ? -v[k][2] : v[k][2];
        b[k][2] = flip ? -b[k][2] : b[k][2];
    }
    // Givens QR: b = u r with r upper triangular (diagonal up to rounding).
    M3 u;
    for (int p = 0; p < 3; ++p)
        for (int q = 0; q < 3; ++q) u[p][q] = VF{} + (p == q ? 1.0f : 0.0f);
    givens(b, u, 0, 1);
    givens(b, u, 0, 2);
    givens(b, u, 1, 2);
    VF sigma[3];
    for (int k = 0; k < 3; ++k) {
        const VI negative = b[k][k] < 0.0f;
        sigma[k] = negative ? -b[k][k] : b[k][k];
        for (int r = 0; r < 3; ++r) u[r][k] = negative ? -u[r][k] : u[r][k];
    }
    // The columns were sorted by length before the QR; rounding there can leave nearly
    // equal (or rank-deficient, ~1e-9) σ out of order: swap them back.
    sortSingularValues(sigma, u, v, 0, 1);
    sortSingularValues(sigma, u, v, 0, 2);
    sortSingularValues(sigma, u, v, 1, 2);
    for (int k = 0; k < 3; ++k) store(sigmaOut.v[k], sigma[k]);
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) {
            store(uOut.m[r + 3 * c], u[r][c]);
            store(vOut.m[r + 3 * c], v[r][c]);
        }
}

void svd3(const Mat3f& f, Mat3f& u, Vec3f& sigma, Mat3f& v) {
    Mat3Lanes fl, ul, vl;
    Vec3Lanes sl;
    for (int l = 0; l < kSvdLanes; ++l) fl.set(l, l == 0 ? f : Mat3f::Identity());
    svd3Lanes(fl, ul, sl, vl);
    u = ul.get(0);
    v = vl.get(0);
    sigma = sl.get(0);
}

}  // namespace silt::physics::detail
