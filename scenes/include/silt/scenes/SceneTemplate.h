#pragma once
// Scene templates: the JSON scene-spec format (docs/scene-spec.md), parsed and checked.
// A template's values are fixed or distributions; randomize() turns a template into one
// clip's ScenePlan. Parse errors name the file, the line/column (malformed JSON) or the
// JSON path (e.g. "/objects/1/density"), and what was expected.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Geometry>
#include <nlohmann/json.hpp>

#include "silt/core/Result.h"
#include "silt/scenes/ChecksConfig.h"
#include "silt/scenes/ScenePlan.h"

namespace silt::scenes {

/// A parsed, validated template. The JSON is kept as written; randomize() reads it.
struct SceneTemplate {
    std::string name;
    std::string description;  ///< one line, shown by `silt scenes`
    std::string source;       ///< file path, or "builtin:<name>"
    nlohmann::json spec;      ///< validated spec
    ChecksConfig checks;      ///< the defaults with the spec's "checks" block applied
};

/// Parses and validates spec text. `source` names it in error messages.
[[nodiscard]] Result<SceneTemplate> parseSceneTemplate(std::string_view text,
                                                       const std::string& source);
/// Reads and parses a template file.
[[nodiscard]] Result<SceneTemplate> loadSceneTemplate(const std::filesystem::path& path);

/// Templates compiled into the binary (scenes/templates/*.json), sorted by name.
[[nodiscard]] const std::vector<SceneTemplate>& builtinTemplates();
/// The template used when no --scene is given.
[[nodiscard]] const SceneTemplate& defaultTemplate();

/// Resolves --scene: a builtin name, or else a path to a JSON file.
[[nodiscard]] Result<SceneTemplate> resolveScene(const std::string& nameOrFile);

/// Overrides from the command line; unset fields keep the template's values.
struct PlanOverrides {
    std::optional<uint32_t> frames, fps, width, height;
};
/// Checks overrides against the ranges the scene spec allows for those fields, for the CLI
/// to report ("--width: expected an even integer 16..4096 (pixels), got 127").
[[nodiscard]] Status validateOverrides(const PlanOverrides& overrides);

/// What the randomizer needs to know about an asset (from assets::AssetLibrary).
struct AssetFacts {
    std::string category;    ///< semantic class
    float density = 500.0f;  ///< kg/m³, used when the template gives none
    /// Bounds of the mesh in the asset frame (unscaled), m. When known, the randomizer redraws
    /// an object's pose until its box overlaps no earlier object, stays above the ground and
    /// starts in (or falls into) the camera's view.
    std::optional<Eigen::AlignedBox3f> bounds;
};
/// Looks an asset up by name; nullopt when there is no such asset.
using AssetLookup = std::function<std::optional<AssetFacts>(const std::string& name)>;
/// The names of every asset of a category (library and user assets), in a fixed order
/// (sorted); empty when there is none. Needed by templates that draw assets by "category".
using CategoryLookup = std::function<std::vector<std::string>(const std::string& category)>;

/// Draws every open value of `scene` from the clip's RNG streams
/// (streamFor(seed, clipIndex, purpose)) and returns the clip's plan. Fails (naming the
/// template's source and JSON path) for an asset name the lookup does not know, or when an
/// object cannot be placed (see AssetFacts::bounds) within kPlacementTries draws of its pose.
/// Placement makes pose distributions conditional on the rejection rule (a truncation).
/// An object entry with "category" draws its asset uniformly among `categories(name)` of
/// every listed category (from the "objects" stream); without a CategoryLookup such a
/// template fails with an error naming the path.
inline constexpr int kPlacementTries = 200;

[[nodiscard]] Result<ScenePlan> randomize(const SceneTemplate& scene, const AssetLookup& assets,
                                          uint64_t seed, uint64_t clipIndex,
                                          const PlanOverrides& overrides = {},
                                          const CategoryLookup& categories = {});

}  // namespace silt::scenes
