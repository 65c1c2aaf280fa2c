#version 450
#include "common.glsl"

layout(location = 0) out vec4 outColor;

void main() {
    // The camera ray through this pixel centre, inverting the pinhole model of Camera.h.
    vec2 uv = gl_FragCoord.xy;
    vec3 dirCamera = vec3((uv.x - frame.intrinsics.z) / frame.intrinsics.x,
                          -(uv.y - frame.intrinsics.w) / frame.intrinsics.y, -1.0);
    vec3 dir = normalize(mat3(frame.cameraToWorld) * dirCamera);
    outColor = vec4(toneMap(skyRadiance(dir)), 1.0);
}
