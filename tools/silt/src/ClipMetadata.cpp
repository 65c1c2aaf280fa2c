#include "silt/app/ClipMetadata.h"

#include "silt/core/Hash.h"
#include "silt/core/Version.h"

namespace silt::app {
namespace {
using nlohmann::json;

json toJson(const Vec3f& v) {
    return json::array({v.x(), v.y(), v.z()});
}
json toJsonWxyz(const Quatf& q) {
    return json::array({q.w(), q.x(), q.y(), q.z()});
}

json rowMajor(const Mat4f& m) {
    json rows = json::array();
    for (int r = 0; r < 4; ++r) rows.push_back(json::array({m(r, 0), m(r, 1), m(r, 2), m(r, 3)}));
    return rows;
}

json materialJson(const SurfaceMaterial& material) {
    return {{"base_color", toJson(material.baseColor)},
            {"metallic", material.metallic},
            {"roughness", material.roughness}};
}
json continuumJson(const scenes::ContinuumPlan& c) {
    json sand = json::array(), water = json::array();
    for (const scenes::SandBlockPlan& b : c.sand) {
        json block = {{"min_m", toJson(b.min)},
                      {"max_m", toJson(b.max)},
                      {"density_kg_m3", b.density},
                      {"youngs_modulus_pa", b.youngsModulus},
                      {"poisson_ratio", b.poissonRatio},
                      {"material", materialJson(b.material)}};
        if (b.grainDiameter > 0.0f) block["grain_diameter_m"] = b.grainDiameter;
        if (b.frictionAngleDeg) {
            block["friction_angle_deg"] = *b.frictionAngleDeg;
        } else {
            block["friction_angle"] = "hardening (PHYSICS.md: h0=35, h1=9, h2=0.2, h3=10 degrees)";
        }
        sand.push_back(block);
    }
    for (const scenes::WaterBlockPlan& b : c.water) {
        water.push_back({{"min_m", toJson(b.min)},
                         {"max_m", toJson(b.max)},
                         {"density_kg_m3", b.density},
                         {"max_flow_speed_m_s", b.maxFlowSpeed},
                         {"viscosity_pa_s", b.viscosity},
                         {"material", materialJson(b.material)}});
    }
    json pours = json::array();
    for (const scenes::EmitterPlan& e : c.emitters) {
        json pour = {{"material", e.kind},
                     {"shape", e.shape},
                     {"position_m", toJson(e.position)},
                     {"velocity_m_s", toJson(e.velocity)},
                     {"rate_m3_s", e.rate},
                     {"start_s", e.start},
                     {"end_s", e.end},
                     {"max_particles", e.maxParticles},
                     {"density_kg_m3", e.density},
                     {"appearance", materialJson(e.material)}};
        if (e.shape == "disc") {
            pour["radius_m"] = e.radius;
        } else {
            pour["width_m"] = e.width;
            pour["depth_m"] = e.depth;
        }
        if (e.kind == "sand") {
            pour["youngs_modulus_pa"] = e.youngsModulus;
            pour["poisson_ratio"] = e.poissonRatio;
            if (e.frictionAngleDeg) pour["friction_angle_deg"] = *e.frictionAngleDeg;
            if (e.grainDiameter > 0.0f) pour["grain_diameter_m"] = e.grainDiameter;
        } else {
            pour["max_flow_speed_m_s"] = e.maxFlowSpeed;
            pour["viscosity_pa_s"] = e.viscosity;
        }
        pours.push_back(pour);
    }
    return {{"method", "MLS-MPM (sand: Drucker-Prager; water: weakly compressible), two-way coupled"},
            {"cell_size_m", c.cellSize},
            {"particles_per_cell_per_axis", c.particlesPerCellPerAxis},
            {"domain_min_m", toJson(c.domainMin)},
            {"domain_max_m", toJson(c.domainMax)},
            {"floor_friction", c.floorFriction},
            {"wall_friction", c.wallFriction},
            {"sand", sand},
            {"water", water},
            {"emitters", pours}};
}

}  // namespace

std::string templateHash(const scenes::SceneTemplate& scene) {
    return hashHex(scene.spec.dump());
}

ClipMetadataBuilder::ClipMetadataBuilder(const scenes::SceneTemplate& scene,
                                         const scenes::ScenePlan& plan,
                                         const std::vector<ObjectRecord>& objects,
                                         const std::map<std::string, uint32_t>& classes) {
    const CameraIntrinsics& k = plan.camera.intrinsics;
    json objectList = json::array();
    for (const ObjectRecord& record : objects) {
        const scenes::ObjectPlan& object = *record.plan;
        mInstanceIds.push_back(object.instanceId);
        objectList.push_back({{"instance_id", object.instanceId},
                              {"asset", object.asset},
                              {"category", object.category},
                              {"scale", object.scale},
                              {"density_kg_m3", object.density},
                              {"mass_kg", record.mass},
                              {"friction", object.friction},
                              {"restitution", object.restitution},
                              {"material", materialJson(record.material)}});
        // Only where they apply, so clips of templates without them keep their metadata.
        json& entry = objectList.back();
        if (object.drawnByCategory) entry["drawn_by_category"] = true;
        if (object.buried) entry["buried"] = true;
        if (object.motion && object.motion->keyframes.empty()) {
            entry["motion"] = {{"type", object.motion->type},
                               {"start_s", object.motion->start},
                               {"velocity_m_s", toJson(object.motion->velocity)}};
        } else if (object.motion) {
            json keys = json::array();
            for (const scenes::MotionKey& key : object.motion->keyframes)
                keys.push_back({{"t_s", key.time},
                                {"offset_m", toJson(key.offset)},
                                {"rotation_deg", toJson(key.rotationDeg)}});
            entry["motion"] = {{"type", object.motion->type},
                               {"easing", object.motion->easeInOut ? "ease_in_out" : "linear"},
                               {"keyframes", keys}};
        }
    }
    // Label id tables: what each value of the instance and semantic channels stands for.
    json classTable = json::object();
    for (const auto& [name, id] : classes) classTable[std::to_string(id)] = name;
    json instanceTable = json::object();
    instanceTable["0"] = {{"object", "background"}, {"class", "background"}};
    for (const ObjectRecord& record : objects) {
        const scenes::ObjectPlan& object = *record.plan;
        instanceTable[std::to_string(object.instanceId)] = {
            {"object", object.asset},
            {"class", object.category},
            {"semantic_class", classes.at(object.category)}};
    }
    if (plan.continuum) {
        if (plan.continuum->has("sand")) {
            instanceTable[std::to_string(continuumInstanceId(objects.size(), ContinuumKind::Sand))] = {
                {"object", "sand"}, {"class", "sand"}, {"semantic_class", classes.at("sand")}};
        }
        if (plan.continuum->has("water")) {
            instanceTable[std::to_string(continuumInstanceId(objects.size(), ContinuumKind::Water))] = {
                {"object", "water"}, {"class", "water"}, {"semantic_class", classes.at("water")}};
        }
    }
    mMetadata = {
        {"labels",
         {{"classes", classTable},
          {"instances", instanceTable},
          {"note",
           "instance 0 is everything that is not an object (sky, ground); the ground has "
           "semantic class 1. Each label pixel describes the one surface seen through the "
           "pixel centre (no anti-aliasing); the colour is anti-aliased."}}},
        {"silt_version", versionString()},
        {"template", {{"name", scene.name}, {"content_hash", templateHash(scene)}}},
        {"seed", plan.seed},
        {"clip_index", plan.clipIndex},
        {"frames", plan.frames},
        {"fps", plan.fps},
        {"width", k.width},
        {"height", k.height},
        {"physics",
         {{"substeps_per_frame", plan.substeps}, {"gravity_m_s2", toJson(plan.gravity)}}},
        {"sampled", plan.sampled},
        {"ground",
         {{"friction", plan.ground.friction},
          {"restitution", plan.ground.restitution},
          {"material", materialJson(plan.ground.material)}}},
        {"objects", objectList},
        {"lighting",
         {{"sun_direction", toJson(plan.lighting.sunDirection)},
          {"sun_color", toJson(plan.lighting.sunColor)},
          {"sun_intensity", plan.lighting.sunIntensity},
          {"sky_color", toJson(plan.lighting.skyColor)},
          {"ambient_intensity", plan.lighting.ambientIntensity},
          {"sun_temperature_k", plan.lighting.sunTemperature > 0.0f
                                    ? json(plan.lighting.sunTemperature)
                                    : json(nullptr)}}},
        {"camera",
         {{"convention",
           "camera_to_world maps the camera frame (OpenGL: looks down -Z, +Y up, +X right) to the "
           "world (+Y up, metres); pixel (u, v) = (fx*x/(-z) + cx, -fy*y/(-z) + cy), origin at the "
           "top-left image corner"},
          {"path", plan.camera.path},
          {"orbit_rad_per_s", plan.camera.orbitRate},
          {"dolly",
           {{"to_position_m", toJson(plan.camera.dollyPosition)},
            {"to_target_m", toJson(plan.camera.dollyTarget)},
            {"easing", plan.camera.dollyEasing},
            {"duration_s", plan.camera.duration}}},
          {"handheld",
           {{"amplitude_m", plan.camera.handheldAmplitude},
            {"angle_rad", plan.camera.handheldAngle},
            {"band_limit_hz", plan.camera.handheldFrequency}}},
          {"intrinsics",
           {{"width", k.width},
            {"height", k.height},
            {"fx", k.fx()},
            {"fy", k.fy()},
            {"cx", k.cx()},
            {"cy", k.cy()},
            {"vertical_fov_rad", k.verticalFov},
            {"near_m", k.nearPlane},
            {"far_m", k.farPlane}}}}},
    };
    if (plan.continuum) mMetadata["continuum"] = continuumJson(*plan.continuum);
}

void ClipMetadataBuilder::addFrame(const CameraState& camera,
                                   const std::vector<physics::BodyState>& states) {
    json objects = json::array();
    for (const physics::BodyState& state : states) {
        objects.push_back({{"position_m", toJson(state.pose.position)},
                           {"rotation_wxyz", toJsonWxyz(state.pose.rotation)},
                           {"linear_velocity_m_s", toJson(state.linearVelocity)},
                           {"angular_velocity_rad_s", toJson(state.angularVelocity)}});
    }
    // Intrinsics per frame too, so a reader never has to know that they are constant today.
    const CameraIntrinsics& k = camera.intrinsics;
    mFrames.push_back({{"index", mFrames.size()},
                       {"camera_to_world", rowMajor(camera.cameraToWorld.matrix())},
                       {"world_to_camera", rowMajor(camera.worldToCamera())},
                       {"intrinsics", {{"fx", k.fx()}, {"fy", k.fy()}, {"cx", k.cx()}, {"cy", k.cy()}}},
                       {"objects", objects}});
}

void ClipMetadataBuilder::setOutcome(const std::vector<scenes::SceneEvent>& events,
                                     const scenes::Caption& caption) {
    static constexpr const char* kKinds[] = {"ground_contact", "object_contact", "bounce", "tumble",
                                             "rest",           "burial",         "splash", "float",
                                             "sink",           "pulled_out",     "sand_pour"};
    json list = json::array();
    for (const scenes::SceneEvent& e : events) {
        json entry = {{"kind", kKinds[static_cast<int>(e.kind)]},
                      {"time_s", e.time},
                      {"instance_id", mInstanceIds.at(e.object)}};
        if (e.kind == scenes::SceneEvent::Kind::ObjectContact)
            entry["other_instance_id"] = mInstanceIds.at(e.other);
        using K = scenes::SceneEvent::Kind;
        if (e.kind == K::GroundContact || e.kind == K::ObjectContact || e.kind == K::Bounce ||
            e.kind == K::Splash || e.kind == K::PulledOut)
            entry["speed_m_s"] = e.speed;
        if (e.kind == K::Rest) entry["resting_pose"] = e.restingPose;
        if (e.kind == K::Burial || e.kind == K::Sink) entry["depth_m"] = e.depth;
        if (e.kind == K::Splash || e.kind == K::SandPour) entry["particles"] = e.particles;
        list.push_back(std::move(entry));
    }
    mMetadata["events"] = std::move(list);
    mMetadata["caption"] = caption.text;
}

json ClipMetadataBuilder::build() const {
    json metadata = mMetadata;
    metadata["per_frame"] = mFrames;
    return metadata;
}

}  // namespace silt::app
