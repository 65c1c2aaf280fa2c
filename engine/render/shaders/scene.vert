#version 450
#include "common.glsl"

layout(location = 0) in vec3 inPosition;
layout(location = 1) in vec3 inNormal;

layout(location = 0) out vec3 vWorldPosition;
layout(location = 1) out vec3 vWorldNormal;

// The label pass computes the same position: both must cover exactly the same pixels.
invariant gl_Position;

void main() {
    vec4 world = draw.modelToWorld * vec4(inPosition, 1.0);
    // Inverse transpose so non-uniform scale keeps normals perpendicular to the surface.
    mat3 normalMatrix = transpose(inverse(mat3(draw.modelToWorld)));
    vWorldPosition = world.xyz;
    vWorldNormal = normalMatrix * inNormal;
    gl_Position = frame.viewProj * world;
}
