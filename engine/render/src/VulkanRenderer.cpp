#include "VulkanRenderer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstring>
#include <span>

#include "ShaderCode.h"
#include "VulkanCheck.h"
#include "silt/core/Log.h"
#include "silt/render/MeshLod.h"
#include "silt/render/RenderMath.h"

namespace silt::render {
namespace {

constexpr VkFormat kColorFormat = VK_FORMAT_R8G8B8A8_SRGB;
constexpr VkFormat kDepthFormat = VK_FORMAT_D32_SFLOAT;
constexpr uint32_t kVertexStride = 9 * sizeof(float);  // position, normal, velocity
// The label pass's attachments, in label.frag's output order.
constexpr std::array<VkFormat, 4> kLabelFormats{
    VK_FORMAT_R32_SFLOAT,           // linear depth, m
    VK_FORMAT_R32G32_UINT,          // instance id, semantic class
    VK_FORMAT_R32G32B32A32_SFLOAT,  // camera-space normal (w unused)
    VK_FORMAT_R32G32_SFLOAT,        // flow, px
};
constexpr std::array<uint32_t, 4> kLabelTexelBytes{4, 8, 16, 8};
constexpr uint32_t kPushConstantBytes = 128;
constexpr uint32_t kShadingModes = 3;  // Shading: standard, sand, water
// Timestamps per frame slot, written after each pass (lastTimings() splits the frame).
enum : uint32_t {
    kQueryStart,
    kQueryShadow,
    kQueryOpaque,
    kQueryWater,
    kQueryPost,
    kQueryDrawn,
    kQueryCopied,
    kQueriesPerSlot
};  // the most every Vulkan device guarantees

// Each slot's readback buffer holds the colour image, then each label image, tightly packed.
constexpr uint32_t readbackBytesPerPixel() {
    uint32_t bytes = 4;
    for (uint32_t b : kLabelTexelBytes) bytes += b;
    return bytes;
}
VkDeviceSize labelOffset(size_t label, uint32_t w, uint32_t h) {
    VkDeviceSize bytesPerPixel = 4;
    for (size_t i = 0; i < label; ++i) bytesPerPixel += kLabelTexelBytes[i];
    return VkDeviceSize(w) * h * bytesPerPixel;
}

bool hasDeviceExtension(VkPhysicalDevice device, const char* name) {
    uint32_t count = 0;
    if (vkEnumerateDeviceExtensionProperties(device, nullptr, &count, nullptr) != VK_SUCCESS)
        return false;
    std::vector<VkExtensionProperties> extensions(count);
    if (vkEnumerateDeviceExtensionProperties(device, nullptr, &count, extensions.data()) !=
        VK_SUCCESS)
        return false;
    return std::any_of(extensions.begin(), extensions.end(), [&](const VkExtensionProperties& e) {
        return std::strcmp(e.extensionName, name) == 0;
    });
}

// The sun's shadow map when RendererDesc::shadowMapSize is 0: two texels per image pixel
// along the longer side (a power of two, 512..2048), so small frames do not pay for clearing
// and filling a 2048² map whose detail they cannot show.
uint32_t automaticShadowMapSize(uint32_t width, uint32_t height) {
    const uint32_t wanted = 2 * std::max(width, height);
    uint32_t size = 512;
    while (size < wanted && size < 2048) size *= 2;
    return size;
}

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Mirrors FrameUniforms in shaders/common.glsl (std140: column-major mat4, vec4s).
struct FrameUniforms {
    float viewProj[16];
    float lightViewProj[16];
    float cameraToWorld[16];
    float cameraPosition[4];
    float toSun[4];
    float sunRadiance[4];
    float sky[4];
    float shadowParams[4];
    float intrinsics[4];
    float imageSize[4];
    float worldToCamera[16];
    float nextViewProj[16];
    float motion[4];
};
static_assert(sizeof(FrameUniforms) == 5 * 64 + 8 * 16);

// Mirrors DrawConstants in shaders/common.glsl (std430; affine poses as 3 rows of 4).
struct DrawConstants {
    float modelToWorldRows[12];
    float nextModelToWorldRows[12];
    float baseColorMetallic[4];
    uint32_t misc[4];  ///< roughness (float bits), shading, instance id, semantic class
};
static_assert(sizeof(DrawConstants) == kPushConstantBytes);

void copyMatrix(const Mat4f& m, float* out) {
    std::memcpy(out, m.data(), 16 * sizeof(float));
}
void copyRows3x4(const Mat4f& m, float* out) {
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 4; ++c) out[r * 4 + c] = m(r, c);
    }
}
void copyVec(const Vec3f& v, float w, float* out) {
    out[0] = v.x();
    out[1] = v.y();
    out[2] = v.z();
    out[3] = w;
}

// A zero-initialised Vulkan struct with its sType set.
template <typename T>
T vkStruct(VkStructureType type) {
    T value{};
    value.sType = type;
    return value;
}

Error noDevice(const std::string& detail) {
    return Error{"no Vulkan device found: " + detail +
                 "; install mesa-vulkan-drivers for the software rasterizer (lavapipe) or a GPU "
                 "driver"};
}

int deviceTypeRank(VkPhysicalDeviceType type) {
    switch (type) {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
            return 4;
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
            return 3;
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
            return 2;
        case VK_PHYSICAL_DEVICE_TYPE_CPU:
            return 1;
        default:
            return 0;
    }
}

VkImageMemoryBarrier2 imageBarrier(VkImage image, VkImageAspectFlags aspect,
                                   VkPipelineStageFlags2 srcStage, VkAccessFlags2 srcAccess,
                                   VkPipelineStageFlags2 dstStage, VkAccessFlags2 dstAccess,
                                   VkImageLayout oldLayout, VkImageLayout newLayout) {
    auto b = vkStruct<VkImageMemoryBarrier2>(VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2);
    b.srcStageMask = srcStage;
    b.srcAccessMask = srcAccess;
    b.dstStageMask = dstStage;
    b.dstAccessMask = dstAccess;
    b.oldLayout = oldLayout;
    b.newLayout = newLayout;
    b.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    b.image = image;
    b.subresourceRange = {aspect, 0, 1, 0, 1};
    return b;
}

void pipelineBarrier(VkCommandBuffer cmd, std::span<const VkImageMemoryBarrier2> images,
                     std::span<const VkBufferMemoryBarrier2> buffers = {}) {
    auto dependency = vkStruct<VkDependencyInfo>(VK_STRUCTURE_TYPE_DEPENDENCY_INFO);
    dependency.imageMemoryBarrierCount = uint32_t(images.size());
    dependency.pImageMemoryBarriers = images.data();
    dependency.bufferMemoryBarrierCount = uint32_t(buffers.size());
    dependency.pBufferMemoryBarriers = buffers.data();
    vkCmdPipelineBarrier2(cmd, &dependency);
}

// Runs a clean-up on scope exit unless dismissed: lets SILT_VK return early from functions
// that build an object step by step.
template <typename F>
class CleanupGuard {
public:
    explicit CleanupGuard(F f) : mF(std::move(f)) {}
    ~CleanupGuard() {
        if (mArmed) mF();
    }
    CleanupGuard(const CleanupGuard&) = delete;
    CleanupGuard& operator=(const CleanupGuard&) = delete;
    void dismiss() { mArmed = false; }

private:
    F mF;
    bool mArmed = true;
};

/// The vertex and index buffers bound last: consecutive items often share them.
struct BoundBuffers {
    VkBuffer vertices = VK_NULL_HANDLE;
    VkBuffer indices = VK_NULL_HANDLE;
};
void bindOnChange(VkCommandBuffer cmd, VkBuffer vertices, VkBuffer indices, BoundBuffers& bound) {
    if (vertices != bound.vertices) {
        const VkDeviceSize offset = 0;
        vkCmdBindVertexBuffers(cmd, 0, 1, &vertices, &offset);
        bound.vertices = vertices;
    }
    if (indices != bound.indices) {
        vkCmdBindIndexBuffer(cmd, indices, 0, VK_INDEX_TYPE_UINT32);
        bound.indices = indices;
    }
}

void setViewport(VkCommandBuffer cmd, uint32_t width, uint32_t height) {
    VkViewport viewport{0.0f, 0.0f, float(width), float(height), 0.0f, 1.0f};
    VkRect2D scissor{{0, 0}, {width, height}};
    vkCmdSetViewport(cmd, 0, 1, &viewport);
    vkCmdSetScissor(cmd, 0, 1, &scissor);
}

/// Begins dynamic rendering of width × height into `colors` (and `depth`, when not null) with a
/// viewport over all of it.
void beginPass(VkCommandBuffer cmd, uint32_t width, uint32_t height,
               std::span<const VkRenderingAttachmentInfo> colors,
               const VkRenderingAttachmentInfo* depth) {
    auto pass = vkStruct<VkRenderingInfo>(VK_STRUCTURE_TYPE_RENDERING_INFO);
    pass.renderArea = {{0, 0}, {width, height}};
    pass.layerCount = 1;
    pass.colorAttachmentCount = uint32_t(colors.size());
    pass.pColorAttachments = colors.data();
    pass.pDepthAttachment = depth;
    vkCmdBeginRendering(cmd, &pass);
    setViewport(cmd, width, height);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Creation

Result<std::unique_ptr<Renderer>> VulkanRenderer::create(const RendererDesc& desc) {
    if (desc.width == 0 || desc.height == 0 || desc.width > 16384 || desc.height > 16384) {
        return Error{
            fmt::format("RendererDesc: width and height must be 1..16384 pixels, got {}x{}",
                        desc.width, desc.height)};
    }
    if (desc.msaaSamples != 1 && desc.msaaSamples != 2 && desc.msaaSamples != 4 &&
        desc.msaaSamples != 8) {
        return Error{fmt::format("RendererDesc: msaaSamples must be 1, 2, 4 or 8, got {}",
                                 desc.msaaSamples)};
    }
    if (desc.shadowMapSize != 0 && (desc.shadowMapSize < 16 || desc.shadowMapSize > 8192)) {
        return Error{fmt::format(
            "RendererDesc: shadowMapSize must be 0 (automatic) or 16..8192 texels, got {}",
            desc.shadowMapSize)};
    }
    std::unique_ptr<VulkanRenderer> renderer(new VulkanRenderer(desc));
    renderer->mShadowMapSize =
        desc.shadowMapSize != 0 ? desc.shadowMapSize : automaticShadowMapSize(desc.width, desc.height);
    renderer->mFxaa = desc.msaaSamples == 1 && desc.fxaa;
    for (Status (VulkanRenderer::*step)() :
         {&VulkanRenderer::createDevice, &VulkanRenderer::createTargets,
          &VulkanRenderer::createDescriptors, &VulkanRenderer::createPipelines,
          &VulkanRenderer::createCommands}) {
        Status status = (renderer.get()->*step)();
        if (!status) return status.error().prefixed("creating the Vulkan renderer");
    }
    log::info("render: {} ({}x{}, {}, shadow map {})", renderer->mDeviceName, desc.width,
              desc.height,
              desc.msaaSamples > 1 ? fmt::format("{}x MSAA", desc.msaaSamples)
                                   : std::string(renderer->mFxaa ? "FXAA" : "no anti-aliasing"),
              renderer->mShadowMapSize);
    return std::unique_ptr<Renderer>(std::move(renderer));
}

Status VulkanRenderer::createDevice() {
    // Whatever goes wrong here means this machine cannot render: say what to install.
    if (Status s = pickDevice(); !s) return noDevice(s.error().message);
    return {};
}

Status VulkanRenderer::pickDevice() {
    uint32_t loaderVersion = 0;
    SILT_VK(vkEnumerateInstanceVersion(&loaderVersion));
    if (loaderVersion < VK_API_VERSION_1_3) {
        return Error{fmt::format("the Vulkan loader offers version {}.{}, Silt needs 1.3",
                                 VK_API_VERSION_MAJOR(loaderVersion),
                                 VK_API_VERSION_MINOR(loaderVersion))};
    }
    auto app = vkStruct<VkApplicationInfo>(VK_STRUCTURE_TYPE_APPLICATION_INFO);
    app.pApplicationName = "silt";
    app.pEngineName = "silt";
    app.apiVersion = VK_API_VERSION_1_3;
    auto instanceInfo = vkStruct<VkInstanceCreateInfo>(VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO);
    instanceInfo.pApplicationInfo = &app;
    std::vector<const char*> instanceExtensions;
    for (const std::string& name : mDesc.instanceExtensions) instanceExtensions.push_back(name.c_str());
    instanceInfo.enabledExtensionCount = uint32_t(instanceExtensions.size());
    instanceInfo.ppEnabledExtensionNames = instanceExtensions.data();
    // Handles are stored only on success: a failed create leaves nothing to destroy.
    VkInstance instance = VK_NULL_HANDLE;
    SILT_VK(vkCreateInstance(&instanceInfo, nullptr, &instance));
    mInstance = instance;

    uint32_t count = 0;
    SILT_VK(vkEnumeratePhysicalDevices(mInstance, &count, nullptr));
    std::vector<VkPhysicalDevice> devices(count);
    SILT_VK(vkEnumeratePhysicalDevices(mInstance, &count, devices.data()));
    if (devices.empty()) return Error{"the Vulkan loader lists no physical device"};

    const VkSampleCountFlags wantedSamples = VkSampleCountFlags(mDesc.msaaSamples);
    int bestRank = -1;
    std::vector<std::string> rejected;
    for (VkPhysicalDevice device : devices) {
        VkPhysicalDeviceProperties props;
        vkGetPhysicalDeviceProperties(device, &props);
        auto features13 = vkStruct<VkPhysicalDeviceVulkan13Features>(
            VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES);
        auto features =
            vkStruct<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2);
        features.pNext = &features13;
        if (props.apiVersion >= VK_API_VERSION_1_3) vkGetPhysicalDeviceFeatures2(device, &features);

        uint32_t familyCount = 0;
        vkGetPhysicalDeviceQueueFamilyProperties(device, &familyCount, nullptr);
        std::vector<VkQueueFamilyProperties> families(familyCount);
        vkGetPhysicalDeviceQueueFamilyProperties(device, &familyCount, families.data());
        int family = -1;
        for (uint32_t i = 0; i < familyCount && family < 0; ++i) {
            if (families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) family = int(i);
        }
        const VkSampleCountFlags samples =
            props.limits.framebufferColorSampleCounts & props.limits.framebufferDepthSampleCounts;
        std::string why;
        if (props.apiVersion < VK_API_VERSION_1_3)
            why = "Vulkan < 1.3";
        else if (!features13.dynamicRendering || !features13.synchronization2)
            why = "no dynamic rendering or synchronization2";
        else if (family < 0)
            why = "no graphics queue";
        else if (!(samples & wantedSamples))
            why = fmt::format("no {}x MSAA", mDesc.msaaSamples);
        else if (props.limits.maxPushConstantsSize < kPushConstantBytes)
            why = "push constants too small";
        else if (props.limits.maxColorAttachments < kLabelFormats.size())
            why = "fewer than 4 colour attachments";
        else if (mDesc.presentation && !hasDeviceExtension(device, VK_KHR_SWAPCHAIN_EXTENSION_NAME))
            why = "no VK_KHR_swapchain";
        if (!why.empty()) {
            rejected.push_back(fmt::format("{} ({})", props.deviceName, why));
            continue;
        }
        const int rank = deviceTypeRank(props.deviceType);
        if (rank > bestRank) {  // first of the best type wins: stable across runs
            bestRank = rank;
            mPhysicalDevice = device;
            mQueueFamily = uint32_t(family);
            mDeviceName = props.deviceName;
        }
    }
    if (mPhysicalDevice == VK_NULL_HANDLE) {
        std::string list;
        for (const std::string& r : rejected) list += (list.empty() ? "" : ", ") + r;
        return Error{"none of the devices can render offscreen: " + list};
    }
    vkGetPhysicalDeviceMemoryProperties(mPhysicalDevice, &mMemoryProperties);
    mSamples = VkSampleCountFlagBits(mDesc.msaaSamples);

    VkFormatProperties depthProps;
    vkGetPhysicalDeviceFormatProperties(mPhysicalDevice, kDepthFormat, &depthProps);
    const VkFormatFeatureFlags needed =
        VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT;
    if ((depthProps.optimalTilingFeatures & needed) != needed) {
        return Error{mDeviceName + " cannot sample a D32_SFLOAT shadow map"};
    }
    mShadowLinearFilter =
        (depthProps.optimalTilingFeatures & VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT) != 0;

    const float priority = 1.0f;
    auto queueInfo = vkStruct<VkDeviceQueueCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO);
    queueInfo.queueFamilyIndex = mQueueFamily;
    queueInfo.queueCount = 1;
    queueInfo.pQueuePriorities = &priority;
    auto enable13 = vkStruct<VkPhysicalDeviceVulkan13Features>(
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES);
    enable13.dynamicRendering = VK_TRUE;
    enable13.synchronization2 = VK_TRUE;
    auto deviceInfo = vkStruct<VkDeviceCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO);
    deviceInfo.pNext = &enable13;
    deviceInfo.queueCreateInfoCount = 1;
    deviceInfo.pQueueCreateInfos = &queueInfo;
    const char* swapchainExtension = VK_KHR_SWAPCHAIN_EXTENSION_NAME;
    if (mDesc.presentation) {
        deviceInfo.enabledExtensionCount = 1;
        deviceInfo.ppEnabledExtensionNames = &swapchainExtension;
    }
    VkDevice device = VK_NULL_HANDLE;
    SILT_VK(vkCreateDevice(mPhysicalDevice, &deviceInfo, nullptr, &device));
    mDevice = device;
    vkGetDeviceQueue(mDevice, mQueueFamily, 0, &mQueue);

    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(mPhysicalDevice, &props);
    uint32_t familyCount = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(mPhysicalDevice, &familyCount, nullptr);
    std::vector<VkQueueFamilyProperties> families(familyCount);
    vkGetPhysicalDeviceQueueFamilyProperties(mPhysicalDevice, &familyCount, families.data());
    if (families[mQueueFamily].timestampValidBits > 0 && props.limits.timestampPeriod > 0.0f) {
        auto queryInfo = vkStruct<VkQueryPoolCreateInfo>(VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO);
        queryInfo.queryType = VK_QUERY_TYPE_TIMESTAMP;
        queryInfo.queryCount = uint32_t(kQueriesPerSlot * kFramesInFlight);
        VkQueryPool pool = VK_NULL_HANDLE;
        SILT_VK(vkCreateQueryPool(mDevice, &queryInfo, nullptr, &pool));
        mTimestamps = pool;
        mTimestampPeriodNs = double(props.limits.timestampPeriod);
    }
    return {};
}

Result<uint32_t> VulkanRenderer::findMemoryType(uint32_t typeBits, VkMemoryPropertyFlags required,
                                                VkMemoryPropertyFlags preferred) const {
    for (VkMemoryPropertyFlags want : {required | preferred, required}) {
        for (uint32_t i = 0; i < mMemoryProperties.memoryTypeCount; ++i) {
            const VkMemoryPropertyFlags flags = mMemoryProperties.memoryTypes[i].propertyFlags;
            if ((typeBits & (1u << i)) && (flags & want) == want) return i;
        }
    }
    return Error{
        fmt::format("{} has no memory type with property flags {:#x}", mDeviceName, required)};
}

Result<VulkanRenderer::Buffer> VulkanRenderer::createBuffer(VkDeviceSize size,
                                                            VkBufferUsageFlags usage,
                                                            VkMemoryPropertyFlags required,
                                                            VkMemoryPropertyFlags preferred) {
    Buffer buffer;
    buffer.size = size;
    auto info = vkStruct<VkBufferCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO);
    info.size = size;
    info.usage = usage;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    // Handles go through locals and are stored only on success, so the guard never destroys
    // an undefined handle a failed call left behind.
    CleanupGuard guard([&] { destroyBuffer(buffer); });
    {
        VkBuffer handle = VK_NULL_HANDLE;
        SILT_VK(vkCreateBuffer(mDevice, &info, nullptr, &handle));
        buffer.buffer = handle;
    }
    VkMemoryRequirements requirements;
    vkGetBufferMemoryRequirements(mDevice, buffer.buffer, &requirements);
    Result<uint32_t> type = findMemoryType(requirements.memoryTypeBits, required, preferred);
    if (!type) return type.error();
    auto alloc = vkStruct<VkMemoryAllocateInfo>(VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO);
    alloc.allocationSize = requirements.size;
    alloc.memoryTypeIndex = *type;
    {
        VkDeviceMemory handle = VK_NULL_HANDLE;
        SILT_VK(vkAllocateMemory(mDevice, &alloc, nullptr, &handle));
        buffer.memory = handle;
    }
    SILT_VK(vkBindBufferMemory(mDevice, buffer.buffer, buffer.memory, 0));
    if (required & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) {
        SILT_VK(vkMapMemory(mDevice, buffer.memory, 0, VK_WHOLE_SIZE, 0, &buffer.mapped));
    }
    guard.dismiss();
    return buffer;
}

Result<VulkanRenderer::Image> VulkanRenderer::createImage(uint32_t width, uint32_t height,
                                                          VkFormat format,
                                                          VkSampleCountFlagBits samples,
                                                          VkImageUsageFlags usage,
                                                          VkImageAspectFlags aspect) {
    Image image;
    auto info = vkStruct<VkImageCreateInfo>(VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO);
    info.imageType = VK_IMAGE_TYPE_2D;
    info.format = format;
    info.extent = {width, height, 1};
    info.mipLevels = 1;
    info.arrayLayers = 1;
    info.samples = samples;
    info.tiling = VK_IMAGE_TILING_OPTIMAL;
    info.usage = usage;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    CleanupGuard guard([&] { destroyImage(image); });
    {
        VkImage handle = VK_NULL_HANDLE;
        SILT_VK(vkCreateImage(mDevice, &info, nullptr, &handle));
        image.image = handle;
    }
    VkMemoryRequirements requirements;
    vkGetImageMemoryRequirements(mDevice, image.image, &requirements);
    Result<uint32_t> type =
        findMemoryType(requirements.memoryTypeBits, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if (!type) return type.error();
    auto alloc = vkStruct<VkMemoryAllocateInfo>(VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO);
    alloc.allocationSize = requirements.size;
    alloc.memoryTypeIndex = *type;
    {
        VkDeviceMemory handle = VK_NULL_HANDLE;
        SILT_VK(vkAllocateMemory(mDevice, &alloc, nullptr, &handle));
        image.memory = handle;
    }
    SILT_VK(vkBindImageMemory(mDevice, image.image, image.memory, 0));
    auto viewInfo = vkStruct<VkImageViewCreateInfo>(VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO);
    viewInfo.image = image.image;
    viewInfo.viewType = VK_IMAGE_VIEW_TYPE_2D;
    viewInfo.format = format;
    viewInfo.subresourceRange = {aspect, 0, 1, 0, 1};
    {
        VkImageView handle = VK_NULL_HANDLE;
        SILT_VK(vkCreateImageView(mDevice, &viewInfo, nullptr, &handle));
        image.view = handle;
    }
    guard.dismiss();
    return image;
}

void VulkanRenderer::destroyBuffer(Buffer& buffer) {
    if (buffer.buffer != VK_NULL_HANDLE) vkDestroyBuffer(mDevice, buffer.buffer, nullptr);
    if (buffer.memory != VK_NULL_HANDLE) vkFreeMemory(mDevice, buffer.memory, nullptr);
    buffer = Buffer{};
}

void VulkanRenderer::destroyImage(Image& image) {
    if (image.view != VK_NULL_HANDLE) vkDestroyImageView(mDevice, image.view, nullptr);
    if (image.image != VK_NULL_HANDLE) vkDestroyImage(mDevice, image.image, nullptr);
    if (image.memory != VK_NULL_HANDLE) vkFreeMemory(mDevice, image.memory, nullptr);
    image = Image{};
}

Status VulkanRenderer::createTargets() {
    const uint32_t w = mDesc.width;
    const uint32_t h = mDesc.height;
    if (mSamples != VK_SAMPLE_COUNT_1_BIT) {
        // Stored, not transient: the water pass continues drawing into it.
        Result<Image> msaa = createImage(w, h, kColorFormat, mSamples,
                                         VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT,
                                         VK_IMAGE_ASPECT_COLOR_BIT);
        if (!msaa) return msaa.error();
        mColorMsaa = *msaa;
    }
    Result<Image> resolved =
        createImage(w, h, kColorFormat, VK_SAMPLE_COUNT_1_BIT,
                    VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                    VK_IMAGE_ASPECT_COLOR_BIT);
    if (!resolved) return resolved.error();
    mColorResolved = *resolved;
    Result<Image> depth = createImage(
        w, h, kDepthFormat, mSamples,
        VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
        VK_IMAGE_ASPECT_DEPTH_BIT);
    if (!depth) return depth.error();
    mDepth = *depth;
    Result<Image> opaqueColor =
        createImage(w, h, kColorFormat, VK_SAMPLE_COUNT_1_BIT,
                    VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                    VK_IMAGE_ASPECT_COLOR_BIT);
    if (!opaqueColor) return opaqueColor.error();
    mOpaqueColor = *opaqueColor;
    // MSAA: the main pass resolves its depth (sample 0) into it; 1x: copied from mDepth.
    Result<Image> opaqueDepth = createImage(
        w, h, kDepthFormat, VK_SAMPLE_COUNT_1_BIT,
        VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT |
            VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT,
        VK_IMAGE_ASPECT_DEPTH_BIT);
    if (!opaqueDepth) return opaqueDepth.error();
    mOpaqueDepth = *opaqueDepth;
    Result<Image> shadow =
        createImage(mShadowMapSize, mShadowMapSize, kDepthFormat, VK_SAMPLE_COUNT_1_BIT,
                    VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT,
                    VK_IMAGE_ASPECT_DEPTH_BIT);
    if (!shadow) return shadow.error();
    mShadowMap = *shadow;
    for (size_t i = 0; i < kLabelFormats.size(); ++i) {
        Result<Image> label =
            createImage(w, h, kLabelFormats[i], VK_SAMPLE_COUNT_1_BIT,
                        VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                        VK_IMAGE_ASPECT_COLOR_BIT);
        if (!label) return label.error();
        mLabelTargets[i] = *label;
    }
    if (mSamples != VK_SAMPLE_COUNT_1_BIT) {
        Result<Image> labelDepth =
            createImage(w, h, kDepthFormat, VK_SAMPLE_COUNT_1_BIT,
                        VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT, VK_IMAGE_ASPECT_DEPTH_BIT);
        if (!labelDepth) return labelDepth.error();
        mLabelDepth = *labelDepth;
    }
    if (mFxaa) {
        // Drawn by the geometry passes, sampled by FXAA (and copied for water's refraction).
        Result<Image> sceneColor =
            createImage(w, h, kColorFormat, VK_SAMPLE_COUNT_1_BIT,
                        VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_SAMPLED_BIT |
                            VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                        VK_IMAGE_ASPECT_COLOR_BIT);
        if (!sceneColor) return sceneColor.error();
        mSceneColor = *sceneColor;
    }

    const VkMemoryPropertyFlags hostCoherent =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    for (FrameSlot& slot : mSlots) {
        Result<Buffer> readback = createBuffer(VkDeviceSize(w) * h * readbackBytesPerPixel(),
                                               VK_BUFFER_USAGE_TRANSFER_DST_BIT, hostCoherent,
                                               VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
        if (!readback) return readback.error();
        slot.readback = *readback;
        Result<Buffer> uniforms =
            createBuffer(sizeof(FrameUniforms), VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT, hostCoherent,
                         VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
        if (!uniforms) return uniforms.error();
        slot.uniforms = *uniforms;
    }
    return {};
}

Status VulkanRenderer::createDescriptors() {
    auto samplerInfo = vkStruct<VkSamplerCreateInfo>(VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO);
    const VkFilter filter = mShadowLinearFilter ? VK_FILTER_LINEAR : VK_FILTER_NEAREST;
    samplerInfo.magFilter = filter;
    samplerInfo.minFilter = filter;
    samplerInfo.mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST;
    samplerInfo.addressModeU = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_BORDER;
    samplerInfo.addressModeV = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_BORDER;
    samplerInfo.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_BORDER;
    samplerInfo.borderColor = VK_BORDER_COLOR_FLOAT_OPAQUE_WHITE;  // depth 1: unshadowed
    samplerInfo.compareEnable = VK_TRUE;
    samplerInfo.compareOp = VK_COMPARE_OP_LESS_OR_EQUAL;  // lit where ref ≤ nearest occluder
    samplerInfo.maxLod = 0.0f;
    SILT_VK(vkCreateSampler(mDevice, &samplerInfo, nullptr, &mShadowSampler));
    auto opaqueInfo = vkStruct<VkSamplerCreateInfo>(VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO);
    opaqueInfo.magFilter = VK_FILTER_LINEAR;
    opaqueInfo.minFilter = VK_FILTER_LINEAR;
    opaqueInfo.mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST;
    opaqueInfo.addressModeU = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
    opaqueInfo.addressModeV = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
    opaqueInfo.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
    opaqueInfo.maxLod = 0.0f;
    SILT_VK(vkCreateSampler(mDevice, &opaqueInfo, nullptr, &mOpaqueSampler));

    std::array<VkDescriptorSetLayoutBinding, 5> bindings{};
    bindings[0] = {0, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1,
                   VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, nullptr};
    for (uint32_t b = 1; b < 5; ++b) {
        bindings[b] = {b, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1,
                       VK_SHADER_STAGE_FRAGMENT_BIT, nullptr};
    }
    auto layoutInfo = vkStruct<VkDescriptorSetLayoutCreateInfo>(
        VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO);
    layoutInfo.bindingCount = uint32_t(bindings.size());
    layoutInfo.pBindings = bindings.data();
    SILT_VK(vkCreateDescriptorSetLayout(mDevice, &layoutInfo, nullptr, &mSetLayout));

    constexpr uint32_t kSets = uint32_t(kFramesInFlight);
    std::array<VkDescriptorPoolSize, 2> sizes{{{VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, kSets},
                                               {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 4 * kSets}}};
    auto poolInfo =
        vkStruct<VkDescriptorPoolCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO);
    poolInfo.maxSets = kSets;
    poolInfo.poolSizeCount = uint32_t(sizes.size());
    poolInfo.pPoolSizes = sizes.data();
    SILT_VK(vkCreateDescriptorPool(mDevice, &poolInfo, nullptr, &mDescriptorPool));

    auto allocInfo =
        vkStruct<VkDescriptorSetAllocateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO);
    allocInfo.descriptorPool = mDescriptorPool;
    allocInfo.descriptorSetCount = 1;
    allocInfo.pSetLayouts = &mSetLayout;
    for (FrameSlot& slot : mSlots) {
        SILT_VK(vkAllocateDescriptorSets(mDevice, &allocInfo, &slot.descriptorSet));

        // Written once: the uniform buffer and the shadow map never change.
        VkDescriptorBufferInfo bufferInfo{slot.uniforms.buffer, 0, sizeof(FrameUniforms)};
        // Without FXAA nothing samples binding 4; it names the opaque colour to stay valid.
        const VkImageView sceneColor = mFxaa ? mSceneColor.view : mOpaqueColor.view;
        const std::array<VkDescriptorImageInfo, 4> imageInfos{
            {{mShadowSampler, mShadowMap.view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
             {mOpaqueSampler, mOpaqueColor.view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
             {mOpaqueSampler, mOpaqueDepth.view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
             {mOpaqueSampler, sceneColor, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL}}};
        std::array<VkWriteDescriptorSet, 5> writes{};
        writes[0] = vkStruct<VkWriteDescriptorSet>(VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET);
        writes[0].dstSet = slot.descriptorSet;
        writes[0].dstBinding = 0;
        writes[0].descriptorCount = 1;
        writes[0].descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
        writes[0].pBufferInfo = &bufferInfo;
        for (uint32_t b = 1; b < 5; ++b) {
            writes[b] = vkStruct<VkWriteDescriptorSet>(VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET);
            writes[b].dstSet = slot.descriptorSet;
            writes[b].dstBinding = b;
            writes[b].descriptorCount = 1;
            writes[b].descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
            writes[b].pImageInfo = &imageInfos[b - 1];
        }
        vkUpdateDescriptorSets(mDevice, uint32_t(writes.size()), writes.data(), 0, nullptr);
    }

    VkPushConstantRange pushRange{VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0,
                                  kPushConstantBytes};
    auto pipelineLayoutInfo =
        vkStruct<VkPipelineLayoutCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO);
    pipelineLayoutInfo.setLayoutCount = 1;
    pipelineLayoutInfo.pSetLayouts = &mSetLayout;
    pipelineLayoutInfo.pushConstantRangeCount = 1;
    pipelineLayoutInfo.pPushConstantRanges = &pushRange;
    SILT_VK(vkCreatePipelineLayout(mDevice, &pipelineLayoutInfo, nullptr, &mPipelineLayout));
    return {};
}

Result<VkShaderModule> VulkanRenderer::createShaderModule(std::span<const uint32_t> words) {
    auto info = vkStruct<VkShaderModuleCreateInfo>(VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO);
    info.codeSize = words.size_bytes();
    info.pCode = words.data();
    VkShaderModule module = VK_NULL_HANDLE;
    SILT_VK(vkCreateShaderModule(mDevice, &info, nullptr, &module));
    return module;
}

Status VulkanRenderer::createPipelines() {
    // Shader modules are only needed while the pipelines are built.
    struct Modules {
        VkDevice device;
        std::vector<VkShaderModule> list;
        ~Modules() {
            for (VkShaderModule m : list) vkDestroyShaderModule(device, m, nullptr);
        }
    } modules{mDevice, {}};
    std::array<VkShaderModule, 10> m{};
    const std::array<std::span<const uint32_t>, 10> code{
        spirv::kSceneVert,       spirv::kSceneFrag,        spirv::kShadowVert, spirv::kSkyVert,
        spirv::kSkyFrag,         spirv::kLabelVert,        spirv::kLabelFrag,
        spirv::kSceneLabelsVert, spirv::kSceneLabelsFrag,  spirv::kFxaaFrag};
    for (size_t i = 0; i < code.size(); ++i) {
        Result<VkShaderModule> module = createShaderModule(code[i]);
        if (!module) return module.error();
        m[i] = *module;
        modules.list.push_back(*module);
    }
    const VkShaderModule sceneVert = m[0], sceneFrag = m[1], shadowVert = m[2], skyVert = m[3],
                         skyFrag = m[4], labelVert = m[5], labelFrag = m[6],
                         sceneLabelsVert = m[7], sceneLabelsFrag = m[8], fxaaFrag = m[9];

    auto stage = [](VkShaderStageFlagBits s, VkShaderModule module) {
        auto info = vkStruct<VkPipelineShaderStageCreateInfo>(
            VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO);
        info.stage = s;
        info.module = module;
        info.pName = "main";
        return info;
    };

    const VkVertexInputBindingDescription binding{0, kVertexStride, VK_VERTEX_INPUT_RATE_VERTEX};
    const std::array<VkVertexInputAttributeDescription, 3> attributes{
        {{0, 0, VK_FORMAT_R32G32B32_SFLOAT, 0},
         {1, 0, VK_FORMAT_R32G32B32_SFLOAT, 3 * sizeof(float)},
         {2, 0, VK_FORMAT_R32G32B32_SFLOAT, 6 * sizeof(float)}}};

    // What every pipeline shares; each one below changes what differs.
    struct PipelineSpec {
        std::vector<VkPipelineShaderStageCreateInfo> stages;
        uint32_t attributeCount = 0;  ///< 0: no vertex buffer
        VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
        bool depthTest = true;
        bool depthWrite = true;
        VkCompareOp depthCompare = VK_COMPARE_OP_GREATER;
        VkCullModeFlags cull = VK_CULL_MODE_NONE;
        bool depthBias = false;
        std::vector<VkFormat> colorFormats{kColorFormat};
        uint32_t writtenColors = ~0u;  ///< attachments past the first this many keep their value
        int32_t shading = -1;  ///< scene.frag's specialisation constant 0 (Shading); −1: none
        VkFormat depthFormat = kDepthFormat;
    };
    auto build = [&](const PipelineSpec& spec, VkPipeline* out) -> Status {
        auto vertexInput = vkStruct<VkPipelineVertexInputStateCreateInfo>(
            VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO);
        if (spec.attributeCount > 0) {
            vertexInput.vertexBindingDescriptionCount = 1;
            vertexInput.pVertexBindingDescriptions = &binding;
            vertexInput.vertexAttributeDescriptionCount = spec.attributeCount;
            vertexInput.pVertexAttributeDescriptions = attributes.data();
        }
        auto assembly = vkStruct<VkPipelineInputAssemblyStateCreateInfo>(
            VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO);
        assembly.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
        auto viewport = vkStruct<VkPipelineViewportStateCreateInfo>(
            VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO);
        viewport.viewportCount = 1;
        viewport.scissorCount = 1;
        auto raster = vkStruct<VkPipelineRasterizationStateCreateInfo>(
            VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO);
        raster.polygonMode = VK_POLYGON_MODE_FILL;
        raster.cullMode = spec.cull;
        // Camera.h's projection keeps the image upright in Vulkan's y-down framebuffer, so
        // TriangleMesh's counter-clockwise-from-outside triangles stay counter-clockwise.
        raster.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
        raster.lineWidth = 1.0f;
        if (spec.depthBias) {
            raster.depthBiasEnable = VK_TRUE;
            raster.depthBiasConstantFactor = 2.0f;
            raster.depthBiasSlopeFactor = 2.0f;
        }
        auto multisample = vkStruct<VkPipelineMultisampleStateCreateInfo>(
            VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO);
        multisample.rasterizationSamples = spec.samples;
        auto depth = vkStruct<VkPipelineDepthStencilStateCreateInfo>(
            VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO);
        depth.depthTestEnable = spec.depthTest ? VK_TRUE : VK_FALSE;
        depth.depthWriteEnable = spec.depthTest && spec.depthWrite ? VK_TRUE : VK_FALSE;
        depth.depthCompareOp = spec.depthCompare;
        VkPipelineColorBlendAttachmentState blendAttachment{};
        blendAttachment.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT |
                                         VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT;
        std::vector<VkPipelineColorBlendAttachmentState> blendAttachments(
            spec.colorFormats.size(), blendAttachment);
        for (size_t i = spec.writtenColors; i < blendAttachments.size(); ++i)
            blendAttachments[i].colorWriteMask = 0;
        auto blend = vkStruct<VkPipelineColorBlendStateCreateInfo>(
            VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO);
        blend.attachmentCount = uint32_t(blendAttachments.size());
        blend.pAttachments = blendAttachments.data();
        const std::array<VkDynamicState, 2> dynamicStates{VK_DYNAMIC_STATE_VIEWPORT,
                                                          VK_DYNAMIC_STATE_SCISSOR};
        auto dynamic = vkStruct<VkPipelineDynamicStateCreateInfo>(
            VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO);
        dynamic.dynamicStateCount = uint32_t(dynamicStates.size());
        dynamic.pDynamicStates = dynamicStates.data();
        auto rendering = vkStruct<VkPipelineRenderingCreateInfo>(
            VK_STRUCTURE_TYPE_PIPELINE_RENDERING_CREATE_INFO);
        rendering.colorAttachmentCount = uint32_t(spec.colorFormats.size());
        rendering.pColorAttachmentFormats = spec.colorFormats.data();
        rendering.depthAttachmentFormat = spec.depthFormat;

        std::vector<VkPipelineShaderStageCreateInfo> stages = spec.stages;
        const VkSpecializationMapEntry shadingEntry{0, 0, sizeof(int32_t)};
        VkSpecializationInfo specialization{1, &shadingEntry, sizeof(int32_t), &spec.shading};
        if (spec.shading >= 0) {
            for (VkPipelineShaderStageCreateInfo& s : stages) {
                if (s.stage == VK_SHADER_STAGE_FRAGMENT_BIT) s.pSpecializationInfo = &specialization;
            }
        }
        auto info =
            vkStruct<VkGraphicsPipelineCreateInfo>(VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO);
        info.pNext = &rendering;
        info.stageCount = uint32_t(stages.size());
        info.pStages = stages.data();
        info.pVertexInputState = &vertexInput;
        info.pInputAssemblyState = &assembly;
        info.pViewportState = &viewport;
        info.pRasterizationState = &raster;
        info.pMultisampleState = &multisample;
        info.pDepthStencilState = &depth;
        info.pColorBlendState = &blend;
        info.pDynamicState = &dynamic;
        info.layout = mPipelineLayout;
        SILT_VK(vkCreateGraphicsPipelines(mDevice, VK_NULL_HANDLE, 1, &info, nullptr, out));
        return {};
    };

    PipelineSpec shadow;
    shadow.stages = {stage(VK_SHADER_STAGE_VERTEX_BIT, shadowVert)};
    shadow.attributeCount = 1;
    shadow.depthCompare = VK_COMPARE_OP_LESS_OR_EQUAL;
    shadow.depthBias = true;
    shadow.colorFormats = {};
    // One face per triangle: a closed mesh's outline towards the sun is the same with either
    // face, and the shadow pass rasterizes half the triangles (open meshes cast from one side).
    shadow.cull = VK_CULL_MODE_BACK_BIT;
    if (Status s = build(shadow, &mShadowPipeline); !s) return s;

    // Single-sampled frames draw colour and labels together: the main pass has the colour
    // attachment followed by the label attachments.
    const bool merged = mSamples == VK_SAMPLE_COUNT_1_BIT;
    std::vector<VkFormat> mainFormats{kColorFormat};
    if (merged) mainFormats.insert(mainFormats.end(), kLabelFormats.begin(), kLabelFormats.end());

    PipelineSpec sky;
    sky.stages = {stage(VK_SHADER_STAGE_VERTEX_BIT, skyVert),
                  stage(VK_SHADER_STAGE_FRAGMENT_BIT, skyFrag)};
    sky.samples = mSamples;
    // Drawn after the opaque meshes where the depth is still the cleared far plane (reversed
    // Z: 0), without writing it: pixels the meshes cover skip the sky's shading.
    sky.depthCompare = VK_COMPARE_OP_GREATER_OR_EQUAL;
    sky.depthWrite = false;
    sky.colorFormats = mainFormats;
    sky.writtenColors = 1;  // the labels keep their cleared background
    if (Status s = build(sky, &mSkyPipeline); !s) return s;

    PipelineSpec scene;
    scene.stages = {stage(VK_SHADER_STAGE_VERTEX_BIT, sceneVert),
                    stage(VK_SHADER_STAGE_FRAGMENT_BIT, sceneFrag)};
    scene.attributeCount = 2;
    scene.samples = mSamples;
    scene.depthCompare = VK_COMPARE_OP_GREATER;  // reversed Z
    scene.cull = VK_CULL_MODE_BACK_BIT;
    if (merged) {
        PipelineSpec sceneLabels = scene;
        sceneLabels.stages = {stage(VK_SHADER_STAGE_VERTEX_BIT, sceneLabelsVert),
                              stage(VK_SHADER_STAGE_FRAGMENT_BIT, sceneLabelsFrag)};
        sceneLabels.attributeCount = 3;  // velocities move surfaces for flow
        sceneLabels.colorFormats = mainFormats;
        for (uint32_t shading = 0; shading < kShadingModes; ++shading) {
            sceneLabels.shading = int32_t(shading);
            if (Status s = build(sceneLabels, &mScenePipelines[shading]); !s) return s;
        }
    } else {
        for (uint32_t shading = 0; shading < kShadingModes; ++shading) {
            PipelineSpec variant = scene;
            variant.shading = int32_t(shading);
            if (Status s = build(variant, &mScenePipelines[shading]); !s) return s;
        }
        PipelineSpec label = scene;  // same rasterization, single-sampled, label attachments
        label.stages = {stage(VK_SHADER_STAGE_VERTEX_BIT, labelVert),
                        stage(VK_SHADER_STAGE_FRAGMENT_BIT, labelFrag)};
        label.samples = VK_SAMPLE_COUNT_1_BIT;
        label.attributeCount = 3;  // velocities move surfaces for flow
        label.colorFormats.assign(kLabelFormats.begin(), kLabelFormats.end());
        if (Status s = build(label, &mLabelPipeline); !s) return s;
    }
    if (mFxaa) {
        PipelineSpec fxaa;
        fxaa.stages = {stage(VK_SHADER_STAGE_VERTEX_BIT, skyVert),  // the full-screen triangle
                       stage(VK_SHADER_STAGE_FRAGMENT_BIT, fxaaFrag)};
        fxaa.depthTest = false;
        fxaa.depthFormat = VK_FORMAT_UNDEFINED;
        if (Status s = build(fxaa, &mFxaaPipeline); !s) return s;
    }
    return {};
}

Status VulkanRenderer::createCommands() {
    auto poolInfo = vkStruct<VkCommandPoolCreateInfo>(VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO);
    poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    poolInfo.queueFamilyIndex = mQueueFamily;
    SILT_VK(vkCreateCommandPool(mDevice, &poolInfo, nullptr, &mCommandPool));
    auto allocInfo =
        vkStruct<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
    allocInfo.commandPool = mCommandPool;
    allocInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    allocInfo.commandBufferCount = 1;
    for (FrameSlot& slot : mSlots) {
        SILT_VK(vkAllocateCommandBuffers(mDevice, &allocInfo, &slot.commandBuffer));
        auto fenceInfo = vkStruct<VkFenceCreateInfo>(VK_STRUCTURE_TYPE_FENCE_CREATE_INFO);
        SILT_VK(vkCreateFence(mDevice, &fenceInfo, nullptr, &slot.fence));
    }
    return {};
}

VulkanRenderer::~VulkanRenderer() {
    if (mDevice != VK_NULL_HANDLE) {
        vkDeviceWaitIdle(mDevice);
        for (GpuMesh& mesh : mMeshes) destroyMesh(mesh);
        for (FrameSlot& slot : mSlots) {
            if (slot.fence) vkDestroyFence(mDevice, slot.fence, nullptr);
            for (GpuMesh& mesh : slot.retired) destroyMesh(mesh);
            destroyBuffer(slot.uniforms);
            destroyBuffer(slot.readback);
            destroyBuffer(slot.frameIndices);
        }
        if (mCommandPool) vkDestroyCommandPool(mDevice, mCommandPool, nullptr);
        if (mTimestamps) vkDestroyQueryPool(mDevice, mTimestamps, nullptr);
        for (VkPipeline p : {mShadowPipeline, mSkyPipeline, mScenePipelines[0], mScenePipelines[1],
                             mScenePipelines[2], mLabelPipeline, mFxaaPipeline}) {
            if (p) vkDestroyPipeline(mDevice, p, nullptr);
        }
        if (mPipelineLayout) vkDestroyPipelineLayout(mDevice, mPipelineLayout, nullptr);
        if (mDescriptorPool) vkDestroyDescriptorPool(mDevice, mDescriptorPool, nullptr);
        if (mSetLayout) vkDestroyDescriptorSetLayout(mDevice, mSetLayout, nullptr);
        if (mShadowSampler) vkDestroySampler(mDevice, mShadowSampler, nullptr);
        if (mOpaqueSampler) vkDestroySampler(mDevice, mOpaqueSampler, nullptr);
        destroyImage(mOpaqueColor);
        destroyImage(mOpaqueDepth);
        destroyImage(mShadowMap);
        for (Image& label : mLabelTargets) destroyImage(label);
        destroyImage(mLabelDepth);
        destroyImage(mDepth);
        destroyImage(mColorResolved);
        destroyImage(mColorMsaa);
        destroyImage(mSceneColor);
        vkDestroyDevice(mDevice, nullptr);
    }
    if (mInstance != VK_NULL_HANDLE) vkDestroyInstance(mInstance, nullptr);
}

// ---------------------------------------------------------------------------------------
// Meshes

Result<MeshId> VulkanRenderer::addMesh(const TriangleMesh& mesh, MeshUsage usage) {
    const bool isStatic = usage == MeshUsage::Static;
    Result<GpuMesh> gpu = uploadMesh(mesh, isStatic && mDesc.clusterCulling);
    if (!gpu) return gpu.error();
    if (isStatic && mDesc.lodPixelError > 0.0f) {
        for (const MeshLodLevel& level :
             buildMeshLods(mesh.positions, mesh.normals, mesh.indices)) {
            TriangleMesh coarse = mesh.withTriangles(level.indices);
            coarse.name =
                fmt::format("{} (level of detail {})", mesh.name, gpu->coarser.size() + 1);
            Result<GpuMesh> uploaded = uploadMesh(coarse, mDesc.clusterCulling);
            if (!uploaded) {
                destroyMesh(*gpu);
                return uploaded.error();
            }
            gpu->coarser.push_back(std::move(*uploaded));
            gpu->lodErrors.push_back(level.error);
        }
    }
    mMeshes.push_back(std::move(*gpu));
    return MeshId(mMeshes.size() - 1);
}

void VulkanRenderer::destroyMesh(GpuMesh& mesh) {
    destroyBuffer(mesh.vertices);
    destroyBuffer(mesh.indices);
    for (GpuMesh& level : mesh.coarser) destroyMesh(level);
    mesh.coarser.clear();
}

const VulkanRenderer::GpuMesh& VulkanRenderer::levelToDraw(const GpuMesh& mesh,
                                                           const DrawItem& item,
                                                           const Mat4f& clipFromWorld,
                                                           uint32_t width,
                                                           uint32_t height) const {
    if (mesh.coarser.empty()) return mesh;
    // The shaders use the pose's affine rows only (DrawConstants): so does the bound.
    const Mat4f& pose = item.modelToWorld;
    const float stretch = largestStretch(pose);
    const Vec3f center = pose.topLeftCorner<3, 3>() * mesh.clusters.center +
                         pose.topRightCorner<3, 1>();
    const float perMetre =
        pixelsPerMetreBound(clipFromWorld, width, height, center, stretch * mesh.clusters.radius);
    const size_t level = selectLod(mesh.lodErrors, stretch * perMetre, mDesc.lodPixelError);
    return level == 0 ? mesh : mesh.coarser[level - 1];
}

Status VulkanRenderer::replaceMesh(MeshId id, const TriangleMesh& mesh) {
    if (id >= mMeshes.size()) {
        return Error{fmt::format("mesh id {} is unknown (the renderer holds {} meshes)", id,
                                 mMeshes.size())};
    }
    // Rebuilt every frame (surfaces): clustering would cost more than culling saves.
    Result<GpuMesh> gpu = uploadMesh(mesh, false);
    if (!gpu) return gpu.error();
    // A pending frame may still read the old buffers: they die when the newest pending frame
    // (which finishes last, frames run in order) is collected.
    if (mPending.empty()) {
        destroyMesh(mMeshes[id]);
    } else {
        mSlots[mPending.back()].retired.push_back(mMeshes[id]);
    }
    mMeshes[id] = *gpu;
    return {};
}

Result<VulkanRenderer::GpuMesh> VulkanRenderer::uploadMesh(const TriangleMesh& mesh,
                                                           bool cluster) {
    const std::string where = fmt::format("mesh '{}'", mesh.name);
    if (mesh.positions.empty() || mesh.indices.empty()) {
        return Error{
            where + ": expected at least one triangle, got " +
            fmt::format("{} positions and {} indices", mesh.positions.size(), mesh.indices.size())};
    }
    if (mesh.normals.size() != mesh.positions.size()) {
        return Error{
            fmt::format("{}: expected one normal per position, got {} normals for {} "
                        "positions",
                        where, mesh.normals.size(), mesh.positions.size())};
    }
    if (!mesh.velocities.empty() && mesh.velocities.size() != mesh.positions.size()) {
        return Error{
            fmt::format("{}: expected no velocities or one per position, got {} velocities for "
                        "{} positions",
                        where, mesh.velocities.size(), mesh.positions.size())};
    }
    if (mesh.indices.size() % 3 != 0) {
        return Error{fmt::format("{}: expected three indices per triangle, got {} indices", where,
                                 mesh.indices.size())};
    }
    for (size_t i = 0; i < mesh.indices.size(); ++i) {
        if (mesh.indices[i] >= mesh.positions.size()) {
            return Error{
                fmt::format("{}: index {} at position {} is out of range (the mesh has "
                            "{} vertices)",
                            where, mesh.indices[i], i, mesh.positions.size())};
        }
    }

    GpuMesh gpu;
    gpu.indexCount = uint32_t(mesh.indices.size());
    gpu.generation = mNextGeneration++;
    gpu.bounds = mesh.bounds();
    gpu.clusters = cluster ? buildMeshClusters(mesh.positions, mesh.indices)
                           : singleCluster(mesh.positions, mesh.indices);
    // Clustered meshes have their own vertex order (vertexSource): one run per cluster.
    const std::vector<uint32_t>& source = gpu.clusters.vertexSource;
    const size_t vertexCount = source.empty() ? mesh.positions.size() : source.size();
    std::vector<float> vertices;
    vertices.reserve(vertexCount * 9);
    for (size_t k = 0; k < vertexCount; ++k) {
        const size_t i = source.empty() ? k : source[k];
        const Vec3f& p = mesh.positions[i];
        const Vec3f& n = mesh.normals[i];
        const Vec3f v = mesh.velocities.empty() ? Vec3f::Zero() : mesh.velocities[i];
        vertices.insert(vertices.end(),
                        {p.x(), p.y(), p.z(), n.x(), n.y(), n.z(), v.x(), v.y(), v.z()});
    }
    // Host-visible memory: device-local too where the device has it (lavapipe, ReBAR GPUs).
    const VkMemoryPropertyFlags host =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    gpu.clusters.vertexSource = {};  // used: the vertices above follow it
    Result<Buffer> vb =
        createBuffer(vertices.size() * sizeof(float), VK_BUFFER_USAGE_VERTEX_BUFFER_BIT, host,
                     VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if (!vb) return vb.error().prefixed(where);
    gpu.vertices = *vb;
    Result<Buffer> ib =
        createBuffer(mesh.indices.size() * sizeof(uint32_t), VK_BUFFER_USAGE_INDEX_BUFFER_BIT, host,
                     VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if (!ib) {
        destroyBuffer(gpu.vertices);
        return ib.error().prefixed(where);
    }
    gpu.indices = *ib;
    std::memcpy(gpu.vertices.mapped, vertices.data(), vertices.size() * sizeof(float));
    std::memcpy(gpu.indices.mapped, gpu.clusters.indices.data(),
                gpu.clusters.indices.size() * sizeof(uint32_t));
    // A single cluster is drawn straight from the device's copy; several are gathered.
    if (gpu.clusters.clusters.size() <= 1) gpu.clusters.indices = {};
    return gpu;
}

// ---------------------------------------------------------------------------------------
// Frames

Status VulkanRenderer::submitFrame(const FrameDesc& frame, bool withLabels) {
    if (mPending.size() >= kFramesInFlight) {
        return Error{fmt::format("Renderer: {} frames are already pending; collect() one first",
                                 mPending.size())};
    }
    const size_t slotIndex = mNextSlot;
    FrameSlot& slot = mSlots[slotIndex];
    const auto recordStart = Clock::now();
    const CameraIntrinsics& k = frame.camera.intrinsics;
    if (k.width != mDesc.width || k.height != mDesc.height) {
        return Error{
            fmt::format("FrameDesc.camera.intrinsics: expected {}x{} pixels (the "
                        "Renderer's size), got {}x{}",
                        mDesc.width, mDesc.height, k.width, k.height)};
    }
    if (!(k.nearPlane > 0.0f) || !(k.farPlane > k.nearPlane) || !(k.verticalFov > 0.0f) ||
        !(k.verticalFov < kPi)) {
        return Error{
            fmt::format("FrameDesc.camera.intrinsics: expected 0 < near < far and a "
                        "field of view in (0, pi), got near {} far {} fov {}",
                        k.nearPlane, k.farPlane, k.verticalFov)};
    }
    const CameraState& next = frame.nextCamera ? *frame.nextCamera : frame.camera;
    if (next.intrinsics.width != k.width || next.intrinsics.height != k.height) {
        return Error{
            fmt::format("FrameDesc.nextCamera.intrinsics: expected {}x{} pixels (the "
                        "camera's size), got {}x{}",
                        k.width, k.height, next.intrinsics.width, next.intrinsics.height)};
    }
    for (size_t i = 0; i < frame.items.size(); ++i) {
        if (frame.items[i].mesh >= mMeshes.size()) {
            return Error{fmt::format("FrameDesc.items[{}]: unknown mesh id {} ({} meshes added)", i,
                                     frame.items[i].mesh, mMeshes.size())};
        }
    }

    // Bounds for the shadow map: every item's local box carried into the world. Ground-like
    // slabs stay out of the focus so they do not dilute the map's resolution.
    Eigen::AlignedBox3f scene;
    Eigen::AlignedBox3f focus;
    for (const DrawItem& item : frame.items) {
        const Eigen::AlignedBox3f& local = mMeshes[item.mesh].bounds;
        Eigen::AlignedBox3f world;
        for (int c = 0; c < 8; ++c) {
            const Vec3f corner(c & 1 ? local.max().x() : local.min().x(),
                               c & 2 ? local.max().y() : local.min().y(),
                               c & 4 ? local.max().z() : local.min().z());
            world.extend((item.modelToWorld * corner.homogeneous()).head<3>());
        }
        scene.extend(world);
        if (!isHorizontalSlab(world)) focus.extend(world);
    }
    const LightingDesc& light = frame.lighting;
    const ShadowFrustum shadow =
        fitSunShadow(light.sunDirection, scene, focus, frame.camera, mShadowMapSize);

    FrameUniforms u{};
    const Mat4f cameraClip = viewProjection(frame.camera);
    copyMatrix(cameraClip, u.viewProj);
    copyMatrix(shadow.worldToClip, u.lightViewProj);
    copyMatrix(frame.camera.cameraToWorld.matrix(), u.cameraToWorld);
    copyVec(frame.camera.cameraToWorld.position, 1.0f, u.cameraPosition);
    const Vec3f toSun = light.sunDirection.norm() > 1e-9f ? Vec3f(-light.sunDirection.normalized())
                                                          : Vec3f::UnitY();
    copyVec(toSun, 0.0f, u.toSun);
    copyVec(light.sunColor * light.sunIntensity, 0.0f, u.sunRadiance);
    copyVec(light.skyColor, light.ambientIntensity, u.sky);
    u.shadowParams[0] = 1.0f / float(mShadowMapSize);
    u.shadowParams[1] = 2.0f * shadow.texelSize;  // normal offset against shadow acne
    u.intrinsics[0] = k.fx();
    u.intrinsics[1] = k.fy();
    u.intrinsics[2] = k.cx();
    u.intrinsics[3] = k.cy();
    u.imageSize[0] = float(k.width);
    u.imageSize[1] = float(k.height);
    u.imageSize[2] = k.nearPlane;
    u.imageSize[3] = k.farPlane;
    copyMatrix(frame.camera.worldToCamera(), u.worldToCamera);
    copyMatrix(viewProjection(next), u.nextViewProj);
    u.motion[0] = frame.timeStep;
    // The slot is free (collected), so the device no longer reads its uniform buffer.
    std::memcpy(slot.uniforms.mapped, &u, sizeof(u));

    // Room for every visible index of multi-cluster items in every pass (the slot is free:
    // the device no longer reads its buffer).
    VkDeviceSize gatherBound = 0;
    for (const DrawItem& item : frame.items) {
        const GpuMesh& mesh = mMeshes[item.mesh];
        if (mesh.clusters.clusters.size() > 1) gatherBound += 3 * VkDeviceSize(mesh.indexCount);
    }
    gatherBound *= sizeof(uint32_t);
    if (gatherBound > slot.frameIndices.size) {
        destroyBuffer(slot.frameIndices);
        Result<Buffer> gathered =
            createBuffer(gatherBound + gatherBound / 2, VK_BUFFER_USAGE_INDEX_BUFFER_BIT,
                         VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                         VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
        if (!gathered) return gathered.error().prefixed("the frame's index buffer");
        slot.frameIndices = *gathered;
    }
    slot.frameIndexCount = 0;

    SILT_VK(vkResetCommandBuffer(slot.commandBuffer, 0));
    auto begin = vkStruct<VkCommandBufferBeginInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO);
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    SILT_VK(vkBeginCommandBuffer(slot.commandBuffer, &begin));
    // The shadow map persists between frames (frames run in submission order on the one
    // queue): when its inputs are the last drawn ones, this frame reads it as it is.
    shadowInputs(frame, shadow.worldToClip, mFrameShadowInputs);
    const bool reuseShadowMap = mDesc.shadowMapReuse && !mShadowMapInputs.empty() &&
                                mFrameShadowInputs.size() == mShadowMapInputs.size() &&
                                std::memcmp(mFrameShadowInputs.data(), mShadowMapInputs.data(),
                                            mShadowMapInputs.size() * sizeof(float)) == 0;
    recordFrame(frame, withLabels, slotIndex, cameraClip, shadow.worldToClip, reuseShadowMap);
    SILT_VK(vkEndCommandBuffer(slot.commandBuffer));
    slot.recordSeconds = secondsSince(recordStart);
    slot.submitted = Clock::now();

    auto commandInfo =
        vkStruct<VkCommandBufferSubmitInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO);
    commandInfo.commandBuffer = slot.commandBuffer;
    auto submit = vkStruct<VkSubmitInfo2>(VK_STRUCTURE_TYPE_SUBMIT_INFO_2);
    submit.commandBufferInfoCount = 1;
    submit.pCommandBufferInfos = &commandInfo;
    {
        // The preview's presenter submits to the same queue from the UI thread.
        std::lock_guard<std::mutex> queueLock(mQueueMutex);
        // Until the submit succeeds the map's content is unknown: forget what it held.
        mShadowMapInputs.clear();
        SILT_VK(vkQueueSubmit2(mQueue, 1, &submit, slot.fence));
    }
    std::swap(mShadowMapInputs, mFrameShadowInputs);
    mPending.push_back(slotIndex);
    mNextSlot = (mNextSlot + 1) % kFramesInFlight;
    return {};
}

Result<size_t> VulkanRenderer::waitOldest() {
    if (mPending.empty()) return Error{"Renderer: collect() with no frame pending"};
    const size_t slotIndex = mPending.front();
    FrameSlot& slot = mSlots[slotIndex];
    const auto waitStart = Clock::now();
    SILT_VK(vkWaitForFences(mDevice, 1, &slot.fence, VK_TRUE, UINT64_MAX));
    SILT_VK(vkResetFences(mDevice, 1, &slot.fence));
    mPending.pop_front();
    mTimings = RenderTimings{};
    mTimings.recordSeconds = slot.recordSeconds;
    mTimings.shadowTriangles = slot.shadowTriangles;
    mTimings.mainTriangles = slot.mainTriangles;
    mTimings.shadowMapReused = slot.shadowMapReused;
    // Synchronous use: submit to signal. Pipelined: only the time the caller still waited.
    mTimings.waitSeconds = std::chrono::duration<double>(Clock::now() -
                                                         std::max(slot.submitted, waitStart))
                               .count();
    for (GpuMesh& mesh : slot.retired) destroyMesh(mesh);
    slot.retired.clear();
    if (mTimestamps) {
        std::array<uint64_t, kQueriesPerSlot> ticks{};
        SILT_VK(vkGetQueryPoolResults(mDevice, mTimestamps,
                                      uint32_t(kQueriesPerSlot * slotIndex), kQueriesPerSlot,
                                      sizeof(ticks), ticks.data(), sizeof(uint64_t),
                                      VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
        auto seconds = [&](size_t from, size_t to) {
            return double(ticks[to] - ticks[from]) * mTimestampPeriodNs * 1e-9;
        };
        mTimings.gpuShadowSeconds = seconds(kQueryStart, kQueryShadow);
        mTimings.gpuColorSeconds = seconds(kQueryShadow, kQueryOpaque);
        mTimings.gpuWaterSeconds = seconds(kQueryOpaque, kQueryWater);
        mTimings.gpuPostSeconds = seconds(kQueryWater, kQueryPost);
        mTimings.gpuLabelSeconds = seconds(kQueryPost, kQueryDrawn);
        mTimings.gpuDrawSeconds = seconds(kQueryStart, kQueryDrawn);
        mTimings.gpuCopySeconds = seconds(kQueryDrawn, kQueryCopied);
    }
    return slotIndex;
}

Result<ImageRGBA8> VulkanRenderer::render(const FrameDesc& frame) {
    if (!mPending.empty()) {
        return Error{"Renderer: render() while pipelined frames are pending; collect() them first"};
    }
    if (Status s = submitFrame(frame, false); !s) return s.error();
    Result<size_t> slot = waitOldest();
    if (!slot) return slot.error();
    const auto unpackStart = Clock::now();
    ImageRGBA8 image(mDesc.width, mDesc.height);
    std::memcpy(image.pixels.data(), mSlots[*slot].readback.mapped, image.pixels.size());
    mTimings.unpackSeconds = secondsSince(unpackStart);
    return image;
}

Result<FrameImages> VulkanRenderer::renderWithLabels(const FrameDesc& frame) {
    if (!mPending.empty()) {
        return Error{
            "Renderer: renderWithLabels() while pipelined frames are pending; collect() them "
            "first"};
    }
    if (Status s = submitFrame(frame, true); !s) return s.error();
    return collect();
}

Status VulkanRenderer::submitWithLabels(const FrameDesc& frame) {
    return submitFrame(frame, true);
}

Result<FrameImages> VulkanRenderer::collect() {
    Result<size_t> slot = waitOldest();
    if (!slot) return slot.error();
    const auto unpackStart = Clock::now();
    FrameImages out = unpackLabels(*slot);
    mTimings.unpackSeconds = secondsSince(unpackStart);
    return out;
}

FrameImages VulkanRenderer::unpackLabels(size_t slot) const {
    const uint32_t w = mDesc.width;
    const uint32_t h = mDesc.height;
    const size_t n = size_t{w} * h;
    const auto* base = static_cast<const uint8_t*>(mSlots[slot].readback.mapped);
    FrameImages out;
    out.color = ImageRGBA8(w, h);
    std::memcpy(out.color.pixels.data(), base, out.color.pixels.size());
    LabelImages& labels = out.labels;
    labels.depth = ImageF32(w, h);
    std::memcpy(labels.depth.values.data(), base + labelOffset(0, w, h), n * sizeof(float));
    labels.instance = ImageU32(w, h);
    labels.semantic = ImageU32(w, h);
    const auto* ids = reinterpret_cast<const uint32_t*>(base + labelOffset(1, w, h));
    for (size_t i = 0; i < n; ++i) {
        labels.instance.values[i] = ids[2 * i];
        labels.semantic.values[i] = ids[2 * i + 1];
    }
    labels.normals = ImageVec3f(w, h);
    const auto* normals = reinterpret_cast<const float*>(base + labelOffset(2, w, h));
    for (size_t i = 0; i < n; ++i) {
        std::memcpy(&labels.normals.values[3 * i], &normals[4 * i], 3 * sizeof(float));
    }
    labels.flow = ImageVec2f(w, h);
    std::memcpy(labels.flow.values.data(), base + labelOffset(3, w, h), n * 2 * sizeof(float));
    return out;
}

namespace {
// Every pass pushes the same constants for an item (see DrawConstants in common.glsl).
DrawConstants drawConstants(const DrawItem& item) {
    DrawConstants c{};
    copyRows3x4(item.modelToWorld, c.modelToWorldRows);
    copyRows3x4(item.nextModelToWorld, c.nextModelToWorldRows);
    copyVec(item.material.baseColor, item.material.metallic, c.baseColorMetallic);
    c.misc[0] = std::bit_cast<uint32_t>(item.material.roughness);
    c.misc[1] = uint32_t(item.shading);
    c.misc[2] = item.instanceId;
    c.misc[3] = item.semanticClass;
    return c;
}
}  // namespace

void VulkanRenderer::shadowInputs(const FrameDesc& frame, const Mat4f& lightClip,
                                  std::vector<float>& out) const {
    out.assign(lightClip.data(), lightClip.data() + 16);
    for (const DrawItem& item : frame.items) {
        if (item.shading == Shading::Water) continue;  // casts no shadow
        const uint64_t generation = mMeshes[item.mesh].generation;
        out.push_back(std::bit_cast<float>(uint32_t(generation)));
        out.push_back(std::bit_cast<float>(uint32_t(generation >> 32)));
        for (int r = 0; r < 3; ++r) {
            for (int c = 0; c < 4; ++c) out.push_back(item.modelToWorld(r, c));
        }
    }
}

void VulkanRenderer::recordFrame(const FrameDesc& frame, bool withLabels, size_t slotIndex,
                                 const Mat4f& cameraClip, const Mat4f& lightClip,
                                 bool reuseShadowMap) {
    FrameSlot& slot = mSlots[slotIndex];
    slot.shadowTriangles = 0;
    slot.mainTriangles = 0;
    slot.shadowMapReused = reuseShadowMap;
    VkCommandBuffer cmd = slot.commandBuffer;
    const uint32_t firstQuery = uint32_t(kQueriesPerSlot * slotIndex);
    auto timestamp = [&](uint32_t query) {
        if (mTimestamps) {
            vkCmdWriteTimestamp2(cmd, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, mTimestamps,
                                 firstQuery + query);
        }
    };
    const uint32_t w = mDesc.width;
    const uint32_t h = mDesc.height;
    const VkPipelineStageFlags2 fragmentTests =
        VK_PIPELINE_STAGE_2_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_2_LATE_FRAGMENT_TESTS_BIT;
    const VkAccessFlags2 depthAccess = VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_READ_BIT |
                                       VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
    const VkPipelineStageFlags2 colorOutput = VK_PIPELINE_STAGE_2_COLOR_ATTACHMENT_OUTPUT_BIT;
    const VkAccessFlags2 colorAccess =
        VK_ACCESS_2_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT;
    const VkPipelineStageFlags2 copy = VK_PIPELINE_STAGE_2_COPY_BIT;

    // Water is transparent: it is drawn after every opaque item (it samples their image)
    // and casts no shadow.
    const auto isWater = [](const DrawItem& item) { return item.shading == Shading::Water; };
    const bool hasWater = std::any_of(frame.items.begin(), frame.items.end(), isWater);
    const bool msaa = mSamples != VK_SAMPLE_COUNT_1_BIT;
    // Single-sampled frames write the labels in the colour passes (always: render() then
    // gives the same colour bytes as renderWithLabels()); MSAA frames have a label pass.
    // The single-sampled colour the geometry passes draw: FXAA's input, or what is read back.
    const Image& sceneColor = mFxaa ? mSceneColor : mColorResolved;

    // Every pipeline culls back faces: with cluster culling, only the clusters of an item
    // that can produce a fragment through the pass's view (the sun's for the shadow map)
    // are drawn, in index-buffer order, so the result is the same as drawing the whole mesh.
    // Several visible ranges are gathered into the slot's index buffer: one draw per item.
    auto pushAndDraw = [&](const DrawItem& item, BoundBuffers& bound, bool shadowPass) {
        const Mat4f& clip = shadowPass ? lightClip : cameraClip;
        const GpuMesh& mesh =
            shadowPass ? levelToDraw(mMeshes[item.mesh], item, clip, mShadowMapSize, mShadowMapSize)
                       : levelToDraw(mMeshes[item.mesh], item, clip, mDesc.width, mDesc.height);
        mRanges.clear();
        if (mDesc.clusterCulling) {
            // The shaders use the pose's affine rows only (DrawConstants): so does culling.
            Mat4f pose = item.modelToWorld;
            pose.row(3) = Eigen::RowVector4f(0.0f, 0.0f, 0.0f, 1.0f);
            appendVisibleRanges(mesh.clusters, clip * pose, true, mRanges);
            if (mRanges.empty()) return;
        } else {
            mRanges.push_back({0, mesh.indexCount});
        }
        IndexRange draw = mRanges.front();
        VkBuffer indices = mesh.indices.buffer;
        if (mRanges.size() > 1) {
            auto* out = static_cast<uint32_t*>(slot.frameIndices.mapped) + slot.frameIndexCount;
            draw = {slot.frameIndexCount, 0};
            for (const IndexRange& range : mRanges) {
                std::memcpy(out + draw.indexCount, mesh.clusters.indices.data() + range.firstIndex,
                            range.indexCount * sizeof(uint32_t));
                draw.indexCount += range.indexCount;
            }
            slot.frameIndexCount += draw.indexCount;
            indices = slot.frameIndices.buffer;
        }
        bindOnChange(cmd, mesh.vertices.buffer, indices, bound);
        const DrawConstants constants = drawConstants(item);
        vkCmdPushConstants(cmd, mPipelineLayout,
                           VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0,
                           sizeof(constants), &constants);
        vkCmdDrawIndexed(cmd, draw.indexCount, 1, draw.firstIndex, 0, 0);
        (shadowPass ? slot.shadowTriangles : slot.mainTriangles) += draw.indexCount / 3;
    };
    // Main passes bind the colour pipeline of each item's shading (a specialisation: lavapipe
    // runs both sides of every branch, so one shader for all modes would pay for all); the
    // shadow pass draws depth only, from the sun.
    auto drawItems = [&](bool water, bool shadowPass) {
        const bool shaded = !shadowPass;
        BoundBuffers bound;
        uint32_t boundShading = ~0u;
        for (const DrawItem& item : frame.items) {
            if (isWater(item) != water) continue;
            const uint32_t shading = uint32_t(item.shading);
            if (shaded && shading != boundShading) {
                vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, mScenePipelines[shading]);
                boundShading = shading;
            }
            pushAndDraw(item, bound, shadowPass);
        }
    };
    auto labelAttachment = [&](size_t i, VkAttachmentLoadOp load) {
        auto a = vkStruct<VkRenderingAttachmentInfo>(VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO);
        a.imageView = mLabelTargets[i].view;
        a.imageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
        a.loadOp = load;
        a.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
        a.clearValue.color = {{0.0f, 0.0f, 0.0f, 0.0f}};  // same bits as uint 0: background
        return a;
    };
    auto depthAttachment = [](VkImageView view, VkAttachmentLoadOp load,
                              VkAttachmentStoreOp store, float clearDepth) {
        auto a = vkStruct<VkRenderingAttachmentInfo>(VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO);
        a.imageView = view;
        a.imageLayout = VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL;
        a.loadOp = load;
        a.storeOp = store;
        a.clearValue.depthStencil = {clearDepth, 0};
        return a;
    };
    auto labelsToAttachments = [&](std::vector<VkImageMemoryBarrier2>& barriers) {
        for (const Image& target : mLabelTargets) {
            barriers.push_back(imageBarrier(
                target.image, VK_IMAGE_ASPECT_COLOR_BIT, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
                VK_ACCESS_2_MEMORY_READ_BIT, colorOutput, VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT,
                VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL));
        }
    };

    if (mTimestamps) {
        vkCmdResetQueryPool(cmd, mTimestamps, firstQuery, kQueriesPerSlot);
        vkCmdWriteTimestamp2(cmd, VK_PIPELINE_STAGE_2_TOP_OF_PIPE_BIT, mTimestamps, firstQuery);
    }

    // Every target starts UNDEFINED: each frame clears them, nothing carries over — except a
    // reused shadow map, which stays in the layout the frame that drew it left (shader read).
    if (!reuseShadowMap) {
        const std::array<VkImageMemoryBarrier2, 1> barriers{
            imageBarrier(mShadowMap.image, VK_IMAGE_ASPECT_DEPTH_BIT,
                         VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT, 0, fragmentTests, depthAccess,
                         VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL)};
        pipelineBarrier(cmd, barriers);
    }

    // Pass 1: the sun's shadow map.
    if (!reuseShadowMap) {
        auto shadowDepth = depthAttachment(mShadowMap.view, VK_ATTACHMENT_LOAD_OP_CLEAR,
                                           VK_ATTACHMENT_STORE_OP_STORE, 1.0f);
        beginPass(cmd, mShadowMapSize, mShadowMapSize, {}, &shadowDepth);
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, mShadowPipeline);
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, mPipelineLayout, 0, 1,
                                &slot.descriptorSet, 0, nullptr);
        drawItems(false, true);
        vkCmdEndRendering(cmd);
    }
    timestamp(kQueryShadow);

    {
        const VkImage colorTarget = msaa ? mColorMsaa.image : sceneColor.image;
        std::vector<VkImageMemoryBarrier2> barriers{
            // COPY too: the previous frame may have copied it for water.
            imageBarrier(mDepth.image, VK_IMAGE_ASPECT_DEPTH_BIT, fragmentTests | copy,
                         depthAccess, fragmentTests, depthAccess, VK_IMAGE_LAYOUT_UNDEFINED,
                         VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL),
            imageBarrier(colorTarget, VK_IMAGE_ASPECT_COLOR_BIT,
                         VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, VK_ACCESS_2_MEMORY_READ_BIT,
                         colorOutput, VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT,
                         VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL)};
        if (!reuseShadowMap) {
            barriers.push_back(imageBarrier(
                mShadowMap.image, VK_IMAGE_ASPECT_DEPTH_BIT, fragmentTests,
                VK_ACCESS_2_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT,
                VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT, VK_ACCESS_2_SHADER_SAMPLED_READ_BIT,
                VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL));
        }
        if (msaa) {
            barriers.push_back(imageBarrier(
                mColorResolved.image, VK_IMAGE_ASPECT_COLOR_BIT,
                VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, VK_ACCESS_2_MEMORY_READ_BIT, colorOutput,
                VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
                VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL));
        } else {
            labelsToAttachments(barriers);
        }
        if (hasWater && msaa) {
            barriers.push_back(imageBarrier(
                mOpaqueDepth.image, VK_IMAGE_ASPECT_DEPTH_BIT, VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT,
                0, VK_PIPELINE_STAGE_2_ALL_GRAPHICS_BIT, VK_ACCESS_2_MEMORY_WRITE_BIT,
                VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL));
        }
        pipelineBarrier(cmd, barriers);
    }

    // Pass 2: the lit opaque meshes (single-sampled: with their labels), then the sky.
    std::vector<VkRenderingAttachmentInfo> colors(1);
    colors.reserve(1 + mLabelTargets.size());  // `color` stays valid
    VkRenderingAttachmentInfo& color = colors[0];
    color = vkStruct<VkRenderingAttachmentInfo>(VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO);
    color.imageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    color.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
    color.clearValue.color = {{0.0f, 0.0f, 0.0f, 1.0f}};
    if (msaa) {
        color.imageView = mColorMsaa.view;
        color.storeOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
        color.resolveMode = VK_RESOLVE_MODE_AVERAGE_BIT;
        color.resolveImageView = mColorResolved.view;
        color.resolveImageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
    } else {
        color.imageView = sceneColor.view;
        color.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
        for (size_t i = 0; i < mLabelTargets.size(); ++i)
            colors.push_back(labelAttachment(i, VK_ATTACHMENT_LOAD_OP_CLEAR));
    }
    // Reversed Z: 0 is the far plane.
    auto depth = depthAttachment(mDepth.view, VK_ATTACHMENT_LOAD_OP_CLEAR,
                                 VK_ATTACHMENT_STORE_OP_DONT_CARE, 0.0f);
    if (hasWater) {
        // The water pass continues on these targets and samples the opaque depth.
        color.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
        depth.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
        if (msaa) {
            depth.resolveMode = VK_RESOLVE_MODE_SAMPLE_ZERO_BIT;  // every device supports it
            depth.resolveImageView = mOpaqueDepth.view;
            depth.resolveImageLayout = VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL;
        }
    }
    beginPass(cmd, w, h, colors, &depth);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, mPipelineLayout, 0, 1,
                            &slot.descriptorSet, 0, nullptr);
    drawItems(false, false);
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, mSkyPipeline);
    vkCmdDraw(cmd, 3, 1, 0, 0);  // behind everything: only where no mesh was drawn
    vkCmdEndRendering(cmd);
    timestamp(kQueryOpaque);

    // Pass 2b (frames with water): the opaque colour and depth become sampled images, then
    // the water is drawn over the same colour and depth targets.
    if (hasWater) {
        // The single-sampled opaque colour: MSAA's resolve, or what pass 2 drew.
        const VkImage opaqueSource = msaa ? mColorResolved.image : sceneColor.image;
        std::vector<VkImageMemoryBarrier2> toCopy{
            imageBarrier(opaqueSource, VK_IMAGE_ASPECT_COLOR_BIT, colorOutput,
                         VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, copy,
                         VK_ACCESS_2_TRANSFER_READ_BIT, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                         VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL),
            imageBarrier(mOpaqueColor.image, VK_IMAGE_ASPECT_COLOR_BIT,
                         VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT, 0, copy,
                         VK_ACCESS_2_TRANSFER_WRITE_BIT, VK_IMAGE_LAYOUT_UNDEFINED,
                         VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL)};
        if (msaa) {
            toCopy.push_back(imageBarrier(
                mOpaqueDepth.image, VK_IMAGE_ASPECT_DEPTH_BIT, VK_PIPELINE_STAGE_2_ALL_GRAPHICS_BIT,
                VK_ACCESS_2_MEMORY_WRITE_BIT, VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT,
                VK_ACCESS_2_SHADER_SAMPLED_READ_BIT, VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL,
                VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL));
        } else {
            toCopy.push_back(imageBarrier(mDepth.image, VK_IMAGE_ASPECT_DEPTH_BIT, fragmentTests,
                                          depthAccess, copy, VK_ACCESS_2_TRANSFER_READ_BIT,
                                          VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL,
                                          VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL));
            toCopy.push_back(imageBarrier(mOpaqueDepth.image, VK_IMAGE_ASPECT_DEPTH_BIT,
                                          VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT, 0, copy,
                                          VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                          VK_IMAGE_LAYOUT_UNDEFINED,
                                          VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL));
        }
        pipelineBarrier(cmd, toCopy);
        VkImageCopy region{};
        region.srcSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
        region.dstSubresource = region.srcSubresource;
        region.extent = {w, h, 1};
        vkCmdCopyImage(cmd, opaqueSource, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                       mOpaqueColor.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
        if (!msaa) {
            region.srcSubresource.aspectMask = VK_IMAGE_ASPECT_DEPTH_BIT;
            region.dstSubresource.aspectMask = VK_IMAGE_ASPECT_DEPTH_BIT;
            vkCmdCopyImage(cmd, mDepth.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                           mOpaqueDepth.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
        }
        std::vector<VkImageMemoryBarrier2> toDraw{
            imageBarrier(mOpaqueColor.image, VK_IMAGE_ASPECT_COLOR_BIT, copy,
                         VK_ACCESS_2_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT,
                         VK_ACCESS_2_SHADER_SAMPLED_READ_BIT, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                         VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL),
            imageBarrier(opaqueSource, VK_IMAGE_ASPECT_COLOR_BIT, copy,
                         VK_ACCESS_2_TRANSFER_READ_BIT, colorOutput, colorAccess,
                         VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                         VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL)};
        if (msaa) {
            toDraw.push_back(imageBarrier(mColorMsaa.image, VK_IMAGE_ASPECT_COLOR_BIT, colorOutput,
                                          VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, colorOutput,
                                          colorAccess, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                                          VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL));
            toDraw.push_back(imageBarrier(mDepth.image, VK_IMAGE_ASPECT_DEPTH_BIT, fragmentTests,
                                          depthAccess, fragmentTests, depthAccess,
                                          VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL,
                                          VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL));
        } else {
            toDraw.push_back(imageBarrier(mOpaqueDepth.image, VK_IMAGE_ASPECT_DEPTH_BIT, copy,
                                          VK_ACCESS_2_TRANSFER_WRITE_BIT,
                                          VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT,
                                          VK_ACCESS_2_SHADER_SAMPLED_READ_BIT,
                                          VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                                          VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL));
            toDraw.push_back(imageBarrier(mDepth.image, VK_IMAGE_ASPECT_DEPTH_BIT, copy,
                                          VK_ACCESS_2_TRANSFER_READ_BIT, fragmentTests,
                                          depthAccess, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                                          VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL));
            for (const Image& target : mLabelTargets) {
                toDraw.push_back(imageBarrier(target.image, VK_IMAGE_ASPECT_COLOR_BIT, colorOutput,
                                              VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, colorOutput,
                                              colorAccess,
                                              VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                                              VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL));
            }
        }
        pipelineBarrier(cmd, toDraw);

        std::vector<VkRenderingAttachmentInfo> waterColors(1);
        waterColors.reserve(1 + mLabelTargets.size());  // `waterColor` stays valid
        VkRenderingAttachmentInfo& waterColor = waterColors[0];
        waterColor = vkStruct<VkRenderingAttachmentInfo>(VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO);
        waterColor.imageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
        waterColor.loadOp = VK_ATTACHMENT_LOAD_OP_LOAD;
        if (msaa) {
            waterColor.imageView = mColorMsaa.view;
            waterColor.storeOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
            waterColor.resolveMode = VK_RESOLVE_MODE_AVERAGE_BIT;
            waterColor.resolveImageView = mColorResolved.view;
            waterColor.resolveImageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
        } else {
            waterColor.imageView = sceneColor.view;
            waterColor.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
            for (size_t i = 0; i < mLabelTargets.size(); ++i)
                waterColors.push_back(labelAttachment(i, VK_ATTACHMENT_LOAD_OP_LOAD));
        }
        auto waterDepth = depthAttachment(mDepth.view, VK_ATTACHMENT_LOAD_OP_LOAD,
                                          VK_ATTACHMENT_STORE_OP_DONT_CARE, 0.0f);
        beginPass(cmd, w, h, waterColors, &waterDepth);
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, mPipelineLayout, 0, 1,
                                &slot.descriptorSet, 0, nullptr);
        drawItems(true, false);
        vkCmdEndRendering(cmd);
    }
    timestamp(kQueryWater);

    // Pass 2c (FXAA): the single-sampled colour, anti-aliased into what is read back.
    if (mFxaa) {
        const std::array<VkImageMemoryBarrier2, 2> barriers{
            imageBarrier(mSceneColor.image, VK_IMAGE_ASPECT_COLOR_BIT, colorOutput,
                         VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT,
                         VK_PIPELINE_STAGE_2_FRAGMENT_SHADER_BIT,
                         VK_ACCESS_2_SHADER_SAMPLED_READ_BIT,
                         VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                         VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL),
            imageBarrier(mColorResolved.image, VK_IMAGE_ASPECT_COLOR_BIT,
                         VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, VK_ACCESS_2_MEMORY_READ_BIT,
                         colorOutput, VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT,
                         VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL)};
        pipelineBarrier(cmd, barriers);
        auto output =
            vkStruct<VkRenderingAttachmentInfo>(VK_STRUCTURE_TYPE_RENDERING_ATTACHMENT_INFO);
        output.imageView = mColorResolved.view;
        output.imageLayout = VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL;
        output.loadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;  // every pixel is written
        output.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
        beginPass(cmd, w, h, {&output, 1}, nullptr);
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, mFxaaPipeline);
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, mPipelineLayout, 0, 1,
                                &slot.descriptorSet, 0, nullptr);
        vkCmdDraw(cmd, 3, 1, 0, 0);
        vkCmdEndRendering(cmd);
    }
    timestamp(kQueryPost);

    // Pass 3 (MSAA frames with labels): the same items, single-sampled, into the label
    // targets with their own depth buffer. Cleared to 0: pixels no item covers read as
    // background in every channel.
    if (msaa && withLabels) {
        std::vector<VkImageMemoryBarrier2> barriers{imageBarrier(
            mLabelDepth.image, VK_IMAGE_ASPECT_DEPTH_BIT, fragmentTests, depthAccess, fragmentTests,
            depthAccess, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_DEPTH_ATTACHMENT_OPTIMAL)};
        labelsToAttachments(barriers);
        pipelineBarrier(cmd, barriers);

        std::array<VkRenderingAttachmentInfo, kLabelFormats.size()> labelColors{};
        for (size_t i = 0; i < labelColors.size(); ++i)
            labelColors[i] = labelAttachment(i, VK_ATTACHMENT_LOAD_OP_CLEAR);
        auto labelDepth = depthAttachment(mLabelDepth.view, VK_ATTACHMENT_LOAD_OP_CLEAR,
                                          VK_ATTACHMENT_STORE_OP_DONT_CARE, 0.0f);
        beginPass(cmd, w, h, labelColors, &labelDepth);
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, mLabelPipeline);
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, mPipelineLayout, 0, 1,
                                &slot.descriptorSet, 0, nullptr);
        BoundBuffers bound;
        for (const DrawItem& item : frame.items) pushAndDraw(item, bound, false);
        vkCmdEndRendering(cmd);
    }

    // Read back: every target → one host buffer, top row first (Vulkan's row 0 is the top).
    {
        std::vector<VkImageMemoryBarrier2> barriers{imageBarrier(
            mColorResolved.image, VK_IMAGE_ASPECT_COLOR_BIT, colorOutput,
            VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, copy, VK_ACCESS_2_TRANSFER_READ_BIT,
            VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL)};
        if (withLabels) {
            for (const Image& target : mLabelTargets) {
                barriers.push_back(imageBarrier(
                    target.image, VK_IMAGE_ASPECT_COLOR_BIT, colorOutput,
                    VK_ACCESS_2_COLOR_ATTACHMENT_WRITE_BIT, copy, VK_ACCESS_2_TRANSFER_READ_BIT,
                    VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL,
                    VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL));
            }
        }
        pipelineBarrier(cmd, barriers);
    }
    timestamp(kQueryDrawn);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    region.imageExtent = {w, h, 1};
    vkCmdCopyImageToBuffer(cmd, mColorResolved.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                           slot.readback.buffer, 1, &region);
    if (withLabels) {
        for (size_t i = 0; i < mLabelTargets.size(); ++i) {
            region.bufferOffset = labelOffset(i, w, h);
            vkCmdCopyImageToBuffer(cmd, mLabelTargets[i].image,
                                   VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, slot.readback.buffer, 1,
                                   &region);
        }
    }
    timestamp(kQueryCopied);
    auto toHost = vkStruct<VkBufferMemoryBarrier2>(VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2);
    toHost.srcStageMask = copy;
    toHost.srcAccessMask = VK_ACCESS_2_TRANSFER_WRITE_BIT;
    toHost.dstStageMask = VK_PIPELINE_STAGE_2_HOST_BIT;
    toHost.dstAccessMask = VK_ACCESS_2_HOST_READ_BIT;
    toHost.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    toHost.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    toHost.buffer = slot.readback.buffer;
    toHost.size = VK_WHOLE_SIZE;
    pipelineBarrier(cmd, {}, std::span<const VkBufferMemoryBarrier2>(&toHost, 1));
}

}  // namespace silt::render
