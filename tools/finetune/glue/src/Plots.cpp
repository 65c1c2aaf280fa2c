#include "silt/finetune/Plots.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>

#include <stb/stb_image_write.h>

#include "silt/core/FileAtomics.h"

namespace silt::finetune {
namespace {

struct Canvas {
    int width, height;
    std::vector<uint8_t> rgb;
    Canvas(int w, int h) : width(w), height(h), rgb(size_t(w) * size_t(h) * 3, 255) {}
    void set(int x, int y, std::array<uint8_t, 3> c) {
        if (x < 0 || y < 0 || x >= width || y >= height) return;
        std::copy(c.begin(), c.end(), rgb.begin() + (ptrdiff_t(y) * width + x) * 3);
    }
    void line(double x0, double y0, double x1, double y1, std::array<uint8_t, 3> c, int thick = 1) {
        const int n = int(std::max(std::abs(x1 - x0), std::abs(y1 - y0))) + 1;
        for (int i = 0; i <= n; ++i) {
            const double s = double(i) / double(n);
            const int x = int(std::lround(x0 + (x1 - x0) * s)),
                      y = int(std::lround(y0 + (y1 - y0) * s));
            for (int dy = 0; dy < thick; ++dy)
                for (int dx = 0; dx < thick; ++dx) set(x + dx, y + dy, c);
        }
    }
};

// A 3×5 pixel font for tick labels and the legend: each glyph is 5 rows of 3 bits.
int glyph(char c, int row) {
    static constexpr const char* kChars = "0123456789.-e+losrtp";
    static constexpr int kGlyphs[][5] = {
        {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
        {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
        {0, 0, 0, 0, 2}, {0, 0, 7, 0, 0}, {7, 5, 7, 4, 7}, {0, 2, 7, 2, 0}, {4, 4, 4, 4, 7},
        {0, 7, 5, 5, 7}, {0, 7, 4, 1, 7}, {0, 7, 4, 4, 4}, {4, 7, 4, 4, 3}, {0, 7, 5, 7, 4}};
    const char* found = std::char_traits<char>::find(kChars, 20, c);
    return found == nullptr ? 0 : kGlyphs[found - kChars][row];
}

void text(Canvas& canvas, int x, int y, const std::string& s, std::array<uint8_t, 3> colour,
          int scale = 2) {
    for (char c : s) {
        for (int row = 0; row < 5; ++row)
            for (int col = 0; col < 3; ++col)
                if (glyph(c, row) & (4 >> col))
                    for (int dy = 0; dy < scale; ++dy)
                        for (int dx = 0; dx < scale; ++dx)
                            canvas.set(x + col * scale + dx, y + row * scale + dy, colour);
        x += 4 * scale;
    }
}

std::string format(const char* pattern, double value) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, pattern, value);
    return buffer;
}

Status writePng(const std::filesystem::path& path, int width, int height,
                const std::vector<uint8_t>& rgb) {
    std::vector<uint8_t> png;
    const int ok = stbi_write_png_to_func(
        [](void* context, void* data, int size) {
            auto* out = static_cast<std::vector<uint8_t>*>(context);
            out->insert(out->end(), static_cast<uint8_t*>(data),
                        static_cast<uint8_t*>(data) + size);
        },
        &png, width, height, 3, rgb.data(), width * 3);
    if (ok == 0) return Error{path.string() + ": PNG encoding failed"};
    return writeFileAtomic(path, png);
}

}  // namespace

Status writeLossPlot(const std::filesystem::path& path, const std::vector<LossPoint>& points) {
    constexpr int kWidth = 720, kHeight = 400, kLeft = 70, kRight = 20, kTop = 30, kBottom = 40;
    Canvas canvas(kWidth, kHeight);
    const std::array<uint8_t, 3> axis{60, 60, 60}, grid{225, 225, 225}, blue{31, 119, 180},
        orange{255, 127, 14};
    const int plotW = kWidth - kLeft - kRight, plotH = kHeight - kTop - kBottom;
    double lo = 1e300, hi = -1e300, lrMax = 0.0;
    int64_t first = points.empty() ? 0 : points.front().step, last = first + 1;
    for (const LossPoint& p : points) {
        if (p.loss > 0) {
            lo = std::min(lo, std::log10(p.loss));
            hi = std::max(hi, std::log10(p.loss));
        }
        lrMax = std::max(lrMax, p.learningRate);
        last = std::max(last, p.step);
    }
    if (lo > hi) lo = -1, hi = 0;
    lo = std::floor(lo * 4) / 4, hi = std::ceil(hi * 4) / 4;
    if (hi - lo < 0.25) hi = lo + 0.25;
    auto px = [&](double step) {
        return kLeft + (step - double(first)) / double(last - first) * plotW;
    };
    auto py = [&](double logLoss) { return kTop + (hi - logLoss) / (hi - lo) * plotH; };
    // Grid and tick labels: loss at quarter decades, steps at fifths.
    for (double v = lo; v <= hi + 1e-9; v += (hi - lo) / 4) {
        canvas.line(kLeft, py(v), kLeft + plotW, py(v), grid);
        text(canvas, 4, int(py(v)) - 5, format("%.3g", std::pow(10.0, v)), axis);
    }
    for (int i = 0; i <= 5; ++i) {
        const double step = double(first) + double(last - first) * i / 5.0;
        canvas.line(px(step), kTop, px(step), kTop + plotH, grid);
        text(canvas, int(px(step)) - 10, kTop + plotH + 8, format("%.0f", step), axis);
    }
    canvas.line(kLeft, kTop, kLeft, kTop + plotH, axis);
    canvas.line(kLeft, kTop + plotH, kLeft + plotW, kTop + plotH, axis);
    for (size_t i = 1; i < points.size(); ++i) {
        const LossPoint &a = points[i - 1], &b = points[i];
        if (lrMax > 0)
            canvas.line(px(double(a.step)), kTop + plotH * (1 - a.learningRate / lrMax),
                        px(double(b.step)), kTop + plotH * (1 - b.learningRate / lrMax), orange);
        if (a.loss > 0 && b.loss > 0)
            canvas.line(px(double(a.step)), py(std::log10(a.loss)), px(double(b.step)),
                        py(std::log10(b.loss)), blue, 2);
    }
    // Legend.
    canvas.line(kLeft + plotW - 150, 12, kLeft + plotW - 130, 12, blue, 2);
    text(canvas, kLeft + plotW - 124, 8, "loss", axis);
    canvas.line(kLeft + plotW - 70, 12, kLeft + plotW - 50, 12, orange, 2);
    text(canvas, kLeft + plotW - 44, 8, "lr", axis);
    return writePng(path, kWidth, kHeight, canvas.rgb);
}

Status writeTileGrid(const std::filesystem::path& path,
                     const std::vector<std::vector<uint8_t>>& tiles, int64_t rows, int64_t columns,
                     int64_t height, int64_t width, int64_t scale) {
    constexpr int kGap = 2;
    const int tileW = int(width * scale), tileH = int(height * scale);
    Canvas canvas(int(columns) * (tileW + kGap) + kGap, int(rows) * (tileH + kGap) + kGap);
    std::fill(canvas.rgb.begin(), canvas.rgb.end(), uint8_t(32));
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < columns; ++c) {
            const size_t index = size_t(r * columns + c);
            if (index >= tiles.size() || tiles[index].size() != size_t(height * width * 3))
                continue;
            const std::vector<uint8_t>& tile = tiles[index];
            const int ox = kGap + int(c) * (tileW + kGap), oy = kGap + int(r) * (tileH + kGap);
            for (int y = 0; y < tileH; ++y)
                for (int x = 0; x < tileW; ++x) {
                    const uint8_t* p = &tile[size_t(((y / scale) * width + x / scale) * 3)];
                    canvas.set(ox + x, oy + y, {p[0], p[1], p[2]});
                }
        }
    return writePng(path, canvas.width, canvas.height, canvas.rgb);
}

}  // namespace silt::finetune
