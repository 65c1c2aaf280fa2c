#include "silt/app/ClipChecks.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "silt/app/ClipSimulation.h"
#include "silt/core/Hash.h"
#include "silt/core/Rng.h"

namespace silt::app {
namespace {

using nlohmann::json;

bool finite(const Vec3f& v) {
    return std::isfinite(v.x()) && std::isfinite(v.y()) && std::isfinite(v.z());
}

/// The larger of the two, NaN when either is: a NaN figure must fail its check.
double worse(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
    return std::max(a, b);
}

/// Rec. 709 luma of the sRGB-encoded bytes, 0..255 (what a viewer sees, not linear light).
float luma(const uint8_t* p) {
    return 0.2126f * float(p[0]) + 0.7152f * float(p[1]) + 0.0722f * float(p[2]);
}

}  // namespace

PhysicsSample measurePhysics(const PhysicsState& state) {
    PhysicsSample sample;
    const double g = state.gravity.cast<double>().norm();
    // Height against gravity: potential energy m·|g|·h above the ground plane y = 0.
    const Eigen::Vector3d up =
        g > 0.0 ? Eigen::Vector3d(-state.gravity.cast<double>() / g) : Eigen::Vector3d::Zero();
    double energy = state.bodyKineticEnergy;
    for (size_t i = 0; i < state.bodyCenters.size(); ++i) {
        const Vec3f& c = state.bodyCenters[i];
        energy += double(state.bodyMasses[i]) * g * up.dot(c.cast<double>());
        const bool off = !finite(c) || std::abs(c.x()) > state.groundHalfExtent ||
                         std::abs(c.z()) > state.groundHalfExtent || c.y() < 0.0f;
        sample.objectOutside.push_back(off);
    }
    if (state.particles) {
        const physics::MpmParticles& p = *state.particles;
        Eigen::AlignedBox3f allowed = state.continuumDomain;
        allowed.min().array() -= state.cellSize;
        allowed.max().array() += state.cellSize;
        for (size_t i = 0; i < p.size(); ++i) {
            const auto kind = size_t(state.materialKinds[p.material[i]]);
            ++sample.particles[kind];
            sample.volume[kind] += double(p.jacobian[i]) * double(p.volume0[i]);
            sample.restVolume[kind] += double(p.volume0[i]);
            if (!finite(p.position[i]) || !finite(p.velocity[i]) || !allowed.contains(p.position[i])) {
                ++sample.lostParticles;
                continue;  // its energy is meaningless; the loss check reports it
            }
            const double own = 0.5 * double(p.mass[i]) * double(p.velocity[i].squaredNorm()) +
                               double(p.mass[i]) * g * up.dot(p.position[i].cast<double>());
            energy += own;
            if (i >= state.previousParticleCount) sample.addedEnergy += own;
        }
    }
    sample.energy = energy;
    sample.penetration = state.penetration;
    return sample;
}

PhysicsState physicsState(const ClipSimulation& sim) {
    PhysicsState state;
    const scenes::ScenePlan& plan = sim.plan();
    const physics::World& world = sim.world();
    if (const physics::MpmSolver* solver = sim.continuum()) {
        state.particles = &solver->particles();
        state.materialKinds = sim.materialKinds();
        state.continuumDomain = Eigen::AlignedBox3f(solver->settings().domainMin,
                                                    solver->settings().domainMax);
        state.cellSize = solver->settings().dx;
    }
    for (size_t i = 0; i < sim.objects().size(); ++i) {
        state.bodyCenters.push_back(world.rigid().centerOfMass(i));
        state.bodyMasses.push_back(sim.objects()[i].mass);
    }
    state.bodyKineticEnergy = world.rigid().kineticEnergy();
    state.penetration = world.rigid().deepestPenetration();
    state.gravity = plan.gravity;
    state.groundHalfExtent = plan.ground.halfExtent;
    return state;
}

ImageSample measureImage(const ImageRGBA8& color, const ImageRGBA8* previous,
                         const ImageU32& instances, std::span<const uint32_t> objectIds) {
    ImageSample sample;
    const size_t n = size_t(color.width) * color.height;
    if (n == 0) return sample;
    const bool compare = previous && previous->width == color.width &&
                         previous->height == color.height;
    double sum = 0.0, sumSq = 0.0, difference = 0.0;
    size_t saturated = 0;
    for (size_t i = 0; i < n; ++i) {
        const float y = luma(color.pixels.data() + 4 * i);
        sum += y;
        sumSq += double(y) * y;
        if (y <= 2.0f || y >= 253.0f) ++saturated;
        if (compare) difference += std::abs(y - luma(previous->pixels.data() + 4 * i));
    }
    sample.lumaMean = sum / double(n);
    sample.lumaStddev = std::sqrt(std::max(0.0, sumSq / double(n) - sample.lumaMean * sample.lumaMean));
    sample.saturatedFraction = double(saturated) / double(n);
    if (compare) sample.differenceToPrevious = difference / double(n);

    // Pixels per instance id, then per object.
    uint32_t maxId = 0;
    for (uint32_t id : objectIds) maxId = std::max(maxId, id);
    std::vector<uint32_t> counts(size_t(maxId) + 1, 0);
    for (uint32_t id : instances.values)
        if (id <= maxId) ++counts[id];
    for (uint32_t id : objectIds) sample.objectPixels.push_back(id == 0 ? 0 : counts[id]);
    return sample;
}

std::vector<CheckResult> evaluateChecks(const scenes::ChecksConfig& config,
                                        std::span<const PhysicsSample> physics,
                                        std::span<const ImageSample> images) {
    std::vector<CheckResult> results;
    if (!config.enabled) return results;
    auto add = [&](std::string_view name, double value) {
        const scenes::CheckDefinition* check = scenes::findCheck(name);
        SILT_CHECK(check != nullptr);
        auto threshold = config.thresholds.find(name);
        if (threshold == config.thresholds.end() || !threshold->second) return;
        CheckResult r;
        r.name = std::string(name);
        r.value = value;
        r.threshold = *threshold->second;
        r.minimum = check->minimum;
        // NaN fails either way: a comparison with NaN is false.
        r.passed = check->minimum ? value >= r.threshold : value <= r.threshold;
        results.push_back(std::move(r));
    };

    if (!physics.empty()) {
        const PhysicsSample& first = physics.front();
        for (ContinuumKind kind : {ContinuumKind::Sand, ContinuumKind::Water}) {
            const auto k = size_t(kind);
            // Against the rest volume of the particles present, so that a pour adding
            // particles is no drift.
            double drift = 0.0;
            bool any = false;
            for (const PhysicsSample& s : physics) {
                if (s.particles[k] == 0 || !(s.restVolume[k] > 0.0)) continue;
                any = true;
                drift = worse(drift, std::abs(s.volume[k] / s.restVolume[k] - 1.0));
            }
            if (!any) continue;
            add(kind == ContinuumKind::Sand ? "sand_volume_drift" : "water_volume_drift", drift);
        }
        // Particles are never dropped by the solver (a pour only adds them): any count below
        // the largest so far is missing.
        size_t most = 0, lost = 0;
        for (const PhysicsSample& s : physics) {
            const size_t count = s.particles[0] + s.particles[1];
            lost = std::max(lost, s.lostParticles + (count < most ? most - count : 0));
            most = std::max(most, count);
        }
        if (most > 0) add("particle_loss", double(lost) / double(most));
        // Energy can only be lost (friction, plasticity, inelastic contacts), never gained,
        // except what added particles bring. A floor of 1 mJ keeps a scene that starts
        // (almost) at rest on the ground from dividing by nothing.
        double gain = 0.0, available = first.energy;
        for (size_t i = 0; i < physics.size(); ++i) {
            if (i > 0) available += physics[i].addedEnergy;
            gain = worse(gain, physics[i].energy / std::max(available, 1e-3));
        }
        add("energy_gain", gain);
        physics::PenetrationDepths deepest;
        for (const PhysicsSample& s : physics) {
            deepest.ground = std::max(deepest.ground, s.penetration.ground);
            deepest.bodies = std::max(deepest.bodies, s.penetration.bodies);
        }
        if (!first.objectOutside.empty()) {
            add("ground_penetration", deepest.ground);
            if (first.objectOutside.size() > 1) add("body_penetration", deepest.bodies);
            std::vector<bool> outside(first.objectOutside.size(), false);
            for (const PhysicsSample& s : physics) {
                for (size_t i = 0; i < outside.size() && i < s.objectOutside.size(); ++i)
                    outside[i] = outside[i] || s.objectOutside[i];
            }
            add("objects_outside_domain", double(std::count(outside.begin(), outside.end(), true)));
        }
    }

    if (!images.empty()) {
        const size_t objects = images.front().objectPixels.size();
        if (objects > 0) {
            double worst = 0.0;
            for (size_t o = 0; o < objects; ++o) {
                size_t hidden = 0;
                for (const ImageSample& s : images)
                    if (o >= s.objectPixels.size() || s.objectPixels[o] == 0) ++hidden;
                worst = std::max(worst, double(hidden) / double(images.size()));
            }
            add("out_of_view_fraction", worst);
        }
        if (images.size() > 1) {
            double sum = 0.0;
            size_t pairs = 0;
            for (const ImageSample& s : images) {
                if (!s.differenceToPrevious) continue;
                sum += *s.differenceToPrevious;
                ++pairs;
            }
            if (pairs > 0) add("frame_difference", sum / double(pairs));
        }
        double contrast = images.front().lumaStddev, saturated = 0.0;
        for (const ImageSample& s : images) {
            contrast = std::min(contrast, s.lumaStddev);
            saturated = std::max(saturated, s.saturatedFraction);
        }
        add("frame_contrast", contrast);
        add("saturated_fraction", saturated);
    }
    return results;
}

json checksJson(const std::vector<CheckResult>& results, const scenes::ChecksConfig& config,
                uint32_t attempt, uint64_t seedStream) {
    json out = {{"passed", allPassed(results)},
                {"attempt", attempt},
                {"seed_stream", seedStream},
                {"on_fail", config.onFail == scenes::CheckFailPolicy::Flag ? "flag" : "regenerate"},
                {"max_attempts", config.maxAttempts},
                {"config_hash", checksHash(config)}};
    for (const CheckResult& r : results) {
        // NaN is not JSON: a check whose value is NaN (a blown-up simulation) records null.
        out[r.name] = {{"value", std::isfinite(r.value) ? json(r.value) : json(nullptr)},
                       {"threshold", r.threshold},
                       {"compare", r.minimum ? ">=" : "<="},
                       {"passed", r.passed}};
    }
    return out;
}

json rejectedAttemptJson(const std::vector<CheckResult>& results, uint32_t attempt,
                         uint64_t seedStream) {
    json failed = json::object();
    for (const CheckResult& r : results)
        if (!r.passed) failed[r.name] = std::isfinite(r.value) ? json(r.value) : json(nullptr);
    return {{"attempt", attempt}, {"seed_stream", seedStream}, {"failed", failed}};
}

std::string failureSummary(const std::vector<CheckResult>& results) {
    std::string out;
    for (const CheckResult& r : results) {
        if (r.passed) continue;
        out += fmt::format("{}{} {:.4g} {} {:.4g}", out.empty() ? "" : ", ", r.name, r.value,
                           r.minimum ? "<" : ">", r.threshold);
    }
    return out;
}

bool allPassed(const std::vector<CheckResult>& results) {
    return std::all_of(results.begin(), results.end(), [](const CheckResult& r) { return r.passed; });
}

std::string checksHash(const scenes::ChecksConfig& config) {
    return hashHex(config.toJson().dump());
}

uint64_t attemptSeed(uint64_t seed, uint64_t clipIndex, uint32_t attempt) {
    if (attempt == 0) return seed;
    return streamKey(seed, clipIndex, fmt::format("attempt {}", attempt));
}

void ClipChecker::addPhysics(const ClipSimulation& sim) {
    if (!mConfig.enabled) return;
    PhysicsState state = physicsState(sim);
    if (!mPhysics.empty())
        state.previousParticleCount = mPhysics.back().particles[0] + mPhysics.back().particles[1];
    mPhysics.push_back(measurePhysics(state));
}

void ClipChecker::addFrame(const ImageRGBA8& color, const LabelImages& labels) {
    if (!mConfig.enabled) return;
    mImages.push_back(measureImage(color, mPrevious.pixels.empty() ? nullptr : &mPrevious,
                                   labels.instance, mObjectIds));
    mPrevious = color;
}

std::vector<CheckResult> ClipChecker::results() const {
    return evaluateChecks(mConfig, mPhysics, mImages);
}

}  // namespace silt::app
