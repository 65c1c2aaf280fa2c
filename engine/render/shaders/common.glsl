// Shared by every Silt render shader: the per-frame uniforms and the per-draw push
// constants. The C++ mirror is FrameUniforms / DrawConstants in src/VulkanRenderer.cpp;
// keep the two in the same order (std140 / std430 layouts, vec4-aligned).

layout(set = 0, binding = 0, std140) uniform FrameUniforms {
    mat4 viewProj;        // world -> Vulkan clip (reversed Z)
    mat4 lightViewProj;   // world -> shadow clip (xy in -1..1, depth 0..1)
    mat4 cameraToWorld;   // camera frame -> world (for sky rays)
    vec4 cameraPosition;  // xyz: world position of the eye
    vec4 toSun;           // xyz: unit direction towards the sun
    vec4 sunRadiance;     // rgb: sun colour * intensity (irradiance at normal incidence)
    vec4 sky;             // rgb: sky colour (linear), w: ambient intensity
    vec4 shadowParams;    // x: 1 / shadow map size, y: normal offset (m) at normal incidence, z, w: unused
    vec4 intrinsics;      // fx, fy, cx, cy in pixels
} frame;

layout(push_constant, std430) uniform DrawConstants {
    mat4 modelToWorld;
    vec4 baseColorMetallic;  // rgb: base colour (linear), a: metallic
    vec4 roughness;          // x: perceptual roughness
} draw;

// ACES filmic fit (Narkowicz 2015): maps linear radiance to display-referred 0..1.
vec3 toneMap(vec3 x) {
    return clamp((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14), 0.0, 1.0);
}

// The sky seen along a world direction: a gentle gradient from a pale horizon to a
// deeper zenith, derived from the one sky colour so scenes stay consistent.
vec3 skyRadiance(vec3 dir) {
    vec3 horizon = mix(frame.sky.rgb, vec3(1.0), 0.15);
    vec3 zenith = frame.sky.rgb * 0.8;
    float t = sqrt(clamp(dir.y, 0.0, 1.0));
    return mix(horizon, zenith, t);
}
