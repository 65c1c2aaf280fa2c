#version 450
#include "common.glsl"

layout(location = 0) in vec3 inPosition;
layout(location = 1) in vec3 inNormal;
#ifdef SILT_WITH_LABELS
layout(location = 2) in vec3 inVelocity;  // m/s, local frame (zero for rigid meshes)
#endif

layout(location = 0) out vec3 vWorldPosition;
layout(location = 1) out vec3 vWorldNormal;
#ifdef SILT_WITH_LABELS
// Clip-space positions are affine in the surface point, so perspective-correct interpolation
// gives each fragment the exact next-frame clip position of its own surface point.
layout(location = 2) out vec4 vClipNext;
#endif

// The label pass (label.vert) computes the same position: both must cover the same pixels.
invariant gl_Position;

void main() {
    vec3 world = draw.modelToWorld * vec4(inPosition, 1.0);
    vWorldPosition = world;
    vWorldNormal = normalToWorld(inNormal);
    gl_Position = frame.viewProj * vec4(world, 1.0);
#ifdef SILT_WITH_LABELS
    // Where this surface point is one frame later: carried by its own velocity (particle
    // surfaces) and by the item's next transform (rigid bodies).
    vec3 nextWorld = draw.nextModelToWorld * vec4(inPosition + inVelocity * frame.motion.x, 1.0);
    vClipNext = frame.nextViewProj * vec4(nextWorld, 1.0);
#endif
}
