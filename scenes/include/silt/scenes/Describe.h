#pragma once
// `silt scenes --describe NAME`: a template's parameters, each with its fixed value or the
// distribution it is drawn from, one per line, keyed by JSON path.

#include <string>

#include "silt/scenes/SceneTemplate.h"

namespace silt::scenes {

/// Human-readable listing: a header (name, description, source), then "drawn" parameters
/// (path, distribution and range) and "fixed" ones (path, value).
[[nodiscard]] std::string describeTemplate(const SceneTemplate& scene);

}  // namespace silt::scenes
