#include "silt/scenes/ChecksConfig.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "JsonText.h"
#include "silt/core/FileAtomics.h"

namespace silt::scenes {
namespace {

using nlohmann::json;
using detail::childPath;
using detail::describe;
using detail::shownPath;

// Defaults: measured on the builtin templates (docs/checks.md lists the figures) with room
// to spare, so that an ordinary clip passes and a broken one does not.
constexpr std::array<CheckDefinition, 11> kChecks = {{
    {"sand_volume_drift", 0.15, false, "fraction",
     "largest |V/V0 - 1| over the clip of the sand's volume V = sum of J*V0 over its particles"},
    {"water_volume_drift", 0.05, false, "fraction",
     "largest |V/V0 - 1| over the clip of the water's volume V = sum of J*V0 over its particles"},
    {"particle_loss", 0.0, false, "fraction",
     "share of particles that left the continuum domain or became NaN/Inf"},
    {"energy_gain", 1.25, false, "ratio",
     "largest (kinetic + potential energy) of particles and bodies over its value at frame 0"},
    {"ground_penetration", 0.1, false, "m",
     "deepest overlap of a rigid body with the ground (Bullet contact distance)"},
    {"body_penetration", 0.1, false, "m",
     "deepest overlap of two rigid bodies (Bullet contact distance)"},
    {"objects_outside_domain", 0.0, false, "objects",
     "objects whose centre of mass left the ground square or went below the ground"},
    {"out_of_view_fraction", 0.8, false, "fraction",
     "largest share of frames in which one object has no pixel in the instance labels"},
    {"frame_difference", 0.1, true, "luma levels",
     "mean absolute luma change between consecutive frames (0-255), averaged over the clip"},
    {"frame_contrast", 2.0, true, "luma levels",
     "smallest standard deviation of a frame's luma (0-255): blank frames have none"},
    {"saturated_fraction", 0.5, false, "fraction",
     "largest share of one frame's pixels at luma <= 2 or >= 253 (black or blown out)"},
}};

constexpr std::array<std::string_view, 4> kConfigKeys = {"enabled", "on_fail", "max_attempts",
                                                         "thresholds"};

Error errorAt(const std::string& source, const std::string& path, const std::string& message) {
    return Error{fmt::format("{}: {}: {}", source, shownPath(path), message)};
}

Error expected(const std::string& source, const std::string& path, std::string_view what,
               const json& got) {
    return errorAt(source, path, fmt::format("expected {}, got {}", what, describe(got)));
}

std::string checkNames() {
    std::string names;
    for (const CheckDefinition& check : kChecks)
        names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", check.name);
    return names;
}

Status unknownField(const std::string& source, const std::string& path,
                    std::span<const std::string_view> known, const std::string& key,
                    const std::string& list) {
    std::string suggestion = detail::closestMatch(key, known);
    if (!suggestion.empty()) {
        return errorAt(source, childPath(path, key),
                       fmt::format("unknown field (did you mean \"{}\"?)", suggestion));
    }
    return errorAt(source, childPath(path, key),
                   fmt::format("unknown field (expected one of {})", list));
}

}  // namespace

std::span<const CheckDefinition> checkDefinitions() {
    return kChecks;
}

const CheckDefinition* findCheck(std::string_view name) {
    for (const CheckDefinition& check : kChecks)
        if (check.name == name) return &check;
    return nullptr;
}

ChecksConfig::ChecksConfig() {
    for (const CheckDefinition& check : kChecks)
        thresholds.emplace(std::string(check.name), check.defaultThreshold);
}

json ChecksConfig::toJson() const {
    json limits = json::object();
    for (const auto& [name, threshold] : thresholds)
        limits[name] = threshold ? json(*threshold) : json(nullptr);
    return {{"enabled", enabled},
            {"on_fail", onFail == CheckFailPolicy::Flag ? "flag" : "regenerate"},
            {"max_attempts", maxAttempts},
            {"thresholds", limits}};
}

Status applyChecksConfig(const json& value, const std::string& source, const std::string& path,
                         ChecksConfig& config) {
    constexpr std::string_view kWhat =
        "an object with \"enabled\", \"on_fail\", \"max_attempts\" and/or \"thresholds\"";
    if (!value.is_object()) return expected(source, path, kWhat, value);
    // Validate everything before changing `config`, so a bad block leaves it as it was.
    ChecksConfig next = config;
    for (const auto& [key, field] : value.items()) {
        const std::string fieldPath = childPath(path, key);
        if (key == "enabled") {
            if (!field.is_boolean()) return expected(source, fieldPath, "true or false", field);
            next.enabled = field.get<bool>();
        } else if (key == "on_fail") {
            const std::string word = field.is_string() ? field.get<std::string>() : "";
            if (word == "flag") {
                next.onFail = CheckFailPolicy::Flag;
            } else if (word == "regenerate") {
                next.onFail = CheckFailPolicy::Regenerate;
            } else {
                return expected(source, fieldPath, "\"flag\" or \"regenerate\"", field);
            }
        } else if (key == "max_attempts") {
            const std::string what = fmt::format("an integer 1..{}", kMaxCheckAttempts);
            if (!field.is_number_integer() || field.get<int64_t>() < 1 ||
                field.get<int64_t>() > int64_t{kMaxCheckAttempts}) {
                return expected(source, fieldPath, what, field);
            }
            next.maxAttempts = field.get<uint32_t>();
        } else if (key == "thresholds") {
            if (!field.is_object()) {
                return expected(source, fieldPath,
                                "an object of check name -> number (or null to turn it off)",
                                field);
            }
            std::vector<std::string_view> names;
            for (const CheckDefinition& check : kChecks) names.push_back(check.name);
            for (const auto& [name, threshold] : field.items()) {
                const CheckDefinition* check = findCheck(name);
                if (!check) return unknownField(source, fieldPath, names, name, checkNames());
                const std::string thresholdPath = childPath(fieldPath, name);
                if (threshold.is_null()) {
                    next.thresholds[name] = std::nullopt;
                    continue;
                }
                const std::string what = fmt::format(
                    "a number >= 0 ({}; {}) or null (check off)", check->unit, check->meaning);
                if (!threshold.is_number() || !std::isfinite(threshold.get<double>()) ||
                    threshold.get<double>() < 0.0) {
                    return expected(source, thresholdPath, what, threshold);
                }
                next.thresholds[name] = threshold.get<double>();
            }
        } else {
            std::string list;
            for (std::string_view known : kConfigKeys)
                list += fmt::format("{}\"{}\"", list.empty() ? "" : ", ", known);
            return unknownField(source, path, kConfigKeys, key, list);
        }
    }
    config = std::move(next);
    return {};
}

Status applyChecksFile(const std::string& file, ChecksConfig& config) {
    Result<std::string> text = readFile(file);
    if (!text) return text.error();
    json value;
    try {
        value = json::parse(*text);
    } catch (const json::parse_error& e) {
        const detail::TextPosition at = detail::positionOf(*text, e.byte > 0 ? e.byte - 1 : 0);
        return Error{fmt::format("{}:{}:{}: malformed JSON (expected a checks object, see "
                                 "docs/checks.md)",
                                 file, at.line, at.column)};
    }
    return applyChecksConfig(value, file, "", config);
}

}  // namespace silt::scenes
