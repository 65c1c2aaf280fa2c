#include "mpm/Svd3.h"

#include <cmath>
#include <utility>

namespace silt::physics::detail {

void svd3(const Mat3f& f, Mat3f& u, Vec3f& sigma, Mat3f& v) {
    Mat3f s = f.transpose() * f;
    v.setIdentity();
    constexpr int kPairs[3][2] = {{0, 1}, {0, 2}, {1, 2}};
    for (int sweep = 0; sweep < 6; ++sweep) {
        const float off = s(0, 1) * s(0, 1) + s(0, 2) * s(0, 2) + s(1, 2) * s(1, 2);
        const float diag = s(0, 0) * s(0, 0) + s(1, 1) * s(1, 1) + s(2, 2) * s(2, 2);
        if (!(off > 1.0e-12f * diag)) break;  // off-diagonal ~1e-6 relative: float precision
        for (const auto& pq : kPairs) {
            const int p = pq[0], q = pq[1], r = 3 - p - q;
            const float apq = s(p, q);
            if (std::abs(apq) < 1.0e-30f) continue;
            const float theta = (s(q, q) - s(p, p)) / (2.0f * apq);
            const float t = std::abs(theta) > 1.0e15f
                                ? 0.5f / theta
                                : std::copysign(1.0f, theta) /
                                      (std::abs(theta) + std::sqrt(theta * theta + 1.0f));
            const float c = 1.0f / std::sqrt(t * t + 1.0f);
            const float sn = t * c;
            s(p, p) -= t * apq;
            s(q, q) += t * apq;
            s(p, q) = s(q, p) = 0.0f;
            const float arp = s(r, p), arq = s(r, q);
            s(r, p) = s(p, r) = c * arp - sn * arq;
            s(r, q) = s(q, r) = sn * arp + c * arq;
            for (int k = 0; k < 3; ++k) {
                const float vkp = v(k, p), vkq = v(k, q);
                v(k, p) = c * vkp - sn * vkq;
                v(k, q) = sn * vkp + c * vkq;
            }
        }
    }
    Mat3f b = f * v;
    // Sort columns by length, descending; a swap negates one column to keep det V = +1.
    Vec3f len(b.col(0).squaredNorm(), b.col(1).squaredNorm(), b.col(2).squaredNorm());
    auto swapCols = [&](int i, int j) {
        b.col(i).swap(b.col(j));
        b.col(j) *= -1.0f;
        v.col(i).swap(v.col(j));
        v.col(j) *= -1.0f;
        std::swap(len[i], len[j]);
    };
    if (len[0] < len[1]) swapCols(0, 1);
    if (len[0] < len[2]) swapCols(0, 2);
    if (len[1] < len[2]) swapCols(1, 2);
    if (v.determinant() < 0.0f) v.col(2) *= -1.0f, b.col(2) *= -1.0f;
    // Givens QR: b = u r with r upper triangular (diagonal up to rounding).
    u.setIdentity();
    auto givens = [&](int j, int i) {  // zero b(i, j) using rows j and i
        const float a = b(j, j), bb = b(i, j);
        const float rr = std::sqrt(a * a + bb * bb);
        const float c = rr > 0.0f ? a / rr : 1.0f;
        const float sn = rr > 0.0f ? bb / rr : 0.0f;
        for (int k = 0; k < 3; ++k) {
            const float bj = b(j, k), bi = b(i, k);
            b(j, k) = c * bj + sn * bi;
            b(i, k) = -sn * bj + c * bi;
            const float uj = u(k, j), ui = u(k, i);
            u(k, j) = c * uj + sn * ui;
            u(k, i) = -sn * uj + c * ui;
        }
    };
    givens(0, 1);
    givens(0, 2);
    givens(1, 2);
    sigma = Vec3f(b(0, 0), b(1, 1), b(2, 2));
    for (int k = 0; k < 3; ++k)
        if (sigma[k] < 0.0f) {
            sigma[k] = -sigma[k];
            u.col(k) *= -1.0f;
        }
}

}  // namespace silt::physics::detail
