#pragma once
// Configuration of the automatic clip plausibility checks (docs/checks.md): which checks run,
// their thresholds, and what happens to a clip that fails one. Read from a scene template's
// "checks" block and from `silt generate --checks FILE.json` (same format; the file's fields
// override the template's). Errors name the source, the JSON path and what was expected.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "silt/core/Result.h"

namespace silt::scenes {

/// What happens to a clip that fails a check.
enum class CheckFailPolicy : uint8_t {
    Flag,        ///< write it, with checks.passed = false
    Regenerate,  ///< draw it again from the next seed of its stream, up to maxAttempts
};

/// One check: its name in the config and in clip.json, its default threshold and which side
/// of the threshold passes.
struct CheckDefinition {
    std::string_view name;
    double defaultThreshold = 0.0;
    bool minimum = false;  ///< true: the value must be >= the threshold; false: <=
    std::string_view unit;
    std::string_view meaning;  ///< one line, for docs and errors
};

/// Every check, in the order clip.json lists them.
[[nodiscard]] std::span<const CheckDefinition> checkDefinitions();
/// The definition named `name`, or null.
[[nodiscard]] const CheckDefinition* findCheck(std::string_view name);

struct ChecksConfig {
    bool enabled = true;  ///< false: no check runs, clip.json has no "checks"
    CheckFailPolicy onFail = CheckFailPolicy::Flag;
    uint32_t maxAttempts = 3;  ///< attempts per clip with Regenerate, the first included
    /// Threshold of every check by name; nullopt = the check is off. Filled with the defaults.
    std::map<std::string, std::optional<double>, std::less<>> thresholds;

    ChecksConfig();
    /// The config as JSON in the input format (for the dataset card and for hashing).
    [[nodiscard]] nlohmann::json toJson() const;
};

inline constexpr uint32_t kMaxCheckAttempts = 100;

/// Applies a "checks" object onto `config`: fields present replace the config's, absent
/// ones keep it. `source` and `path` (a JSON pointer such as "/checks") name the place in
/// errors. Format: {"enabled": bool, "on_fail": "flag"|"regenerate", "max_attempts": 1..100,
/// "thresholds": {"<check>": number or null (off)}}.
[[nodiscard]] Status applyChecksConfig(const nlohmann::json& value, const std::string& source,
                                       const std::string& path, ChecksConfig& config);

/// Reads a --checks file (a JSON object in the format above) and applies it onto `config`.
[[nodiscard]] Status applyChecksFile(const std::string& file, ChecksConfig& config);

}  // namespace silt::scenes
