#include "silt/finetune/ModelConfig.h"

#include <stdexcept>

namespace silt::finetune {

std::string ModelConfig::validate() const {
    auto positive = [](int64_t v) { return v > 0; };
    if (!positive(frames) || !positive(height) || !positive(width) || !positive(channels) ||
        !positive(patchSize) || !positive(tubeletFrames) || !positive(hidden) || !positive(depth) ||
        !positive(heads) || !positive(textLength) || textLayers < 0 ||
        physicsFeatures != kPhysicsFeatures || mlpRatio <= 0.0)
        return "every size must be positive and physics_features must be " +
               std::to_string(kPhysicsFeatures);
    if (contextFrames < 1 || contextFrames >= frames)
        return "context_frames must be at least 1 and less than frames (" + std::to_string(frames) +
               "), got " + std::to_string(contextFrames);
    if (height % patchSize != 0 || width % patchSize != 0)
        return "height and width must be multiples of patch_size " + std::to_string(patchSize);
    if (frames % tubeletFrames != 0 || contextFrames % tubeletFrames != 0)
        return "frames and context_frames must be multiples of tubelet_frames " +
               std::to_string(tubeletFrames);
    if (hidden % heads != 0 || (hidden / heads) % 2 != 0)
        return "hidden must be a multiple of heads with an even head width";
    if (hidden % 4 != 0) return "hidden must be a multiple of 4 (2-D sine-cosine positions)";
    return {};
}

nlohmann::json ModelConfig::toJson() const {
    return {{"frames", frames},
            {"context_frames", contextFrames},
            {"height", height},
            {"width", width},
            {"channels", channels},
            {"patch_size", patchSize},
            {"tubelet_frames", tubeletFrames},
            {"hidden", hidden},
            {"depth", depth},
            {"heads", heads},
            {"mlp_ratio", mlpRatio},
            {"text_length", textLength},
            {"text_layers", textLayers},
            {"physics_features", physicsFeatures},
            {"architecture", "STDiT: spatial, temporal and cross attention, adaLN-Zero"}};
}

ModelConfig ModelConfig::fromJson(const nlohmann::json& json) {
    if (!json.is_object()) throw std::runtime_error("model config: expected a JSON object");
    ModelConfig c;
    auto read = [&json](const char* key, auto& field) {
        if (!json.contains(key)) return;
        try {
            json.at(key).get_to(field);
        } catch (const nlohmann::json::exception&) {
            throw std::runtime_error(std::string("model config: \"") + key + "\" must be a number");
        }
    };
    read("frames", c.frames);
    read("context_frames", c.contextFrames);
    read("height", c.height);
    read("width", c.width);
    read("channels", c.channels);
    read("patch_size", c.patchSize);
    read("tubelet_frames", c.tubeletFrames);
    read("hidden", c.hidden);
    read("depth", c.depth);
    read("heads", c.heads);
    read("mlp_ratio", c.mlpRatio);
    read("text_length", c.textLength);
    read("text_layers", c.textLayers);
    read("physics_features", c.physicsFeatures);
    if (std::string problem = c.validate(); !problem.empty())
        throw std::runtime_error("model config: " + problem);
    return c;
}

}  // namespace silt::finetune
