#pragma once
// The Vulkan implementation of SwapchainPresenter: one surface and swapchain, a host-visible
// staging buffer and image the frame is uploaded into, a blit into the swapchain image, a
// render pass (load, one colour attachment) for the overlay, one frame in flight.

#include <vulkan/vulkan.h>

#include <vector>

#include "VulkanRenderer.h"
#include "silt/render/SwapchainPresenter.h"

namespace silt::render {

class VulkanPresenter final : public SwapchainPresenter {
public:
    [[nodiscard]] static Result<std::unique_ptr<SwapchainPresenter>> create(
        VulkanRenderer& renderer, const SurfaceFactory& surface, uint32_t width, uint32_t height);
    ~VulkanPresenter() override;

    VulkanPresenter(const VulkanPresenter&) = delete;
    VulkanPresenter& operator=(const VulkanPresenter&) = delete;

    [[nodiscard]] Status present(const ImageRGBA8& image, const OverlayRecorder& overlay,
                                 ImageRGBA8* capture, bool* presented) override;
    void resize(uint32_t width, uint32_t height) override;
    [[nodiscard]] uint32_t width() const override { return mExtent.width; }
    [[nodiscard]] uint32_t height() const override { return mExtent.height; }
    [[nodiscard]] uint32_t rebuilds() const override { return mRebuilds; }
    [[nodiscard]] NativeHandles handles() const override;
    [[nodiscard]] Status runOnce(const std::function<void(void*)>& commands) override;

private:
    explicit VulkanPresenter(VulkanRenderer& renderer) : mRenderer(renderer) {}

    Status createSurfaceObjects(const SurfaceFactory& surface);
    /// (Re)creates the swapchain, its views and framebuffers at mWanted (or the surface's
    /// fixed extent).
    Status buildSwapchain();
    void destroySwapchainObjects();
    /// Sizes the staging buffer and image for a width × height source.
    Status ensureStaging(uint32_t width, uint32_t height);
    void destroyStaging();
    Status ensureCaptureBuffer(VkDeviceSize bytes);

    VulkanRenderer& mRenderer;
    VkDevice mDevice = VK_NULL_HANDLE;
    VkSurfaceKHR mSurface = VK_NULL_HANDLE;
    VkSurfaceFormatKHR mFormat{};
    VkPresentModeKHR mPresentMode = VK_PRESENT_MODE_FIFO_KHR;
    VkSwapchainKHR mSwapchain = VK_NULL_HANDLE;
    VkExtent2D mExtent{0, 0};
    VkExtent2D mWanted{0, 0};
    bool mRebuildNeeded = false;
    uint32_t mRebuilds = 0;
    uint32_t mMinImageCount = 2;
    std::vector<VkImage> mImages;
    std::vector<VkImageView> mViews;
    std::vector<VkFramebuffer> mFramebuffers;
    std::vector<VkSemaphore> mRenderDone;  ///< one per swapchain image
    VkRenderPass mRenderPass = VK_NULL_HANDLE;

    VkCommandPool mPool = VK_NULL_HANDLE;
    VkCommandBuffer mCommands = VK_NULL_HANDLE;
    VkFence mFence = VK_NULL_HANDLE;
    VkSemaphore mAcquired = VK_NULL_HANDLE;

    // The uploaded frame: host buffer → optimal image (blit source).
    VulkanRenderer::Buffer mStagingBuffer;  ///< host-visible, mapped
    VkImage mStagingImage = VK_NULL_HANDLE;
    VkDeviceMemory mStagingImageMemory = VK_NULL_HANDLE;
    VkExtent2D mStagingExtent{0, 0};

    // Screenshots: swapchain image → host buffer.
    VulkanRenderer::Buffer mCaptureBuffer;  ///< host-visible, mapped; size = its bytes
};

}  // namespace silt::render
