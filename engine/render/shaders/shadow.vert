#version 450
#include "common.glsl"

layout(location = 0) in vec3 inPosition;

void main() {
    gl_Position = frame.lightViewProj * vec4(draw.modelToWorld * vec4(inPosition, 1.0), 1.0);
}
