#pragma once
// The one way Silt calls Vulkan functions that return a VkResult (Magnum's convention):
// SILT_VK(vkCall(...)) evaluates the call and, on anything but VK_SUCCESS, returns an Error
// from the enclosing function (which returns Result<T> or Status) naming the call, the
// source line and the VkResult.

#include <vulkan/vulkan.h>

#include <string>

#include "silt/core/Result.h"

namespace silt::render {

/// "VK_ERROR_OUT_OF_DEVICE_MEMORY" for the enum value (or the number for unknown ones).
[[nodiscard]] std::string vkResultName(VkResult result);

/// The message for a failed call, e.g. "vkCreateDevice(...) failed with VK_ERROR_... at X.cpp:12".
[[nodiscard]] Error vkError(const char* call, VkResult result, const char* file, int line);

}  // namespace silt::render

#define SILT_VK(call)                                                                 \
    do {                                                                              \
        const VkResult siltVkResult_ = (call);                                        \
        if (siltVkResult_ != VK_SUCCESS) [[unlikely]]                                 \
            return ::silt::render::vkError(#call, siltVkResult_, __FILE__, __LINE__); \
    } while (false)
