#include "silt/app/ContinuumEvents.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "silt/core/Check.h"

namespace silt::app {
namespace {

constexpr float kNone = -std::numeric_limits<float>::infinity();
constexpr size_t kNoEvent = static_cast<size_t>(-1);

}  // namespace

ContinuumEvents::ContinuumEvents(const scenes::ScenePlan& plan,
                                 std::vector<Eigen::AlignedBox3f> localBounds)
    : mPlan(plan), mLocalBounds(std::move(localBounds)) {
    SILT_CHECK(plan.continuum.has_value());
    SILT_CHECK_EQ(mLocalBounds.size(), plan.objects.size());
    const scenes::ContinuumPlan& c = *plan.continuum;
    mCell = c.cellSize;
    mSpacing = c.cellSize / float(c.particlesPerCellPerAxis);
    mDomainMin = c.domainMin;
    mColumnsX = std::max(1, int(std::ceil((c.domainMax.x() - c.domainMin.x()) / mCell)));
    mColumnsZ = std::max(1, int(std::ceil((c.domainMax.z() - c.domainMin.z()) / mCell)));
    const size_t n = plan.objects.size();
    mBed.assign(n, std::nullopt);
    mSplashed.assign(n, false);
    mPulledOut.assign(n, false);
    mPoured.assign(n, false);
    mPourPeak.assign(n, 0);
    mPourEvent.assign(n, kNoEvent);
    mLifted.assign(n, {});
}

size_t ContinuumEvents::columnIndex(float x, float z) const {
    const int i = std::clamp(int(std::floor((x - mDomainMin.x()) / mCell)), 0, mColumnsX - 1);
    const int k = std::clamp(int(std::floor((z - mDomainMin.z()) / mCell)), 0, mColumnsZ - 1);
    return size_t(k) * size_t(mColumnsX) + size_t(i);
}

ContinuumEvents::Columns ContinuumEvents::columns(const physics::MpmParticles& particles,
                                                  const std::vector<ContinuumKind>& kinds) const {
    Columns out;
    const size_t count = size_t(mColumnsX) * size_t(mColumnsZ);
    out.sandTop.assign(count, kNone);
    out.waterTop.assign(count, kNone);
    for (size_t p = 0; p < particles.size(); ++p) {
        const Vec3f& x = particles.position[p];
        std::vector<float>& tops =
            kinds[particles.material[p]] == ContinuumKind::Sand ? out.sandTop : out.waterTop;
        float& top = tops[columnIndex(x.x(), x.z())];
        top = std::max(top, x.y());
    }
    // The surface lies half a particle spacing above the highest particle centre (a full box
    // of particles fills its box exactly).
    for (std::vector<float>* tops : {&out.sandTop, &out.waterTop})
        for (float& top : *tops)
            if (top > kNone) top += 0.5f * mSpacing;
    return out;
}

Eigen::AlignedBox3f ContinuumEvents::worldBox(size_t object,
                                              const physics::BodyState& state) const {
    const float scale = mPlan.objects[object].scale;
    const Eigen::AlignedBox3f& local = mLocalBounds[object];
    Eigen::AlignedBox3f box;
    for (int corner = 0; corner < 8; ++corner) {
        using Corner = Eigen::AlignedBox3f::CornerType;
        box.extend(state.pose.position +
                   state.pose.rotation * (scale * local.corner(static_cast<Corner>(corner))));
    }
    return box;
}

std::optional<float> ContinuumEvents::ringSurface(const std::vector<float>& tops,
                                                  const Eigen::AlignedBox3f& box) const {
    std::vector<float> ring;
    const float inner = mCell, outer = 3.0f * mCell;
    for (int k = 0; k < mColumnsZ; ++k) {
        for (int i = 0; i < mColumnsX; ++i) {
            const float x = mDomainMin.x() + (float(i) + 0.5f) * mCell;
            const float z = mDomainMin.z() + (float(k) + 0.5f) * mCell;
            // Distance outside the box's footprint, along the farther axis.
            const float dx = std::max({box.min().x() - x, x - box.max().x(), 0.0f});
            const float dz = std::max({box.min().z() - z, z - box.max().z(), 0.0f});
            const float d = std::max(dx, dz);
            if (d < inner || d > outer) continue;
            const float top = tops[size_t(k) * size_t(mColumnsX) + size_t(i)];
            if (top > kNone) ring.push_back(top);
        }
    }
    if (ring.empty()) return std::nullopt;
    std::nth_element(ring.begin(), ring.begin() + std::ptrdiff_t(ring.size() / 2), ring.end());
    return ring[ring.size() / 2];
}

bool ContinuumEvents::pulledUp(size_t object) const {
    const scenes::ObjectPlan& o = mPlan.objects[object];
    return o.buried && o.motion && o.motion->meanRiseSpeed() > 0.0f;
}

void ContinuumEvents::observe(float time, const physics::MpmParticles& particles,
                              const std::vector<ContinuumKind>& kinds,
                              const std::vector<physics::BodyState>& bodies) {
    SILT_CHECK_EQ(bodies.size(), mPlan.objects.size());
    Columns now = columns(particles, kinds);
    std::vector<Eigen::AlignedBox3f> boxes;
    for (size_t i = 0; i < bodies.size(); ++i) boxes.push_back(worldBox(i, bodies[i]));

    if (mFirst) {
        mFirst = false;
        mBedTop = now.sandTop;
        for (size_t i = 0; i < bodies.size(); ++i) mBed[i] = ringSurface(mBedTop, boxes[i]);
        size_t water = 0;
        for (size_t p = 0; p < particles.size(); ++p)
            water += kinds[particles.material[p]] == ContinuumKind::Water ? 1 : 0;
        const scenes::ContinuumPlan& c = *mPlan.continuum;
        const float spacing = c.cellSize / float(c.particlesPerCellPerAxis);
        const float area =
            (c.domainMax.x() - c.domainMin.x()) * (c.domainMax.z() - c.domainMin.z());
        mWaterRest = c.domainMin.y() + float(water) * spacing * spacing * spacing / area;
    }

    for (size_t i = 0; i < bodies.size(); ++i) {
        const Eigen::AlignedBox3f& box = boxes[i];
        // Splash: water thrown up near the object.
        uint32_t thrown = 0;
        float rising = 0.0f;
        // Lifted and pouring sand over the object's footprint.
        uint32_t lifted = 0, pouring = 0;
        const bool pulled = pulledUp(i);
        const scenes::ObjectPlan& plan = mPlan.objects[i];
        const bool moving = pulled && time + 1e-6f >= plan.motion->startTime();
        const float splashReach = 2.0f * mCell, pourReach = 1.5f * mCell;
        for (size_t p = 0; p < particles.size(); ++p) {
            const Vec3f& x = particles.position[p];
            const Vec3f& v = particles.velocity[p];
            const bool water = kinds[particles.material[p]] == ContinuumKind::Water;
            if (water) {
                if (mSplashed[i] || v.y() < kSplashSpeed || x.y() < mWaterRest + 2.0f * mCell)
                    continue;
                if (x.x() < box.min().x() - splashReach || x.x() > box.max().x() + splashReach ||
                    x.z() < box.min().z() - splashReach || x.z() > box.max().z() + splashReach)
                    continue;
                ++thrown;
                rising += v.y();
            } else if (pulled && mBed[i]) {
                if (x.x() < box.min().x() - pourReach || x.x() > box.max().x() + pourReach ||
                    x.z() < box.min().z() - pourReach || x.z() > box.max().z() + pourReach)
                    continue;
                if (x.y() < *mBed[i] + mCell) continue;
                ++lifted;
                if (moving && v.y() < -kPourSpeed) ++pouring;
            }
        }
        if (!mSplashed[i] && thrown >= kMinParticles) {
            mSplashed[i] = true;
            scenes::SceneEvent e;
            e.kind = scenes::SceneEvent::Kind::Splash;
            e.time = time;
            e.object = i;
            e.particles = thrown;
            e.speed = rising / float(thrown);
            mEvents.push_back(e);
        }
        if (pulled) {
            mLifted[i].push_back(lifted);
            if (mBed[i] && !mPulledOut[i] && box.min().y() > *mBed[i] + 0.5f * mCell) {
                mPulledOut[i] = true;
                scenes::SceneEvent e;
                e.kind = scenes::SceneEvent::Kind::PulledOut;
                e.time = time;
                e.object = i;
                e.speed = plan.motion->meanRiseSpeed();
                mEvents.push_back(e);
            }
            if (pouring >= kMinParticles) {
                if (mPourEvent[i] == kNoEvent) {
                    scenes::SceneEvent e;
                    e.kind = scenes::SceneEvent::Kind::SandPour;
                    e.time = time;
                    e.object = i;
                    mPourEvent[i] = mEvents.size();
                    mEvents.push_back(e);
                }
                mEvents[mPourEvent[i]].particles =
                    std::max(mEvents[mPourEvent[i]].particles, pouring);
            }
        } else {
            mLifted[i].push_back(0);
        }
    }
    mLastTime = time;
    mLast = std::move(now);
    mLastBodies = bodies;
}

std::vector<scenes::SceneEvent> ContinuumEvents::events() const {
    std::vector<scenes::SceneEvent> out = mEvents;
    for (size_t i = 0; i < mLastBodies.size(); ++i) {
        const scenes::ObjectPlan& plan = mPlan.objects[i];
        if (plan.motion) continue;  // scripted: where it ends is the script's doing
        const Eigen::AlignedBox3f box = worldBox(i, mLastBodies[i]);
        if (auto sand = ringSurface(mLast.sandTop, box)) {
            const float depth = *sand - box.min().y();
            if (depth > 0.25f * mCell) {
                scenes::SceneEvent e;
                e.kind = scenes::SceneEvent::Kind::Burial;
                e.time = mLastTime;
                e.object = i;
                e.depth = depth;
                out.push_back(e);
            }
        }
        if (auto water = ringSurface(mLast.waterTop, box)) {
            scenes::SceneEvent e;
            e.time = mLastTime;
            e.object = i;
            if (box.max().y() < *water - 0.5f * mCell) {
                e.kind = scenes::SceneEvent::Kind::Sink;
                e.depth = *water - box.max().y();
                out.push_back(e);
            } else if (box.min().y() < *water + mCell) {
                e.kind = scenes::SceneEvent::Kind::Float;
                out.push_back(e);
            }
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const scenes::SceneEvent& a, const scenes::SceneEvent& b) {
                         return a.time < b.time;
                     });
    return out;
}

}  // namespace silt::app
