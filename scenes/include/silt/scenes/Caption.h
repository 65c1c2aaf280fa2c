#pragma once
// Captions: one or two natural sentences per clip, written from the plan (what is in the
// scene) and from the events the simulation reported (what happened). Wording varies from
// clip to clip but is a pure function of its inputs: every choice of phrasing draws from the
// clip's "caption" stream (streamFor(seed, clipIndex, "caption")).
//
// Only facts are written: an object is named only if the plan has it, an event only if the
// simulation reported it (Caption::mentioned lists which ones were used).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "silt/core/TriangleMesh.h"
#include "silt/scenes/ScenePlan.h"

namespace silt::scenes {

/// What the simulation reported, in the scene's terms (physics stays out of scenes).
struct SceneEvent {
    enum class Kind {
        GroundContact,  ///< `object` first touched the ground
        ObjectContact,  ///< `object` and `other` first touched (object < other)
        Bounce,         ///< `object` bounced off the ground
        Tumble,         ///< `object` turned over while on the ground
        Rest,           ///< `object` came to rest, lying as `restingPose`
        // From the continuum (sand and water), measured on the particles:
        Burial,     ///< `object` ends sunk `depth` m below the sand around it
        Splash,     ///< `object` threw `particles` water particles up above the rest level
        Float,      ///< `object` ends floating: in the water, its top above the surface
        Sink,       ///< `object` ends under water, its top `depth` m below the surface
        PulledOut,  ///< `object`, buried at the start, rose clear of the sand bed
        SandPour,   ///< sand (`particles` of it at the most) streamed off the lifted `object`
    };
    Kind kind = Kind::GroundContact;
    float time = 0.0f;                    ///< s from the clip's first frame
    size_t object = 0;                    ///< index into ScenePlan::objects
    size_t other = 0;                     ///< ObjectContact only
    float speed = 0.0f;                   ///< m/s: impact speed (contacts), upward speed (bounce)
    std::string restingPose = "upright";  ///< Rest only: "upright" | "on_side" | "upside_down"
    float depth = 0.0f;                   ///< m: Burial (below the sand), Sink (below the water)
    uint32_t particles = 0;               ///< Splash, SandPour: how many particles took part
};

struct Caption {
    std::string text;
    std::vector<size_t> mentioned;  ///< indices into the events the text describes
};

/// The caption for a clip. `materials[i]` is the resolved appearance of plan.objects[i]
/// (colour words come from it). Events outside the clip's duration are ignored.
[[nodiscard]] Caption writeCaption(const ScenePlan& plan,
                                   const std::vector<SurfaceMaterial>& materials,
                                   const std::vector<SceneEvent>& events);

/// "red", "white", "grey" …: the nearest colour word for a linear RGB colour.
[[nodiscard]] std::string colourName(const Vec3f& linearRgb);
/// The noun an asset is called by in captions ("toy_car" → "toy car", "cup" → "mug").
[[nodiscard]] std::string assetNoun(const std::string& asset);

}  // namespace silt::scenes
