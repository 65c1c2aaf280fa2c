#version 450
#include "common.glsl"

layout(location = 0) in vec4 vClipNow;
layout(location = 1) in vec4 vClipNext;
layout(location = 2) in vec3 vCameraNormal;

layout(location = 0) out float outDepth;  // m along the camera's -Z
layout(location = 1) out uvec2 outIds;    // instance id, semantic class
layout(location = 2) out vec4 outNormal;  // xyz: unit normal in the camera frame
layout(location = 3) out vec2 outFlow;    // px to the next frame

// Vulkan clip -> Camera.h pixels: NDC (2u/W - 1, 2v/H - 1), see RenderMath.h.
vec2 toPixels(vec4 clip) { return (clip.xy / clip.w * 0.5 + 0.5) * frame.imageSize.xy; }

void main() {
    // vulkanProjection() puts -z_camera into w: w is the linear depth.
    outDepth = vClipNow.w;
    outIds = draw.misc.zw;
    vec3 n = normalize(vCameraNormal);
    if (!gl_FrontFacing) n = -n;
    outNormal = vec4(n, 0.0);
    if (vClipNext.w > 0.0) {
        outFlow = toPixels(vClipNext) - toPixels(vClipNow);
    } else {
        outFlow = vec2(uintBitsToFloat(0x7fc00000u));  // behind the next camera: no image point
    }
}
