#include "silt/physics/World.h"

#include <fmt/format.h>

#include <cmath>
#include <tuple>
#include <utility>

#include "RigidBodyCollider.h"
#include "silt/core/Check.h"

namespace silt::physics {
namespace {

bool finite(const BodyState& s) {
    return s.pose.position.allFinite() && s.pose.rotation.coeffs().allFinite() &&
           s.linearVelocity.allFinite() && s.angularVelocity.allFinite();
}

// Smoothstep easing of a segment parameter: zero speed at both keys.
float ease(float u, bool smooth) {
    return smooth ? u * u * (3.0f - 2.0f * u) : u;
}

/// Where a keyframed body's asset frame is at time t (see WorldBodyDesc::kinematicPath).
Pose pathPose(const WorldBodyDesc& desc, double t) {
    const Pose& start = desc.body.pose;
    KinematicKey before;  // the initial pose: time 0, no offset, no turn
    for (const KinematicKey& key : desc.kinematicPath) {
        if (t < double(key.time)) {
            const float u = ease(float((t - double(before.time)) / double(key.time - before.time)),
                                 desc.kinematicSmooth);
            Pose p;
            p.position = start.position + before.offset + u * (key.offset - before.offset);
            p.rotation = (before.rotation.slerp(u, key.rotation) * start.rotation).normalized();
            return p;
        }
        before = key;
    }
    return Pose{start.position + before.offset, (before.rotation * start.rotation).normalized()};
}

/// Upper bounds of a path's speed (m/s) and turning rate (rad/s); smoothstep peaks at 1.5×
/// a segment's mean rate.
std::pair<float, float> pathRateBounds(const WorldBodyDesc& desc) {
    float speed = 0.0f, turn = 0.0f;
    const float peak = desc.kinematicSmooth ? 1.5f : 1.0f;
    KinematicKey before;
    for (const KinematicKey& key : desc.kinematicPath) {
        const float dt = key.time - before.time;
        speed = std::max(speed, peak * (key.offset - before.offset).norm() / dt);
        turn = std::max(turn, peak * before.rotation.angularDistance(key.rotation) / dt);
        before = key;
    }
    return {speed, turn};
}

}  // namespace

struct World::Impl {
    struct Body {
        WorldBodyDesc desc;
        BodyId id = 0;
        std::unique_ptr<RigidBodyCollider> collider;  ///< null: not coupled
        Eigen::Vector3d frameImpulse = Eigen::Vector3d::Zero();
        Eigen::Vector3d frameAngularImpulse = Eigen::Vector3d::Zero();
        double frameDt = 0.0;
        Vec3f scriptedVelocity = Vec3f::Zero();  ///< kinematic: velocity of the current step
        Vec3f scriptedAngular = Vec3f::Zero();   ///< kinematic: rad/s of the current step
        float pathSpeed = 0.0f;  ///< keyframed: m/s bound of its asset origin's speed
        float pathTurn = 0.0f;   ///< keyframed: rad/s bound of its turning rate
    };

    WorldDesc desc;
    RigidWorld rigid;
    std::unique_ptr<MpmSolver> continuum;
    std::vector<Body> bodies;
    double time = 0.0;
    int64_t steps = 0;
    Status failure;

    explicit Impl(const WorldDesc& d) : desc(d), rigid(d.rigid) {}

    /// Sets the scripted velocities of the kinematic bodies for a step of dt starting now.
    /// The motion starts with the step whose midpoint is past kinematicStart, so summed
    /// float steps that land a hair before it do not delay the start by a step.
    void driveKinematic(double dt) {
        for (Body& b : bodies) {
            if (b.desc.drive != BodyDrive::Kinematic) continue;
            if (!b.desc.kinematicPath.empty()) {
                // Velocities that take the body from where it is now to the path's pose at the
                // end of the step (Bullet integrates its centre-of-mass frame): exact at every
                // step end, no drift from summed float steps.
                const Pose target = pathPose(b.desc, time + dt);
                const Vec3f comTarget = target.position + target.rotation * b.desc.body.centerOfMass;
                const float step = float(dt);
                b.scriptedVelocity = (comTarget - rigid.centerOfMass(b.id)) / step;
                Quatf turn = target.rotation * rigid.bodyState(b.id).pose.rotation.conjugate();
                if (turn.w() < 0.0f) turn.coeffs() *= -1.0f;  // the short way round
                const Eigen::AngleAxisf axisAngle(turn.normalized());
                b.scriptedAngular = axisAngle.angle() > 0.0f
                                        ? Vec3f(axisAngle.axis() * axisAngle.angle() / step)
                                        : Vec3f::Zero();
            } else {
                const bool moving = time + 0.5 * dt > static_cast<double>(b.desc.kinematicStart);
                b.scriptedVelocity = moving ? b.desc.kinematicVelocity : Vec3f::Zero();
                b.scriptedAngular = Vec3f::Zero();
            }
            rigid.setKinematicVelocity(b.id, b.scriptedVelocity, b.scriptedAngular);
        }
    }

    /// The velocity the continuum must see for a body: Bullet's for dynamic bodies, the
    /// scripted one for kinematic bodies (Bullet only knows it after its next step).
    [[nodiscard]] static Vec3f colliderVelocity(const Body& b, const BodyState& s) {
        return b.desc.drive == BodyDrive::Kinematic ? b.scriptedVelocity : s.linearVelocity;
    }
    [[nodiscard]] static Vec3f colliderAngularVelocity(const Body& b, const BodyState& s) {
        return b.desc.drive == BodyDrive::Kinematic ? b.scriptedAngular : s.angularVelocity;
    }

    Status checkBodies() const {
        for (const Body& b : bodies) {
            const BodyState s = rigid.bodyState(b.id);
            if (!finite(s))
                return Error{fmt::format(
                    "World at step {} (t = {:.6f} s): rigid body {} has a NaN or infinite state",
                    steps, time, b.id)};
        }
        return {};
    }

    Status advanceRigidOnly(float frameDt) {
        const uint32_t n = std::max<uint32_t>(1, desc.rigidSubsteps);
        // Equal steps of frameDt / n, as tools/silt's ClipProducer took before World existed,
        // so rigid-only clips stay bit-identical.
        const float dt = frameDt / static_cast<float>(n);
        for (uint32_t s = 0; s < n; ++s) {
            driveKinematic(dt);
            rigid.step(dt);
            time += dt;
            ++steps;
        }
        return checkBodies();
    }

    /// s, the largest substep that moves no coupled body's surface more than cfl cells.
    [[nodiscard]] float rigidStableDt() const {
        const MpmSettings& s = continuum->settings();
        float dt = s.maxDt;
        for (const Body& b : bodies) {
            if (!b.collider) continue;
            const BodyState st = rigid.bodyState(b.id);
            // Kinematic bodies: the scripted speed even before the start (conservative).
            float speed = 0.0f;
            if (b.desc.drive != BodyDrive::Kinematic)
                speed = st.linearVelocity.norm() +
                        st.angularVelocity.norm() * b.collider->boundingRadius();
            else if (b.desc.kinematicPath.empty())
                speed = b.desc.kinematicVelocity.norm();
            else  // turning about the asset origin, which may lie off the centre of mass
                speed = b.pathSpeed + b.pathTurn * (b.collider->boundingRadius() +
                                                    b.desc.body.centerOfMass.norm());
            if (speed > 0.0f && std::isfinite(speed)) dt = std::min(dt, s.cfl * s.dx / speed);
        }
        return dt;
    }

    Status advanceCoupled(float frameDt) {
        for (Body& b : bodies) {
            b.frameImpulse.setZero();
            b.frameAngularImpulse.setZero();
            b.frameDt = frameDt;
        }
        double remaining = frameDt;
        while (remaining > 0.0) {
            // Equal substeps over what is left of the frame, each within the continuum's
            // (CFL, wave speed) and the bodies' (surface speed) limits; recomputed after
            // every substep from the state, so the sequence is deterministic.
            const double dtMax = std::min(continuum->stableDt(), rigidStableDt());
            const double n = std::ceil(remaining / dtMax - 1.0e-6);
            const float dt = static_cast<float>(remaining / std::max(1.0, n));

            driveKinematic(dt);
            for (Body& b : bodies) {
                if (!b.collider) continue;
                const BodyState st = rigid.bodyState(b.id);
                b.collider->update(st.pose, rigid.centerOfMass(b.id), colliderVelocity(b, st),
                                   colliderAngularVelocity(b, st));
                b.collider->resetImpulse();
            }
            Status s = continuum->substep(dt);
            if (!s.ok()) return s;
            // The continuum's reaction acts over this substep: it goes in before Bullet
            // integrates the same interval (Bullet ignores it for kinematic bodies).
            for (Body& b : bodies) {
                if (!b.collider) continue;
                const Eigen::Vector3d& j = b.collider->impulse();
                const Eigen::Vector3d& l = b.collider->angularImpulse();
                b.frameImpulse += j;
                b.frameAngularImpulse += l;
                rigid.applyImpulse(b.id, j.cast<float>(), l.cast<float>());
            }
            rigid.step(dt);
            time += dt;
            ++steps;
            remaining -= dt;
            if (remaining < 1.0e-7 * frameDt) break;
        }
        return checkBodies();
    }
};

World::World(std::unique_ptr<Impl> impl) : mImpl(std::move(impl)) {}
World::~World() = default;

Result<std::unique_ptr<World>> World::create(const WorldDesc& desc) {
    if (desc.rigidSubsteps == 0)
        return Error{"WorldDesc.rigidSubsteps: expected at least 1 Bullet step per frame, got 0"};
    auto impl = std::make_unique<Impl>(desc);
    if (desc.continuum) {
        MpmSettings settings = *desc.continuum;
        settings.gravity = desc.rigid.gravity;
        auto solver = MpmSolver::create(settings);
        if (!solver) return solver.error().prefixed("WorldDesc.continuum");
        impl->continuum = std::move(*solver);
    }
    return std::unique_ptr<World>(new World(std::move(impl)));
}

BodyId World::addBody(const WorldBodyDesc& desc) {
    Impl& w = *mImpl;
    SILT_CHECK(desc.continuumFriction >= 0.0f);
    SILT_CHECK(desc.continuumBand >= 0.0f);
    RigidBodyDesc body = desc.body;
    body.kinematic = desc.drive == BodyDrive::Kinematic;
    if (body.kinematic) {
        body.linearVelocity = Vec3f::Zero();
        body.angularVelocity = Vec3f::Zero();
    }
    Impl::Body b;
    b.desc = desc;
    b.id = w.rigid.addBody(body);
    SILT_CHECK_EQ(b.id, w.bodies.size());
    if (desc.distanceField != nullptr && w.continuum) {
        const float band = desc.continuumBand * w.continuum->settings().dx;
        // The field is positive beyond its padded box only: a wider band would be cut off.
        SILT_CHECK_LE(band, 3.0f * desc.distanceField->voxelSize);
        b.collider = std::make_unique<RigidBodyCollider>(*desc.distanceField, band);
        b.collider->friction = desc.continuumFriction;
    }
    if (body.kinematic && !desc.kinematicPath.empty()) {
        float previous = 0.0f;
        for (const KinematicKey& key : desc.kinematicPath) {
            SILT_CHECK_GT(key.time, previous);  // the scene checker refuses such paths
            previous = key.time;
        }
        std::tie(b.pathSpeed, b.pathTurn) = pathRateBounds(desc);
    }
    const BodyId id = b.id;
    w.bodies.push_back(std::move(b));
    if (w.continuum) {
        std::vector<GridCollider*> colliders;
        for (Impl::Body& each : w.bodies)
            if (each.collider) colliders.push_back(each.collider.get());
        w.continuum->setColliders(std::move(colliders));
    }
    return id;
}

MpmSolver* World::continuum() {
    return mImpl->continuum.get();
}

const MpmSolver* World::continuum() const {
    return mImpl->continuum.get();
}

Status World::advanceFrame(float frameDt) {
    Impl& w = *mImpl;
    if (!w.failure.ok()) return w.failure;
    if (!(frameDt > 0.0f) || !std::isfinite(frameDt))
        return Error{fmt::format("World::advanceFrame: expected a positive frame interval, got {}",
                                 frameDt)};
    Status s = w.continuum ? w.advanceCoupled(frameDt) : w.advanceRigidOnly(frameDt);
    if (!s.ok()) w.failure = s;
    return s;
}

size_t World::bodyCount() const {
    return mImpl->bodies.size();
}

BodyState World::bodyState(BodyId id) const {
    return mImpl->rigid.bodyState(id);
}

double World::time() const {
    return mImpl->time;
}

Vec3f World::continuumForce(BodyId id) const {
    SILT_CHECK_LT(id, mImpl->bodies.size());
    const Impl::Body& b = mImpl->bodies[id];
    if (b.frameDt <= 0.0) return Vec3f::Zero();
    return (b.frameImpulse / b.frameDt).cast<float>();
}

Vec3f World::continuumTorque(BodyId id) const {
    SILT_CHECK_LT(id, mImpl->bodies.size());
    const Impl::Body& b = mImpl->bodies[id];
    if (b.frameDt <= 0.0) return Vec3f::Zero();
    return (b.frameAngularImpulse / b.frameDt).cast<float>();
}

int64_t World::stepCount() const {
    return mImpl->steps;
}

const RigidWorld& World::rigid() const {
    return mImpl->rigid;
}

const std::vector<RigidEvent>& World::rigidEvents() const {
    return mImpl->rigid.events();
}

}  // namespace silt::physics
