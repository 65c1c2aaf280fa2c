#version 450
#include "common.glsl"

layout(set = 0, binding = 1) uniform sampler2DShadow shadowMap;

layout(location = 0) in vec3 vWorldPosition;
layout(location = 1) in vec3 vWorldNormal;

layout(location = 0) out vec4 outColor;

const float kPi = 3.14159265358979;
const float kGroundBounce = 0.25;  // ground's share of the sky's ambient, below the horizon

// Fraction of the sun visible from a world point: 4x4 percentage-closer filtering.
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
    for (int y = 0; y < 4; ++y) {
        for (int x = 0; x < 4; ++x) {
            vec2 offset = (vec2(x, y) - 1.5) * texel;
            sum += texture(shadowMap, vec3(uv + offset, ndc.z));
        }
    }
    return sum / 16.0;
}

float distributionGgx(float nDotH, float alpha) {
    float a2 = alpha * alpha;
    float d = nDotH * nDotH * (a2 - 1.0) + 1.0;
    return a2 / (kPi * d * d);
}

float geometrySchlick(float nDotX, float k) { return nDotX / (nDotX * (1.0 - k) + k); }

void main() {
    vec3 n = normalize(vWorldNormal);
    if (!gl_FrontFacing) n = -n;
    vec3 v = normalize(frame.cameraPosition.xyz - vWorldPosition);
    vec3 l = frame.toSun.xyz;
    vec3 h = normalize(v + l);

    vec3 baseColor = draw.baseColorMetallic.rgb;
    float metallic = clamp(draw.baseColorMetallic.a, 0.0, 1.0);
    float roughness = clamp(draw.roughness.x, 0.04, 1.0);
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

    float visibility = nDotL > 0.0 ? sunVisibility(vWorldPosition, n, nDotL) : 0.0;
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

    outColor = vec4(toneMap(sunLight + ambient), 1.0);
}
