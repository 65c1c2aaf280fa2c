#pragma once
// Small text helpers for user-facing JSON errors: JSON-pointer paths, short descriptions of
// offending values, "did you mean" suggestions, and line/column positions in the source text.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace silt::scenes::detail {

/// `object[key]`, or null when `object` is not an object or lacks `key`.
[[nodiscard]] const nlohmann::json& member(const nlohmann::json& object, std::string_view key);

/// `parent` + "/" + `key`, with "~" and "/" escaped as RFC 6901 requires.
[[nodiscard]] std::string childPath(const std::string& parent, std::string_view key);
[[nodiscard]] std::string childPath(const std::string& parent, size_t index);
/// How a path is shown: the root is "/".
[[nodiscard]] std::string shownPath(const std::string& path);

/// What a value is, for "got …": numbers and short strings verbatim, containers by kind.
[[nodiscard]] std::string describe(const nlohmann::json& value);

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo;
/// empty otherwise.
[[nodiscard]] std::string closestMatch(std::string_view word,
                                       std::span<const std::string_view> candidates);

/// 1-based line and column (in UTF-8 code points) of byte `offset` (0-based) in `text`.
/// An offset at or past the end is reported just after the last character.
struct TextPosition {
    size_t line = 1;
    size_t column = 1;
};
[[nodiscard]] TextPosition positionOf(std::string_view text, size_t offset);

}  // namespace silt::scenes::detail
