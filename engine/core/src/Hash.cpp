#include "silt/core/Hash.h"

#include <fmt/format.h>
#include <xxhash.h>

namespace silt {

std::string hashHex(std::span<const uint8_t> bytes) {
    XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
    return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

std::string hashHex(std::string_view text) {
    return hashHex(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

uint64_t hash64(std::span<const uint8_t> bytes) {
    return XXH3_64bits(bytes.data(), bytes.size());
}

}  // namespace silt
