#pragma once
// The Vulkan implementation of Renderer: one device and queue, offscreen targets sized
// once, pipelines built with dynamic rendering (sun shadow map, sky, lit meshes specialised
// per Shading, labels, FXAA), one command buffer, fence, uniform and readback buffer per frame
// in flight (two: frame k+1 renders while frame k is read back and encoded).
//
// Per frame: a depth-only pass renders the sun's shadow map (fitted to the scene's bounds,
// front faces only), then the main pass draws the sky and the opaque meshes. Single-sampled
// (the default) it writes the colour and the four label targets (linear depth, instance +
// semantic ids, normals, flow; the flow moves each vertex by its velocity times
// FrameDesc::timeStep) at once; with MSAA it writes the colour only, resolved into a
// single-sample image, and a single-sampled label pass with its own depth buffer follows.
// Frames with water then copy the opaque colour and depth into sampled images and draw the
// water in a second pass over the same targets. FXAA turns the single-sampled colour into
// the image read back. Every image is copied into the frame slot's host-visible buffer and
// read back when the frame is collected; timestamps after each pass feed lastTimings().
//
// Why this shape (lavapipe, a CPU rasterizer, is the target): its vertex processing and
// binning are single-threaded and cost per triangle per pass, 4x MSAA multiplies the
// rasterization of every triangle, and it executes both sides of every branch — so one
// geometry pass for colour and labels, post-process anti-aliasing and a pipeline per shading
// mode are what make 256² frames of 100k triangles cheap.

#include <vulkan/vulkan.h>

#include <array>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "silt/render/MeshClusters.h"
#include "silt/render/Renderer.h"

namespace silt::render {

class VulkanRenderer final : public Renderer {
public:
    [[nodiscard]] static Result<std::unique_ptr<Renderer>> create(const RendererDesc& desc);
    ~VulkanRenderer() override;

    VulkanRenderer(const VulkanRenderer&) = delete;
    VulkanRenderer& operator=(const VulkanRenderer&) = delete;

    [[nodiscard]] Result<MeshId> addMesh(const TriangleMesh& mesh,
                                         MeshUsage usage = MeshUsage::Static) override;
    [[nodiscard]] Status replaceMesh(MeshId id, const TriangleMesh& mesh) override;
    [[nodiscard]] Result<ImageRGBA8> render(const FrameDesc& frame) override;
    [[nodiscard]] Result<FrameImages> renderWithLabels(const FrameDesc& frame) override;
    [[nodiscard]] Status submitWithLabels(const FrameDesc& frame) override;
    [[nodiscard]] Result<FrameImages> collect() override;
    [[nodiscard]] size_t pendingFrames() const override { return mPending.size(); }
    [[nodiscard]] RenderTimings lastTimings() const override { return mTimings; }
    [[nodiscard]] std::string deviceName() const override { return mDeviceName; }

    // For VulkanPresenter, which shares this renderer's instance, device and queue.
    [[nodiscard]] VkInstance instance() const { return mInstance; }
    [[nodiscard]] VkPhysicalDevice physicalDevice() const { return mPhysicalDevice; }
    [[nodiscard]] VkDevice device() const { return mDevice; }
    [[nodiscard]] VkQueue queue() const { return mQueue; }
    [[nodiscard]] uint32_t queueFamily() const { return mQueueFamily; }
    [[nodiscard]] bool presentation() const { return mDesc.presentation; }
    /// Held around every use of the queue (Vulkan requires external synchronisation), so a
    /// presenter on another thread can submit while this renderer renders.
    [[nodiscard]] std::mutex& queueMutex() const { return mQueueMutex; }

private:
    // The window presenter allocates its staging and capture memory with the same helpers.
    friend class VulkanPresenter;

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
        uint64_t generation = 0;     ///< unique per upload: a replaced mesh is a new caster
        Eigen::AlignedBox3f bounds;  ///< local frame
        /// The index buffer's clusters and, when there are several, a host copy of the
        /// indices (a frame gathers the visible ranges from it). One cluster, no host copy,
        /// for replaced meshes and without culling.
        ClusteredIndices clusters;
        /// Coarser levels of detail (MeshLod.h), finest first, each uploaded as a mesh of its
        /// own with only the vertices it uses; lodErrors[k] bounds coarser[k]'s deviation from
        /// this mesh (m, local frame). None for replaced meshes or with lodPixelError 0.
        std::vector<GpuMesh> coarser;
        std::vector<float> lodErrors;
    };

    explicit VulkanRenderer(const RendererDesc& desc) : mDesc(desc) {}
    /// Checks a mesh and copies it into new vertex and index buffers; `cluster`: reorder its
    /// triangles into clusters for culling (meshes added once, with culling on).
    [[nodiscard]] Result<GpuMesh> uploadMesh(const TriangleMesh& mesh, bool cluster);

    /// Frees a mesh's buffers and those of its coarser levels.
    void destroyMesh(GpuMesh& mesh);
    /// The level of `mesh` to draw for `item` through `clipFromWorld` onto a target of
    /// width × height (the image, or the shadow map): the coarsest whose deviation projects
    /// under RendererDesc::lodPixelError.
    const GpuMesh& levelToDraw(const GpuMesh& mesh, const DrawItem& item,
                               const Mat4f& clipFromWorld, uint32_t width, uint32_t height) const;

    Status createDevice();
    Status pickDevice();
    Status createTargets();
    Status createDescriptors();
    Status createPipelines();
    Status createCommands();
    /// Validates, records and submits one frame into slot mNextSlot (which must be free).
    Status submitFrame(const FrameDesc& frame, bool withLabels);
    /// Waits for the oldest pending frame; its readback is in mSlots[returned].readback.
    Result<size_t> waitOldest();
    /// cameraClip, lightClip: world → clip of the camera and of the sun's shadow map;
    /// reuseShadowMap: the map already holds this frame's shadows (skip the shadow pass).
    void recordFrame(const FrameDesc& frame, bool withLabels, size_t slot, const Mat4f& cameraClip,
                     const Mat4f& lightClip, bool reuseShadowMap);
    /// What the shadow map's content depends on: the sun's clip transform, then per caster
    /// its mesh's upload generation and pose (floats, compared bit for bit).
    void shadowInputs(const FrameDesc& frame, const Mat4f& lightClip, std::vector<float>& out) const;
    FrameImages unpackLabels(size_t slot) const;

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
    uint32_t mShadowMapSize = 0;  ///< texels per side (RendererDesc's, or automatic)
    bool mFxaa = false;           ///< single-sampled with FXAA: mSceneColor → mColorResolved
    bool mShadowLinearFilter = false;

    VkInstance mInstance = VK_NULL_HANDLE;
    VkPhysicalDevice mPhysicalDevice = VK_NULL_HANDLE;
    VkPhysicalDeviceMemoryProperties mMemoryProperties{};
    VkDevice mDevice = VK_NULL_HANDLE;
    uint32_t mQueueFamily = 0;
    VkQueue mQueue = VK_NULL_HANDLE;
    mutable std::mutex mQueueMutex;

    Image mColorMsaa;      ///< only when mSamples > 1
    Image mColorResolved;  ///< what is read back
    Image mSceneColor;     ///< only with FXAA: the single-sampled colour before anti-aliasing
    Image mDepth;
    Image mShadowMap;
    std::array<Image, 4> mLabelTargets;  ///< depth, ids, normals, flow (kLabelFormats order)
    Image mLabelDepth;  ///< MSAA only: the label pass's own single-sample depth buffer
    Image mOpaqueColor;  ///< copy of the opaque colour, sampled by water (frames with water)
    Image mOpaqueDepth;  ///< single-sample opaque depth, sampled by water (frames with water)
    /// What one frame in flight owns. The render targets are shared: frames execute in
    /// submission order on the one queue, and each frame's first barriers wait for the
    /// previous frame's reads of them.
    struct FrameSlot {
        Buffer readback;  ///< colour, then each label target, tightly packed (labelOffset())
        Buffer uniforms;
        VkDescriptorSet descriptorSet = VK_NULL_HANDLE;
        VkCommandBuffer commandBuffer = VK_NULL_HANDLE;
        VkFence fence = VK_NULL_HANDLE;
        std::vector<GpuMesh> retired;  ///< replaced meshes this frame may still read
        double recordSeconds = 0;
        /// The visible triangles of items whose culling left several index ranges, gathered
        /// so each item is still one draw (lavapipe's per-draw cost exceeds a copy's).
        Buffer frameIndices;
        uint32_t frameIndexCount = 0;  ///< indices written into frameIndices this frame
        uint64_t shadowTriangles = 0;  ///< drawn by this frame (RenderTimings)
        uint64_t mainTriangles = 0;
        bool shadowMapReused = false;
        std::chrono::steady_clock::time_point submitted;
    };
    std::array<FrameSlot, kFramesInFlight> mSlots;
    size_t mNextSlot = 0;       ///< the slot the next submit uses
    std::deque<size_t> mPending;  ///< submitted, not yet collected, oldest first

    VkSampler mShadowSampler = VK_NULL_HANDLE;
    VkSampler mOpaqueSampler = VK_NULL_HANDLE;  ///< bilinear, clamped; for water's refraction
    VkDescriptorSetLayout mSetLayout = VK_NULL_HANDLE;
    VkDescriptorPool mDescriptorPool = VK_NULL_HANDLE;
    VkPipelineLayout mPipelineLayout = VK_NULL_HANDLE;
    VkPipeline mShadowPipeline = VK_NULL_HANDLE;
    VkPipeline mSkyPipeline = VK_NULL_HANDLE;
    /// Lit meshes, one per Shading (specialised); single-sampled ones write the labels too.
    std::array<VkPipeline, 3> mScenePipelines{};
    VkPipeline mLabelPipeline = VK_NULL_HANDLE;        ///< MSAA only
    VkPipeline mFxaaPipeline = VK_NULL_HANDLE;         ///< single-sampled with FXAA
    VkQueryPool mTimestamps = VK_NULL_HANDLE;  ///< kQueriesPerSlot per slot; null without support
    double mTimestampPeriodNs = 0.0;
    RenderTimings mTimings;

    VkCommandPool mCommandPool = VK_NULL_HANDLE;

    std::vector<GpuMesh> mMeshes;
    std::vector<IndexRange> mRanges;  ///< scratch: one item's visible index ranges
    uint64_t mNextGeneration = 1;     ///< GpuMesh::generation of the next upload
    /// shadowInputs() of the frame whose shadow pass last filled the map (empty: none yet).
    std::vector<float> mShadowMapInputs;
    std::vector<float> mFrameShadowInputs;  ///< scratch: this frame's
};

}  // namespace silt::render
