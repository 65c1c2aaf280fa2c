#include "silt/render/Renderer.h"

#include "VulkanRenderer.h"

namespace silt::render {

Result<std::unique_ptr<Renderer>> Renderer::create(const RendererDesc& desc) {
    return VulkanRenderer::create(desc);
}

}  // namespace silt::render
