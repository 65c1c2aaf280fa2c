#pragma once
// Shows a Renderer's frames in a window: a Vulkan swapchain on a surface the application
// creates (from GLFW, SDL, …), so that engine/render never depends on a window library.
// Each present() copies a host image (a rendered colour frame or a colour-mapped label
// channel) into the next swapchain image, scaled to fit and letterboxed, lets the caller draw
// an overlay (Dear ImGui) into a render pass over it, and presents. Vulkan types never appear
// in this header: the few handles a UI backend needs travel as opaque pointers (NativeHandles).
//
// Ownership: the presenter shares the Renderer's instance, device and queue and owns the
// surface, swapchain and its own command buffer; destroy it before the Renderer.
// Thread-safety: the thread that uses the Renderer, one call at a time.

#include <cstdint>
#include <functional>
#include <memory>

#include "silt/core/Image.h"
#include "silt/core/Result.h"
#include "silt/render/Renderer.h"

namespace silt::render {

/// Creates a VkSurfaceKHR for `instance` (a VkInstance) and returns the surface handle
/// (a VkSurfaceKHR, a 64-bit non-dispatchable handle), e.g. with glfwCreateWindowSurface.
using SurfaceFactory = std::function<Result<uint64_t>(void* instance)>;

/// Records draw commands into `commandBuffer` (a VkCommandBuffer) inside the presenter's
/// render pass over the swapchain image, e.g. ImGui_ImplVulkan_RenderDrawData.
using OverlayRecorder = std::function<void(void* commandBuffer)>;

/// What a UI backend needs to draw into the presenter's render pass; cast each pointer to
/// its Vulkan handle type (VkInstance, VkPhysicalDevice, VkDevice, VkQueue, VkRenderPass).
struct NativeHandles {
    void* instance = nullptr;
    void* physicalDevice = nullptr;
    void* device = nullptr;
    void* queue = nullptr;
    uint32_t queueFamily = 0;
    void* renderPass = nullptr;  ///< one colour attachment, load = keep the copied frame
    uint32_t minImageCount = 2;  ///< swapchain images requested
    uint32_t imageCount = 2;     ///< swapchain images created
};

class SwapchainPresenter {
public:
    /// `renderer` must come from Renderer::create with RendererDesc::presentation set and the
    /// window system's instance extensions in RendererDesc::instanceExtensions. `width` and
    /// `height` are the window's framebuffer size in pixels.
    [[nodiscard]] static Result<std::unique_ptr<SwapchainPresenter>> create(
        Renderer& renderer, const SurfaceFactory& surface, uint32_t width, uint32_t height);
    virtual ~SwapchainPresenter() = default;

    /// Copies `image` (sRGB RGBA8) into the next swapchain image, scaled to fit its extent
    /// (aspect kept, bars dark grey), records `overlay` on top (may be empty) and presents.
    /// With `capture`, also returns the presented pixels (overlay included) as RGBA8, top row
    /// first. A swapchain that went out of date is rebuilt and the frame skipped (returns
    /// false in *presented when given).
    [[nodiscard]] virtual Status present(const ImageRGBA8& image, const OverlayRecorder& overlay,
                                         ImageRGBA8* capture = nullptr,
                                         bool* presented = nullptr) = 0;

    /// The window's framebuffer changed size: the swapchain is rebuilt before the next frame.
    virtual void resize(uint32_t width, uint32_t height) = 0;

    /// Swapchain extent in pixels.
    [[nodiscard]] virtual uint32_t width() const = 0;
    [[nodiscard]] virtual uint32_t height() const = 0;
    /// How many times the swapchain was rebuilt (resizes, out-of-date surfaces).
    [[nodiscard]] virtual uint32_t rebuilds() const = 0;

    [[nodiscard]] virtual NativeHandles handles() const = 0;

    /// Records `commands` into a one-time command buffer (a VkCommandBuffer), submits it and
    /// waits: for uploads such as ImGui's font texture.
    [[nodiscard]] virtual Status runOnce(const std::function<void(void* commandBuffer)>& commands) = 0;
};

}  // namespace silt::render
