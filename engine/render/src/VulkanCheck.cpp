#include "VulkanCheck.h"

#include <fmt/format.h>

#include "silt/core/Log.h"

namespace silt::render {

std::string vkResultName(VkResult result) {
    switch (result) {
#define SILT_VK_RESULT_CASE(name) \
    case name:                    \
        return #name;
        SILT_VK_RESULT_CASE(VK_SUCCESS)
        SILT_VK_RESULT_CASE(VK_NOT_READY)
        SILT_VK_RESULT_CASE(VK_TIMEOUT)
        SILT_VK_RESULT_CASE(VK_EVENT_SET)
        SILT_VK_RESULT_CASE(VK_EVENT_RESET)
        SILT_VK_RESULT_CASE(VK_INCOMPLETE)
        SILT_VK_RESULT_CASE(VK_ERROR_OUT_OF_HOST_MEMORY)
        SILT_VK_RESULT_CASE(VK_ERROR_OUT_OF_DEVICE_MEMORY)
        SILT_VK_RESULT_CASE(VK_ERROR_INITIALIZATION_FAILED)
        SILT_VK_RESULT_CASE(VK_ERROR_DEVICE_LOST)
        SILT_VK_RESULT_CASE(VK_ERROR_MEMORY_MAP_FAILED)
        SILT_VK_RESULT_CASE(VK_ERROR_LAYER_NOT_PRESENT)
        SILT_VK_RESULT_CASE(VK_ERROR_EXTENSION_NOT_PRESENT)
        SILT_VK_RESULT_CASE(VK_ERROR_FEATURE_NOT_PRESENT)
        SILT_VK_RESULT_CASE(VK_ERROR_INCOMPATIBLE_DRIVER)
        SILT_VK_RESULT_CASE(VK_ERROR_TOO_MANY_OBJECTS)
        SILT_VK_RESULT_CASE(VK_ERROR_FORMAT_NOT_SUPPORTED)
        SILT_VK_RESULT_CASE(VK_ERROR_FRAGMENTED_POOL)
        SILT_VK_RESULT_CASE(VK_ERROR_UNKNOWN)
        SILT_VK_RESULT_CASE(VK_ERROR_OUT_OF_POOL_MEMORY)
        SILT_VK_RESULT_CASE(VK_ERROR_INVALID_EXTERNAL_HANDLE)
        SILT_VK_RESULT_CASE(VK_ERROR_FRAGMENTATION)
        SILT_VK_RESULT_CASE(VK_ERROR_INVALID_OPAQUE_CAPTURE_ADDRESS)
        SILT_VK_RESULT_CASE(VK_PIPELINE_COMPILE_REQUIRED)
        SILT_VK_RESULT_CASE(VK_ERROR_SURFACE_LOST_KHR)
        SILT_VK_RESULT_CASE(VK_ERROR_NATIVE_WINDOW_IN_USE_KHR)
        SILT_VK_RESULT_CASE(VK_SUBOPTIMAL_KHR)
        SILT_VK_RESULT_CASE(VK_ERROR_OUT_OF_DATE_KHR)
        SILT_VK_RESULT_CASE(VK_ERROR_VALIDATION_FAILED_EXT)
#undef SILT_VK_RESULT_CASE
        default:
            return fmt::format("VkResult {}", int(result));
    }
}

Error vkError(const char* call, VkResult result, const char* file, int line) {
    Error error{fmt::format("Vulkan call {} failed with {} (at {}:{})", call, vkResultName(result),
                            file, line)};
    log::write(log::Level::Error, error.message);
    return error;
}

}  // namespace silt::render
