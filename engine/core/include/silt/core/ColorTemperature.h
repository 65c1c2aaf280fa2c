#pragma once
// Light colour from a colour temperature: the chromaticity of a black body at T kelvin
// (the Planckian locus, Kim et al. 2002 cubic fit, valid 1667..25000 K) converted to linear
// sRGB (D65 white) with luminance Y = 1, so changing the temperature changes the tint of a
// light, not its brightness. 6500 K is close to (1, 1, 1); lower is warmer (redder), higher
// is cooler (bluer).

#include "silt/core/Math.h"

namespace silt {

inline constexpr float kMinColorTemperature = 1667.0f;   ///< K, the fit's lower end
inline constexpr float kMaxColorTemperature = 25000.0f;  ///< K, the fit's upper end

/// Linear sRGB of a black body at `kelvin` (clamped to the fit's range), luminance 1,
/// negative components (outside the sRGB gamut) clipped to 0.
[[nodiscard]] Vec3f colorTemperatureToLinearRgb(float kelvin);

}  // namespace silt
