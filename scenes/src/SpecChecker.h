#pragma once
// SpecChecker validates a parsed scene spec against the format in docs/scene-spec.md, so that
// randomize() can draw from it without further checks. Reports the first problem as one
// message: "<source>: <json-path>: expected <what>, got <what>".

#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "SpecRules.h"
#include "silt/core/Result.h"

namespace silt::scenes::detail {

/// The closed range a validated number value (fixed or distribution) can take.
struct Interval {
    double lo = 0.0;
    double hi = 0.0;
    [[nodiscard]] bool contains(double v) const { return lo <= v && v <= hi; }
};
[[nodiscard]] Interval supportOf(const nlohmann::json& validatedValue);
/// True when a validated number value can come out exactly zero.
[[nodiscard]] bool mayBeZero(const nlohmann::json& validatedValue);

class SpecChecker {
public:
    explicit SpecChecker(std::string source) : mSource(std::move(source)) {}

    [[nodiscard]] Status check(const nlohmann::json& spec) const;

private:
    using json = nlohmann::json;
    using Keys = std::span<const std::string_view>;

    [[nodiscard]] Error error(const std::string& path, const std::string& message) const;
    [[nodiscard]] Error expectedGot(const std::string& path, std::string_view what,
                                    const std::string& got) const;
    [[nodiscard]] Error expected(const std::string& path, std::string_view what,
                                 const json& got) const;
    [[nodiscard]] Error missing(const std::string& path, std::string_view what) const;

    /// `value` is an object whose keys are all in `known`.
    [[nodiscard]] Status knownFields(const json& value, const std::string& path, Keys known,
                                     std::string_view what) const;
    [[nodiscard]] Status section(const json& spec, std::string_view key, Keys known,
                                 std::string_view what) const;

    [[nodiscard]] Status number(const json& object, std::string_view key, const std::string& path,
                                const NumberRule& rule) const;
    [[nodiscard]] Status numberValue(const json& value, const std::string& path,
                                     const NumberRule& rule) const;
    [[nodiscard]] Status fixedNumber(const json& value, const std::string& path,
                                     const NumberRule& rule) const;
    [[nodiscard]] Status distribution(const json& value, const std::string& path,
                                      const NumberRule& rule) const;
    [[nodiscard]] Status uniform(const json& value, const std::string& path,
                                 const NumberRule& rule) const;
    [[nodiscard]] Status normal(const json& distribution, const std::string& path,
                                const NumberRule& rule) const;
    [[nodiscard]] Status vec3(const json& object, std::string_view key, const std::string& path,
                              const Vec3Rule& rule) const;
    /// A string field: fixed or {"choice": [...]}; `allowed` empty means any non-empty string.
    [[nodiscard]] Status text(const json& object, std::string_view key, const std::string& path,
                              std::string_view what, Keys allowed) const;
    [[nodiscard]] Status fixedText(const json& value, const std::string& path,
                                   std::string_view what, Keys allowed) const;
    [[nodiscard]] Status oneLine(const json& object, std::string_view key, bool required) const;

    [[nodiscard]] Status version(const json& spec) const;
    [[nodiscard]] Status image(const json& spec) const;
    [[nodiscard]] Status physics(const json& spec) const;
    [[nodiscard]] Status ground(const json& spec) const;
    [[nodiscard]] Status objects(const json& spec) const;
    [[nodiscard]] Status object(const json& entry, const std::string& path) const;
    [[nodiscard]] Status category(const json& value, const std::string& path) const;
    [[nodiscard]] Status motion(const json& value, const std::string& path) const;
    [[nodiscard]] Status camera(const json& spec) const;
    [[nodiscard]] Status lighting(const json& spec) const;
    [[nodiscard]] Status continuum(const json& spec) const;
    [[nodiscard]] Status emitter(const json& entry, const std::string& path) const;
    [[nodiscard]] Status continuumBlock(const json& block, const std::string& path, bool sand) const;
    /// min < max on every axis for every draw.
    [[nodiscard]] Status orderedBox(const json& box, const std::string& path) const;

    std::string mSource;
};

}  // namespace silt::scenes::detail
