#version 450
#include "common.glsl"

layout(set = 0, binding = 1) uniform sampler2DShadow shadowMap;
// Water only (drawn in a second pass): the opaque scene's colour (display-referred, read
// back as linear by the sRGB view) and depth (reversed-Z device depth) behind the surface.
layout(set = 0, binding = 2) uniform sampler2D opaqueColor;
layout(set = 0, binding = 3) uniform sampler2D opaqueDepth;

layout(location = 0) in vec3 vWorldPosition;
layout(location = 1) in vec3 vWorldNormal;
#ifdef SILT_WITH_LABELS
layout(location = 2) in vec4 vClipNext;
#endif

layout(location = 0) out vec4 outColor;
#ifdef SILT_WITH_LABELS
// Single-sampled frames write the labels in the same pass as the colour (label.frag's
// channels): every label pixel is the surface the colour pixel shows at its centre.
layout(location = 1) out float outDepth;  // m along the camera's -Z
layout(location = 2) out uvec2 outIds;    // instance id, semantic class
layout(location = 3) out vec4 outNormal;  // xyz: unit normal in the camera frame
layout(location = 4) out vec2 outFlow;    // px to the next frame

void writeLabels() {
    outDepth = -(frame.worldToCamera * vec4(vWorldPosition, 1.0)).z;
    outIds = draw.misc.zw;
    vec3 n = normalize(mat3(frame.worldToCamera) * vWorldNormal);
    if (!gl_FrontFacing) n = -n;
    outNormal = vec4(n, 0.0);
    if (vClipNext.w > 0.0) {
        // Vulkan clip -> Camera.h pixels; gl_FragCoord.xy is this pixel's centre.
        outFlow = (vClipNext.xy / vClipNext.w * 0.5 + 0.5) * frame.imageSize.xy - gl_FragCoord.xy;
    } else {
        outFlow = vec2(uintBitsToFloat(0x7fc00000u));  // behind the next camera: no image point
    }
}
#endif

const float kPi = 3.14159265358979;
const float kGroundBounce = 0.25;  // ground's share of the sky's ambient, below the horizon
const int kShadingSand = 1;
const int kShadingWater = 2;
// The pipeline is specialised per shading mode: a software rasterizer runs both sides of a
// branch on a per-draw value, so this keeps the standard surfaces free of sand and water.
layout(constant_id = 0) const int kShading = 0;

// Fraction of the sun visible from a world point: percentage-closer filtering over about 4x4
// texels as 2x2 comparisons 2 texels apart (bilinear where the device filters depth
// comparisons): a quarter of the samples of 16 point taps, for a software rasterizer.
float sunVisibility(vec3 worldPosition, vec3 normal, float nDotL) {
    // Normal offset, larger at grazing sun where one texel spans more of the surface.
    vec3 offsetPosition = worldPosition + normal * frame.shadowParams.y * (0.5 + 1.5 * (1.0 - nDotL));
    vec4 clip = frame.lightViewProj * vec4(offsetPosition, 1.0);
    vec3 ndc = clip.xyz / clip.w;
    vec2 uv = ndc.xy * 0.5 + 0.5;
    if (ndc.z >= 1.0 || any(lessThan(uv, vec2(0.0))) || any(greaterThan(uv, vec2(1.0)))) {
        return 1.0;  // outside the fitted shadow volume: nothing there casts a shadow
    }
    float texel = frame.shadowParams.x;
    float sum = 0.0;
    for (int y = 0; y < 2; ++y) {
        for (int x = 0; x < 2; ++x) {
            vec2 offset = (vec2(x, y) - 0.5) * 2.0 * texel;
            sum += texture(shadowMap, vec3(uv + offset, ndc.z));
        }
    }
    return sum / 4.0;
}

float distributionGgx(float nDotH, float alpha) {
    float a2 = alpha * alpha;
    float d = nDotH * nDotH * (a2 - 1.0) + 1.0;
    return a2 / (kPi * d * d);
}

float geometrySchlick(float nDotX, float k) { return nDotX / (nDotX * (1.0 - k) + k); }

// Integer-hash value noise in world space (no textures, identical on every device): smooth
// within a cell, independent between cells.
float hash13(vec3 p) {
    uvec3 q = uvec3(ivec3(floor(p)) + ivec3(1 << 20));
    uint h = q.x * 1597334677u ^ q.y * 3812015801u ^ q.z * 2798796415u;
    h = (h ^ (h >> 15)) * 2246822519u;
    h ^= h >> 13;
    return float(h & 0xffffffu) / 16777215.0;
}
float valueNoise(vec3 p) {
    vec3 i = floor(p);
    vec3 f = fract(p);
    vec3 u = f * f * (3.0 - 2.0 * f);
    float a = mix(mix(hash13(i), hash13(i + vec3(1, 0, 0)), u.x),
                  mix(hash13(i + vec3(0, 1, 0)), hash13(i + vec3(1, 1, 0)), u.x), u.y);
    float b = mix(mix(hash13(i + vec3(0, 0, 1)), hash13(i + vec3(1, 0, 1)), u.x),
                  mix(hash13(i + vec3(0, 1, 1)), hash13(i + vec3(1, 1, 1)), u.x), u.y);
    return mix(a, b, u.z);
}
// Sand's relief: grains of about 2 mm over ripples of about 1.5 cm, in metres of height.
float sandHeight(vec3 p) {
    return 0.0006 * valueNoise(p * 500.0) + 0.0004 * valueNoise(p * 140.0) +
           0.0008 * valueNoise(p * 60.0);
}

// The view-independent lighting every opaque surface gets: sun (GGX + Lambert, shadowed)
// plus the hemispherical sky ambient. Returns linear radiance.
vec3 shade(vec3 p, vec3 n, vec3 v, vec3 baseColor, float metallic, float roughness) {
    vec3 l = frame.toSun.xyz;
    vec3 h = normalize(v + l);
    float alpha = roughness * roughness;
    float nDotL = max(dot(n, l), 0.0);
    float nDotV = max(dot(n, v), 1e-4);
    float nDotH = max(dot(n, h), 0.0);
    float vDotH = max(dot(v, h), 0.0);

    vec3 f0 = mix(vec3(0.04), baseColor, metallic);
    vec3 fresnel = f0 + (1.0 - f0) * pow(1.0 - vDotH, 5.0);
    float k = (roughness + 1.0) * (roughness + 1.0) / 8.0;
    float geometry = geometrySchlick(nDotL, k) * geometrySchlick(nDotV, k);
    vec3 specular = distributionGgx(nDotH, alpha) * geometry * fresnel / max(4.0 * nDotL * nDotV, 1e-4);
    vec3 diffuse = (1.0 - fresnel) * (1.0 - metallic) * baseColor / kPi;

    float visibility = nDotL > 0.0 ? sunVisibility(p, n, nDotL) : 0.0;
    vec3 sunLight = (diffuse + specular) * frame.sunRadiance.rgb * nDotL * visibility;

    // Hemispherical ambient: a sky dome of radiance sky·ambientIntensity above, a darker
    // ground bounce below. Diffuse sees the dome weighted by the normal; specular sees the
    // dome's gradient along the mirror direction (what makes metals read as metal).
    float ambientScale = frame.sky.w;
    float skyWeight = 0.5 + 0.5 * n.y;
    vec3 ambientRadiance = frame.sky.rgb * ambientScale * mix(kGroundBounce, 1.0, skyWeight);
    vec3 r = reflect(-v, n);
    vec3 mirrored = r.y > 0.0 ? skyRadiance(r) * ambientScale
                              : frame.sky.rgb * ambientScale * kGroundBounce;
    vec3 reflected = mix(mirrored, ambientRadiance, roughness);  // rough: blurred to the mean
    vec3 ambientFresnel = f0 + (max(vec3(1.0 - roughness), f0) - f0) * pow(1.0 - nDotV, 5.0);
    vec3 ambient = ambientRadiance * (1.0 - ambientFresnel) * (1.0 - metallic) * baseColor +
                   reflected * ambientFresnel;
    return sunLight + ambient;
}

// Linear depth (m) of a reversed-Z device depth: d = n (f − D) / ((f − n) D).
float linearDepth(float d) {
    float n = frame.imageSize.z, f = frame.imageSize.w;
    return n * f / (d * (f - n) + n);
}

// The linear radiance the ACES fit maps to a display value (its inverse: a quadratic), for
// compositing over the tone-mapped opaque image. Near-white saturates at about 10x.
vec3 inverseToneMap(vec3 y) {
    y = clamp(y, 0.0, 0.985);
    vec3 a = 2.43 * y - 2.51;  // < 0 below y ≈ 1.03: one positive root
    vec3 b = 0.59 * y - 0.03;
    vec3 c = 0.14 * y;
    return (-b - sqrt(b * b - 4.0 * a * c)) / (2.0 * a);
}

// Water, composited in linear radiance before tone mapping: the Fresnel-weighted reflection
// of the sky (and the sun's glint) over what lies beneath — the opaque image, refracted by a
// screen-space offset along the surface normal, attenuated by Beer–Lambert absorption over
// the path the ray travels in water, plus the light the water itself scatters back (its
// colour under the sky, dark: deep water reads dark blue-green, shallow water shows the
// floor tinted).
vec3 shadeWater(vec3 p, vec3 n, vec3 v, vec3 waterColor, float roughness) {
    float nDotV = max(dot(n, v), 1e-4);
    float fresnel = 0.02 + 0.98 * pow(1.0 - nDotV, 5.0);  // air → water, F0 = 0.02

    vec3 l = frame.toSun.xyz;
    vec3 h = normalize(v + l);
    float nDotL = max(dot(n, l), 0.0);
    float alpha = max(roughness, 0.05);
    alpha *= alpha;
    float visibility = nDotL > 0.0 ? sunVisibility(p, n, nDotL) : 0.0;
    float k = (roughness + 1.0) * (roughness + 1.0) / 8.0;
    float vDotH = max(dot(v, h), 0.0);
    float glintFresnel = 0.02 + 0.98 * pow(1.0 - vDotH, 5.0);
    vec3 glint = distributionGgx(max(dot(n, h), 0.0), alpha) *
                 geometrySchlick(nDotL, k) * geometrySchlick(nDotV, k) * glintFresnel /
                 max(4.0 * nDotL * nDotV, 1e-4) * frame.sunRadiance.rgb * nDotL * visibility;
    // The sky the viewer sees along the mirror direction (the sky pass draws skyRadiance);
    // below the horizon the ground's bounce.
    vec3 r = reflect(-v, n);
    vec3 reflected = r.y > 0.0 ? skyRadiance(r) : frame.sky.rgb * frame.sky.w * kGroundBounce;

    // What lies beneath: the opaque pass at this pixel, shifted along the camera-space normal
    // by an amount that grows with the water's thickness (a thin film barely bends light).
    vec2 size = frame.imageSize.xy;
    vec2 uv = gl_FragCoord.xy / size;
    float surfaceDepth = -(frame.worldToCamera * vec4(p, 1.0)).z;
    float thickness = max(linearDepth(texture(opaqueDepth, uv).r) - surfaceDepth, 0.0);
    vec3 nCamera = mat3(frame.worldToCamera) * n;
    vec2 shift = vec2(nCamera.x, -nCamera.y) * min(thickness, 0.25) * 0.35 *
                 frame.intrinsics.y / max(surfaceDepth, 1e-3) / size;
    vec2 refractedUv = clamp(uv - shift, vec2(0.0), vec2(1.0));
    float refractedThickness = linearDepth(texture(opaqueDepth, refractedUv).r) - surfaceDepth;
    if (refractedThickness > 0.0) {  // the shifted point is behind the water: use it
        uv = refractedUv;
        thickness = refractedThickness;
    }
    vec3 beneath = inverseToneMap(texture(opaqueColor, uv).rgb);
    // Depth difference → path length along the view ray.
    float path = thickness * length(frame.cameraPosition.xyz - p) / max(surfaceDepth, 1e-3);
    // Absorption per metre from the water's colour: a body 20 cm thick transmits its colour.
    vec3 sigma = -log(clamp(waterColor, vec3(0.01), vec3(1.0))) * 5.0;
    vec3 transmittance = exp(-sigma * path);
    // Light scattered back towards the viewer by a body too deep to see through: the
    // water's colour under the sky and sun, at a small single-scattering albedo.
    vec3 inscattered = 0.3 * waterColor * waterColor *
                       (frame.sky.rgb * frame.sky.w + frame.sunRadiance.rgb * max(frame.toSun.y, 0.0) * 0.2);
    vec3 transmitted = beneath * transmittance + inscattered * (1.0 - transmittance);
    return toneMap(mix(transmitted, reflected, fresnel) + glint);
}

void main() {
#ifdef SILT_WITH_LABELS
    writeLabels();
#endif
    vec3 n = normalize(vWorldNormal);
    if (!gl_FrontFacing) n = -n;
    vec3 v = normalize(frame.cameraPosition.xyz - vWorldPosition);
    vec3 baseColor = draw.baseColorMetallic.rgb;
    float metallic = clamp(draw.baseColorMetallic.a, 0.0, 1.0);
    float roughness = clamp(uintBitsToFloat(draw.misc.x), 0.04, 1.0);
    const int shading = kShading;

    if (shading == kShadingWater) {
        outColor = vec4(shadeWater(vWorldPosition, n, v, baseColor, roughness), 1.0);
        return;
    }
    if (shading == kShadingSand) {
        // Granular sand: world-space relief perturbs the normal (bump mapping by the height's
        // gradient projected onto the surface) and grain-sized albedo variation with a few
        // dark and light mineral grains, so it reads as grains, not plastic.
        vec3 p = vWorldPosition;
        const float e = 0.0004;
        float h0 = sandHeight(p);
        vec3 gradient = vec3(sandHeight(p + vec3(e, 0, 0)) - h0, sandHeight(p + vec3(0, e, 0)) - h0,
                             sandHeight(p + vec3(0, 0, e)) - h0) / e;
        n = normalize(n - (gradient - dot(gradient, n) * n));
        float grain = valueNoise(p * 700.0);
        float blotch = valueNoise(p * 45.0);
        float speck = hash13(p * 900.0);
        baseColor *= 0.82 + 0.3 * grain + 0.12 * (blotch - 0.5);
        if (speck > 0.97) baseColor *= 0.45;        // dark mineral grains
        else if (speck < 0.03) baseColor = mix(baseColor, vec3(0.95), 0.5);  // quartz
        baseColor = clamp(baseColor, 0.0, 1.0);
    }
    outColor = vec4(toneMap(shade(vWorldPosition, n, v, baseColor, metallic, roughness)), 1.0);
}
