#version 450
#include "common.glsl"

layout(location = 0) in vec3 inPosition;
layout(location = 1) in vec3 inNormal;
layout(location = 2) in vec3 inVelocity;  // m/s, local frame (zero for rigid meshes)

// Clip-space positions are affine in the surface point, so perspective-correct interpolation
// gives each fragment the exact clip position of its own surface point, now and next frame.
layout(location = 0) out vec4 vClipNow;
layout(location = 1) out vec4 vClipNext;
layout(location = 2) out vec3 vCameraNormal;

// Same expression as scene.vert: the label pass covers the pixels the colour pass covers.
invariant gl_Position;

void main() {
    vec3 world = draw.modelToWorld * vec4(inPosition, 1.0);
    vCameraNormal = mat3(frame.worldToCamera) * normalToWorld(inNormal);
    gl_Position = frame.viewProj * vec4(world, 1.0);
    vClipNow = gl_Position;
    // Where this surface point is one frame later: carried by its own velocity (particle
    // surfaces) and by the item's next transform (rigid bodies).
    vec3 nextWorld = draw.nextModelToWorld * vec4(inPosition + inVelocity * frame.motion.x, 1.0);
    vClipNext = frame.nextViewProj * vec4(nextWorld, 1.0);
}
