#include "silt/app/Simulate.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "silt/app/ClipSimulation.h"
#include "silt/app/Generate.h"
#include "silt/core/FileAtomics.h"
#include "silt/core/Version.h"
#include "silt/exporters/ParticlePly.h"

namespace silt::app {
namespace {
using nlohmann::json;

json vec(const Vec3f& v) { return json::array({v.x(), v.y(), v.z()}); }

}  // namespace

Status simulateClip(const SimulateOptions& options) {
    if (Status valid = scenes::validateOverrides(scenes::PlanOverrides{options.frames, options.fps, {}, {}});
        !valid) {
        return valid;
    }
    auto resolved = options.scene.empty() ? Result<scenes::SceneTemplate>(scenes::defaultTemplate())
                                          : scenes::resolveScene(options.scene);
    if (!resolved) return resolved.error();
    auto library = assets::AssetLibrary::open(assets::bundledMeshDir());
    if (!library) return library.error();
    configureThreads(options.threads);

    auto plan = scenes::randomize(*resolved, assetLookup(*library), options.seed, options.clip,
                                  scenes::PlanOverrides{options.frames, options.fps, {}, {}},
                                  categoryLookup(*library));
    if (!plan) return plan.error();
    MeshCache meshes(*library);
    auto simulation = ClipSimulation::create(*plan, meshes, int(options.threads));
    if (!simulation) return simulation.error().prefixed(resolved->source);
    ClipSimulation& sim = **simulation;

    std::filesystem::path parent = std::filesystem::absolute(options.out).parent_path();
    if (Status writable = ensureWritableDirectory(parent); !writable) return writable;
    StagingDirectory stage(std::filesystem::absolute(options.out), "simulate");
    if (Status created = stage.create(); !created) return created;
    if (sim.continuum()) {
        std::error_code ec;
        std::filesystem::create_directories(stage.path() / "particles", ec);
        if (ec) return Error{fmt::format("{}: cannot create folder: {}", stage.path().string(), ec.message())};
    }

    json frames = json::array();
    for (uint32_t frame = 0; frame < sim.plan().frames; ++frame) {
        if (frame > 0) {
            if (Status advanced = sim.advanceFrame(); !advanced) {
                return advanced.error().prefixed(fmt::format("simulating frame {}", frame));
            }
        }
        json bodies = json::array();
        std::vector<physics::BodyState> states = sim.bodyStates();
        for (size_t i = 0; i < states.size(); ++i) {
            const Quatf& q = states[i].pose.rotation;
            bodies.push_back({{"instance_id", sim.objects()[i].plan->instanceId},
                              {"position_m", vec(states[i].pose.position)},
                              {"rotation_wxyz", json::array({q.w(), q.x(), q.y(), q.z()})},
                              {"linear_velocity_m_s", vec(states[i].linearVelocity)},
                              {"angular_velocity_rad_s", vec(states[i].angularVelocity)}});
        }
        json entry = {{"index", frame},
                      {"time_s", double(frame) / double(sim.plan().fps)},
                      {"bodies", bodies}};
        if (const physics::MpmSolver* solver = sim.continuum()) {
            const physics::MpmParticles& p = solver->particles();
            std::string name = fmt::format("particles/frame_{:06d}.ply", frame);
            if (Status written = exporters::writeParticlePly(stage.path() / name, p.position,
                                                             p.velocity, p.material);
                !written) {
                return written;
            }
            entry["particles"] = name;
            entry["particle_count"] = p.size();
        }
        frames.push_back(entry);
    }

    json materials = json::array();
    for (size_t m = 0; m < sim.materialKinds().size(); ++m) {
        materials.push_back({{"index", m},
                             {"kind", sim.materialKinds()[m] == ContinuumKind::Sand ? "sand" : "water"}});
    }
    json objects = json::array();
    for (const ObjectRecord& object : sim.objects()) {
        objects.push_back({{"instance_id", object.plan->instanceId},
                           {"asset", object.plan->asset},
                           {"scale", object.plan->scale},
                           {"mass_kg", object.mass}});
    }
    json summary = {{"silt_version", versionString()},
                    {"template", resolved->name},
                    {"seed", options.seed},
                    {"clip_index", options.clip},
                    {"fps", sim.plan().fps},
                    {"sampled", sim.plan().sampled},
                    {"objects", objects},
                    {"particle_materials", materials},
                    {"ply_layout", "binary_little_endian: float x y z (m), float vx vy vz (m/s), uchar material"},
                    {"frames", frames}};
    if (Status written = writeFileAtomic(stage.path() / "simulation.json", summary.dump(2)); !written) {
        return written;
    }
    return stage.commit();
}

}  // namespace silt::app
