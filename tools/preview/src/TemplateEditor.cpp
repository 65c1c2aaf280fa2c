#include "TemplateEditor.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace silt::preview {
namespace {

using nlohmann::json;

bool isDistribution(const json& value) {
    return value.is_object() &&
           (value.contains("uniform") || value.contains("normal") || value.contains("choice"));
}

/// A drag speed that moves a value by about 1 % of its magnitude per pixel.
float speedFor(double value) {
    return float(std::max(std::abs(value) * 0.01, 0.001));
}

bool dragNumber(const std::string& label, json& value) {
    if (value.is_number_integer()) {
        int v = value.get<int>();
        if (ImGui::DragInt(label.c_str(), &v, std::max(1.0f, speedFor(v)))) {
            value = v;
            return true;
        }
        return false;
    }
    float v = value.get<float>();
    if (ImGui::DragFloat(label.c_str(), &v, speedFor(v), 0.0f, 0.0f, "%.4g")) {
        value = v;
        return true;
    }
    return false;
}

/// Two numbers of an array as one row ("uniform": [lo, hi], "normal": [mean, sd]).
bool dragPair(const std::string& label, json& pair) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number() || !pair[1].is_number())
        return false;
    if (pair[0].is_number_integer() && pair[1].is_number_integer()) {
        int v[2] = {pair[0].get<int>(), pair[1].get<int>()};
        if (ImGui::DragInt2(label.c_str(), v, 1.0f)) {
            pair = json::array({v[0], v[1]});
            return true;
        }
        return false;
    }
    float v[2] = {pair[0].get<float>(), pair[1].get<float>()};
    const float speed = speedFor(std::max(std::abs(v[0]), std::abs(v[1])));
    if (ImGui::DragFloat2(label.c_str(), v, speed, 0.0f, 0.0f, "%.4g")) {
        pair = json::array({v[0], v[1]});
        return true;
    }
    return false;
}

}  // namespace

bool TemplateEditor::draw(json& spec) {
    bool changed = false;
    ImGui::PushItemWidth(-170.0f);
    for (auto& [key, child] : spec.items()) {
        if (key == "silt_scene" || key == "name" || key == "description") continue;
        changed |= walk(child, "/" + key);
    }
    ImGui::PopItemWidth();
    return changed;
}

bool TemplateEditor::walk(json& value, const std::string& path) {
    bool changed = false;
    if (isDistribution(value)) {
        if (value.contains("uniform")) changed |= dragPair(path + " uniform", value["uniform"]);
        if (value.contains("normal"))
            changed |= dragPair(path + " normal (mean, sd)", value["normal"]);
        if (value.contains("min") && value["min"].is_number())
            changed |= dragNumber(path + " min", value["min"]);
        if (value.contains("max") && value["max"].is_number())
            changed |= dragNumber(path + " max", value["max"]);
        if (value.contains("choice"))
            ImGui::Text("%s choice %s", path.c_str(), value["choice"].dump().c_str());
    } else if (value.is_object()) {
        for (auto& [key, child] : value.items()) changed |= walk(child, path + "/" + key);
    } else if (value.is_array()) {
        for (size_t i = 0; i < value.size(); ++i)
            changed |= walk(value[i], path + "/" + std::to_string(i));
    } else if (value.is_number()) {
        changed |= dragNumber(path, value);
    } else if (value.is_boolean()) {
        bool b = value.get<bool>();
        if (ImGui::Checkbox(path.c_str(), &b)) {
            value = b;
            changed = true;
        }
    } else {
        ImGui::Text("%s = %s", path.c_str(), value.dump().c_str());
    }
    return changed;
}

}  // namespace silt::preview
