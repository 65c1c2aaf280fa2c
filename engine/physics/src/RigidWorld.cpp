#include "silt/physics/RigidWorld.h"

#include <BulletCollision/CollisionShapes/btShapeHull.h>
#include <btBulletDynamicsCommon.h>

#include <Eigen/Eigenvalues>

#include <set>
#include <utility>

#include "silt/core/Check.h"

namespace silt::physics {
namespace {

btVector3 toBt(const Vec3f& v) {
    return {v.x(), v.y(), v.z()};
}
Vec3f fromBt(const btVector3& v) {
    return {v.x(), v.y(), v.z()};
}
btQuaternion toBt(const Quatf& q) {
    return {q.x(), q.y(), q.z(), q.w()};
}
Quatf fromBt(const btQuaternion& q) {
    return Quatf(q.w(), q.x(), q.y(), q.z());
}

// Hulls with hundreds of input points make Bullet's GJK slow; btShapeHull keeps the
// silhouette with at most a few dozen vertices.
constexpr int kMaxHullInputPoints = 4096;

// Contacts farther apart than this (m) are not handed to the solver; see addBody.
constexpr float kContactProcessingGap = 5e-4f;

/// A convex hull of `points` (asset frame, scaled by `scale`) expressed in the body frame,
/// reduced to its silhouette by btShapeHull.
std::unique_ptr<btConvexHullShape> reducedHull(const std::vector<Vec3f>& points,
                                               const Pose& assetInBody, float scale) {
    btConvexHullShape raw;
    size_t stride = std::max<size_t>(1, points.size() / kMaxHullInputPoints);
    for (size_t i = 0; i < points.size(); i += stride) {
        Vec3f p = assetInBody.apply(points[i] * scale);
        raw.addPoint(toBt(p), false);
    }
    // btShapeHull samples the support function, which includes the margin (0.04 m by
    // default): without zeroing it the hull would grow by 4 cm.
    raw.setMargin(0.0f);
    raw.recalcLocalAabb();
    btShapeHull reducer(&raw);
    reducer.buildHull(0.0f);
    auto shape = std::make_unique<btConvexHullShape>(
        reinterpret_cast<const btScalar*>(reducer.getVertexPointer()), reducer.numVertices(),
        static_cast<int>(sizeof(btVector3)));
    shape->setMargin(0.002f);
    return shape;
}

/// What the event log remembers about a body between steps.
struct BodyTrack {
    bool touchedGround = false;
    bool onGround = false;
    bool tumbled = false;
    bool rested = false;
    float groundRotation = 0.0f;  // rad turned while touching the ground
    double stillSince = -1.0;     // s; < 0 while moving
    Vec3f velocityBefore = Vec3f::Zero();
};

}  // namespace

const char* eventKindName(RigidEvent::Kind kind) {
    switch (kind) {
        case RigidEvent::Kind::GroundContact:
            return "ground_contact";
        case RigidEvent::Kind::BodyContact:
            return "body_contact";
        case RigidEvent::Kind::Bounce:
            return "bounce";
        case RigidEvent::Kind::Tumble:
            return "tumble";
        case RigidEvent::Kind::Rest:
            return "rest";
    }
    return "unknown";
}

const char* restingPoseName(RestingPose pose) {
    switch (pose) {
        case RestingPose::Upright:
            return "upright";
        case RestingPose::OnSide:
            return "on_side";
        case RestingPose::UpsideDown:
            return "upside_down";
    }
    return "unknown";
}

struct RigidWorld::Impl {
    btDefaultCollisionConfiguration configuration;
    btCollisionDispatcher dispatcher{&configuration};
    btDbvtBroadphase broadphase;
    btSequentialImpulseConstraintSolver solver;
    btDiscreteDynamicsWorld world{&dispatcher, &broadphase, &solver, &configuration};
    btStaticPlaneShape groundShape{btVector3(0, 1, 0), 0};
    std::unique_ptr<btRigidBody> ground;
    // Every shape a body uses (compound children before their compound), owned here.
    std::vector<std::unique_ptr<btCollisionShape>> shapes;
    std::vector<std::unique_ptr<btRigidBody>> bodies;
    // Asset frame relative to the body's principal frame, per body.
    std::vector<Pose> assetInBody;
    // Scripted velocities of kinematic bodies (linear, angular); unused for dynamic ones.
    std::vector<std::pair<btVector3, btVector3>> kinematicVelocity;
    std::vector<size_t> pieceCounts;
    RigidEventDesc eventDesc;
    double time = 0.0;
    std::vector<BodyTrack> tracks;
    std::set<std::pair<BodyId, BodyId>> pairsSeen;
    std::vector<RigidEvent> events;
    PenetrationDepths deepest;  // over every step so far

    void recordEvents(float dt);

    ~Impl() {
        for (auto& body : bodies) world.removeRigidBody(body.get());
        if (ground) world.removeRigidBody(ground.get());
    }
};

RigidWorld::RigidWorld(const RigidWorldDesc& desc) : mImpl(std::make_unique<Impl>()) {
    mImpl->eventDesc = desc.events;
    mImpl->world.setGravity(toBt(desc.gravity));
    // Resolve all penetration with split impulses (position-only), never with Baumgarte
    // velocity: the latter adds kinetic energy and makes bodies bounce above e² h.
    btContactSolverInfo& solverInfo = mImpl->world.getSolverInfo();
    solverInfo.m_splitImpulse = 1;
    solverInfo.m_splitImpulsePenetrationThreshold = 0.0f;
    btRigidBody::btRigidBodyConstructionInfo info(0.0f, nullptr, &mImpl->groundShape);
    info.m_friction = desc.groundFriction;
    info.m_restitution = desc.groundRestitution;
    mImpl->ground = std::make_unique<btRigidBody>(info);
    mImpl->world.addRigidBody(mImpl->ground.get());
}

RigidWorld::~RigidWorld() = default;

BodyId RigidWorld::addBody(const RigidBodyDesc& desc) {
    SILT_CHECK(!desc.convexPieces.empty() || desc.mesh != nullptr);
    SILT_CHECK(!desc.convexPieces.empty() || !desc.mesh->positions.empty());
    SILT_CHECK_GE(desc.mass, 0.0f);
    SILT_CHECK_GT(desc.scale, 0.0f);

    // Principal axes: the body frame Bullet integrates in.
    Eigen::SelfAdjointEigenSolver<Mat3f> eigen(desc.inertia);
    Mat3f axes = eigen.eigenvectors();
    if (axes.determinant() < 0.0f) axes.col(2) = -axes.col(2);
    Vec3f principal = eigen.eigenvalues().cwiseMax(1e-9f);
    Pose bodyInAsset;
    bodyInAsset.position = desc.centerOfMass;
    bodyInAsset.rotation = Quatf(axes).normalized();
    Pose assetInBody;
    assetInBody.rotation = bodyInAsset.rotation.conjugate();
    assetInBody.position = -(assetInBody.rotation * bodyInAsset.position);

    btCollisionShape* shape = nullptr;
    size_t pieces = 1;
    if (desc.convexPieces.size() > 1) {
        // Children in the body frame at identity transforms: the compound's frame is the
        // body's principal frame, like a single hull's.
        auto compound = std::make_unique<btCompoundShape>(true, int(desc.convexPieces.size()));
        for (const std::vector<Vec3f>& piece : desc.convexPieces) {
            SILT_CHECK(!piece.empty());
            auto child = reducedHull(piece, assetInBody, desc.scale);
            compound->addChildShape(btTransform::getIdentity(), child.get());
            mImpl->shapes.push_back(std::move(child));
        }
        pieces = desc.convexPieces.size();
        shape = compound.get();
        mImpl->shapes.push_back(std::move(compound));
    } else {
        const std::vector<Vec3f>& points =
            desc.convexPieces.empty() ? desc.mesh->positions : desc.convexPieces.front();
        auto hull = reducedHull(points, assetInBody, desc.scale);
        shape = hull.get();
        mImpl->shapes.push_back(std::move(hull));
    }

    // World transform of the body frame = asset pose ∘ bodyInAsset.
    Pose bodyPose;
    bodyPose.rotation = (desc.pose.rotation * bodyInAsset.rotation).normalized();
    bodyPose.position = desc.pose.apply(bodyInAsset.position);
    btTransform transform(toBt(bodyPose.rotation), toBt(bodyPose.position));

    // Bullet wants kinematic bodies massless (its solver then treats them as immovable).
    const float mass = desc.kinematic ? 0.0f : desc.mass;
    btRigidBody::btRigidBodyConstructionInfo info(mass, nullptr, shape,
                                                  toBt(principal * (mass > 0 ? 1.0f : 0.0f)));
    info.m_startWorldTransform = transform;
    info.m_friction = desc.friction;
    info.m_restitution = desc.restitution;
    info.m_rollingFriction = 0.0f;
    auto body = std::make_unique<btRigidBody>(info);
    body->setLinearVelocity(toBt(desc.linearVelocity));
    body->setAngularVelocity(toBt(desc.angularVelocity));
    // Deactivation depends on timers, not physics: keep every body awake so states are a
    // pure function of the steps taken.
    body->setActivationState(DISABLE_DEACTIVATION);
    // Bullet's speculative contacts (processed before the bodies touch) subtract the
    // remaining gap from the restitution target, so bounces come out 15–40 % too low;
    // only (nearly) touching contacts give the e² bounce-height ratio PHYSICS.md asks for.
    // A small positive gap keeps resting contacts alive from step to step (no jitter).
    body->setContactProcessingThreshold(kContactProcessingGap);
    if (desc.kinematic) {
        // Set before addRigidBody: the broadphase filter group is chosen from the flags there.
        body->setCollisionFlags(body->getCollisionFlags() | btCollisionObject::CF_KINEMATIC_OBJECT);
    }
    const BodyId id = mImpl->bodies.size();
    body->setUserIndex(static_cast<int>(id));  // the ground keeps Bullet's default, -1
    mImpl->world.addRigidBody(body.get());

    mImpl->bodies.push_back(std::move(body));
    mImpl->assetInBody.push_back(assetInBody);
    mImpl->kinematicVelocity.emplace_back(toBt(desc.linearVelocity), toBt(desc.angularVelocity));
    mImpl->pieceCounts.push_back(pieces);
    mImpl->tracks.push_back(BodyTrack{});
    mImpl->tracks.back().velocityBefore = desc.linearVelocity;
    return id;
}

void RigidWorld::Impl::recordEvents(float dt) {
    const double before = time;
    time += dt;
    const auto now = static_cast<float>(time);
    std::vector<bool> touchesGround(bodies.size(), false), touchesAny(bodies.size(), false);
    std::set<std::pair<BodyId, BodyId>> touching;
    const int manifolds = dispatcher.getNumManifolds();
    for (int m = 0; m < manifolds; ++m) {
        const btPersistentManifold* manifold = dispatcher.getManifoldByIndexInternal(m);
        const int a = manifold->getBody0()->getUserIndex();
        const int b = manifold->getBody1()->getUserIndex();
        bool close = false;
        float depth = 0.0f;  // deepest overlap of this pair (negative distance)
        for (int c = 0; c < manifold->getNumContacts(); ++c) {
            const float distance = manifold->getContactPoint(c).getDistance();
            if (distance < eventDesc.contactDistance) close = true;
            depth = std::max(depth, -distance);
        }
        float& deepestOfKind = (a < 0 || b < 0) ? deepest.ground : deepest.bodies;
        deepestOfKind = std::max(deepestOfKind, depth);
        if (!close) continue;
        if (a < 0 && b < 0) continue;
        if (a < 0 || b < 0) {
            const auto id = static_cast<BodyId>(a < 0 ? b : a);
            touchesGround[id] = touchesAny[id] = true;
            continue;
        }
        const auto lo = static_cast<BodyId>(std::min(a, b)),
                   hi = static_cast<BodyId>(std::max(a, b));
        touching.emplace(lo, hi);
        touchesAny[lo] = touchesAny[hi] = true;
    }
    // Pairs in id order, so the log does not depend on Bullet's manifold order.
    for (const auto& pair : touching) {
        if (!pairsSeen.insert(pair).second) continue;
        RigidEvent e;
        e.kind = RigidEvent::Kind::BodyContact;
        e.time = now;
        e.body = pair.first;
        e.other = pair.second;
        e.speed = (tracks[pair.first].velocityBefore - tracks[pair.second].velocityBefore).norm();
        events.push_back(e);
    }
    for (BodyId id = 0; id < bodies.size(); ++id) {
        const btRigidBody& body = *bodies[id];
        BodyTrack& track = tracks[id];
        const Vec3f velocity = fromBt(body.getLinearVelocity());
        const Vec3f angular = fromBt(body.getAngularVelocity());
        auto emit = [&](RigidEvent::Kind kind, float speed) {
            RigidEvent e;
            e.kind = kind;
            e.time = now;
            e.body = id;
            e.speed = speed;
            events.push_back(e);
        };
        if (body.getInvMass() == 0.0f) continue;
        if (touchesGround[id] && !track.touchedGround) {
            track.touchedGround = true;
            emit(RigidEvent::Kind::GroundContact, track.velocityBefore.norm());
        }
        if (track.onGround && !touchesGround[id] && velocity.y() > eventDesc.bounceSpeed) {
            emit(RigidEvent::Kind::Bounce, velocity.y());
        }
        track.onGround = touchesGround[id];
        if (track.onGround) track.groundRotation += angular.norm() * dt;
        if (!track.tumbled && track.groundRotation > eventDesc.tumbleAngle) {
            track.tumbled = true;
            emit(RigidEvent::Kind::Tumble, 0.0f);
        }
        const bool still = touchesAny[id] && velocity.norm() < eventDesc.restLinearSpeed &&
                           angular.norm() < eventDesc.restAngularSpeed;
        if (!still) {
            track.stillSince = -1.0;
        } else {
            if (track.stillSince < 0.0) track.stillSince = before;
            if (!track.rested && time - track.stillSince >= eventDesc.restDuration) {
                track.rested = true;
                RigidEvent e;
                e.kind = RigidEvent::Kind::Rest;
                e.time = static_cast<float>(track.stillSince);
                e.body = id;
                const Quatf rotation =
                    fromBt(body.getWorldTransform().getRotation()) * assetInBody[id].rotation;
                const float up = (rotation * Vec3f::UnitY()).y();
                e.pose = up > 0.7071f    ? RestingPose::Upright
                         : up < -0.7071f ? RestingPose::UpsideDown
                                         : RestingPose::OnSide;
                events.push_back(e);
            }
        }
        track.velocityBefore = velocity;
    }
}

void RigidWorld::step(float dt) {
    SILT_CHECK_GT(dt, 0.0f);
    // Kinematic bodies are moved to their end-of-step pose first: Bullet derives their
    // velocity for the contact solver from the transform change over the step
    // (btRigidBody::saveKinematicState).
    for (size_t i = 0; i < mImpl->bodies.size(); ++i) {
        btRigidBody& body = *mImpl->bodies[i];
        if (!body.isKinematicObject()) continue;
        btTransform next;
        btTransformUtil::integrateTransform(body.getWorldTransform(),
                                            mImpl->kinematicVelocity[i].first,
                                            mImpl->kinematicVelocity[i].second, dt, next);
        body.setWorldTransform(next);
    }
    // maxSubSteps = 0: exactly one step of dt, no accumulator carrying time between calls.
    mImpl->world.stepSimulation(dt, 0, dt);
    mImpl->recordEvents(dt);
}

double RigidWorld::time() const {
    return mImpl->time;
}

const std::vector<RigidEvent>& RigidWorld::events() const {
    return mImpl->events;
}

PenetrationDepths RigidWorld::deepestPenetration() const {
    return mImpl->deepest;
}

size_t RigidWorld::pieceCount(BodyId id) const {
    SILT_CHECK_LT(id, mImpl->pieceCounts.size());
    return mImpl->pieceCounts[id];
}

size_t RigidWorld::bodyCount() const {
    return mImpl->bodies.size();
}

BodyState RigidWorld::bodyState(BodyId id) const {
    SILT_CHECK_LT(id, mImpl->bodies.size());
    const btRigidBody& body = *mImpl->bodies[id];
    const btTransform& t = body.getWorldTransform();
    Pose bodyPose;
    bodyPose.position = fromBt(t.getOrigin());
    bodyPose.rotation = fromBt(t.getRotation());
    const Pose& assetInBody = mImpl->assetInBody[id];
    BodyState state;
    state.pose.rotation = (bodyPose.rotation * assetInBody.rotation).normalized();
    state.pose.position = bodyPose.apply(assetInBody.position);
    state.linearVelocity = fromBt(body.getLinearVelocity());
    state.angularVelocity = fromBt(body.getAngularVelocity());
    return state;
}

Vec3f RigidWorld::centerOfMass(BodyId id) const {
    SILT_CHECK_LT(id, mImpl->bodies.size());
    return fromBt(mImpl->bodies[id]->getCenterOfMassPosition());
}

void RigidWorld::applyImpulse(BodyId id, const Vec3f& linear, const Vec3f& angular) {
    SILT_CHECK_LT(id, mImpl->bodies.size());
    btRigidBody& body = *mImpl->bodies[id];
    if (body.getInvMass() == 0.0f) return;
    body.applyCentralImpulse(toBt(linear));
    body.applyTorqueImpulse(toBt(angular));
}

void RigidWorld::setKinematicVelocity(BodyId id, const Vec3f& linear, const Vec3f& angular) {
    SILT_CHECK_LT(id, mImpl->bodies.size());
    SILT_CHECK(mImpl->bodies[id]->isKinematicObject());
    mImpl->kinematicVelocity[id] = {toBt(linear), toBt(angular)};
}

bool RigidWorld::isKinematic(BodyId id) const {
    SILT_CHECK_LT(id, mImpl->bodies.size());
    return mImpl->bodies[id]->isKinematicObject();
}

double RigidWorld::kineticEnergy() const {
    double energy = 0.0;
    for (const auto& body : mImpl->bodies) {
        if (body->getInvMass() == 0.0f) continue;
        double m = 1.0 / body->getInvMass();
        btVector3 w = body->getAngularVelocity();
        btVector3 localW = w * body->getWorldTransform().getBasis();
        btVector3 inertia = body->getLocalInertia();
        energy += 0.5 * m * body->getLinearVelocity().length2();
        energy +=
            0.5 * (inertia.x() * localW.x() * localW.x() + inertia.y() * localW.y() * localW.y() +
                   inertia.z() * localW.z() * localW.z());
    }
    return energy;
}

}  // namespace silt::physics
