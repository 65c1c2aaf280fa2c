#pragma once
// Headless Vulkan renderer: draws lit, shaded triangle meshes through a perspective camera
// into an offscreen image and reads it back to the host. Runs on any Vulkan 1.3 driver
// (Mesa lavapipe on machines without a GPU). Vulkan types never appear in this header.
//
// Ownership: the Renderer owns its device, meshes uploaded with addMesh() and its targets.
// Thread-safety: one thread at a time per Renderer; separate Renderers are independent.
// Determinism: the same meshes, frame and settings give bit-identical pixels.
//
// What a frame looks like: a sky gradient derived from LightingDesc::skyColor behind the
// meshes; metallic-roughness shading (Lambert + GGX) under the sun, whose shadow map is fitted
// to the frame's items each frame; hemispherical ambient light from the sky; ACES tone mapping
// into sRGB. Geometry follows Camera.h exactly: a world point that CameraState::project() maps
// to pixel (u, v) is drawn at (u, v) (RenderMath.h holds the matrices).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "silt/core/Camera.h"
#include "silt/core/Image.h"
#include "silt/core/Result.h"
#include "silt/core/TriangleMesh.h"

namespace silt::render {

struct RendererDesc {
    uint32_t width = 256;           ///< pixels
    uint32_t height = 256;          ///< pixels
    uint32_t msaaSamples = 4;       ///< 1 or 4 (lavapipe supports both)
    uint32_t shadowMapSize = 2048;  ///< texels per side of the sun's shadow map
};

/// Index of a mesh uploaded with Renderer::addMesh().
using MeshId = uint32_t;

/// One mesh drawn at one pose with one material.
struct DrawItem {
    MeshId mesh = 0;
    Mat4f modelToWorld = Mat4f::Identity();
    SurfaceMaterial material;  ///< overrides the mesh's own material
    uint32_t instanceId = 0;   ///< label id (0 = background); used by label passes
};

/// Everything that changes from frame to frame.
struct FrameDesc {
    CameraState camera;  ///< intrinsics' width/height must match RendererDesc
    LightingDesc lighting;
    std::vector<DrawItem> items;
};

class Renderer {
public:
    /// Creates a Vulkan instance and device (first physical device that can render
    /// offscreen; Silt prefers a discrete GPU and falls back to lavapipe).
    [[nodiscard]] static Result<std::unique_ptr<Renderer>> create(const RendererDesc& desc);
    virtual ~Renderer() = default;

    /// Uploads a mesh once; its id stays valid for the Renderer's lifetime.
    [[nodiscard]] virtual Result<MeshId> addMesh(const TriangleMesh& mesh) = 0;

    /// Replaces an uploaded mesh's geometry (e.g. a sand or water surface rebuilt every
    /// frame); the id stays the same.
    [[nodiscard]] virtual Status replaceMesh(MeshId id, const TriangleMesh& mesh) = 0;

    /// Renders one frame and returns the colour image (sRGB RGBA8, top row first).
    [[nodiscard]] virtual Result<ImageRGBA8> render(const FrameDesc& frame) = 0;

    /// "lavapipe", "NVIDIA H100 …": the physical device in use, for logs and the dataset card.
    [[nodiscard]] virtual std::string deviceName() const = 0;
};

}  // namespace silt::render
