#include "SpecChecker.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>

#include "JsonText.h"
#include "silt/scenes/ScenePlan.h"

namespace silt::scenes::detail {

namespace {

using json = nlohmann::json;

#define SILT_TRY_STATUS(expr)                                                   \
    do {                                                                        \
        if (Status siltStatus_ = (expr); !siltStatus_.ok()) return siltStatus_; \
    } while (false)

// "checks" is validated by applyChecksConfig (ChecksConfig.h), which --checks files share.
constexpr std::array<std::string_view, 13> kRootKeys = {
    "silt_scene", "name",   "description", "frames",    "fps",   "image",   "physics",
    "ground",     "objects", "camera",     "lighting", "continuum", "checks"};
constexpr std::array<std::string_view, 8> kContinuumKeys = {
    "cell_size", "particles_per_cell", "domain", "floor_friction", "wall_friction", "sand", "water",
    "emitters"};
constexpr std::array<std::string_view, 20> kEmitterKeys = {
    "material", "shape", "position", "velocity", "radius", "width", "depth", "rate", "start",
    "end", "max_particles", "friction_angle_deg", "density", "youngs_modulus", "poisson_ratio",
    "grain_diameter", "max_flow_speed", "viscosity", "color", "roughness"};
constexpr std::array<std::string_view, 2> kEmitterMaterials = {"sand", "water"};
constexpr std::array<std::string_view, 2> kNozzleShapes = {"disc", "rectangle"};
constexpr std::array<std::string_view, 2> kBoxKeys = {"min", "max"};
constexpr std::array<std::string_view, 9> kSandKeys = {
    "min", "max", "friction_angle_deg", "density", "youngs_modulus", "poisson_ratio",
    "grain_diameter", "color", "roughness"};
constexpr std::array<std::string_view, 7> kWaterKeys = {
    "min", "max", "density", "max_flow_speed", "viscosity", "color", "roughness"};
constexpr std::array<std::string_view, 2> kImageKeys = {"width", "height"};
constexpr std::array<std::string_view, 2> kPhysicsKeys = {"substeps", "gravity"};
constexpr std::array<std::string_view, 6> kGroundKeys = {"friction", "restitution", "half_extent",
                                                         "color",    "metallic",    "roughness"};
constexpr std::array<std::string_view, 17> kObjectKeys = {
    "asset",   "category", "count",       "position",        "rotation_deg",
    "scale",   "size",     "density",     "friction",        "restitution",
    "linear_velocity",     "angular_velocity",               "color",
    "metallic", "roughness", "buried",    "motion"};
constexpr std::array<std::string_view, 5> kMotionKeys = {"type", "start", "velocity", "keyframes",
                                                         "easing"};
constexpr std::array<std::string_view, 3> kKeyframeKeys = {"t", "offset", "rotation_deg"};
constexpr size_t kMaxKeyframes = 256;
constexpr std::array<std::string_view, 2> kMotionTypes = {"pull", "push"};
constexpr std::array<std::string_view, 11> kCameraKeys = {
    "position",         "target",       "fov_deg",   "path",         "orbit_deg_per_s",
    "dolly_to_position", "dolly_to_target", "dolly_easing", "handheld_m", "handheld_deg",
    "handheld_hz"};
constexpr std::array<std::string_view, 6> kLightingKeys = {
    "sun_direction", "sun_intensity", "sun_color", "sun_temperature_k", "sky_color", "ambient"};
constexpr std::array<std::string_view, 5> kDistributionKeys = {"uniform", "normal", "choice", "min",
                                                               "max"};
constexpr std::array<std::string_view, 3> kCameraPaths = {"static", "orbit", "dolly"};
constexpr std::array<std::string_view, 2> kEasings = {"linear", "ease_in_out"};

std::string joined(std::span<const std::string_view> words, std::string_view separator,
                   bool quoted) {
    std::string out;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i > 0) out += separator;
        out += quoted ? fmt::format("\"{}\"", words[i]) : std::string(words[i]);
    }
    return out;
}

bool isInteger(double v) {
    return v == std::floor(v);
}

}  // namespace

Interval supportOf(const json& value) {
    if (value.is_number()) {
        double v = value.get<double>();
        return {v, v};
    }
    SILT_CHECK(value.is_object());
    if (value.contains("uniform")) {
        return {value["uniform"][0].get<double>(), value["uniform"][1].get<double>()};
    }
    if (value.contains("normal")) {
        return {value.contains("min") ? value["min"].get<double>() : -kInf,
                value.contains("max") ? value["max"].get<double>() : kInf};
    }
    SILT_CHECK(value.contains("choice"));
    Interval range{kInf, -kInf};
    for (const json& option : value["choice"]) {
        range.lo = std::min(range.lo, option.get<double>());
        range.hi = std::max(range.hi, option.get<double>());
    }
    return range;
}

bool mayBeZero(const json& value) {
    if (value.is_object() && value.contains("choice")) {
        const json& options = value["choice"];
        return std::any_of(options.begin(), options.end(),
                           [](const json& option) { return option.get<double>() == 0.0; });
    }
    return supportOf(value).contains(0.0);
}

Error SpecChecker::error(const std::string& path, const std::string& message) const {
    return Error{fmt::format("{}: {}: {}", mSource, shownPath(path), message)};
}

Error SpecChecker::expectedGot(const std::string& path, std::string_view what,
                               const std::string& got) const {
    return error(path, fmt::format("expected {}, got {}", what, got));
}

Error SpecChecker::expected(const std::string& path, std::string_view what, const json& got) const {
    return expectedGot(path, what, describe(got));
}

Error SpecChecker::missing(const std::string& path, std::string_view what) const {
    return expectedGot(path, what, "nothing (the field is required)");
}

Status SpecChecker::knownFields(const json& value, const std::string& path, Keys known,
                                std::string_view what) const {
    if (!value.is_object()) return expected(path, what, value);
    for (const auto& [key, unused] : value.items()) {
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        std::string suggestion = closestMatch(key, known);
        if (!suggestion.empty()) {
            return error(childPath(path, key),
                         fmt::format("unknown field (did you mean \"{}\"?)", suggestion));
        }
        return error(childPath(path, key),
                     fmt::format("unknown field (expected one of {})", joined(known, ", ", true)));
    }
    return {};
}

Status SpecChecker::section(const json& spec, std::string_view key, Keys known,
                            std::string_view what) const {
    if (!spec.contains(key)) return {};
    return knownFields(spec[std::string(key)], childPath("", key), known, what);
}

Status SpecChecker::number(const json& object, std::string_view key, const std::string& path,
                           const NumberRule& rule) const {
    const json& value = member(object, key);
    if (value.is_null() && !object.contains(key)) return {};
    return numberValue(value, childPath(path, key), rule);
}

Status SpecChecker::numberValue(const json& value, const std::string& path,
                                const NumberRule& rule) const {
    if (value.is_number()) return fixedNumber(value, path, rule);
    if (value.is_object()) return distribution(value, path, rule);
    return expected(path, fmt::format("{} or a distribution", rule.what), value);
}

Status SpecChecker::fixedNumber(const json& value, const std::string& path,
                                const NumberRule& rule) const {
    if (!value.is_number() || !rule.admits(value.get<double>()))
        return expected(path, rule.what, value);
    return {};
}

Status SpecChecker::distribution(const json& value, const std::string& path,
                                 const NumberRule& rule) const {
    SILT_TRY_STATUS(knownFields(value, path, kDistributionKeys, "a distribution"));
    int kinds = int(value.contains("uniform")) + int(value.contains("normal")) +
                int(value.contains("choice"));
    if (kinds != 1) {
        return expectedGot(
            path,
            fmt::format("{} or a distribution with exactly one of \"uniform\", \"normal\" or "
                        "\"choice\"",
                        rule.what),
            kinds == 0 ? "an object with none of them" : "an object with several");
    }
    if (!value.contains("normal")) {
        for (const char* clamp : {"min", "max"}) {
            if (value.contains(clamp)) {
                return error(childPath(path, clamp),
                             "unexpected field: \"min\" and \"max\" clamp only a normal "
                             "distribution");
            }
        }
    }
    if (value.contains("uniform")) return uniform(value, path, rule);
    if (value.contains("normal")) return normal(value, path, rule);

    const std::string choicePath = childPath(path, "choice");
    const json& options = value["choice"];
    if (!options.is_array() || options.empty())
        return expected(choicePath, "a non-empty array of values to choose from", options);
    for (size_t i = 0; i < options.size(); ++i)
        SILT_TRY_STATUS(fixedNumber(options[i], childPath(choicePath, i), rule));
    return {};
}

Status SpecChecker::uniform(const json& distribution, const std::string& path,
                            const NumberRule& rule) const {
    if (rule.even) {
        return expectedGot(path,
                           fmt::format("{} as a fixed value or a {{\"choice\": [...]}} (a "
                                       "uniform could draw odd values)",
                                       rule.what),
                           std::string("a uniform distribution"));
    }
    const std::string rangePath = childPath(path, "uniform");
    const json& range = distribution["uniform"];
    if (!range.is_array() || range.size() != 2 || !range[0].is_number() || !range[1].is_number()) {
        return expected(rangePath, "[lo, hi]: an array of 2 numbers", range);
    }
    for (size_t i = 0; i < 2; ++i) {
        double bound = range[i].get<double>();
        if (!std::isfinite(bound) || (rule.integer && !isInteger(bound)))
            return expected(childPath(rangePath, i),
                            rule.integer ? "an integer bound" : "a finite bound", range[i]);
    }
    double lo = range[0].get<double>(), hi = range[1].get<double>();
    if (lo > hi) {
        return expectedGot(rangePath, "[lo, hi] with lo ≤ hi",
                           fmt::format("[{}, {}]", range[0].dump(), range[1].dump()));
    }
    for (size_t i = 0; i < 2; ++i) {
        if (!rule.admits(range[i].get<double>())) {
            return expected(childPath(rangePath, i), fmt::format("{} for every draw", rule.what),
                            range[i]);
        }
    }
    return {};
}

Status SpecChecker::normal(const json& distribution, const std::string& path,
                           const NumberRule& rule) const {
    if (rule.even) {
        return expectedGot(path,
                           fmt::format("{} as a fixed value or a {{\"choice\": [...]}} (a "
                                       "normal could draw odd values)",
                                       rule.what),
                           std::string("a normal distribution"));
    }
    const std::string paramsPath = childPath(path, "normal");
    const json& params = distribution["normal"];
    if (!params.is_array() || params.size() != 2 || !params[0].is_number() ||
        !params[1].is_number()) {
        return expected(paramsPath, "[mean, stddev]: an array of 2 numbers", params);
    }
    if (!std::isfinite(params[0].get<double>()))
        return expected(childPath(paramsPath, 0), "a finite mean", params[0]);
    double stddev = params[1].get<double>();
    if (!std::isfinite(stddev) || stddev < 0.0)
        return expected(childPath(paramsPath, 1), "a standard deviation ≥ 0", params[1]);

    for (const char* clamp : {"min", "max"}) {
        if (!distribution.contains(clamp)) continue;
        const json& bound = distribution[clamp];
        const std::string clampPath = childPath(path, clamp);
        if (!bound.is_number() || !std::isfinite(bound.get<double>()))
            return expected(clampPath, "a number (a clamp on the draws)", bound);
        if (rule.integer && !isInteger(bound.get<double>()))
            return expected(clampPath, "an integer clamp", bound);
        if (!rule.admits(bound.get<double>()))
            return expected(clampPath, fmt::format("{} for every draw", rule.what), bound);
    }
    if (distribution.contains("min") && distribution.contains("max") &&
        distribution["min"].get<double>() > distribution["max"].get<double>()) {
        return expectedGot(path, "\"min\" ≤ \"max\"",
                           fmt::format("min {} and max {}", distribution["min"].dump(),
                                       distribution["max"].dump()));
    }
    // A normal reaches every number: a bounded field needs the clamps on the bounded sides.
    if (std::isfinite(rule.lo) && !distribution.contains("min")) {
        return expectedGot(path, fmt::format("{} for every draw", rule.what),
                           std::string("a normal distribution without a \"min\" clamp"));
    }
    if (std::isfinite(rule.hi) && !distribution.contains("max")) {
        return expectedGot(path, fmt::format("{} for every draw", rule.what),
                           std::string("a normal distribution without a \"max\" clamp"));
    }
    return {};
}

Status SpecChecker::vec3(const json& object, std::string_view key, const std::string& path,
                         const Vec3Rule& rule) const {
    if (!object.contains(key)) return {};
    const json& value = object[std::string(key)];
    const std::string vectorPath = childPath(path, key);
    if (!value.is_array() || value.size() != 3) return expected(vectorPath, rule.what, value);
    for (size_t i = 0; i < 3; ++i)
        SILT_TRY_STATUS(numberValue(value[i], childPath(vectorPath, i), rule.component));
    return {};
}

Status SpecChecker::text(const json& object, std::string_view key, const std::string& path,
                         std::string_view what, Keys allowed) const {
    const std::string fieldPath = childPath(path, key);
    const json& value = member(object, key);
    if (value.is_string()) return fixedText(value, fieldPath, what, allowed);
    if (!value.is_object()) {
        return expected(fieldPath, fmt::format("{} or {{\"choice\": [...]}}", what), value);
    }
    SILT_TRY_STATUS(knownFields(value, fieldPath, kDistributionKeys, "a distribution"));
    for (const char* other : {"uniform", "normal", "min", "max"}) {
        if (value.contains(other)) {
            return expectedGot(childPath(fieldPath, other),
                               fmt::format("{} or {{\"choice\": [...]}}", what),
                               fmt::format("\"{}\" (only a choice draws names)", other));
        }
    }
    const std::string choicePath = childPath(fieldPath, "choice");
    if (!value.contains("choice")) {
        return expectedGot(fieldPath, fmt::format("{} or {{\"choice\": [...]}}", what),
                           std::string("an object without \"choice\""));
    }
    const json& options = value["choice"];
    if (!options.is_array() || options.empty())
        return expected(choicePath, "a non-empty array of values to choose from", options);
    for (size_t i = 0; i < options.size(); ++i)
        SILT_TRY_STATUS(fixedText(options[i], childPath(choicePath, i), what, allowed));
    return {};
}

Status SpecChecker::fixedText(const json& value, const std::string& path, std::string_view what,
                              Keys allowed) const {
    if (!value.is_string() || value.get_ref<const std::string&>().empty())
        return expected(path, what, value);
    const auto& word = value.get_ref<const std::string&>();
    if (allowed.empty() || std::find(allowed.begin(), allowed.end(), word) != allowed.end())
        return {};
    std::string suggestion = closestMatch(word, allowed);
    return expectedGot(path, what,
                       suggestion.empty()
                           ? describe(value)
                           : fmt::format("{} (did you mean \"{}\"?)", describe(value), suggestion));
}

Status SpecChecker::oneLine(const json& spec, std::string_view key, bool required) const {
    const std::string path = childPath("", key);
    constexpr std::string_view kWhat = "a non-empty one-line string";
    if (!spec.contains(key)) return required ? missing(path, kWhat) : Status{};
    const json& value = spec[std::string(key)];
    if (!value.is_string()) return expected(path, kWhat, value);
    const auto& line = value.get_ref<const std::string&>();
    if ((required && line.empty()) || line.find_first_of("\r\n") != std::string::npos)
        return expected(path, kWhat, value);
    return {};
}

Status SpecChecker::version(const json& spec) const {
    const std::string path = "/silt_scene";
    const std::string what =
        fmt::format("{} (the scene-spec version this Silt reads)", kSpecVersion);
    if (!spec.contains("silt_scene")) return missing(path, what);
    const json& value = spec["silt_scene"];
    if (!value.is_number_integer() || value.get<int64_t>() != kSpecVersion)
        return expected(path, what, value);
    return {};
}

Status SpecChecker::image(const json& spec) const {
    SILT_TRY_STATUS(section(spec, "image", kImageKeys, "an object {\"width\", \"height\"}"));
    if (!spec.contains("image")) return {};
    SILT_TRY_STATUS(number(spec["image"], "width", "/image", kImageSize));
    return number(spec["image"], "height", "/image", kImageSize);
}

Status SpecChecker::physics(const json& spec) const {
    SILT_TRY_STATUS(
        section(spec, "physics", kPhysicsKeys, "an object {\"substeps\", \"gravity\"}"));
    if (!spec.contains("physics")) return {};
    SILT_TRY_STATUS(number(spec["physics"], "substeps", "/physics", kSubsteps));
    return vec3(spec["physics"], "gravity", "/physics", kGravity);
}

Status SpecChecker::ground(const json& spec) const {
    SILT_TRY_STATUS(section(spec, "ground", kGroundKeys, "an object (the ground)"));
    if (!spec.contains("ground")) return {};
    const json& ground = spec["ground"];
    SILT_TRY_STATUS(number(ground, "friction", "/ground", kFriction));
    SILT_TRY_STATUS(number(ground, "restitution", "/ground", kRestitution));
    SILT_TRY_STATUS(number(ground, "half_extent", "/ground", kHalfExtent));
    SILT_TRY_STATUS(vec3(ground, "color", "/ground", kColor));
    SILT_TRY_STATUS(number(ground, "metallic", "/ground", kUnitInterval));
    return number(ground, "roughness", "/ground", kUnitInterval);
}

Status SpecChecker::objects(const json& spec) const {
    constexpr std::string_view kWhat = "an array of objects (may be empty)";
    if (!spec.contains("objects")) return missing("/objects", kWhat);
    const json& entries = spec["objects"];
    if (!entries.is_array()) return expected("/objects", kWhat, entries);
    for (size_t i = 0; i < entries.size(); ++i)
        SILT_TRY_STATUS(object(entries[i], childPath("/objects", i)));
    return {};
}

Status SpecChecker::object(const json& entry, const std::string& path) const {
    SILT_TRY_STATUS(knownFields(entry, path, kObjectKeys, "an object with at least \"asset\""));
    constexpr std::string_view kAssetWhat = "an asset name (a non-empty string)";
    if (entry.contains("asset") && entry.contains("category")) {
        return error(childPath(path, "category"),
                     "unexpected field: an object names its \"asset\" or draws one by "
                     "\"category\", not both");
    }
    if (entry.contains("category")) {
        SILT_TRY_STATUS(category(entry["category"], childPath(path, "category")));
    } else {
        if (!entry.contains("asset"))
            return missing(childPath(path, "asset"),
                           "an asset name (a non-empty string), or a \"category\" to draw from");
        SILT_TRY_STATUS(text(entry, "asset", path, kAssetWhat, {}));
    }
    SILT_TRY_STATUS(number(entry, "count", path, kCount));
    SILT_TRY_STATUS(vec3(entry, "position", path, kPosition));
    SILT_TRY_STATUS(vec3(entry, "rotation_deg", path, kRotation));
    if (entry.contains("scale") && entry.contains("size")) {
        return error(childPath(path, "size"),
                     "unexpected field: give \"scale\" (a factor) or \"size\" (the largest "
                     "extent in m), not both");
    }
    SILT_TRY_STATUS(number(entry, "scale", path, kScale));
    SILT_TRY_STATUS(number(entry, "size", path, kSize));
    if (entry.contains("buried") && !entry["buried"].is_boolean())
        return expected(childPath(path, "buried"), "true or false", entry["buried"]);
    if (entry.contains("motion")) SILT_TRY_STATUS(motion(entry["motion"], childPath(path, "motion")));
    SILT_TRY_STATUS(number(entry, "density", path, kDensity));
    SILT_TRY_STATUS(number(entry, "friction", path, kFriction));
    SILT_TRY_STATUS(number(entry, "restitution", path, kRestitution));
    SILT_TRY_STATUS(vec3(entry, "linear_velocity", path, kVelocity));
    SILT_TRY_STATUS(vec3(entry, "angular_velocity", path, kAngularVelocity));
    SILT_TRY_STATUS(vec3(entry, "color", path, kColor));
    SILT_TRY_STATUS(number(entry, "metallic", path, kUnitInterval));
    return number(entry, "roughness", path, kUnitInterval);
}

Status SpecChecker::category(const json& value, const std::string& path) const {
    constexpr std::string_view kWhat =
        "a category name (a non-empty string) or a non-empty array of them";
    if (value.is_string()) return fixedText(value, path, kWhat, {});
    if (!value.is_array() || value.empty()) return expected(path, kWhat, value);
    for (size_t i = 0; i < value.size(); ++i)
        SILT_TRY_STATUS(fixedText(value[i], childPath(path, i), "a category name (a non-empty "
                                  "string)", {}));
    return {};
}

Status SpecChecker::motion(const json& value, const std::string& path) const {
    SILT_TRY_STATUS(knownFields(value, path, kMotionKeys,
                                "an object {\"type\", \"start\", \"velocity\"} or {\"type\", "
                                "\"keyframes\", \"easing\"}"));
    constexpr std::string_view kTypeWhat = "\"pull\" or \"push\"";
    if (!value.contains("type")) return missing(childPath(path, "type"), kTypeWhat);
    const json& type = value["type"];
    if (!type.is_string()) return expected(childPath(path, "type"), kTypeWhat, type);
    SILT_TRY_STATUS(fixedText(type, childPath(path, "type"), kTypeWhat, kMotionTypes));
    if (!value.contains("keyframes")) {
        if (value.contains("easing"))
            return error(childPath(path, "easing"),
                         "applies to \"keyframes\" only (a velocity motion has no keys to ease)");
        SILT_TRY_STATUS(number(value, "start", path, kMotionStart));
        if (!value.contains("velocity"))
            return missing(childPath(path, "velocity"),
                           std::string(kMotionVelocity.what) + ", or \"keyframes\"");
        return vec3(value, "velocity", path, kMotionVelocity);
    }
    // A keyframed path: the keys carry their own times, so start and velocity do not apply.
    for (const char* key : {"velocity", "start"})
        if (value.contains(key))
            return error(childPath(path, key),
                         "not allowed with \"keyframes\" (give a velocity motion or a path, "
                         "not both)");
    if (value.contains("easing"))
        SILT_TRY_STATUS(text(value, "easing", path, "\"linear\" or \"ease_in_out\"", kEasings));
    const std::string keysPath = childPath(path, "keyframes");
    const json& keys = value["keyframes"];
    constexpr std::string_view kKeysWhat =
        "a non-empty array (at most 256) of keys {\"t\", \"offset\", \"rotation_deg\"}";
    if (!keys.is_array() || keys.empty() || keys.size() > kMaxKeyframes)
        return expected(keysPath, kKeysWhat, keys);
    std::optional<Interval> previous;
    for (size_t i = 0; i < keys.size(); ++i) {
        const std::string keyPath = childPath(keysPath, i);
        const json& key = keys[i];
        if (!key.is_object()) return expected(keyPath, "a key {\"t\", \"offset\", \"rotation_deg\"}", key);
        SILT_TRY_STATUS(knownFields(key, keyPath, kKeyframeKeys,
                                    "a key {\"t\", \"offset\", \"rotation_deg\"}"));
        if (!key.contains("t")) return missing(childPath(keyPath, "t"), kKeyTime.what);
        SILT_TRY_STATUS(number(key, "t", keyPath, kKeyTime));
        SILT_TRY_STATUS(vec3(key, "offset", keyPath, kKeyOffset));
        SILT_TRY_STATUS(vec3(key, "rotation_deg", keyPath, kRotation));
        const Interval t = supportOf(key["t"]);
        if (previous && t.lo <= previous->hi)
            return error(childPath(keyPath, "t"),
                         fmt::format("expected a time after the previous key's, whatever is drawn "
                                     "(this key can be as early as {} s, the previous as late "
                                     "as {} s)",
                                     t.lo, previous->hi));
        previous = t;
    }
    return {};
}

Status SpecChecker::camera(const json& spec) const {
    SILT_TRY_STATUS(section(spec, "camera", kCameraKeys, "an object (the camera)"));
    if (!spec.contains("camera")) return {};
    const json& camera = spec["camera"];
    SILT_TRY_STATUS(vec3(camera, "position", "/camera", kPosition));
    SILT_TRY_STATUS(vec3(camera, "target", "/camera", kPosition));
    SILT_TRY_STATUS(number(camera, "fov_deg", "/camera", kFov));
    if (camera.contains("path"))
        SILT_TRY_STATUS(text(camera, "path", "/camera", "\"static\", \"orbit\" or \"dolly\"",
                             kCameraPaths));
    SILT_TRY_STATUS(number(camera, "orbit_deg_per_s", "/camera", kOrbitRate));
    SILT_TRY_STATUS(vec3(camera, "dolly_to_position", "/camera", kPosition));
    SILT_TRY_STATUS(vec3(camera, "dolly_to_target", "/camera", kPosition));
    if (camera.contains("dolly_easing"))
        SILT_TRY_STATUS(text(camera, "dolly_easing", "/camera", "\"linear\" or \"ease_in_out\"",
                             kEasings));
    SILT_TRY_STATUS(number(camera, "handheld_m", "/camera", kHandheldShift));
    SILT_TRY_STATUS(number(camera, "handheld_deg", "/camera", kHandheldAngle));
    SILT_TRY_STATUS(number(camera, "handheld_hz", "/camera", kHandheldRate));

    // lookAt needs a view direction that is not vertical, and an orbit a radius: the camera
    // must be horizontally away from the target whatever is drawn, at both ends of a dolly.
    const CameraPlan defaults;
    auto axisRange = [&](const char* key, const char* fallbackKey, const Vec3f& fallback,
                         int axis) {
        const char* present = camera.contains(key)           ? key
                              : fallbackKey && camera.contains(fallbackKey) ? fallbackKey
                                                                            : nullptr;
        if (!present) return Interval{fallback[axis], fallback[axis]};
        return supportOf(camera[present][static_cast<size_t>(axis)]);
    };
    auto mayBeVertical = [&](const char* eyeKey, const char* targetKey, const char* eyeFallback,
                             const char* targetFallback) {
        bool overlap = true;
        for (int axis : {0, 2}) {
            Interval eye = axisRange(eyeKey, eyeFallback, defaults.position, axis);
            Interval target = axisRange(targetKey, targetFallback, defaults.target, axis);
            Interval offset{eye.lo - target.hi, eye.hi - target.lo};
            overlap = overlap && offset.contains(0.0);
        }
        return overlap;
    };
    const std::string kAway =
        "a camera position horizontally away from the target for every draw (the view must "
        "not be vertical)";
    if (mayBeVertical("position", "target", nullptr, nullptr)) {
        return expectedGot("/camera/position", kAway,
                           std::string("x and z ranges that can coincide with the target's"));
    }
    if (mayBeVertical("dolly_to_position", "dolly_to_target", "position", "target")) {
        return expectedGot("/camera/dolly_to_position", kAway,
                           std::string("x and z ranges that can coincide with dolly_to_target's"));
    }
    return {};
}

Status SpecChecker::lighting(const json& spec) const {
    SILT_TRY_STATUS(section(spec, "lighting", kLightingKeys, "an object (the lighting)"));
    if (!spec.contains("lighting")) return {};
    const json& lighting = spec["lighting"];
    SILT_TRY_STATUS(vec3(lighting, "sun_direction", "/lighting", kDirection));
    if (lighting.contains("sun_direction")) {
        const json& direction = lighting["sun_direction"];
        if (mayBeZero(direction[0]) && mayBeZero(direction[1]) && mayBeZero(direction[2])) {
            return expectedGot("/lighting/sun_direction",
                               "a direction that is never the zero vector",
                               std::string("components that can all be 0"));
        }
    }
    SILT_TRY_STATUS(number(lighting, "sun_intensity", "/lighting", kIntensity));
    SILT_TRY_STATUS(vec3(lighting, "sun_color", "/lighting", kColor));
    SILT_TRY_STATUS(number(lighting, "sun_temperature_k", "/lighting", kColorTemperature));
    if (lighting.contains("sun_color") && lighting.contains("sun_temperature_k")) {
        return expectedGot("/lighting/sun_temperature_k",
                           "either sun_color or sun_temperature_k (the temperature sets the colour)",
                           std::string("both"));
    }
    SILT_TRY_STATUS(vec3(lighting, "sky_color", "/lighting", kColor));
    return number(lighting, "ambient", "/lighting", kIntensity);
}

Status SpecChecker::orderedBox(const json& box, const std::string& path) const {
    if (!box.contains("min")) return missing(childPath(path, "min"), kPosition.what);
    if (!box.contains("max")) return missing(childPath(path, "max"), kPosition.what);
    SILT_TRY_STATUS(vec3(box, "min", path, kPosition));
    SILT_TRY_STATUS(vec3(box, "max", path, kPosition));
    for (size_t axis = 0; axis < 3; ++axis) {
        Interval lo = supportOf(box["min"][axis]);
        Interval hi = supportOf(box["max"][axis]);
        if (!(hi.lo > lo.hi)) {
            return expectedGot(childPath(path, "max"),
                               "a box whose max exceeds its min on every axis for every draw",
                               fmt::format("axis {} ranges that can cross", "xyz"[axis]));
        }
    }
    return {};
}

Status SpecChecker::continuumBlock(const json& block, const std::string& path, bool sand) const {
    SILT_TRY_STATUS(knownFields(block, path, sand ? Keys(kSandKeys) : Keys(kWaterKeys),
                                "an object with \"min\" and \"max\" corners (m)"));
    SILT_TRY_STATUS(orderedBox(block, path));
    SILT_TRY_STATUS(number(block, "density", path, kDensity));
    SILT_TRY_STATUS(vec3(block, "color", path, kColor));
    SILT_TRY_STATUS(number(block, "roughness", path, kUnitInterval));
    if (sand) {
        SILT_TRY_STATUS(number(block, "friction_angle_deg", path, kFrictionAngle));
        SILT_TRY_STATUS(number(block, "youngs_modulus", path, kYoungsModulus));
        SILT_TRY_STATUS(number(block, "grain_diameter", path, kGrainDiameter));
        return number(block, "poisson_ratio", path, kPoissonRatio);
    }
    SILT_TRY_STATUS(number(block, "max_flow_speed", path, kFlowSpeed));
    return number(block, "viscosity", path, kViscosity);
}

Status SpecChecker::emitter(const json& entry, const std::string& path) const {
    SILT_TRY_STATUS(knownFields(entry, path, kEmitterKeys,
                                "an object (a pour: \"material\", \"position\", \"rate\"…)"));
    if (!entry.contains("position")) return missing(childPath(path, "position"), kPosition.what);
    if (!entry.contains("rate")) return missing(childPath(path, "rate"), kPourRate.what);
    if (entry.contains("material"))
        SILT_TRY_STATUS(text(entry, "material", path, "\"sand\" or \"water\"", kEmitterMaterials));
    if (entry.contains("shape"))
        SILT_TRY_STATUS(text(entry, "shape", path, "\"disc\" or \"rectangle\"", kNozzleShapes));
    SILT_TRY_STATUS(vec3(entry, "position", path, kPosition));
    SILT_TRY_STATUS(vec3(entry, "velocity", path, kVelocity));
    if (entry.contains("velocity")) {
        const json& v = entry["velocity"];
        if (mayBeZero(v[0]) && mayBeZero(v[1]) && mayBeZero(v[2]))
            return expectedGot(childPath(path, "velocity"),
                               "a velocity that is never zero (it sets the nozzle axis)",
                               std::string("components that can all be 0"));
    }
    for (const char* key : {"radius", "width", "depth"})
        SILT_TRY_STATUS(number(entry, key, path, kNozzleSize));
    SILT_TRY_STATUS(number(entry, "rate", path, kPourRate));
    SILT_TRY_STATUS(number(entry, "start", path, kTime));
    SILT_TRY_STATUS(number(entry, "end", path, kTime));
    const Interval start = entry.contains("start") ? supportOf(entry["start"]) : Interval{0, 0};
    const Interval end = entry.contains("end") ? supportOf(entry["end"]) : Interval{1, 1};
    if (!(end.lo > start.hi))
        return expectedGot(childPath(path, "end"), "a time after \"start\" for every draw",
                           fmt::format("ranges that can cross (start up to {}, end from {})",
                                       start.hi, end.lo));
    SILT_TRY_STATUS(number(entry, "max_particles", path, kParticleBudget));
    SILT_TRY_STATUS(number(entry, "friction_angle_deg", path, kFrictionAngle));
    SILT_TRY_STATUS(number(entry, "density", path, kDensity));
    SILT_TRY_STATUS(number(entry, "youngs_modulus", path, kYoungsModulus));
    SILT_TRY_STATUS(number(entry, "grain_diameter", path, kGrainDiameter));
    SILT_TRY_STATUS(number(entry, "poisson_ratio", path, kPoissonRatio));
    SILT_TRY_STATUS(number(entry, "max_flow_speed", path, kFlowSpeed));
    SILT_TRY_STATUS(number(entry, "viscosity", path, kViscosity));
    SILT_TRY_STATUS(vec3(entry, "color", path, kColor));
    return number(entry, "roughness", path, kUnitInterval);
}

Status SpecChecker::continuum(const json& spec) const {
    SILT_TRY_STATUS(section(spec, "continuum", kContinuumKeys, "an object (sand and water)"));
    if (!spec.contains("continuum")) return {};
    const json& c = spec["continuum"];
    const std::string path = "/continuum";
    SILT_TRY_STATUS(number(c, "cell_size", path, kCellSize));
    SILT_TRY_STATUS(number(c, "particles_per_cell", path, kParticlesPerCell));
    SILT_TRY_STATUS(number(c, "floor_friction", path, kFriction));
    SILT_TRY_STATUS(number(c, "wall_friction", path, kFriction));
    if (c.contains("domain")) {
        const std::string domainPath = childPath(path, "domain");
        SILT_TRY_STATUS(knownFields(c["domain"], domainPath, kBoxKeys,
                                    "an object {\"min\", \"max\"} (m)"));
        SILT_TRY_STATUS(orderedBox(c["domain"], domainPath));
    }
    for (const char* kind : {"sand", "water"}) {
        if (!c.contains(kind)) continue;
        const std::string kindPath = childPath(path, kind);
        if (!c[kind].is_array()) return expected(kindPath, "an array of boxes", c[kind]);
        for (size_t i = 0; i < c[kind].size(); ++i) {
            SILT_TRY_STATUS(continuumBlock(c[kind][i], childPath(kindPath, i),
                                           std::string_view(kind) == "sand"));
        }
    }
    if (c.contains("emitters")) {
        const std::string emittersPath = childPath(path, "emitters");
        if (!c["emitters"].is_array())
            return expected(emittersPath, "an array of pours", c["emitters"]);
        for (size_t i = 0; i < c["emitters"].size(); ++i)
            SILT_TRY_STATUS(emitter(c["emitters"][i], childPath(emittersPath, i)));
    }
    return {};
}

Status SpecChecker::check(const json& spec) const {
    if (!spec.is_object()) return expected("", "an object (a scene spec)", spec);
    // The version first: a newer format's fields would otherwise read as unknown ones.
    SILT_TRY_STATUS(version(spec));
    SILT_TRY_STATUS(knownFields(spec, "", kRootKeys, "an object (a scene spec)"));
    SILT_TRY_STATUS(oneLine(spec, "name", true));
    SILT_TRY_STATUS(oneLine(spec, "description", false));
    SILT_TRY_STATUS(number(spec, "frames", "", kFrames));
    SILT_TRY_STATUS(number(spec, "fps", "", kFps));
    SILT_TRY_STATUS(image(spec));
    SILT_TRY_STATUS(physics(spec));
    SILT_TRY_STATUS(ground(spec));
    SILT_TRY_STATUS(objects(spec));
    SILT_TRY_STATUS(camera(spec));
    SILT_TRY_STATUS(lighting(spec));
    return continuum(spec);
}

}  // namespace silt::scenes::detail
