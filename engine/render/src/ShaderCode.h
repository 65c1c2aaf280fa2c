#pragma once
// The SPIR-V of engine/render/shaders/, compiled by glslc at build time and embedded by
// cmake/EmbedSpirv.cmake (one generated source per shader).

#include <cstdint>
#include <span>

namespace silt::render::spirv {

extern const std::span<const uint32_t> kSceneVert;
extern const std::span<const uint32_t> kSceneFrag;
extern const std::span<const uint32_t> kShadowVert;
extern const std::span<const uint32_t> kSkyVert;
extern const std::span<const uint32_t> kSkyFrag;
extern const std::span<const uint32_t> kLabelVert;
extern const std::span<const uint32_t> kLabelFrag;
extern const std::span<const uint32_t> kSceneLabelsVert;
extern const std::span<const uint32_t> kSceneLabelsFrag;
extern const std::span<const uint32_t> kFxaaFrag;

}  // namespace silt::render::spirv
