#include "silt/physics/mpm/MpmEmitter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "silt/core/Rng.h"

namespace silt::physics {

Status validateEmitter(const EmitterDesc& d) {
    auto bad = [](const char* field, const char* expected, float got) -> Status {
        return Error{fmt::format("EmitterDesc.{}: expected {}, got {}", field, expected, got)};
    };
    if (!d.centre.allFinite()) return Error{"EmitterDesc.centre: expected finite coordinates"};
    if (!d.velocity.allFinite() || !(d.velocity.norm() > 0.0f))
        return Error{"EmitterDesc.velocity: expected a finite, non-zero velocity (it sets the "
                     "nozzle axis)"};
    if (d.shape == NozzleShape::Disc && !(d.radius > 0.0f))
        return bad("radius", "a positive nozzle radius (m)", d.radius);
    if (d.shape == NozzleShape::Rectangle && !(d.halfSize.minCoeff() > 0.0f))
        return bad("halfSize", "positive half sizes (m)", d.halfSize.minCoeff());
    if (!(d.rate > 0.0f) || !std::isfinite(d.rate))
        return bad("rate", "a positive volume rate (m³/s)", d.rate);
    if (!(d.spacing > 0.0f) || !std::isfinite(d.spacing))
        return bad("spacing", "a positive particle spacing (m)", d.spacing);
    if (!(d.start >= 0.0f)) return bad("start", "a time ≥ 0 (s)", d.start);
    if (!(d.end > d.start)) return bad("end", "a time after start (s)", d.end);
    if (!(d.jitter >= 0.0f && d.jitter <= 0.5f)) return bad("jitter", "a value in [0, 0.5]", d.jitter);
    return {};
}

MpmEmitter::MpmEmitter(const EmitterDesc& desc) : mDesc(desc) {
    const float h = desc.spacing;
    mParticleVolume = h * h * h;
    mAxis = desc.velocity.normalized();
    const Vec3f ref = std::abs(mAxis.x()) > 0.9f ? Vec3f::UnitZ() : Vec3f::UnitX();
    mU = (ref - ref.dot(mAxis) * mAxis).normalized();
    mV = mAxis.cross(mU);
    // Lattice sites centred on the nozzle axis, row by row (deterministic order).
    const float ru = desc.shape == NozzleShape::Disc ? desc.radius : desc.halfSize.x();
    const float rv = desc.shape == NozzleShape::Disc ? desc.radius : desc.halfSize.y();
    const int nu = std::max(1, static_cast<int>(std::lround(2.0f * ru / h)));
    const int nv = std::max(1, static_cast<int>(std::lround(2.0f * rv / h)));
    for (int i = 0; i < nu; ++i)
        for (int j = 0; j < nv; ++j) {
            const Vec2f s((static_cast<float>(i) - 0.5f * static_cast<float>(nu - 1)) * h,
                          (static_cast<float>(j) - 0.5f * static_cast<float>(nv - 1)) * h);
            if (desc.shape == NozzleShape::Disc && s.squaredNorm() > desc.radius * desc.radius)
                continue;
            mSites.push_back(s);
        }
    // A nozzle narrower than the spacing still pours: one site on the axis.
    if (mSites.empty()) mSites.emplace_back(0.0f, 0.0f);
}

bool MpmEmitter::activeAfter(double t) const {
    return mEmitted < mDesc.maxParticles && t < static_cast<double>(mDesc.end) + 1.0e-9 &&
           mEmitted < static_cast<uint32_t>(std::floor(
                          static_cast<double>(mDesc.rate) *
                          (static_cast<double>(mDesc.end) - static_cast<double>(mDesc.start)) /
                          static_cast<double>(mParticleVolume) * (1.0 + 1.0e-6)));
}

size_t MpmEmitter::emit(double t, const Vec3f& gravity, std::vector<Vec3f>& positions,
                        std::vector<Vec3f>& velocities) {
    const double start = mDesc.start;
    if (t < start) return 0;
    const double tc = std::min(t, static_cast<double>(mDesc.end));
    const double v0 = mParticleVolume;
    // The relative 1e-6 (float inputs) keeps an exact multiple (rate · T = n · V) from
    // rounding down to n − 1.
    const double due = std::floor(static_cast<double>(mDesc.rate) * (tc - start) / v0 * (1.0 + 1.0e-6));
    const uint32_t target = static_cast<uint32_t>(
        std::min(static_cast<double>(mDesc.maxParticles), std::max(0.0, due)));
    const size_t sites = mSites.size();
    const double sliceTime = static_cast<double>(sites) * v0 / static_cast<double>(mDesc.rate);
    const float h = mDesc.spacing;
    size_t added = 0;
    for (; mEmitted < target; ++mEmitted, ++added) {
        const size_t n = mEmitted;
        const size_t k = n / sites;
        const Vec2f site = mSites[n % sites];
        const float age = static_cast<float>(t - (start + static_cast<double>(k) * sliceTime));
        Pcg32 rng(n, mDesc.seed);
        const float ju = (rng.uniformFloat() - 0.5f) * 2.0f * mDesc.jitter * h;
        const float jv = (rng.uniformFloat() - 0.5f) * 2.0f * mDesc.jitter * h;
        const float ja = (rng.uniformFloat() - 0.5f) * 2.0f * mDesc.jitter * h;
        const Vec3f nozzle =
            mDesc.centre + (site.x() + ju) * mU + (site.y() + jv) * mV + ja * mAxis;
        positions.push_back(nozzle + age * mDesc.velocity + (0.5f * age * age) * gravity);
        velocities.push_back(mDesc.velocity + age * gravity);
    }
    return added;
}

}  // namespace silt::physics
