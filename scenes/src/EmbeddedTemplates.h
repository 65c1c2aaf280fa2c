#pragma once
// The builtin templates' text, compiled in by scenes/cmake/EmbedTemplates.cmake (which writes
// EmbeddedTemplates.cpp from scenes/templates/*.json at build time).

#include <span>
#include <string_view>

namespace silt::scenes::detail {

struct EmbeddedTemplate {
    std::string_view fileName;  ///< "default.json"
    std::string_view text;
};

[[nodiscard]] std::span<const EmbeddedTemplate> embeddedTemplates();

}  // namespace silt::scenes::detail
