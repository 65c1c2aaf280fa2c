#pragma once
// Helpers shared by the exporters tests: a fresh temporary folder per test and synthetic
// frames with smooth gradients and a moving square (so motion, colour and edges all occur).

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "silt/core/Image.h"

namespace silt::exporters::test {

/// A folder unique to this process and test, removed after the test.
class TempDir {
public:
    TempDir() {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        mPath = std::filesystem::temp_directory_path() /
                fmt::format("silt-exporters-{}-{}-{}", ::getpid(), info->test_suite_name(),
                            info->name());
        std::filesystem::remove_all(mPath);
        std::filesystem::create_directories(mPath);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(mPath, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return mPath; }

private:
    std::filesystem::path mPath;
};

/// Frame `index` of a clip: smooth colour gradients that drift, plus a saturated square with
/// sharp edges moving across them.
inline ImageRGBA8 syntheticFrame(uint32_t width, uint32_t height, uint32_t index) {
    ImageRGBA8 image(width, height);
    const uint32_t side = width / 4;
    const uint32_t squareX = (index * 3) % (width - side);
    const uint32_t squareY = (index * 2 + height / 4) % (height - side);
    for (uint32_t y = 0; y < height; ++y) {
        for (uint32_t x = 0; x < width; ++x) {
            uint8_t* p = image.pixels.data() + (size_t{y} * width + x) * 4;
            const bool inSquare =
                x >= squareX && x < squareX + side && y >= squareY && y < squareY + side;
            if (inSquare) {
                p[0] = 230;
                p[1] = 40;
                p[2] = 60;
            } else {
                // A triangle wave, so the drifting red ramp has no 255-to-0 edge.
                const uint32_t t = (x * 255 / width + index * 4) % 510;
                p[0] = static_cast<uint8_t>(t < 256 ? t : 510 - t);
                p[1] = static_cast<uint8_t>(y * 255 / height);
                p[2] = static_cast<uint8_t>(128 + 100 * std::sin(0.05 * (x + y) + 0.2 * index));
            }
            p[3] = 255;
        }
    }
    return image;
}

/// Peak signal-to-noise ratio over the R, G and B channels, in dB.
inline double psnrRgb(const ImageRGBA8& a, const ImageRGBA8& b) {
    double sumSq = 0.0;
    size_t n = 0;
    for (size_t i = 0; i < a.pixels.size(); i += 4) {
        for (size_t c = 0; c < 3; ++c) {
            const double d = double(a.pixels[i + c]) - double(b.pixels[i + c]);
            sumSq += d * d;
            ++n;
        }
    }
    const double mse = sumSq / double(n);
    return mse == 0.0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

}  // namespace silt::exporters::test
