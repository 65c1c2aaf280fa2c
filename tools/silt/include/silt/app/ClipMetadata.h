#pragma once
// Builds a clip's metadata JSON (clip.json) from its plan and per-frame states: everything
// needed to use the clip without Silt. Contains no timestamps, host names or paths that
// depend on where the command ran, so the same inputs give byte-identical files.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "silt/core/Camera.h"
#include "silt/physics/RigidWorld.h"
#include "silt/render/Renderer.h"
#include "silt/scenes/SceneTemplate.h"

namespace silt::app {

/// One simulated object of a clip: its plan and what the pipeline derived from it.
struct ObjectRecord {
    const scenes::ObjectPlan* plan = nullptr;  ///< not owned
    float mass = 0.0f;                         ///< kg
    SurfaceMaterial material;                  ///< the asset's material with the plan's overrides
    render::MeshId gpuMesh = 0;
};

/// Which kind of continuum a particle belongs to, for surfaces and labels.
enum class ContinuumKind : uint8_t { Sand, Water };

/// The label instance id of a continuum body: after the objects' ids 1..objectCount.
inline uint32_t continuumInstanceId(size_t objectCount, ContinuumKind kind) {
    return uint32_t(objectCount) + 1u + uint32_t(kind);
}

class ClipMetadataBuilder {
public:
    /// `classes` is the semantic class table (semanticClasses()), recorded under
    /// labels.classes together with the instance table labels.instances.
    ClipMetadataBuilder(const scenes::SceneTemplate& scene, const scenes::ScenePlan& plan,
                        const std::vector<ObjectRecord>& objects,
                        const std::map<std::string, uint32_t>& classes);

    /// Records the camera and every object's state at the next frame.
    void addFrame(const CameraState& camera, const std::vector<physics::BodyState>& states);

    /// The finished metadata (ClipWriter adds frame_hashes and files).
    [[nodiscard]] nlohmann::json build() const;

private:
    nlohmann::json mMetadata;
    nlohmann::json mFrames = nlohmann::json::array();
};

/// A stable identity of a template's content: changes whenever the spec changes.
std::string templateHash(const scenes::SceneTemplate& scene);

}  // namespace silt::app
