#include "silt/core/ColorTemperature.h"

#include <algorithm>

namespace silt {

Vec3f colorTemperatureToLinearRgb(float kelvin) {
    const double t = std::clamp(double(kelvin), double(kMinColorTemperature),
                                double(kMaxColorTemperature));
    const double t1 = 1.0 / t, t2 = t1 * t1, t3 = t2 * t1;
    // CIE 1931 chromaticity of the Planckian locus (Kim et al., US patent 7,024,034).
    const double x = t <= 4000.0
                         ? -0.2661239e9 * t3 - 0.2343589e6 * t2 + 0.8776956e3 * t1 + 0.179910
                         : -3.0258469e9 * t3 + 2.1070379e6 * t2 + 0.2226347e3 * t1 + 0.240390;
    const double x2 = x * x, x3 = x2 * x;
    double y;
    if (t <= 2222.0)
        y = -1.1063814 * x3 - 1.34811020 * x2 + 2.18555832 * x - 0.20219683;
    else if (t <= 4000.0)
        y = -0.9549476 * x3 - 1.37418593 * x2 + 2.09137015 * x - 0.16748867;
    else
        y = 3.0817580 * x3 - 5.87338670 * x2 + 3.75112997 * x - 0.37001483;
    // xyY (Y = 1) → XYZ → linear sRGB (IEC 61966-2-1 matrix).
    const double bigX = x / y, bigY = 1.0, bigZ = (1.0 - x - y) / y;
    const double r = 3.2404542 * bigX - 1.5371385 * bigY - 0.4985314 * bigZ;
    const double g = -0.9692660 * bigX + 1.8760108 * bigY + 0.0415560 * bigZ;
    const double b = 0.0556434 * bigX - 0.2040259 * bigY + 1.0572252 * bigZ;
    return Vec3f(float(std::max(r, 0.0)), float(std::max(g, 0.0)), float(std::max(b, 0.0)));
}

}  // namespace silt
