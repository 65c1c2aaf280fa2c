#pragma once
// The Vulkan implementation of Renderer: one device and queue, offscreen targets sized
// once, three pipelines (sun shadow map, sky, lit meshes) with dynamic rendering, one
// command buffer and fence reused every frame.
//
// Per frame: a depth-only pass renders the sun's shadow map (fitted to the scene's bounds),
// then the main pass draws the sky and the meshes into an MSAA sRGB target that resolves
// into a single-sample image. With labels, a single-sample label pass follows with the same
// vertex transform and four colour attachments (linear depth, instance + semantic ids,
// normals, flow) and its own depth buffer. Every image is copied into one host-visible
// buffer and read back; timestamps around the passes and copies feed lastTimings().

#include <vulkan/vulkan.h>

#include <array>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "silt/render/Renderer.h"

namespace silt::render {

class VulkanRenderer final : public Renderer {
public:
    [[nodiscard]] static Result<std::unique_ptr<Renderer>> create(const RendererDesc& desc);
    ~VulkanRenderer() override;

    VulkanRenderer(const VulkanRenderer&) = delete;
    VulkanRenderer& operator=(const VulkanRenderer&) = delete;

    [[nodiscard]] Result<MeshId> addMesh(const TriangleMesh& mesh) override;
    [[nodiscard]] Status replaceMesh(MeshId id, const TriangleMesh& mesh) override;
    [[nodiscard]] Result<ImageRGBA8> render(const FrameDesc& frame) override;
    [[nodiscard]] Result<FrameImages> renderWithLabels(const FrameDesc& frame) override;
    [[nodiscard]] RenderTimings lastTimings() const override { return mTimings; }
    [[nodiscard]] std::string deviceName() const override { return mDeviceName; }

    // For VulkanPresenter, which shares this renderer's instance, device and queue.
    [[nodiscard]] VkInstance instance() const { return mInstance; }
    [[nodiscard]] VkPhysicalDevice physicalDevice() const { return mPhysicalDevice; }
    [[nodiscard]] VkDevice device() const { return mDevice; }
    [[nodiscard]] VkQueue queue() const { return mQueue; }
    [[nodiscard]] uint32_t queueFamily() const { return mQueueFamily; }
    [[nodiscard]] bool presentation() const { return mDesc.presentation; }

private:
    struct Buffer {
        VkBuffer buffer = VK_NULL_HANDLE;
        VkDeviceMemory memory = VK_NULL_HANDLE;
        void* mapped = nullptr;
        VkDeviceSize size = 0;
    };
    struct Image {
        VkImage image = VK_NULL_HANDLE;
        VkDeviceMemory memory = VK_NULL_HANDLE;
        VkImageView view = VK_NULL_HANDLE;
    };
    struct GpuMesh {
        Buffer vertices;
        Buffer indices;
        uint32_t indexCount = 0;
        Eigen::AlignedBox3f bounds;  ///< local frame
    };

    explicit VulkanRenderer(const RendererDesc& desc) : mDesc(desc) {}
    /// Checks a mesh and copies it into new vertex and index buffers.
    [[nodiscard]] Result<GpuMesh> uploadMesh(const TriangleMesh& mesh);

    Status createDevice();
    Status pickDevice();
    Status createTargets();
    Status createDescriptors();
    Status createPipelines();
    Status createCommands();
    /// Validates, records, submits and waits for one frame; the result is in mReadback.
    Status renderFrame(const FrameDesc& frame, bool withLabels);
    void recordFrame(const FrameDesc& frame, bool withLabels);

    Result<uint32_t> findMemoryType(uint32_t typeBits, VkMemoryPropertyFlags required,
                                    VkMemoryPropertyFlags preferred) const;
    Result<Buffer> createBuffer(VkDeviceSize size, VkBufferUsageFlags usage,
                                VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred);
    Result<Image> createImage(uint32_t width, uint32_t height, VkFormat format,
                              VkSampleCountFlagBits samples, VkImageUsageFlags usage,
                              VkImageAspectFlags aspect);
    Result<VkShaderModule> createShaderModule(std::span<const uint32_t> words);
    void destroyBuffer(Buffer& buffer);
    void destroyImage(Image& image);

    RendererDesc mDesc;
    std::string mDeviceName;
    VkSampleCountFlagBits mSamples = VK_SAMPLE_COUNT_1_BIT;
    bool mShadowLinearFilter = false;

    VkInstance mInstance = VK_NULL_HANDLE;
    VkPhysicalDevice mPhysicalDevice = VK_NULL_HANDLE;
    VkPhysicalDeviceMemoryProperties mMemoryProperties{};
    VkDevice mDevice = VK_NULL_HANDLE;
    uint32_t mQueueFamily = 0;
    VkQueue mQueue = VK_NULL_HANDLE;

    Image mColorMsaa;      ///< only when mSamples > 1
    Image mColorResolved;  ///< what is read back
    Image mDepth;
    Image mShadowMap;
    std::array<Image, 4> mLabelTargets;  ///< depth, ids, normals, flow (kLabelFormats order)
    Image mLabelDepth;                   ///< the label pass's own single-sample depth buffer
    Buffer mReadback;  ///< colour, then each label target, tightly packed (labelOffset())
    Buffer mUniforms;

    VkSampler mShadowSampler = VK_NULL_HANDLE;
    VkDescriptorSetLayout mSetLayout = VK_NULL_HANDLE;
    VkDescriptorPool mDescriptorPool = VK_NULL_HANDLE;
    VkDescriptorSet mDescriptorSet = VK_NULL_HANDLE;
    VkPipelineLayout mPipelineLayout = VK_NULL_HANDLE;
    VkPipeline mShadowPipeline = VK_NULL_HANDLE;
    VkPipeline mSkyPipeline = VK_NULL_HANDLE;
    VkPipeline mScenePipeline = VK_NULL_HANDLE;
    VkPipeline mLabelPipeline = VK_NULL_HANDLE;
    VkQueryPool mTimestamps = VK_NULL_HANDLE;  ///< 3 queries; null without timestamp support
    double mTimestampPeriodNs = 0.0;
    RenderTimings mTimings;

    VkCommandPool mCommandPool = VK_NULL_HANDLE;
    VkCommandBuffer mCommandBuffer = VK_NULL_HANDLE;
    VkFence mFence = VK_NULL_HANDLE;

    std::vector<GpuMesh> mMeshes;
};

}  // namespace silt::render
