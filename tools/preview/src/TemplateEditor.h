#pragma once
// The preview panel's template editor: every number of a scene template's JSON spec as a
// drag field, each range (uniform bounds, normal mean and deviation, clamps) as a pair, and
// choices as read-only text, keyed by JSON path like `silt scenes --describe`. Edits go into
// a working copy of the spec; the window re-parses it (scenes::parseSceneTemplate, so every
// check of the spec applies) before it simulates again or saves it.

#include <string>

#include <nlohmann/json.hpp>

namespace silt::preview {

class TemplateEditor {
public:
    /// Draws the editor (inside an ImGui window); true when a value changed this frame.
    bool draw(nlohmann::json& spec);

private:
    bool walk(nlohmann::json& value, const std::string& path);
};

}  // namespace silt::preview
