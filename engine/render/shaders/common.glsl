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
    vec4 imageSize;       // xy: width, height in pixels; z, w: near, far plane (m)
    mat4 worldToCamera;   // world -> camera frame (label pass: depth, normals)
    mat4 nextViewProj;    // world -> Vulkan clip of the next frame's camera (flow)
    vec4 motion;          // x: s to the next frame (scales vertex velocities), yzw: unused
} frame;

// One layout for every pass (128 bytes, the most every device guarantees), so the colour
// and label passes compute bit-identical vertex positions from the same modelToWorld.
// Affine transforms as 3 rows of 4 (row_major mat4x3): world = modelToWorld * vec4(p, 1).
layout(push_constant, std430) uniform DrawConstants {
    layout(row_major) mat4x3 modelToWorld;
    layout(row_major) mat4x3 nextModelToWorld;  // one frame later (flow)
    vec4 baseColorMetallic;                     // rgb: base colour (linear), a: metallic
    uvec4 misc;  // x: roughness (float bits), y: shading (0 standard, 1 sand, 2 water),
                 // z: instance id, w: semantic class
} draw;

// Normals under modelToWorld: the cofactor matrix, det·inverse-transpose, keeps normals
// perpendicular under non-uniform scale without a per-vertex inverse(); the sign of det
// keeps them pointing outwards under mirroring. Callers normalize.
vec3 normalToWorld(vec3 n) {
    vec3 a = draw.modelToWorld[0], b = draw.modelToWorld[1], c = draw.modelToWorld[2];
    vec3 bc = cross(b, c);
    mat3 cofactor = mat3(bc, cross(c, a), cross(a, b));
    return (dot(a, bc) < 0.0 ? -1.0 : 1.0) * (cofactor * n);
}

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
