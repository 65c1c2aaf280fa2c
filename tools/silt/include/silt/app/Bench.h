#pragma once
// `silt bench …`: benchmarks that print one JSON object per line (DESIGN.md "Performance,
// measured honestly"). Figures only; nothing is asserted.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "silt/core/Result.h"

namespace silt::app {

struct GenerateBenchOptions {
    std::string scene;  ///< empty = default template
    uint32_t clips = 1;
    uint32_t frames = 48;
    uint32_t width = 256;
    uint32_t height = 256;
    uint32_t threads = 0;  ///< 0 = all cores
};

struct RenderBenchOptions {
    std::vector<uint32_t> sizes{256, 512, 1024};  ///< square image sides, pixels
    uint32_t frames = 20;                         ///< timed frames per size (after 2 warm-up)
    uint32_t triangles = 100000;                  ///< approximate scene size
    uint32_t threads = 0;                         ///< 0 = all cores (lavapipe threads)
    uint32_t msaaSamples = 0;    ///< 0 = RendererDesc's default
    uint32_t shadowMapSize = 0;  ///< texels; 0 = RendererDesc's default
    bool clusterCulling = true;  ///< RendererDesc::clusterCulling (off: compare in one run)
    float lodPixelError = -1.0f;  ///< px, RendererDesc::lodPixelError; < 0: its default (0: off)
};

/// Renders a scene of moving spheres over a ground (about `triangles` triangles, FXAA,
/// sun shadows) with colour and every label channel at each size, and prints one line per
/// size: {"bench":"render", "frames_per_s" (colour + labels, readback included),
/// "colour_only_frames_per_s", "ms_per_frame": {record, gpu_draw (= gpu_shadow + gpu_colour +
/// gpu_water + gpu_post + gpu_labels), gpu_copy, wait, unpack}, "triangles_drawn": {shadow,
/// main} per frame after cluster culling}.
/// gpu_* come from GPU timestamps (−1 without them); wait is submit → fence. Surfacing of
/// sand and water is not part of it yet.
[[nodiscard]] Status benchRender(const RenderBenchOptions& options, std::ostream& out);

/// Generates clips into a temporary folder (removed afterwards) and prints
/// {"bench":"generate", "cpu_s_per_frame", "wall_s_per_frame", "peak_rss_mb", stage times …}.
[[nodiscard]] Status benchGenerate(const GenerateBenchOptions& options, std::ostream& out);

}  // namespace silt::app
