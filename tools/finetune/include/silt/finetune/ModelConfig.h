#pragma once
// The shape of the bundled video transformer, as plain data. Saved beside every checkpoint
// (model.json) so that a checkpoint can be loaded without knowing how it was trained.
// Torch-free: the CLI and the data glue read it without pulling in libtorch.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace silt::finetune {

/// Number of physics-label features per clip (see Conditioning.h for their meaning).
inline constexpr int64_t kPhysicsFeatures = 8;

struct ModelConfig {
    int64_t frames = 12;        ///< frames per clip seen by the model (context + generated)
    int64_t contextFrames = 4;  ///< first frames given clean; the rest are generated
    int64_t height = 32;        ///< px
    int64_t width = 32;         ///< px
    int64_t channels = 3;       ///< RGB
    int64_t patchSize = 4;      ///< px, side of a tubelet's spatial footprint
    int64_t tubeletFrames = 1;  ///< frames per tubelet; must divide frames and contextFrames
    int64_t hidden = 96;        ///< token width of the video and text transformers
    int64_t depth = 4;          ///< STDiT blocks
    int64_t heads = 4;          ///< attention heads; must divide hidden
    double mlpRatio = 4.0;      ///< MLP hidden width / token width
    int64_t textLength = 48;    ///< caption tokens (one BOS + bytes), longer captions are cut
    int64_t textLayers = 2;     ///< layers of the caption encoder
    int64_t physicsFeatures = kPhysicsFeatures;  ///< physics-label tokens

    /// Tokens per tubelet row: (height / patch) * (width / patch).
    [[nodiscard]] int64_t spatialTokens() const {
        return (height / patchSize) * (width / patchSize);
    }
    /// Tubelets along time.
    [[nodiscard]] int64_t temporalTokens() const { return frames / tubeletFrames; }

    /// An empty string when the fields are consistent, else what is wrong.
    [[nodiscard]] std::string validate() const;

    [[nodiscard]] nlohmann::json toJson() const;
    /// Fields missing from `json` keep their defaults; throws std::runtime_error on a wrong
    /// type or an inconsistent configuration.
    static ModelConfig fromJson(const nlohmann::json& json);
};

}  // namespace silt::finetune
