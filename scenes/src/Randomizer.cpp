// randomize(): one clip's ScenePlan from a validated template. Each purpose draws from its
// own stream (streamFor(seed, clip, purpose)), in the order documented in
// docs/scene-spec.md, so adding a draw to one purpose never shifts another.

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "JsonText.h"
#include "Sampler.h"
#include "SpecRules.h"
#include "silt/core/ColorTemperature.h"
#include "silt/scenes/Placement.h"
#include "silt/scenes/SceneTemplate.h"

namespace silt::scenes {

namespace {

using json = nlohmann::json;
using detail::member;
using detail::Sampler;

float toFloat(double v) {
    return static_cast<float>(v);
}

/// What the template's object entries can draw: every asset's facts, and per entry the
/// assets its "category" list admits (empty for entries that name their asset).
struct AssetChoices {
    std::map<std::string, AssetFacts> facts;
    std::vector<std::vector<std::string>> byCategory;  ///< per entry, sorted, no repeats
};

/// Every asset name the template can draw, with the path naming it: a bad name then fails
/// every clip, not only those that happen to draw it.
Result<AssetChoices> lookUpAssets(const SceneTemplate& scene, const AssetLookup& assets,
                                  const CategoryLookup& categories) {
    AssetChoices choices;
    const json& entries = member(scene.spec, "objects");
    for (size_t i = 0; i < entries.size(); ++i) {
        const std::string base = detail::childPath("/objects", i);
        std::vector<std::pair<std::string, std::string>> names;  // (path, name)
        std::vector<std::string> drawable;
        if (entries[i].contains("category")) {
            const std::string path = detail::childPath(base, "category");
            const json& category = entries[i]["category"];
            std::vector<std::string> wanted;
            if (category.is_string()) {
                wanted.push_back(category.get<std::string>());
            } else {
                for (const json& c : category) wanted.push_back(c.get<std::string>());
            }
            if (!categories) {
                return Error{fmt::format("{}: {}: drawing assets by category needs the asset "
                                         "library's category index (none was given)",
                                         scene.source, path)};
            }
            for (const std::string& c : wanted)
                for (const std::string& name : categories(c)) drawable.push_back(name);
            std::sort(drawable.begin(), drawable.end());
            drawable.erase(std::unique(drawable.begin(), drawable.end()), drawable.end());
            if (drawable.empty()) {
                return Error{fmt::format("{}: {}: no asset of category {}", scene.source, path,
                                         category.dump())};
            }
            for (const std::string& name : drawable) names.emplace_back(path, name);
        } else {
            const std::string path = detail::childPath(base, "asset");
            const json& asset = entries[i]["asset"];
            if (asset.is_string()) {
                names.emplace_back(path, asset.get<std::string>());
            } else {
                const json& options = asset["choice"];
                for (size_t j = 0; j < options.size(); ++j)
                    names.emplace_back(detail::childPath(path + "/choice", j),
                                       options[j].get<std::string>());
            }
        }
        choices.byCategory.push_back(std::move(drawable));
        for (const auto& [where, name] : names) {
            if (choices.facts.contains(name)) continue;
            std::optional<AssetFacts> found = assets(name);
            if (!found) {
                return Error{fmt::format("{}: {}: unknown asset '{}'", scene.source, where, name)};
            }
            choices.facts.emplace(name, std::move(*found));
        }
    }
    return choices;
}

void drawScene(const json& spec, Sampler& sampler, ScenePlan& plan) {
    plan.frames = static_cast<uint32_t>(sampler.integer(spec, "frames", plan.frames, ""));
    plan.fps = static_cast<uint32_t>(sampler.integer(spec, "fps", plan.fps, ""));
    const json& image = member(spec, "image");
    CameraIntrinsics& intrinsics = plan.camera.intrinsics;
    intrinsics.width =
        static_cast<uint32_t>(sampler.integer(image, "width", intrinsics.width, "/image"));
    intrinsics.height =
        static_cast<uint32_t>(sampler.integer(image, "height", intrinsics.height, "/image"));
    const json& physics = member(spec, "physics");
    plan.substeps =
        static_cast<uint32_t>(sampler.integer(physics, "substeps", plan.substeps, "/physics"));
    plan.gravity = sampler.vec3(physics, "gravity", plan.gravity, "/physics");
}

void drawGround(const json& spec, Sampler& sampler, GroundPlan& ground) {
    const json& g = member(spec, "ground");
    const std::string path = "/ground";
    ground.friction = toFloat(sampler.number(g, "friction", ground.friction, path));
    ground.restitution = toFloat(sampler.number(g, "restitution", ground.restitution, path));
    ground.halfExtent = toFloat(sampler.number(g, "half_extent", ground.halfExtent, path));
    SurfaceMaterial& m = ground.material;
    m.baseColor = sampler.vec3(g, "color", m.baseColor, path);
    m.metallic = toFloat(sampler.number(g, "metallic", m.metallic, path));
    m.roughness = toFloat(sampler.number(g, "roughness", m.roughness, path));
}

/// Extrinsic X, then Y, then Z about the world axes: R = Rz · Ry · Rx.
Quatf rotationFromDegrees(const Vec3f& degrees) {
    Quatf q = Eigen::AngleAxisf(degToRad(degrees.z()), Vec3f::UnitZ()) *
              Eigen::AngleAxisf(degToRad(degrees.y()), Vec3f::UnitY()) *
              Eigen::AngleAxisf(degToRad(degrees.x()), Vec3f::UnitX());
    return q.normalized();
}

void drawPose(const json& entry, const std::string& path, Sampler& sampler, Pose& pose) {
    pose.position = sampler.vec3(entry, "position", Vec3f::Zero(), path);
    pose.rotation = rotationFromDegrees(sampler.vec3(entry, "rotation_deg", Vec3f::Zero(), path));
}

ObjectPlan drawObject(const json& entry, const std::string& path, const AssetChoices& choices,
                      size_t entryIndex, Sampler& sampler) {
    ObjectPlan object;
    if (entry.contains("category")) {
        object.asset = sampler.pick(choices.byCategory[entryIndex], detail::childPath(path, "asset"));
        object.drawnByCategory = true;
    } else {
        object.asset = sampler.text(entry, "asset", "", path);
    }
    const AssetFacts& asset = choices.facts.at(object.asset);
    object.category = asset.category;
    drawPose(entry, path, sampler, object.pose);
    object.scale = toFloat(sampler.number(entry, "scale", object.scale, path));
    if (entry.contains("size")) {
        // The largest extent of the asset's bounds becomes `size`; without bounds (a lookup
        // that cannot load meshes) the asset keeps its own size.
        const float size = toFloat(sampler.number(entry, "size", 1.0, path));
        if (asset.bounds) {
            const float extent = asset.bounds->sizes().maxCoeff();
            if (extent > 0.0f) object.scale = size / extent;
        }
    }
    object.density = toFloat(sampler.number(entry, "density", asset.density, path));
    object.friction = toFloat(sampler.number(entry, "friction", object.friction, path));
    object.restitution = toFloat(sampler.number(entry, "restitution", object.restitution, path));
    object.linearVelocity = sampler.vec3(entry, "linear_velocity", Vec3f::Zero(), path);
    object.angularVelocity = sampler.vec3(entry, "angular_velocity", Vec3f::Zero(), path);
    // Unset appearance fields keep SurfaceMaterial's defaults; materialOverrides tells the
    // renderer which ones to take from the asset mesh instead (ObjectPlan::resolvedMaterial).
    object.materialOverrides.baseColor = entry.contains("color");
    object.materialOverrides.metallic = entry.contains("metallic");
    object.materialOverrides.roughness = entry.contains("roughness");
    SurfaceMaterial& m = object.material;
    m.baseColor = sampler.vec3(entry, "color", m.baseColor, path);
    m.metallic = toFloat(sampler.number(entry, "metallic", m.metallic, path));
    m.roughness = toFloat(sampler.number(entry, "roughness", m.roughness, path));
    object.buried = entry.value("buried", false);
    if (const json& motion = member(entry, "motion"); motion.is_object()) {
        const std::string motionPath = detail::childPath(path, "motion");
        MotionPlan plan;
        plan.type = motion["type"].get<std::string>();
        plan.start = toFloat(sampler.number(motion, "start", 0.0, motionPath));
        plan.velocity = sampler.vec3(motion, "velocity", Vec3f::Zero(), motionPath);
        if (const json& keys = member(motion, "keyframes"); keys.is_array()) {
            const std::string keysPath = detail::childPath(motionPath, "keyframes");
            for (size_t k = 0; k < keys.size(); ++k) {
                const std::string keyPath = detail::childPath(keysPath, k);
                MotionKey key;
                key.time = toFloat(sampler.number(keys[k], "t", 0.0, keyPath));
                key.offset = sampler.vec3(keys[k], "offset", Vec3f::Zero(), keyPath);
                key.rotationDeg = sampler.vec3(keys[k], "rotation_deg", Vec3f::Zero(), keyPath);
                key.rotation = rotationFromDegrees(key.rotationDeg);
                plan.keyframes.push_back(key);
            }
            plan.easeInOut = sampler.text(motion, "easing", "linear", motionPath) == "ease_in_out";
        }
        // A scripted body follows its script from the first frame: no thrown start.
        object.linearVelocity = Vec3f::Zero();
        object.angularVelocity = Vec3f::Zero();
        object.motion = plan;
    }
    return object;
}

/// The sand and water boxes and the domain, for placement.
struct ContinuumBoxes {
    std::vector<OrientedBox> blocks;  ///< sand and water at the start
    std::optional<Eigen::AlignedBox3f> domain;  ///< the walls (x, z) and the floor
};

ContinuumBoxes continuumBoxes(const std::optional<ContinuumPlan>& continuum) {
    ContinuumBoxes out;
    if (!continuum) return out;
    // Between the walls; objects may start above the top and fall in.
    constexpr float kHigh = 1e30f;
    out.domain = Eigen::AlignedBox3f(continuum->domainMin,
                                     Vec3f(continuum->domainMax.x(), kHigh, continuum->domainMax.z()));
    for (const SandBlockPlan& b : continuum->sand) out.blocks.push_back(alignedBox(b.min, b.max));
    for (const WaterBlockPlan& b : continuum->water) out.blocks.push_back(alignedBox(b.min, b.max));
    return out;
}

/// Whether `box` may join the boxes already placed.
bool placeable(const OrientedBox& box, bool buried, const std::vector<OrientedBox>& placed,
               const ContinuumBoxes& continuum, const CameraState& camera) {
    constexpr float kGap = 0.01f;  // m between boxes, so contacts start as separate bodies
    if (lowestPoint(box) < -1e-4f) return false;
    for (const OrientedBox& other : placed)
        if (boxesOverlap(box, other, kGap)) return false;
    if (continuum.domain && !boxInside(box, *continuum.domain)) return false;
    // Sand and water: an object is either meant to start in them (buried: it must reach
    // into one of the boxes) or must start clear of all of them.
    bool inBlock = false;
    for (const OrientedBox& block : continuum.blocks) {
        const bool overlaps = boxesOverlap(box, block);
        if (overlaps && !buried) return false;
        inBlock = inBlock || overlaps;
    }
    if (buried && !inBlock) return false;
    return inViewOrFallingIntoIt(box, camera);
}

Status drawObjects(const SceneTemplate& scene, const AssetChoices& choices, Sampler& sampler,
                   const CameraState& camera, const ContinuumBoxes& continuum,
                   std::vector<ObjectPlan>& objects) {
    const json& spec = scene.spec;
    std::vector<OrientedBox> placed;
    const json& entries = member(spec, "objects");
    uint32_t nextInstanceId = 1;
    for (size_t i = 0; i < entries.size(); ++i) {
        const json& entry = entries[i];
        const std::string base = detail::childPath("/objects", i);
        int64_t count = sampler.integer(entry, "count", 1, base);
        // Copies are told apart in `sampled` as "/objects/<i>[<k>]/…" whenever the count is
        // anything but a fixed 1, so the paths do not depend on what was drawn.
        const json& countValue = member(entry, "count");
        bool indexed = !countValue.is_null() && !(countValue.is_number() && countValue == 1);
        for (int64_t k = 0; k < count; ++k) {
            std::string path = indexed ? fmt::format("{}[{}]", base, k) : base;
            ObjectPlan object = drawObject(entry, path, choices, i, sampler);
            object.instanceId = nextInstanceId++;
            const std::optional<Eigen::AlignedBox3f>& bounds = choices.facts.at(object.asset).bounds;
            if (bounds) {
                OrientedBox box = orientedBox(*bounds, object.scale, object.pose);
                auto fits = [&] {
                    return placeable(box, object.buried, placed, continuum, camera);
                };
                int tries = 1;
                for (; !fits() && tries < kPlacementTries; ++tries) {
                    drawPose(entry, path, sampler, object.pose);
                    box = orientedBox(*bounds, object.scale, object.pose);
                }
                if (!fits()) {
                    return Error{fmt::format(
                        "{}: {}: cannot place copy {} of '{}' after {} draws of its pose: it "
                        "overlaps an earlier object{}, dips below the ground{} or is out of the "
                        "camera's view every time (widen its position range or lower the count)",
                        scene.source, base, k, object.asset, kPlacementTries,
                        continuum.blocks.empty() ? ""
                        : object.buried          ? ", is not inside the sand or water"
                                                 : " or the sand or water (set \"buried\")",
                        continuum.domain ? ", crosses the continuum's walls" : "")};
                }
                placed.push_back(box);
            }
            objects.push_back(std::move(object));
        }
    }
    return {};
}

void drawCamera(const json& spec, Sampler& sampler, CameraPlan& camera) {
    const json& c = member(spec, "camera");
    const std::string path = "/camera";
    camera.position = sampler.vec3(c, "position", camera.position, path);
    camera.target = sampler.vec3(c, "target", camera.target, path);
    // Angles are given in degrees; absent ones keep the plan's radians untouched.
    if (!member(c, "fov_deg").is_null())
        camera.intrinsics.verticalFov = degToRad(toFloat(sampler.number(c, "fov_deg", 0.0, path)));
    camera.path = sampler.text(c, "path", camera.path, path);
    if (!member(c, "orbit_deg_per_s").is_null())
        camera.orbitRate = degToRad(toFloat(sampler.number(c, "orbit_deg_per_s", 0.0, path)));
    // Appended after the original draws so templates without them draw exactly as before.
    // A dolly's end defaults to its start: an absent end means "no move" on that part.
    camera.dollyPosition = sampler.vec3(c, "dolly_to_position", camera.position, path);
    camera.dollyTarget = sampler.vec3(c, "dolly_to_target", camera.target, path);
    camera.dollyEasing = sampler.text(c, "dolly_easing", camera.dollyEasing, path);
    camera.handheldAmplitude =
        toFloat(sampler.number(c, "handheld_m", camera.handheldAmplitude, path));
    if (!member(c, "handheld_deg").is_null())
        camera.handheldAngle = degToRad(toFloat(sampler.number(c, "handheld_deg", 0.0, path)));
    camera.handheldFrequency =
        toFloat(sampler.number(c, "handheld_hz", camera.handheldFrequency, path));
}

void drawLighting(const json& spec, Sampler& sampler, LightingDesc& lighting) {
    const json& l = member(spec, "lighting");
    const std::string path = "/lighting";
    lighting.sunDirection = sampler.vec3(l, "sun_direction", lighting.sunDirection, path);
    lighting.sunIntensity =
        toFloat(sampler.number(l, "sun_intensity", lighting.sunIntensity, path));
    lighting.sunColor = sampler.vec3(l, "sun_color", lighting.sunColor, path);
    if (!member(l, "sun_temperature_k").is_null()) {
        lighting.sunTemperature = toFloat(sampler.number(l, "sun_temperature_k", 0.0, path));
        lighting.sunColor = colorTemperatureToLinearRgb(lighting.sunTemperature);
    }
    lighting.skyColor = sampler.vec3(l, "sky_color", lighting.skyColor, path);
    lighting.ambientIntensity =
        toFloat(sampler.number(l, "ambient", lighting.ambientIntensity, path));
}

// The corners and the appearance every sand or water box has, drawn in the documented order
// (corners first, appearance last) around the material's own fields.
template <typename Block>
void drawCorners(const json& entry, Sampler& sampler, const std::string& path, Block& block) {
    block.min = sampler.vec3(entry, "min", block.min, path);
    block.max = sampler.vec3(entry, "max", block.max, path);
}
template <typename Block>
void drawAppearance(const json& entry, Sampler& sampler, const std::string& path, Block& block) {
    block.material.baseColor = sampler.vec3(entry, "color", block.material.baseColor, path);
    block.material.roughness =
        toFloat(sampler.number(entry, "roughness", block.material.roughness, path));
}

void drawContinuum(const json& spec, Sampler& sampler, ScenePlan& plan) {
    const json& c = member(spec, "continuum");
    if (c.is_null()) return;
    ContinuumPlan continuum;
    const std::string path = "/continuum";
    continuum.cellSize = toFloat(sampler.number(c, "cell_size", continuum.cellSize, path));
    continuum.particlesPerCellPerAxis = static_cast<int>(
        sampler.integer(c, "particles_per_cell", continuum.particlesPerCellPerAxis, path));
    continuum.floorFriction =
        toFloat(sampler.number(c, "floor_friction", continuum.floorFriction, path));
    continuum.wallFriction =
        toFloat(sampler.number(c, "wall_friction", continuum.wallFriction, path));
    const json& domain = member(c, "domain");
    continuum.domainMin = sampler.vec3(domain, "min", continuum.domainMin, path + "/domain");
    continuum.domainMax = sampler.vec3(domain, "max", continuum.domainMax, path + "/domain");
    const json& sand = member(c, "sand");
    for (size_t i = 0; sand.is_array() && i < sand.size(); ++i) {
        const std::string blockPath = detail::childPath(path + "/sand", i);
        SandBlockPlan block;
        drawCorners(sand[i], sampler, blockPath, block);
        if (sand[i].contains("friction_angle_deg"))
            block.frictionAngleDeg =
                toFloat(sampler.number(sand[i], "friction_angle_deg", 35.0, blockPath));
        block.density = toFloat(sampler.number(sand[i], "density", block.density, blockPath));
        block.youngsModulus =
            toFloat(sampler.number(sand[i], "youngs_modulus", block.youngsModulus, blockPath));
        block.poissonRatio =
            toFloat(sampler.number(sand[i], "poisson_ratio", block.poissonRatio, blockPath));
        // Drawn only when given, so that scenes without it keep their draws.
        if (sand[i].contains("grain_diameter"))
            block.grainDiameter =
                toFloat(sampler.number(sand[i], "grain_diameter", 0.0, blockPath));
        drawAppearance(sand[i], sampler, blockPath, block);
        continuum.sand.push_back(block);
    }
    const json& water = member(c, "water");
    for (size_t i = 0; water.is_array() && i < water.size(); ++i) {
        const std::string blockPath = detail::childPath(path + "/water", i);
        WaterBlockPlan block;
        drawCorners(water[i], sampler, blockPath, block);
        block.density = toFloat(sampler.number(water[i], "density", block.density, blockPath));
        block.maxFlowSpeed =
            toFloat(sampler.number(water[i], "max_flow_speed", block.maxFlowSpeed, blockPath));
        block.viscosity =
            toFloat(sampler.number(water[i], "viscosity", block.viscosity, blockPath));
        drawAppearance(water[i], sampler, blockPath, block);
        continuum.water.push_back(block);
    }
    const json& emitters = member(c, "emitters");
    for (size_t i = 0; emitters.is_array() && i < emitters.size(); ++i) {
        const json& e = emitters[i];
        const std::string ePath = detail::childPath(path + "/emitters", i);
        EmitterPlan pour;
        pour.kind = sampler.text(e, "material", pour.kind, ePath);
        pour.shape = sampler.text(e, "shape", pour.shape, ePath);
        pour.position = sampler.vec3(e, "position", pour.position, ePath);
        pour.velocity = sampler.vec3(e, "velocity", pour.velocity, ePath);
        pour.radius = toFloat(sampler.number(e, "radius", pour.radius, ePath));
        pour.width = toFloat(sampler.number(e, "width", pour.width, ePath));
        pour.depth = toFloat(sampler.number(e, "depth", pour.depth, ePath));
        pour.rate = toFloat(sampler.number(e, "rate", pour.rate, ePath));
        pour.start = toFloat(sampler.number(e, "start", pour.start, ePath));
        pour.end = toFloat(sampler.number(e, "end", pour.end, ePath));
        pour.maxParticles = static_cast<uint32_t>(
            sampler.integer(e, "max_particles", pour.maxParticles, ePath));
        if (e.contains("friction_angle_deg"))
            pour.frictionAngleDeg = toFloat(sampler.number(e, "friction_angle_deg", 35.0, ePath));
        const bool isWater = pour.kind == "water";
        pour.density = toFloat(sampler.number(e, "density", isWater ? 1000.0 : 1600.0, ePath));
        pour.youngsModulus =
            toFloat(sampler.number(e, "youngs_modulus", pour.youngsModulus, ePath));
        pour.poissonRatio = toFloat(sampler.number(e, "poisson_ratio", pour.poissonRatio, ePath));
        if (e.contains("grain_diameter"))
            pour.grainDiameter = toFloat(sampler.number(e, "grain_diameter", 0.0, ePath));
        pour.maxFlowSpeed = toFloat(sampler.number(e, "max_flow_speed", pour.maxFlowSpeed, ePath));
        pour.viscosity = toFloat(sampler.number(e, "viscosity", pour.viscosity, ePath));
        if (isWater) pour.material = WaterBlockPlan{}.material;
        drawAppearance(e, sampler, ePath, pour);
        // The jitter stream: its own purpose per pour, so it shifts no other draw.
        pour.seed = streamKey(plan.seed, plan.clipIndex, fmt::format("emitter {}", i));
        continuum.emitters.push_back(pour);
    }
    plan.continuum = std::move(continuum);
}

void applyOverrides(const PlanOverrides& overrides, ScenePlan& plan) {
    // The CLI validates these; reaching here with a bad one is a bug.
    auto apply = [&](const std::optional<uint32_t>& value, const detail::NumberRule& rule,
                     uint32_t& field, const char* sampledPath) {
        if (!value) return;
        SILT_CHECK(rule.admits(*value));
        field = *value;
        plan.sampled.erase(sampledPath);
    };
    apply(overrides.frames, detail::kFrames, plan.frames, "/frames");
    apply(overrides.fps, detail::kFps, plan.fps, "/fps");
    apply(overrides.width, detail::kImageSize, plan.camera.intrinsics.width, "/image/width");
    apply(overrides.height, detail::kImageSize, plan.camera.intrinsics.height, "/image/height");
}

}  // namespace

Status validateOverrides(const PlanOverrides& overrides) {
    struct Check {
        const std::optional<uint32_t>& value;
        const char* flag;
        const detail::NumberRule& rule;
    };
    const Check checks[] = {{overrides.frames, "--frames", detail::kFrames},
                            {overrides.fps, "--fps", detail::kFps},
                            {overrides.width, "--width", detail::kImageSize},
                            {overrides.height, "--height", detail::kImageSize}};
    for (const Check& check : checks) {
        if (check.value && !check.rule.admits(*check.value))
            return Error{
                fmt::format("{}: expected {}, got {}", check.flag, check.rule.what, *check.value)};
    }
    return {};
}

Result<ScenePlan> randomize(const SceneTemplate& scene, const AssetLookup& assets, uint64_t seed,
                            uint64_t clipIndex, const PlanOverrides& overrides,
                            const CategoryLookup& categories) {
    SILT_CHECK(static_cast<bool>(assets));
    SILT_CHECK(scene.spec.is_object());
    auto choices = lookUpAssets(scene, assets, categories);
    if (!choices) return choices.error();

    ScenePlan plan;
    plan.templateName = scene.name;
    plan.seed = seed;
    plan.clipIndex = clipIndex;
    const json& spec = scene.spec;

    Sampler sceneSampler(streamFor(seed, clipIndex, "scene"), &plan.sampled);
    drawScene(spec, sceneSampler, plan);
    Sampler groundSampler(streamFor(seed, clipIndex, "ground"), &plan.sampled);
    drawGround(spec, groundSampler, plan.ground);
    // The camera first: placement checks the view (each purpose has its own stream, so the
    // order of purposes does not change any draw).
    Sampler cameraSampler(streamFor(seed, clipIndex, "camera"), &plan.sampled);
    drawCamera(spec, cameraSampler, plan.camera);
    applyOverrides(overrides, plan);
    plan.camera.duration = float(plan.frames) / float(plan.fps);
    plan.camera.handheldSeed = streamKey(seed, clipIndex, "camera-handheld");
    // The continuum before the objects: placement keeps objects clear of sand and water
    // unless they are meant to start in them.
    Sampler continuumSampler(streamFor(seed, clipIndex, "continuum"), &plan.sampled);
    drawContinuum(spec, continuumSampler, plan);
    Sampler objectSampler(streamFor(seed, clipIndex, "objects"), &plan.sampled);
    if (Status placed = drawObjects(scene, *choices, objectSampler, plan.camera.at(0.0f),
                                    continuumBoxes(plan.continuum), plan.objects);
        !placed)
        return placed.error();
    Sampler lightingSampler(streamFor(seed, clipIndex, "lighting"), &plan.sampled);
    drawLighting(spec, lightingSampler, plan.lighting);

    return plan;
}

}  // namespace silt::scenes
