#include "silt/physics/RigidWorld.h"

#include <BulletCollision/CollisionShapes/btShapeHull.h>
#include <btBulletDynamicsCommon.h>

#include <Eigen/Eigenvalues>

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

}  // namespace

struct RigidWorld::Impl {
    btDefaultCollisionConfiguration configuration;
    btCollisionDispatcher dispatcher{&configuration};
    btDbvtBroadphase broadphase;
    btSequentialImpulseConstraintSolver solver;
    btDiscreteDynamicsWorld world{&dispatcher, &broadphase, &solver, &configuration};
    btStaticPlaneShape groundShape{btVector3(0, 1, 0), 0};
    std::unique_ptr<btRigidBody> ground;
    std::vector<std::unique_ptr<btConvexHullShape>> shapes;
    std::vector<std::unique_ptr<btRigidBody>> bodies;
    // Asset frame relative to the body's principal frame, per body.
    std::vector<Pose> assetInBody;
    // Scripted velocities of kinematic bodies (linear, angular); unused for dynamic ones.
    std::vector<std::pair<btVector3, btVector3>> kinematicVelocity;

    ~Impl() {
        for (auto& body : bodies) world.removeRigidBody(body.get());
        if (ground) world.removeRigidBody(ground.get());
    }
};

RigidWorld::RigidWorld(const RigidWorldDesc& desc) : mImpl(std::make_unique<Impl>()) {
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
    SILT_CHECK(desc.mesh != nullptr);
    SILT_CHECK(!desc.mesh->positions.empty());
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

    // Convex hull of the scaled mesh, expressed in the body frame.
    btConvexHullShape raw;
    size_t stride = std::max<size_t>(1, desc.mesh->positions.size() / kMaxHullInputPoints);
    for (size_t i = 0; i < desc.mesh->positions.size(); i += stride) {
        Vec3f p = assetInBody.apply(desc.mesh->positions[i] * desc.scale);
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

    // World transform of the body frame = asset pose ∘ bodyInAsset.
    Pose bodyPose;
    bodyPose.rotation = (desc.pose.rotation * bodyInAsset.rotation).normalized();
    bodyPose.position = desc.pose.apply(bodyInAsset.position);
    btTransform transform(toBt(bodyPose.rotation), toBt(bodyPose.position));

    // Bullet wants kinematic bodies massless (its solver then treats them as immovable).
    const float mass = desc.kinematic ? 0.0f : desc.mass;
    btRigidBody::btRigidBodyConstructionInfo info(mass, nullptr, shape.get(),
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
    mImpl->world.addRigidBody(body.get());

    mImpl->shapes.push_back(std::move(shape));
    mImpl->bodies.push_back(std::move(body));
    mImpl->assetInBody.push_back(assetInBody);
    mImpl->kinematicVelocity.emplace_back(toBt(desc.linearVelocity), toBt(desc.angularVelocity));
    return mImpl->bodies.size() - 1;
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
