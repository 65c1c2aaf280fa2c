#pragma once
// Procedural meshes, cameras and image helpers shared by the renderer tests.

#include <string>

#include "silt/core/Camera.h"
#include "silt/core/Image.h"
#include "silt/core/TriangleMesh.h"

namespace silt::render::test {

/// A UV sphere of the given radius centred at the origin: 2·segments·(rings − 1) triangles.
TriangleMesh makeSphere(float radius, int segments, int rings);
/// An axis-aligned cube with flat faces, centred at the origin.
TriangleMesh makeCube(float halfExtent);
/// A square in the y = 0 plane facing +Y.
TriangleMesh makeGround(float halfExtent);

/// A camera of the given size at `eye` looking at `target`.
CameraState makeCamera(uint32_t width, uint32_t height, const Vec3f& eye, const Vec3f& target);

/// Writes `image` to ${SILT_BINARY_DIR}/test-output/render/<name>.png; returns the path.
std::string writePng(const ImageRGBA8& image, const std::string& name);

/// Rec. 709 luma of the sRGB bytes at a pixel, averaged over a (2r+1)² window.
float meanLuma(const ImageRGBA8& image, Vec2f pixel, int r = 1);

/// Whether the ray from `origin` towards `point` meets the sphere before reaching `point`.
bool segmentHitsSphere(const Vec3f& origin, const Vec3f& point, const Vec3f& centre, float radius);

}  // namespace silt::render::test
