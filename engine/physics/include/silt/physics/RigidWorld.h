#pragma once
// The rigid-body world: Bullet bodies above a ground plane at y = 0, stepped with a fixed
// substep. Bullet types stay inside; callers see plain descriptions and states.
//
// Frames: a body is described in its asset's frame (the mesh's local frame, scaled). Bullet
// wants a frame at the centre of mass along the principal axes of inertia; RigidWorld keeps
// that conversion internal, so poses going in and coming out are always of the asset frame.
//
// Determinism: Bullet runs single-threaded here; the same bodies added in the same order
// and stepped with the same substeps give bit-identical states.
// Thread-safety: none; one thread drives a RigidWorld.

#include <cstddef>
#include <memory>
#include <vector>

#include "silt/core/Math.h"
#include "silt/core/TriangleMesh.h"

namespace silt::physics {

/// Thresholds of the event log (see RigidEvent).
struct RigidEventDesc {
    float contactDistance = 1e-3f;  ///< m; closer than this counts as touching
    float restLinearSpeed = 0.05f;  ///< m/s; slower counts as still
    float restAngularSpeed = 0.3f;  ///< rad/s; slower counts as still
    float restDuration = 0.25f;     ///< s of stillness before a body counts as at rest
    float bounceSpeed = 0.3f;       ///< m/s upward when leaving the ground to count as a bounce
    float tumbleAngle = 1.5708f;    ///< rad of rotation while touching the ground: a tumble
};

struct RigidWorldDesc {
    Vec3f gravity{0.0f, -9.81f, 0.0f};  ///< m/s²
    float groundFriction = 0.6f;        ///< Coulomb coefficient of the ground plane
    float groundRestitution = 0.2f;     ///< 0..1; Bullet multiplies the two bodies' values
    RigidEventDesc events;
};

struct RigidBodyDesc {
    const TriangleMesh* mesh = nullptr;  ///< collision geometry when `convexPieces` is empty (the
                                         ///< convex hull of its vertices); not owned, read in
                                         ///< addBody only
    /// Collision geometry as convex pieces (each the hull of its points, unscaled asset frame,
    /// m), e.g. assets::CollisionShape::pieces; a compound of them when not empty.
    std::vector<std::vector<Vec3f>> convexPieces;
    float scale = 1.0f;                     ///< uniform scale applied to the mesh
    float mass = 1.0f;                      ///< kg; 0 makes a static body
    Vec3f centerOfMass = Vec3f::Zero();     ///< m, in the scaled asset frame
    Mat3f inertia = Mat3f::Identity();      ///< kg·m² about the centre of mass, asset axes
    Pose pose;                              ///< initial pose of the asset frame
    Vec3f linearVelocity = Vec3f::Zero();   ///< m/s of the centre of mass
    Vec3f angularVelocity = Vec3f::Zero();  ///< rad/s, world frame
    float friction = 0.5f;                  ///< Coulomb coefficient
    float restitution = 0.3f;               ///< 0..1
    /// Kinematic: moved only by its scripted velocity (setKinematicVelocity, initially the
    /// velocities above), never by gravity, contacts or impulses; dynamic bodies collide
    /// with it as with an infinitely heavy one.
    bool kinematic = false;
};

struct BodyState {
    Pose pose;                              ///< asset frame in the world
    Vec3f linearVelocity = Vec3f::Zero();   ///< m/s of the centre of mass
    Vec3f angularVelocity = Vec3f::Zero();  ///< rad/s, world frame
};

using BodyId = size_t;
inline constexpr BodyId kGround = static_cast<BodyId>(-1);

/// How a body lies when it comes to rest: where its asset frame's +Y axis points.
enum class RestingPose {
    Upright,     ///< +Y within 45° of up
    OnSide,      ///< +Y between 45° and 135° from up
    UpsideDown,  ///< +Y within 45° of down
};

/// Something that happened in the world, for labels and captions. Each kind is reported at
/// most once per body (BodyContact once per pair), except Bounce, which is reported each time.
struct RigidEvent {
    enum class Kind {
        GroundContact,  ///< first touch of the ground; `speed` = impact speed, m/s
        BodyContact,    ///< first touch of `body` and `other` (body < other); `speed` = relative
        Bounce,         ///< left the ground moving up at `speed` m/s after touching it
        Tumble,         ///< turned by more than RigidEventDesc::tumbleAngle while on the ground
        Rest,           ///< came to rest (still for restDuration); `time` = when it became still
    };
    Kind kind = Kind::GroundContact;
    float time = 0.0f;  ///< s since the world was created
    BodyId body = 0;
    BodyId other = kGround;                   ///< BodyContact only
    float speed = 0.0f;                       ///< m/s, see Kind
    RestingPose pose = RestingPose::Upright;  ///< Rest only
};

/// How far bodies overlapped (m, >= 0): the deepest negative contact distance Bullet reported
/// after any step so far. Contacts are resolved by overlap, so a few millimetres are normal;
/// centimetres mean a body was pushed into another or the ground (a bad plan or a blow-up).
struct PenetrationDepths {
    float ground = 0.0f;  ///< m, a body into the ground plane
    float bodies = 0.0f;  ///< m, two bodies into each other
};

/// "ground_contact", "body_contact", "bounce", "tumble", "rest"
[[nodiscard]] const char* eventKindName(RigidEvent::Kind kind);
/// "upright", "on_side", "upside_down"
[[nodiscard]] const char* restingPoseName(RestingPose pose);

class RigidWorld {
public:
    explicit RigidWorld(const RigidWorldDesc& desc = {});
    ~RigidWorld();
    RigidWorld(const RigidWorld&) = delete;
    RigidWorld& operator=(const RigidWorld&) = delete;

    /// Adds a dynamic body (static when mass is 0). Ids are consecutive from 0.
    BodyId addBody(const RigidBodyDesc& desc);

    /// Advances the world by exactly one step of `dt` seconds (no internal substepping).
    void step(float dt);

    [[nodiscard]] size_t bodyCount() const;
    [[nodiscard]] BodyState bodyState(BodyId id) const;
    /// m, world position of the body's centre of mass.
    [[nodiscard]] Vec3f centerOfMass(BodyId id) const;
    /// Adds an impulse (N·s) at the centre of mass and an angular impulse (N·m·s) about it,
    /// e.g. the reaction of sand or water on the body; takes effect at the next step.
    void applyImpulse(BodyId id, const Vec3f& linear, const Vec3f& angular);
    /// Sets the velocity (m/s of the centre of mass; rad/s, world frame) a kinematic body
    /// moves with from the next step on. The body must have been added with kinematic = true.
    void setKinematicVelocity(BodyId id, const Vec3f& linear, const Vec3f& angular);
    [[nodiscard]] bool isKinematic(BodyId id) const;
    /// Total kinetic energy of all dynamic (not kinematic) bodies, J.
    [[nodiscard]] double kineticEnergy() const;
    /// Seconds simulated so far.
    [[nodiscard]] double time() const;
    /// Events so far, in the order they happened (ties by body id).
    [[nodiscard]] const std::vector<RigidEvent>& events() const;
    /// The deepest overlaps seen after any step so far (see PenetrationDepths).
    [[nodiscard]] PenetrationDepths deepestPenetration() const;
    /// Number of convex pieces of a body's collision shape.
    [[nodiscard]] size_t pieceCount(BodyId id) const;

private:
    struct Impl;
    std::unique_ptr<Impl> mImpl;
};

}  // namespace silt::physics
