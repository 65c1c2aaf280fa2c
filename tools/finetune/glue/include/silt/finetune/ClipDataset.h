#pragma once
// Silt datasets as training material, torch-free: which clips a dataset holds, the held-out
// split, each clip's conditioning (caption and physics labels from clip.json) and its frames
// decoded from rgb.mp4 and resized to the model's size.
//
// Physics-label features (ModelConfig::physicsFeatures = 8, each roughly in [0, 1]):
//   0 sand present, 1 water present, 2 sand friction angle / 45° (35° for the hardening
//   model, 0 without sand), 3 sand density / 2000 kg/m³, 4 water density / 1000 kg/m³,
//   5 object count / 8, 6 mean object density / 2000 kg/m³, 7 mean object friction.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "silt/core/Result.h"
#include "silt/finetune/ModelConfig.h"
#include "silt/finetune/MotionMetrics.h"

namespace silt::finetune {

struct ClipRecord {
    std::filesystem::path dir;  ///< the clip folder (clip.json, rgb.mp4)
    std::string name;           ///< folder name, "clip_000012"
    std::string caption;
    std::array<float, kPhysicsFeatures> physics{};
};

/// The physics-label features of a clip.json (see above).
std::array<float, kPhysicsFeatures> physicsFeatures(const nlohmann::json& clip);

/// Which clips are held out: the clips sorted by a hash of their names, the first
/// round(n · fraction) of them (at least one when fraction > 0 and n > 1). A pure function of
/// the names, so `silt finetune` and `silt eval` agree without sharing a file.
std::vector<bool> heldOutMask(const std::vector<std::string>& names, double fraction);

enum class Split { Train, HeldOut, All };

/// The complete clips of a dataset folder in `split`, with their conditioning. Errors name
/// the folder or the clip.json at fault.
[[nodiscard]] Result<std::vector<ClipRecord>> listClips(const std::filesystem::path& dataset,
                                                        Split split, double heldOutFraction);

/// The first `frames` frames of the clip's rgb.mp4, box-filtered to width × height, as
/// frames × height × width × 3 bytes. An error names the video when it is unreadable or has
/// fewer frames than asked for.
[[nodiscard]] Result<std::vector<uint8_t>> decodeClipFrames(const ClipRecord& clip, int64_t frames,
                                                            int64_t height, int64_t width);

/// Flow and instance labels of frames first … first + count − 1 at the clip's own size, from
/// the files its clip.json lists under "files"/"labels". An error names the clip.json or the
/// label file when the clip has no such labels (generated without them) or one is unreadable.
[[nodiscard]] Result<std::vector<MotionLabelFrame>> readMotionLabels(const ClipRecord& clip,
                                                                    int64_t first, int64_t count);

}  // namespace silt::finetune
