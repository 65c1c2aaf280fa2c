#pragma once
// ScenePlan: one clip's scene with every random choice already made. Plain data, the only
// thing the later stages (physics, render, exporters) learn about the scene. Produced by
// scenes::randomize() from a SceneTemplate, the dataset seed and the clip index.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "silt/core/Camera.h"
#include "silt/core/Math.h"
#include "silt/core/TriangleMesh.h"

namespace silt::scenes {

/// Which fields of ObjectPlan::material the template set ("color", "metallic", "roughness").
/// The others hold SurfaceMaterial's defaults.
struct MaterialOverrides {
    bool baseColor = false;
    bool metallic = false;
    bool roughness = false;
};

/// A scripted motion: the object is a kinematic body that moves with `velocity` from `start`
/// on, pushing sand, water and other objects aside (and feeling their reaction, which is
/// measured but does not slow it down). Before `start` it holds still.
struct MotionKey {
    float time = 0.0f;                 ///< s from the clip's first frame, > 0, increasing
    Vec3f offset = Vec3f::Zero();      ///< m, from the placed position
    Vec3f rotationDeg = Vec3f::Zero();  ///< degrees, XYZ Euler turn on top of the placed rotation
    Quatf rotation = Quatf::Identity();  ///< the same turn (world axes, Rz · Ry · Rx)
};

struct MotionPlan {
    std::string type = "pull";            ///< "pull" (drawn out, e.g. upwards) | "push" (sweeps)
    float start = 0.0f;                   ///< s from the clip's first frame
    Vec3f velocity = Vec3f::Zero();       ///< m/s, constant from `start` to the clip's end
    /// A keyframed path instead of start + velocity (when not empty): the placed pose at
    /// t = 0, then each key in turn, linear (or eased in and out) between keys, holding still
    /// after the last.
    std::vector<MotionKey> keyframes;
    bool easeInOut = false;  ///< smoothstep between keys: the object stops at every key

    /// s, when the object first moves.
    [[nodiscard]] float startTime() const {
        if (keyframes.empty()) return start;
        MotionKey before;  // the placed pose
        for (const MotionKey& key : keyframes) {
            if (key.offset != before.offset || key.rotationDeg != before.rotationDeg)
                return before.time;
            before = key;
        }
        return keyframes.back().time;  // never moves
    }
    /// True for a path that turns back on itself (a paddle swung to and fro): two successive
    /// moves between keys point in opposite directions.
    [[nodiscard]] bool reverses() const {
        Vec3f previousMove = Vec3f::Zero(), before = Vec3f::Zero();
        for (const MotionKey& key : keyframes) {
            const Vec3f move = key.offset - before;
            if (move.dot(previousMove) < 0.0f) return true;
            if (move.squaredNorm() > 0.0f) previousMove = move;
            before = key.offset;
        }
        return false;
    }
    /// m/s, the mean upward speed while moving (the velocity's y for a velocity motion; for a
    /// path, the rise from its start to its last key over that time).
    [[nodiscard]] float meanRiseSpeed() const {
        if (keyframes.empty()) return velocity.y();
        const float t0 = startTime(), t1 = keyframes.back().time;
        return t1 > t0 ? keyframes.back().offset.y() / (t1 - t0) : 0.0f;
    }
};

/// A rigid object: one bundled asset at a pose, dropped into the world (or, with a motion,
/// moved along a scripted path).
struct ObjectPlan {
    std::string asset;                      ///< asset name in the library ("chair")
    std::string category;                   ///< semantic class ("furniture")
    /// Whether the asset was drawn by category ("category" in the template) rather than named.
    bool drawnByCategory = false;
    uint32_t instanceId = 0;                ///< label id, 1-based (0 = background)
    Pose pose;                              ///< initial pose of the asset's frame, m
    float scale = 1.0f;                     ///< uniform scale applied to the asset mesh
    float density = 500.0f;                 ///< kg/m³
    float friction = 0.5f;                  ///< Coulomb coefficient, dimensionless
    float restitution = 0.3f;               ///< 0..1
    Vec3f linearVelocity = Vec3f::Zero();   ///< m/s, initial
    Vec3f angularVelocity = Vec3f::Zero();  ///< rad/s, initial, world frame
    SurfaceMaterial material;               ///< appearance
    MaterialOverrides materialOverrides;    ///< which of `material` the template set
    /// Starts inside the sand or water on purpose (buried in the bed, or a paddle standing
    /// in the tank): placement allows its overlap with the continuum, not with other objects.
    bool buried = false;
    std::optional<MotionPlan> motion;       ///< none: a dynamic body moved by physics alone

    /// The asset mesh's own material with the template's overrides applied.
    [[nodiscard]] SurfaceMaterial resolvedMaterial(const SurfaceMaterial& assetMaterial) const {
        SurfaceMaterial out = assetMaterial;
        if (materialOverrides.baseColor) out.baseColor = material.baseColor;
        if (materialOverrides.metallic) out.metallic = material.metallic;
        if (materialOverrides.roughness) out.roughness = material.roughness;
        return out;
    }
};

/// The ground: an infinite plane at y = 0 (drawn as a square of `halfExtent`).
struct GroundPlan {
    float friction = 0.6f;     ///< Coulomb coefficient
    float restitution = 0.2f;  ///< 0..1
    float halfExtent = 10.0f;  ///< m, half side of the drawn square
    SurfaceMaterial material{Vec3f(0.55f, 0.5f, 0.42f), 0.0f, 0.9f};
};

/// How the camera moves over the clip: a path (static, orbit or dolly) plus optional handheld
/// jitter on top of it. at() is a pure function of the plan and t, so a clip's camera is
/// reproducible from the plan alone (the jitter's randomness comes from handheldSeed).
struct CameraPlan {
    CameraIntrinsics intrinsics;
    Vec3f position{3.0f, 2.0f, 3.0f};  ///< m, at t = 0
    Vec3f target{0.0f, 0.3f, 0.0f};    ///< m, look-at point (at t = 0 for a dolly)
    std::string path = "static";       ///< "static" | "orbit" | "dolly"
    float orbitRate = 0.0f;            ///< rad/s about the vertical axis through target (orbit)
    Vec3f dollyPosition{3.0f, 2.0f, 3.0f};  ///< m, dolly: the eye at t = duration
    Vec3f dollyTarget{0.0f, 0.3f, 0.0f};    ///< m, dolly: the look-at point at t = duration
    std::string dollyEasing = "ease_in_out";  ///< dolly: "linear" | "ease_in_out" (smoothstep)
    float duration = 2.0f;  ///< s, the clip's length (frames / fps): the dolly's span
    float handheldAmplitude = 0.0f;  ///< m, largest eye offset along each world axis (0: none)
    float handheldAngle = 0.0f;      ///< rad, largest rotation about each camera axis (0: none)
    float handheldFrequency = 1.0f;  ///< Hz, highest frequency in the jitter (band limit)
    uint64_t handheldSeed = 0;       ///< the jitter's random stream (randomize() derives it
                                     ///< from the clip: streamKey(seed, clip, "camera-handheld"))

    /// The camera at time t (s).
    [[nodiscard]] CameraState at(float t) const;

    /// The handheld jitter at time t: eye offset (m, world axes) and rotation angles (rad,
    /// about the camera's x, y, z axes). Each component lies within ±handheldAmplitude or
    /// ±handheldAngle and is smooth in t (a sum of sinusoids no faster than handheldFrequency).
    struct Jitter {
        Vec3f offset = Vec3f::Zero();
        Vec3f angles = Vec3f::Zero();
    };
    [[nodiscard]] Jitter handheldJitter(float t) const;
};

/// A box of dry sand (Drucker–Prager), filled with particles at the start.
struct SandBlockPlan {
    Vec3f min = Vec3f::Zero();            ///< m, lower corner
    Vec3f max = Vec3f::Zero();            ///< m, upper corner
    /// degrees; set: a fixed friction angle; unset: the hardening law of PHYSICS.md (35° + …)
    std::optional<float> frictionAngleDeg;
    float density = 1600.0f;              ///< kg/m³, bulk density of the sand
    float youngsModulus = 3.537e5f;       ///< Pa
    float poissonRatio = 0.3f;            ///< dimensionless, [0, 0.5)
    float grainDiameter = 0.0f;           ///< m; > 0: rate-dependent friction μ(I)
    SurfaceMaterial material{Vec3f(0.76f, 0.62f, 0.42f), 0.0f, 0.95f};
};

/// A box of water, filled with particles at the start.
struct WaterBlockPlan {
    Vec3f min = Vec3f::Zero();   ///< m
    Vec3f max = Vec3f::Zero();   ///< m
    float density = 1000.0f;     ///< kg/m³
    float maxFlowSpeed = 2.0f;   ///< m/s, sets the weakly compressible sound speed (10×)
    float viscosity = 0.0f;      ///< Pa·s, dynamic
    SurfaceMaterial material{Vec3f(0.08f, 0.28f, 0.45f), 0.0f, 0.05f};
};

/// A pour: sand or water added through a nozzle at a volume rate during a time window
/// (physics::EmitterDesc has the schedule). The material fields of the other kind are unused.
struct EmitterPlan {
    std::string kind = "sand";                  ///< "sand" | "water"
    std::string shape = "disc";                 ///< "disc" | "rectangle"
    Vec3f position{0.0f, 0.5f, 0.0f};           ///< m, centre of the nozzle opening
    Vec3f velocity{0.0f, -0.5f, 0.0f};          ///< m/s, initial velocity; sets the nozzle axis
    float radius = 0.02f;                       ///< m, disc nozzle
    float width = 0.04f;                        ///< m, rectangle along its first axis (x for a vertical pour)
    float depth = 0.04f;                        ///< m, rectangle along its second axis (z for a vertical pour)
    float rate = 2.0e-4f;                       ///< m³/s of material
    float start = 0.0f;                         ///< s
    float end = 1.0f;                           ///< s
    uint32_t maxParticles = 100000;             ///< budget of this emitter
    uint64_t seed = 0;                          ///< jitter stream key, from the clip's RNG
    std::optional<float> frictionAngleDeg;      ///< sand: degrees; unset = hardening law
    float density = 1600.0f;                    ///< kg/m³ (sand bulk or water)
    float youngsModulus = 3.537e5f;             ///< Pa, sand
    float poissonRatio = 0.3f;                  ///< sand
    float grainDiameter = 0.0f;                 ///< sand: m; > 0: μ(I) friction
    float maxFlowSpeed = 2.0f;                  ///< m/s, water (sound speed 10×)
    float viscosity = 0.0f;                     ///< Pa·s, water
    SurfaceMaterial material{Vec3f(0.76f, 0.62f, 0.42f), 0.0f, 0.95f};
};

/// Sand and water simulated with MPM in a walled box whose floor is the ground (y = min.y).
struct ContinuumPlan {
    float cellSize = 0.02f;                   ///< m, grid spacing
    int particlesPerCellPerAxis = 2;          ///< particles per cell = this³
    Vec3f domainMin{-0.5f, 0.0f, -0.5f};      ///< m
    Vec3f domainMax{0.5f, 1.0f, 0.5f};        ///< m
    float floorFriction = 0.5f;               ///< Coulomb coefficient of the floor
    float wallFriction = 0.0f;                ///< Coulomb coefficient of the walls
    std::vector<SandBlockPlan> sand;
    std::vector<WaterBlockPlan> water;
    std::vector<EmitterPlan> emitters;  ///< pours

    /// Whether the clip has any material of that kind ("sand" | "water"): a box or a pour.
    [[nodiscard]] bool has(const std::string& kind) const {
        if (kind == "sand" && !sand.empty()) return true;
        if (kind == "water" && !water.empty()) return true;
        for (const EmitterPlan& e : emitters)
            if (e.kind == kind) return true;
        return false;
    }
};

struct ScenePlan {
    std::string templateName;
    uint64_t seed = 0;  ///< dataset seed
    uint64_t clipIndex = 0;
    uint32_t frames = 48;               ///< output frames
    uint32_t fps = 24;                  ///< frames per second
    uint32_t substeps = 8;              ///< physics steps per frame
    Vec3f gravity{0.0f, -9.81f, 0.0f};  ///< m/s²
    GroundPlan ground;
    std::vector<ObjectPlan> objects;
    CameraPlan camera;
    LightingDesc lighting;
    std::optional<ContinuumPlan> continuum;  ///< sand and water; none = rigid bodies only
    /// Every value drawn from a distribution, keyed by its JSON path in the template
    /// ("/objects/0/position/1": 1.23). Recorded in the clip metadata.
    nlohmann::json sampled = nlohmann::json::object();
};

}  // namespace silt::scenes
