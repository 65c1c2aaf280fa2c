#pragma once
// PNG pictures of a training run and an evaluation, torch-free (stb_image_write): the loss
// curve, and strips of predicted versus true frames with their motion masks.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "silt/core/Result.h"

namespace silt::finetune {

struct LossPoint {
    int64_t step = 0;
    double loss = 0.0;
    double learningRate = 0.0;
};

/// A line plot: loss (blue, log scale, left axis ticks) and learning rate (orange, linear,
/// scaled to the plot height) against step, with tick labels; written atomically.
[[nodiscard]] Status writeLossPlot(const std::filesystem::path& path,
                                   const std::vector<LossPoint>& points);

/// A grid of tiles, `rows` × `columns`, each tile `height` × `width` RGB bytes (tiles row-major,
/// each tile row-major), scaled up by `scale` with 2-pixel gaps; written atomically.
[[nodiscard]] Status writeTileGrid(const std::filesystem::path& path,
                                   const std::vector<std::vector<uint8_t>>& tiles, int64_t rows,
                                   int64_t columns, int64_t height, int64_t width, int64_t scale);

}  // namespace silt::finetune
