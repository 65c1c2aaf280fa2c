#include "silt/scenes/Describe.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace silt::scenes {

namespace {

using json = nlohmann::json;

bool isDistribution(const json& value) {
    return value.is_object() &&
           (value.contains("uniform") || value.contains("normal") || value.contains("choice"));
}

std::string distributionText(const json& value) {
    if (value.contains("uniform")) {
        return fmt::format("uniform [{}, {}]", value["uniform"][0].dump(),
                           value["uniform"][1].dump());
    }
    if (value.contains("normal")) {
        std::string text = fmt::format("normal (mean {}, std dev {})", value["normal"][0].dump(),
                                       value["normal"][1].dump());
        if (value.contains("min")) text += fmt::format(", min {}", value["min"].dump());
        if (value.contains("max")) text += fmt::format(", max {}", value["max"].dump());
        return text;
    }
    return "choice " + value["choice"].dump();
}

void walk(const json& value, const std::string& path,
          std::vector<std::pair<std::string, std::string>>& drawn,
          std::vector<std::pair<std::string, std::string>>& fixed) {
    if (isDistribution(value)) {
        drawn.emplace_back(path, distributionText(value));
    } else if (path.size() > 9 && path.compare(path.size() - 9, 9, "/category") == 0) {
        // The asset is drawn per clip from every asset of the listed categories.
        drawn.emplace_back(path, "asset drawn uniformly from category " + value.dump());
    } else if (value.is_object()) {
        for (const auto& [key, child] : value.items()) walk(child, path + "/" + key, drawn, fixed);
    } else if (value.is_array() && std::any_of(value.begin(), value.end(), [](const json& v) {
                   return v.is_object() || v.is_array();
               })) {
        for (size_t i = 0; i < value.size(); ++i)
            walk(value[i], fmt::format("{}/{}", path, i), drawn, fixed);
    } else {
        fixed.emplace_back(path, value.dump());
    }
}

}  // namespace

std::string describeTemplate(const SceneTemplate& scene) {
    std::vector<std::pair<std::string, std::string>> drawn, fixed;
    for (const auto& [key, child] : scene.spec.items()) {
        if (key == "silt_scene" || key == "name" || key == "description") continue;
        walk(child, "/" + key, drawn, fixed);
    }
    std::string out =
        fmt::format("{}: {}\nsource: {}\n", scene.name, scene.description, scene.source);
    out += fmt::format("\ndrawn per clip ({}):\n", drawn.size());
    for (const auto& [path, text] : drawn) out += fmt::format("  {:<34} {}\n", path, text);
    out += fmt::format("\nfixed ({}):\n", fixed.size());
    for (const auto& [path, text] : fixed) out += fmt::format("  {:<34} {}\n", path, text);
    out +=
        "\nUnset fields take the defaults in docs/scene-spec.md. Object poses are redrawn until "
        "objects do not overlap, stay above the ground and start in (or fall into) view, inside "
        "the continuum's domain and clear of sand and water unless \"buried\". Objects with a "
        "\"motion\" are kinematic: they move at the scripted velocity from its start time, or "
        "through their keyframes.\n";
    return out;
}

}  // namespace silt::scenes
