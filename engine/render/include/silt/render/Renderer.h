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
// to the frame's items each frame (PCF soft shadows, 2x2 filtered taps); hemispherical
// ambient light from the sky; ACES tone mapping into sRGB; FXAA (or MSAA, see RendererDesc).
// Sand items get procedural grain detail; water items are drawn after every opaque item and
// see the opaque image behind them (see Shading). Geometry follows Camera.h exactly: a world
// point that CameraState::project() maps to pixel (u, v) is drawn at (u, v) (RenderMath.h
// holds the matrices).
//
// Labels (renderWithLabels): linear depth, instance id, semantic class, camera-space normals
// and forward optical flow. Label pixels must describe exactly one surface: each holds the
// surface seen through the pixel's centre — the point Camera.h calls pixel (x + ½, y + ½) —
// evaluated at that centre, never a blend of two surfaces. By default (msaaSamples 1) the
// colour pass itself writes them into extra render targets, so they come from the very
// rasterization the colour shows; FXAA then anti-aliases the colour only. With MSAA a
// separate single-sampled label pass follows the colour pass with the same vertex transform
// (gl_Position is `invariant` in both). At silhouettes the anti-aliased colour pixel mixes
// the surfaces that share it; the label names the one at its centre.

#include <cstdint>
#include <memory>
#include <optional>
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
    /// 1: single-sampled, colour and labels drawn in one geometry pass, anti-aliased by FXAA
    /// (the fast path: on lavapipe 4x MSAA costs several times the rasterization of every
    /// triangle). 4 (or 2, 8 where the device has them): MSAA colour plus a separate
    /// single-sampled label pass.
    uint32_t msaaSamples = 1;
    /// With msaaSamples 1: FXAA post-process anti-aliasing of the colour (off: hard edges).
    bool fxaa = true;
    /// Texels per side of the sun's shadow map; 0: automatic, two per image pixel along the
    /// longer side (512 at 256², 1024 at 512², 2048 from 1024² on).
    uint32_t shadowMapSize = 0;
    /// Skip, per pass and item, the clusters of triangles (of meshes added with addMesh) that
    /// lie outside the view volume or face away from the camera (the sun, for shadows) before
    /// they reach the vertex stage. Images and labels are bit-identical either way; off only
    /// for tests and benchmarks that compare.
    bool clusterCulling = true;
    /// px: static meshes (MeshUsage) get coarser levels of detail (MeshLod.h), and each pass
    /// draws, per item, the coarsest level whose deviation from the mesh projects to at most
    /// this many pixels (shadow-map texels in the shadow pass). Colour and labels come from
    /// the same level, so they agree exactly; silhouettes and depths move by under this bound.
    /// 0: every mesh at full detail.
    float lodPixelError = 0.5f;
    /// Keep the sun's shadow map from the previous frame when nothing it depends on changed
    /// (the sun's frustum, which follows the camera, and every shadow caster's mesh and pose):
    /// frames of a settled scene seen by a static camera skip the shadow pass. Images are
    /// bit-identical either way; off only for tests that compare.
    bool shadowMapReuse = true;
    /// Extra Vulkan instance extensions, e.g. a window system's surface extensions
    /// (glfwGetRequiredInstanceExtensions) for a SwapchainPresenter; empty when headless.
    std::vector<std::string> instanceExtensions;
    /// Enables VK_KHR_swapchain on the device (and only picks devices that offer it), so a
    /// SwapchainPresenter can show this renderer's frames in a window.
    bool presentation = false;
};

/// Index of a mesh uploaded with Renderer::addMesh().
using MeshId = uint32_t;

/// How long a mesh lives, which decides what the renderer prepares for it when it is added.
enum class MeshUsage : uint8_t {
    Static,   ///< drawn for many frames (assets): clustered for culling, levels of detail
    Rebuilt,  ///< replaced every frame or so (sand and water surfaces): drawn as it is,
              ///< like every mesh that replaceMesh() uploads
};

/// How an item's surface is shaded in the colour image (labels do not depend on it).
enum class Shading : uint8_t {
    Standard,  ///< metallic-roughness PBR
    Sand,      ///< PBR plus world-space grain relief and albedo variation (granular look)
    Water,     ///< transparent: Fresnel sky reflection over the refracted opaque scene,
               ///< darkened by Beer–Lambert absorption (per metre, from the base colour)
               ///< with the thickness to the opaque surface behind; casts no shadow
};

/// One mesh drawn at one pose with one material.
struct DrawItem {
    MeshId mesh = 0;
    Mat4f modelToWorld = Mat4f::Identity();
    SurfaceMaterial material;    ///< overrides the mesh's own material
    uint32_t instanceId = 0;     ///< label id (0 = background); used by label passes
    uint32_t semanticClass = 0;  ///< label class (0 = background); used by label passes
    /// Where the item will be one frame later, for forward optical flow. Identity by default:
    /// set it (usually to the next frame's modelToWorld) whenever flow labels matter.
    Mat4f nextModelToWorld = Mat4f::Identity();
    Shading shading = Shading::Standard;
};

/// Everything that changes from frame to frame.
struct FrameDesc {
    CameraState camera;  ///< intrinsics' width/height must match RendererDesc
    /// The camera one frame later, for flow labels; unset = `camera` (a static camera). Its
    /// image size must equal `camera`'s.
    std::optional<CameraState> nextCamera;
    LightingDesc lighting;
    std::vector<DrawItem> items;
    /// s from this frame to the next, for flow of meshes with vertex velocities
    /// (TriangleMesh::velocities): a vertex is at p + v·timeStep one frame later, carried by
    /// nextModelToWorld. 0: vertex velocities are ignored.
    float timeStep = 0.0f;
};

/// One frame's colour and its ground-truth labels, all of the same instant and pixel grid.
struct FrameImages {
    ImageRGBA8 color;    ///< sRGB RGBA8, anti-aliased, what render() returns
    LabelImages labels;  ///< exact per-pixel labels (silt/core/Image.h documents each channel)
};

/// Where the last frame's time went (wall clock, for benchmarks; never written into clips).
struct RenderTimings {
    double recordSeconds = 0;    ///< CPU: uniforms and command recording
    double gpuDrawSeconds = -1;  ///< GPU timestamps: shadow, colour and label passes (−1: the
                                 ///< device has no timestamps)
    double gpuShadowSeconds = -1;  ///< GPU timestamps: the sun's shadow map
    double gpuColorSeconds = -1;   ///< GPU timestamps: sky and opaque colour pass
    double gpuWaterSeconds = -1;   ///< GPU timestamps: water pass (with its copies), 0 if none
    double gpuPostSeconds = -1;    ///< GPU timestamps: FXAA (0 without it)
    double gpuLabelSeconds = -1;   ///< GPU timestamps: the MSAA label pass (0 single-sampled,
                                   ///< where the colour passes write the labels)
    double gpuCopySeconds = -1;  ///< GPU timestamps: image → host-visible buffer copies
    double waitSeconds = 0;      ///< wall: submit (or collect, when pipelined) until the fence
                                 ///< signalled (draw + copy)
    double unpackSeconds = 0;    ///< CPU: mapped buffer → the returned host images
    /// Triangles sent to the vertex stage after cluster culling, shadow pass and main
    /// passes (colour, water, MSAA labels) — what the device's geometry work scales with.
    uint64_t shadowTriangles = 0;
    uint64_t mainTriangles = 0;
    bool shadowMapReused = false;  ///< the shadow pass was skipped (RendererDesc::shadowMapReuse)
};

class Renderer {
public:
    /// Creates a Vulkan instance and device (first physical device that can render
    /// offscreen; Silt prefers a discrete GPU and falls back to lavapipe).
    [[nodiscard]] static Result<std::unique_ptr<Renderer>> create(const RendererDesc& desc);
    virtual ~Renderer() = default;

    /// Uploads a mesh once; its id stays valid for the Renderer's lifetime.
    [[nodiscard]] virtual Result<MeshId> addMesh(const TriangleMesh& mesh,
                                                 MeshUsage usage = MeshUsage::Static) = 0;

    /// Replaces an uploaded mesh's geometry (e.g. a sand or water surface rebuilt every
    /// frame); the id stays the same.
    [[nodiscard]] virtual Status replaceMesh(MeshId id, const TriangleMesh& mesh) = 0;

    /// Renders one frame and returns the colour image (sRGB RGBA8, top row first).
    [[nodiscard]] virtual Result<ImageRGBA8> render(const FrameDesc& frame) = 0;

    /// Renders one frame with every label channel. The colour equals what render() returns
    /// for the same frame, byte for byte.
    [[nodiscard]] virtual Result<FrameImages> renderWithLabels(const FrameDesc& frame) = 0;

    /// Pipelined rendering: records and submits a frame with every label channel and returns
    /// without waiting for it, so the caller can simulate, surface or encode while the device
    /// renders. At most kFramesInFlight frames may be pending; collect() returns them in
    /// submission order. Each frame in flight has its own uniforms, command buffer and
    /// readback buffer; meshes replaced while a frame is in flight stay alive until it is
    /// collected. render() and renderWithLabels() need no frame pending.
    static constexpr size_t kFramesInFlight = 2;
    [[nodiscard]] virtual Status submitWithLabels(const FrameDesc& frame) = 0;
    /// Waits for the oldest pending frame and returns its images (the same bytes
    /// renderWithLabels() would give). Error when nothing is pending.
    [[nodiscard]] virtual Result<FrameImages> collect() = 0;
    /// Frames submitted and not yet collected.
    [[nodiscard]] virtual size_t pendingFrames() const = 0;

    /// Timings of the last render(), renderWithLabels() or collect() call.
    [[nodiscard]] virtual RenderTimings lastTimings() const = 0;

    /// "lavapipe", "NVIDIA H100 …": the physical device in use, for logs and the dataset card.
    [[nodiscard]] virtual std::string deviceName() const = 0;
};

}  // namespace silt::render
