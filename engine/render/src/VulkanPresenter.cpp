#include "VulkanPresenter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "VulkanCheck.h"
#include "silt/core/Log.h"

namespace silt::render {
namespace {

constexpr VkClearColorValue kBarColour{{0.08f, 0.08f, 0.09f, 1.0f}};

bool isSrgb(VkFormat format) {
    return format == VK_FORMAT_B8G8R8A8_SRGB || format == VK_FORMAT_R8G8B8A8_SRGB;
}
bool isBgra(VkFormat format) {
    return format == VK_FORMAT_B8G8R8A8_SRGB || format == VK_FORMAT_B8G8R8A8_UNORM;
}

void imageBarrier(VkCommandBuffer cmd, VkImage image, VkImageLayout from, VkImageLayout to,
                  VkAccessFlags srcAccess, VkAccessFlags dstAccess, VkPipelineStageFlags srcStage,
                  VkPipelineStageFlags dstStage) {
    VkImageMemoryBarrier barrier{};
    barrier.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER;
    barrier.srcAccessMask = srcAccess;
    barrier.dstAccessMask = dstAccess;
    barrier.oldLayout = from;
    barrier.newLayout = to;
    barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.image = image;
    barrier.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdPipelineBarrier(cmd, srcStage, dstStage, 0, 0, nullptr, 0, nullptr, 1, &barrier);
}

}  // namespace

Result<std::unique_ptr<SwapchainPresenter>> SwapchainPresenter::create(
    Renderer& renderer, const SurfaceFactory& surface, uint32_t width, uint32_t height) {
    auto* vulkan = dynamic_cast<VulkanRenderer*>(&renderer);
    if (!vulkan) return Error{"SwapchainPresenter: the renderer is not a Vulkan renderer"};
    return VulkanPresenter::create(*vulkan, surface, width, height);
}

Result<std::unique_ptr<SwapchainPresenter>> VulkanPresenter::create(VulkanRenderer& renderer,
                                                                    const SurfaceFactory& surface,
                                                                    uint32_t width,
                                                                    uint32_t height) {
    if (!renderer.presentation()) {
        return Error{
            "SwapchainPresenter: the renderer was created without "
            "RendererDesc::presentation (no VK_KHR_swapchain)"};
    }
    std::unique_ptr<VulkanPresenter> presenter(new VulkanPresenter(renderer));
    presenter->mDevice = renderer.device();
    presenter->mWanted = {std::max(width, 1u), std::max(height, 1u)};
    if (Status s = presenter->createSurfaceObjects(surface); !s)
        return s.error().prefixed("creating the window's swapchain");
    if (Status s = presenter->buildSwapchain(); !s)
        return s.error().prefixed("creating the window's swapchain");
    presenter->mRebuilds = 0;
    log::info("render: window swapchain {}x{}, format {}, {} images", presenter->mExtent.width,
              presenter->mExtent.height, int(presenter->mFormat.format), presenter->mImages.size());
    return std::unique_ptr<SwapchainPresenter>(std::move(presenter));
}

VulkanPresenter::~VulkanPresenter() {
    if (mDevice != VK_NULL_HANDLE) {
        {
            std::lock_guard<std::mutex> queueLock(mRenderer.queueMutex());
            vkDeviceWaitIdle(mDevice);
        }
        destroySwapchainObjects();
        if (mSwapchain) vkDestroySwapchainKHR(mDevice, mSwapchain, nullptr);
        destroyStaging();
        mRenderer.destroyBuffer(mCaptureBuffer);
        if (mRenderPass) vkDestroyRenderPass(mDevice, mRenderPass, nullptr);
        if (mAcquired) vkDestroySemaphore(mDevice, mAcquired, nullptr);
        if (mFence) vkDestroyFence(mDevice, mFence, nullptr);
        if (mPool) vkDestroyCommandPool(mDevice, mPool, nullptr);
    }
    if (mSurface) vkDestroySurfaceKHR(mRenderer.instance(), mSurface, nullptr);
}

Status VulkanPresenter::createSurfaceObjects(const SurfaceFactory& surface) {
    auto handle = surface(static_cast<void*>(mRenderer.instance()));
    if (!handle) return handle.error();
    mSurface = reinterpret_cast<VkSurfaceKHR>(*handle);
    VkPhysicalDevice physical = mRenderer.physicalDevice();

    VkBool32 supported = VK_FALSE;
    SILT_VK(vkGetPhysicalDeviceSurfaceSupportKHR(physical, mRenderer.queueFamily(), mSurface,
                                                 &supported));
    if (!supported) {
        return Error{
            fmt::format("{}: its queue cannot present to this window", mRenderer.deviceName())};
    }

    uint32_t count = 0;
    SILT_VK(vkGetPhysicalDeviceSurfaceFormatsKHR(physical, mSurface, &count, nullptr));
    std::vector<VkSurfaceFormatKHR> formats(count);
    SILT_VK(vkGetPhysicalDeviceSurfaceFormatsKHR(physical, mSurface, &count, formats.data()));
    // UNORM first: frames arrive sRGB-encoded and ImGui's colours are authored in sRGB, so
    // both are copied as bytes. An sRGB swapchain works too (the blit converts exactly).
    const VkFormat preferred[] = {VK_FORMAT_B8G8R8A8_UNORM, VK_FORMAT_R8G8B8A8_UNORM,
                                  VK_FORMAT_B8G8R8A8_SRGB, VK_FORMAT_R8G8B8A8_SRGB};
    bool found = false;
    for (VkFormat want : preferred) {
        for (const VkSurfaceFormatKHR& f : formats) {
            if (!found && f.format == want && f.colorSpace == VK_COLOR_SPACE_SRGB_NONLINEAR_KHR) {
                mFormat = f;
                found = true;
            }
        }
    }
    if (!found) return Error{"the window surface offers no 8-bit RGBA/BGRA format"};
    VkFormatProperties props;
    vkGetPhysicalDeviceFormatProperties(physical, mFormat.format, &props);
    if (!(props.optimalTilingFeatures & VK_FORMAT_FEATURE_BLIT_DST_BIT)) {
        return Error{fmt::format("{} cannot blit into the swapchain format {}",
                                 mRenderer.deviceName(), int(mFormat.format))};
    }

    SILT_VK(vkGetPhysicalDeviceSurfacePresentModesKHR(physical, mSurface, &count, nullptr));
    std::vector<VkPresentModeKHR> modes(count);
    SILT_VK(vkGetPhysicalDeviceSurfacePresentModesKHR(physical, mSurface, &count, modes.data()));
    // Mailbox never blocks the UI on the display and never tears; FIFO is always there.
    mPresentMode = std::find(modes.begin(), modes.end(), VK_PRESENT_MODE_MAILBOX_KHR) != modes.end()
                       ? VK_PRESENT_MODE_MAILBOX_KHR
                       : VK_PRESENT_MODE_FIFO_KHR;

    VkAttachmentDescription attachment{};
    attachment.format = mFormat.format;
    attachment.samples = VK_SAMPLE_COUNT_1_BIT;
    attachment.loadOp = VK_ATTACHMENT_LOAD_OP_LOAD;  // keep the copied frame under the overlay
    attachment.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    attachment.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
    attachment.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
    attachment.initialLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    attachment.finalLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
    VkAttachmentReference colourRef{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    VkSubpassDescription subpass{};
    subpass.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
    subpass.colorAttachmentCount = 1;
    subpass.pColorAttachments = &colourRef;
    VkSubpassDependency dependency{};
    dependency.srcSubpass = VK_SUBPASS_EXTERNAL;
    dependency.dstSubpass = 0;
    dependency.srcStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT;
    dependency.dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    dependency.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    dependency.dstAccessMask =
        VK_ACCESS_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    VkRenderPassCreateInfo passInfo{};
    passInfo.sType = VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO;
    passInfo.attachmentCount = 1;
    passInfo.pAttachments = &attachment;
    passInfo.subpassCount = 1;
    passInfo.pSubpasses = &subpass;
    passInfo.dependencyCount = 1;
    passInfo.pDependencies = &dependency;
    SILT_VK(vkCreateRenderPass(mDevice, &passInfo, nullptr, &mRenderPass));

    VkCommandPoolCreateInfo poolInfo{};
    poolInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    poolInfo.queueFamilyIndex = mRenderer.queueFamily();
    SILT_VK(vkCreateCommandPool(mDevice, &poolInfo, nullptr, &mPool));
    VkCommandBufferAllocateInfo allocInfo{};
    allocInfo.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    allocInfo.commandPool = mPool;
    allocInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    allocInfo.commandBufferCount = 1;
    SILT_VK(vkAllocateCommandBuffers(mDevice, &allocInfo, &mCommands));
    VkFenceCreateInfo fenceInfo{};
    fenceInfo.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
    fenceInfo.flags = VK_FENCE_CREATE_SIGNALED_BIT;
    SILT_VK(vkCreateFence(mDevice, &fenceInfo, nullptr, &mFence));
    VkSemaphoreCreateInfo semInfo{};
    semInfo.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO;
    SILT_VK(vkCreateSemaphore(mDevice, &semInfo, nullptr, &mAcquired));
    return {};
}

void VulkanPresenter::destroySwapchainObjects() {
    for (VkFramebuffer f : mFramebuffers) vkDestroyFramebuffer(mDevice, f, nullptr);
    for (VkImageView v : mViews) vkDestroyImageView(mDevice, v, nullptr);
    for (VkSemaphore s : mRenderDone) vkDestroySemaphore(mDevice, s, nullptr);
    mFramebuffers.clear();
    mViews.clear();
    mRenderDone.clear();
    mImages.clear();
}

Status VulkanPresenter::buildSwapchain() {
    {
        std::lock_guard<std::mutex> queueLock(mRenderer.queueMutex());
        SILT_VK(vkDeviceWaitIdle(mDevice));
    }
    VkSurfaceCapabilitiesKHR caps;
    SILT_VK(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(mRenderer.physicalDevice(), mSurface, &caps));
    VkExtent2D extent = caps.currentExtent;
    if (extent.width == 0xFFFFFFFFu) extent = mWanted;  // the surface takes the swapchain's size
    extent.width = std::clamp(extent.width, caps.minImageExtent.width, caps.maxImageExtent.width);
    extent.height =
        std::clamp(extent.height, caps.minImageExtent.height, caps.maxImageExtent.height);
    if (extent.width == 0 || extent.height == 0) {
        // A minimised window: keep the old swapchain, try again at the next present.
        mRebuildNeeded = true;
        return {};
    }
    mMinImageCount = std::max(caps.minImageCount + 1, 2u);
    if (caps.maxImageCount > 0) mMinImageCount = std::min(mMinImageCount, caps.maxImageCount);

    VkSwapchainCreateInfoKHR info{};
    info.sType = VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR;
    info.surface = mSurface;
    info.minImageCount = mMinImageCount;
    info.imageFormat = mFormat.format;
    info.imageColorSpace = mFormat.colorSpace;
    info.imageExtent = extent;
    info.imageArrayLayers = 1;
    // TRANSFER_SRC: screenshots copy the presented image out.
    info.imageUsage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT |
                      VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    info.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
    info.preTransform = caps.currentTransform;
    info.compositeAlpha = (caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR)
                              ? VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR
                              : VkCompositeAlphaFlagBitsKHR(caps.supportedCompositeAlpha &
                                                            -caps.supportedCompositeAlpha);
    info.presentMode = mPresentMode;
    info.clipped = VK_TRUE;
    info.oldSwapchain = mSwapchain;
    VkSwapchainKHR swapchain = VK_NULL_HANDLE;
    SILT_VK(vkCreateSwapchainKHR(mDevice, &info, nullptr, &swapchain));
    destroySwapchainObjects();
    if (mSwapchain) vkDestroySwapchainKHR(mDevice, mSwapchain, nullptr);
    mSwapchain = swapchain;
    mExtent = extent;
    ++mRebuilds;
    mRebuildNeeded = false;

    uint32_t count = 0;
    SILT_VK(vkGetSwapchainImagesKHR(mDevice, mSwapchain, &count, nullptr));
    mImages.resize(count);
    SILT_VK(vkGetSwapchainImagesKHR(mDevice, mSwapchain, &count, mImages.data()));
    for (VkImage image : mImages) {
        VkImageViewCreateInfo viewInfo{};
        viewInfo.sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO;
        viewInfo.image = image;
        viewInfo.viewType = VK_IMAGE_VIEW_TYPE_2D;
        viewInfo.format = mFormat.format;
        viewInfo.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
        VkImageView view = VK_NULL_HANDLE;
        SILT_VK(vkCreateImageView(mDevice, &viewInfo, nullptr, &view));
        mViews.push_back(view);
        VkFramebufferCreateInfo fbInfo{};
        fbInfo.sType = VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO;
        fbInfo.renderPass = mRenderPass;
        fbInfo.attachmentCount = 1;
        fbInfo.pAttachments = &view;
        fbInfo.width = extent.width;
        fbInfo.height = extent.height;
        fbInfo.layers = 1;
        VkFramebuffer framebuffer = VK_NULL_HANDLE;
        SILT_VK(vkCreateFramebuffer(mDevice, &fbInfo, nullptr, &framebuffer));
        mFramebuffers.push_back(framebuffer);
        VkSemaphoreCreateInfo semInfo{};
        semInfo.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO;
        VkSemaphore done = VK_NULL_HANDLE;
        SILT_VK(vkCreateSemaphore(mDevice, &semInfo, nullptr, &done));
        mRenderDone.push_back(done);
    }
    return {};
}

void VulkanPresenter::resize(uint32_t width, uint32_t height) {
    if (width == mWanted.width && height == mWanted.height && width == mExtent.width &&
        height == mExtent.height)
        return;
    mWanted = {width, height};
    mRebuildNeeded = true;
}

void VulkanPresenter::destroyStaging() {
    mRenderer.destroyBuffer(mStagingBuffer);
    if (mStagingImage) vkDestroyImage(mDevice, mStagingImage, nullptr);
    if (mStagingImageMemory) vkFreeMemory(mDevice, mStagingImageMemory, nullptr);
    mStagingImage = VK_NULL_HANDLE;
    mStagingImageMemory = VK_NULL_HANDLE;
    mStagingExtent = {0, 0};
}

Status VulkanPresenter::ensureStaging(uint32_t width, uint32_t height) {
    if (mStagingExtent.width == width && mStagingExtent.height == height) return {};
    SILT_VK(vkWaitForFences(mDevice, 1, &mFence, VK_TRUE, UINT64_MAX));  // the only user
    destroyStaging();
    auto staging = mRenderer.createBuffer(
        VkDeviceSize(width) * height * 4, VK_BUFFER_USAGE_TRANSFER_SRC_BIT,
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, 0);
    if (!staging) return staging.error();
    mStagingBuffer = *staging;

    // Same encoding as the swapchain, so the blit moves bytes (UNORM) or converts sRGB → sRGB
    // (identity at equal sizes).
    VkImageCreateInfo imageInfo{};
    imageInfo.sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO;
    imageInfo.imageType = VK_IMAGE_TYPE_2D;
    imageInfo.format = isSrgb(mFormat.format) ? VK_FORMAT_R8G8B8A8_SRGB : VK_FORMAT_R8G8B8A8_UNORM;
    imageInfo.extent = {width, height, 1};
    imageInfo.mipLevels = 1;
    imageInfo.arrayLayers = 1;
    imageInfo.samples = VK_SAMPLE_COUNT_1_BIT;
    imageInfo.tiling = VK_IMAGE_TILING_OPTIMAL;
    imageInfo.usage = VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    imageInfo.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    imageInfo.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    SILT_VK(vkCreateImage(mDevice, &imageInfo, nullptr, &mStagingImage));
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(mDevice, mStagingImage, &req);
    auto deviceType =
        mRenderer.findMemoryType(req.memoryTypeBits, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if (!deviceType) return deviceType.error();
    VkMemoryAllocateInfo alloc{};
    alloc.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    alloc.allocationSize = req.size;
    alloc.memoryTypeIndex = *deviceType;
    SILT_VK(vkAllocateMemory(mDevice, &alloc, nullptr, &mStagingImageMemory));
    SILT_VK(vkBindImageMemory(mDevice, mStagingImage, mStagingImageMemory, 0));
    mStagingExtent = {width, height};
    return {};
}

Status VulkanPresenter::ensureCaptureBuffer(VkDeviceSize bytes) {
    if (mCaptureBuffer.size >= bytes) return {};
    mRenderer.destroyBuffer(mCaptureBuffer);
    auto capture = mRenderer.createBuffer(
        bytes, VK_BUFFER_USAGE_TRANSFER_DST_BIT,
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, 0);
    if (!capture) return capture.error();
    mCaptureBuffer = *capture;
    return {};
}

Status VulkanPresenter::present(const ImageRGBA8& image, const OverlayRecorder& overlay,
                                ImageRGBA8* capture, bool* presented) {
    if (presented) *presented = false;
    if (image.width == 0 || image.height == 0 ||
        image.pixels.size() != size_t(image.width) * image.height * 4)
        return Error{"SwapchainPresenter::present: empty or malformed image"};
    if (mRebuildNeeded || mSwapchain == VK_NULL_HANDLE) {
        if (Status s = buildSwapchain(); !s) return s;
        if (mRebuildNeeded) return {};  // minimised
    }
    if (Status s = ensureStaging(image.width, image.height); !s) return s;
    // Everything that can fail before the fence is reset, so a failure never leaves it
    // unsignalled with nothing submitted.
    if (capture) {
        if (Status s = ensureCaptureBuffer(VkDeviceSize(mExtent.width) * mExtent.height * 4); !s)
            return s;
    }

    SILT_VK(vkWaitForFences(mDevice, 1, &mFence, VK_TRUE, UINT64_MAX));
    uint32_t index = 0;
    VkResult acquired =
        vkAcquireNextImageKHR(mDevice, mSwapchain, UINT64_MAX, mAcquired, VK_NULL_HANDLE, &index);
    if (acquired == VK_ERROR_OUT_OF_DATE_KHR) {
        mRebuildNeeded = true;
        return {};
    }
    if (acquired != VK_SUCCESS && acquired != VK_SUBOPTIMAL_KHR)
        return vkError("vkAcquireNextImageKHR", acquired, __FILE__, __LINE__);
    if (acquired == VK_SUBOPTIMAL_KHR) mRebuildNeeded = true;
    SILT_VK(vkResetFences(mDevice, 1, &mFence));

    std::memcpy(mStagingBuffer.mapped, image.pixels.data(), image.pixels.size());

    VkCommandBuffer cmd = mCommands;
    SILT_VK(vkResetCommandBuffer(cmd, 0));
    VkCommandBufferBeginInfo begin{};
    begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    SILT_VK(vkBeginCommandBuffer(cmd, &begin));

    // Host buffer → staging image.
    imageBarrier(cmd, mStagingImage, VK_IMAGE_LAYOUT_UNDEFINED,
                 VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0, VK_ACCESS_TRANSFER_WRITE_BIT,
                 VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {image.width, image.height, 1};
    vkCmdCopyBufferToImage(cmd, mStagingBuffer.buffer, mStagingImage, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                           1, &region);
    imageBarrier(cmd, mStagingImage, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                 VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT,
                 VK_ACCESS_TRANSFER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                 VK_PIPELINE_STAGE_TRANSFER_BIT);

    // Staging image → swapchain image: bars, then the frame scaled to fit.
    VkImage target = mImages[index];
    imageBarrier(cmd, target, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0,
                 VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                 VK_PIPELINE_STAGE_TRANSFER_BIT);
    VkImageSubresourceRange range{VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdClearColorImage(cmd, target, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, &kBarColour, 1, &range);
    imageBarrier(cmd, target, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                 VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT,
                 VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                 VK_PIPELINE_STAGE_TRANSFER_BIT);
    const double scale =
        std::min(double(mExtent.width) / image.width, double(mExtent.height) / image.height);
    const int32_t w = std::max(1, int32_t(image.width * scale + 0.5));
    const int32_t h = std::max(1, int32_t(image.height * scale + 0.5));
    const int32_t x0 = (int32_t(mExtent.width) - w) / 2, y0 = (int32_t(mExtent.height) - h) / 2;
    VkImageBlit blit{};
    blit.srcSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    blit.srcOffsets[1] = {int32_t(image.width), int32_t(image.height), 1};
    blit.dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    blit.dstOffsets[0] = {x0, y0, 0};
    blit.dstOffsets[1] = {x0 + w, y0 + h, 1};
    const bool sameSize = uint32_t(w) == image.width && uint32_t(h) == image.height;
    vkCmdBlitImage(cmd, mStagingImage, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, target,
                   VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &blit,
                   sameSize ? VK_FILTER_NEAREST : VK_FILTER_LINEAR);
    imageBarrier(cmd, target, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                 VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT,
                 VK_ACCESS_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
                 VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT);

    VkRenderPassBeginInfo passBegin{};
    passBegin.sType = VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO;
    passBegin.renderPass = mRenderPass;
    passBegin.framebuffer = mFramebuffers[index];
    passBegin.renderArea = {{0, 0}, mExtent};
    vkCmdBeginRenderPass(cmd, &passBegin, VK_SUBPASS_CONTENTS_INLINE);
    if (overlay) overlay(static_cast<void*>(cmd));
    vkCmdEndRenderPass(cmd);

    if (capture) {
        imageBarrier(cmd, target, VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
                     VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
                     VK_ACCESS_TRANSFER_READ_BIT, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT,
                     VK_PIPELINE_STAGE_TRANSFER_BIT);
        VkBufferImageCopy out{};
        out.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
        out.imageExtent = {mExtent.width, mExtent.height, 1};
        vkCmdCopyImageToBuffer(cmd, target, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, mCaptureBuffer.buffer, 1,
                               &out);
        imageBarrier(cmd, target, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                     VK_IMAGE_LAYOUT_PRESENT_SRC_KHR, VK_ACCESS_TRANSFER_READ_BIT, 0,
                     VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT);
    }
    SILT_VK(vkEndCommandBuffer(cmd));

    VkPipelineStageFlags waitStage = VK_PIPELINE_STAGE_TRANSFER_BIT;
    VkSubmitInfo submit{};
    submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    submit.waitSemaphoreCount = 1;
    submit.pWaitSemaphores = &mAcquired;
    submit.pWaitDstStageMask = &waitStage;
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &cmd;
    submit.signalSemaphoreCount = 1;
    submit.pSignalSemaphores = &mRenderDone[index];
    std::unique_lock<std::mutex> queueLock(mRenderer.queueMutex());
    SILT_VK(vkQueueSubmit(mRenderer.queue(), 1, &submit, mFence));

    VkPresentInfoKHR presentInfo{};
    presentInfo.sType = VK_STRUCTURE_TYPE_PRESENT_INFO_KHR;
    presentInfo.waitSemaphoreCount = 1;
    presentInfo.pWaitSemaphores = &mRenderDone[index];
    presentInfo.swapchainCount = 1;
    presentInfo.pSwapchains = &mSwapchain;
    presentInfo.pImageIndices = &index;
    VkResult shown = vkQueuePresentKHR(mRenderer.queue(), &presentInfo);
    queueLock.unlock();
    if (shown == VK_ERROR_OUT_OF_DATE_KHR || shown == VK_SUBOPTIMAL_KHR)
        mRebuildNeeded = true;
    else if (shown != VK_SUCCESS)
        return vkError("vkQueuePresentKHR", shown, __FILE__, __LINE__);

    if (capture) {
        SILT_VK(vkWaitForFences(mDevice, 1, &mFence, VK_TRUE, UINT64_MAX));
        *capture = ImageRGBA8(mExtent.width, mExtent.height);
        const auto* src = static_cast<const uint8_t*>(mCaptureBuffer.mapped);
        const bool bgra = isBgra(mFormat.format);
        for (size_t i = 0; i < capture->pixels.size(); i += 4) {
            capture->pixels[i + 0] = src[i + (bgra ? 2 : 0)];
            capture->pixels[i + 1] = src[i + 1];
            capture->pixels[i + 2] = src[i + (bgra ? 0 : 2)];
            capture->pixels[i + 3] = 255;
        }
    }
    if (presented) *presented = true;
    return {};
}

NativeHandles VulkanPresenter::handles() const {
    NativeHandles h;
    h.instance = static_cast<void*>(mRenderer.instance());
    h.physicalDevice = static_cast<void*>(mRenderer.physicalDevice());
    h.device = static_cast<void*>(mDevice);
    h.queue = static_cast<void*>(mRenderer.queue());
    h.queueFamily = mRenderer.queueFamily();
    h.renderPass = static_cast<void*>(mRenderPass);
    h.minImageCount = mMinImageCount;
    h.imageCount = uint32_t(mImages.size());
    return h;
}

Status VulkanPresenter::runOnce(const std::function<void(void*)>& commands) {
    SILT_VK(vkWaitForFences(mDevice, 1, &mFence, VK_TRUE, UINT64_MAX));
    SILT_VK(vkResetFences(mDevice, 1, &mFence));
    SILT_VK(vkResetCommandBuffer(mCommands, 0));
    VkCommandBufferBeginInfo begin{};
    begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    SILT_VK(vkBeginCommandBuffer(mCommands, &begin));
    commands(static_cast<void*>(mCommands));
    SILT_VK(vkEndCommandBuffer(mCommands));
    VkSubmitInfo submit{};
    submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &mCommands;
    {
        std::lock_guard<std::mutex> queueLock(mRenderer.queueMutex());
        SILT_VK(vkQueueSubmit(mRenderer.queue(), 1, &submit, mFence));
    }
    SILT_VK(vkWaitForFences(mDevice, 1, &mFence, VK_TRUE, UINT64_MAX));
    return {};
}

}  // namespace silt::render
