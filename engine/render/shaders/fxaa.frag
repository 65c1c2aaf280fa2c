#version 450
#include "common.glsl"

// Post-process anti-aliasing of single-sampled frames (FXAA 3.11's quality algorithm,
// Lottes 2011): finds each pixel's edge direction and length from luma and blends towards
// the neighbour across the edge by how far the pixel lies along it. On a software
// rasterizer it costs one full-screen pass where 4x MSAA multiplies every triangle's
// rasterization; labels are unaffected (they are written by the geometry pass).
layout(set = 0, binding = 4) uniform sampler2D sceneColor;  // linear (sRGB view), clamped

layout(location = 0) out vec4 outColor;

// Perceptual luma of a linear colour (sqrt ≈ the display's encoding; edges are found where
// the eye sees them).
float luma(vec3 c) { return sqrt(dot(c, vec3(0.299, 0.587, 0.114))); }
float lumaAt(vec2 uv) { return luma(textureLod(sceneColor, uv, 0.0).rgb); }
// The 3x3 neighbourhood is read texel by texel, clamped at the border as the sampler clamps:
// an unfiltered fetch is a quarter of a filtered one on a software rasterizer, and sampling
// at a texel's centre gives that texel anyway.
ivec2 gPixel;
ivec2 gLastPixel;
vec3 texelAt(ivec2 offset) {
    return texelFetch(sceneColor, clamp(gPixel + offset, ivec2(0), gLastPixel), 0).rgb;
}
float lumaOffset(ivec2 offset) { return luma(texelAt(offset)); }

const float kEdgeThreshold = 0.125;     // of the local maximum luma
const float kEdgeThresholdMin = 0.0312;
const float kSubpixel = 0.25;  // low: keeps sand grains and other texture detail crisp
// The edge walk: FXAA 3.11's default quality preset (12), five steps reaching 20.5 pixels
// each way. Each step is a filtered tap for every pixel of a SIMD vector until all of them
// have found their edge's ends, so on lavapipe the walk is most of the pass's cost (the
// ten-step preset 29 took 40% of a 1024² frame).
const int kSearchSteps = 5;
const float kSearchStep[kSearchSteps] = float[](1.0, 1.5, 2.0, 4.0, 12.0);

void main() {
    vec2 texel = 1.0 / frame.imageSize.xy;
    vec2 uv = gl_FragCoord.xy * texel;  // this pixel's centre
    gPixel = ivec2(gl_FragCoord.xy);
    gLastPixel = ivec2(frame.imageSize.xy) - 1;
    vec3 rgbM = texelAt(ivec2(0));
    float lM = luma(rgbM);
    float lN = lumaOffset(ivec2(0, -1));
    float lS = lumaOffset(ivec2(0, 1));
    float lW = lumaOffset(ivec2(-1, 0));
    float lE = lumaOffset(ivec2(1, 0));
    float lMax = max(lM, max(max(lN, lS), max(lW, lE)));
    float lMin = min(lM, min(min(lN, lS), min(lW, lE)));
    float range = lMax - lMin;
    if (range < max(kEdgeThresholdMin, lMax * kEdgeThreshold)) {
        outColor = vec4(rgbM, 1.0);  // no visible edge: the pixel as rendered
        return;
    }
    float lNW = lumaOffset(ivec2(-1, -1));
    float lNE = lumaOffset(ivec2(1, -1));
    float lSW = lumaOffset(ivec2(-1, 1));
    float lSE = lumaOffset(ivec2(1, 1));

    // Sub-pixel aliasing (features thinner than a pixel): how far the pixel stands out from
    // its 3x3 neighbourhood.
    float lAverage = (2.0 * (lN + lS + lW + lE) + lNW + lNE + lSW + lSE) / 12.0;
    float subpixel = clamp(abs(lAverage - lM) / range, 0.0, 1.0);
    subpixel = smoothstep(0.0, 1.0, subpixel);
    subpixel = subpixel * subpixel * kSubpixel;

    // A horizontal edge (luma changes along y) is searched along x, and blended along y.
    float edgeHorizontal = abs(lNW - 2.0 * lW + lSW) + 2.0 * abs(lN - 2.0 * lM + lS) +
                           abs(lNE - 2.0 * lE + lSE);
    float edgeVertical = abs(lNW - 2.0 * lN + lNE) + 2.0 * abs(lW - 2.0 * lM + lE) +
                         abs(lSW - 2.0 * lS + lSE);
    bool horizontal = edgeHorizontal >= edgeVertical;
    float stepLength = horizontal ? texel.y : texel.x;
    float l1 = horizontal ? lN : lW;
    float l2 = horizontal ? lS : lE;
    float gradient1 = abs(l1 - lM);
    float gradient2 = abs(l2 - lM);
    float localAverage;
    if (gradient1 >= gradient2) {
        stepLength = -stepLength;
        localAverage = 0.5 * (l1 + lM);
    } else {
        localAverage = 0.5 * (l2 + lM);
    }
    float gradientScaled = 0.25 * max(gradient1, gradient2);

    // Walk along the edge, half a pixel towards the neighbour, until the luma pair changes.
    vec2 edgeUv = uv;
    if (horizontal) edgeUv.y += 0.5 * stepLength;
    else edgeUv.x += 0.5 * stepLength;
    vec2 along = horizontal ? vec2(texel.x, 0.0) : vec2(0.0, texel.y);
    vec2 uv1 = edgeUv - along;
    vec2 uv2 = edgeUv + along;
    float end1 = lumaAt(uv1) - localAverage;
    float end2 = lumaAt(uv2) - localAverage;
    bool reached1 = abs(end1) >= gradientScaled;
    bool reached2 = abs(end2) >= gradientScaled;
    for (int i = 1; i < kSearchSteps && !(reached1 && reached2); ++i) {
        if (!reached1) {
            uv1 -= along * kSearchStep[i];
            end1 = lumaAt(uv1) - localAverage;
            reached1 = abs(end1) >= gradientScaled;
        }
        if (!reached2) {
            uv2 += along * kSearchStep[i];
            end2 = lumaAt(uv2) - localAverage;
            reached2 = abs(end2) >= gradientScaled;
        }
    }
    float distance1 = horizontal ? uv.x - uv1.x : uv.y - uv1.y;
    float distance2 = horizontal ? uv2.x - uv.x : uv2.y - uv.y;
    bool towards1 = distance1 < distance2;
    float edgeLength = distance1 + distance2;
    float pixelOffset = 0.5 - min(distance1, distance2) / edgeLength;
    // Blend only from the end whose luma change matches this pixel's side of the edge.
    bool centreDarker = lM < localAverage;
    bool consistent = ((towards1 ? end1 : end2) < 0.0) != centreDarker;
    float offset = max(consistent ? pixelOffset : 0.0, subpixel);

    vec2 finalUv = uv;
    if (horizontal) finalUv.y += offset * stepLength;
    else finalUv.x += offset * stepLength;
    outColor = vec4(textureLod(sceneColor, finalUv, 0.0).rgb, 1.0);
}
