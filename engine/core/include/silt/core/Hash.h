#pragma once
// Content hashes (XXH3-128) for frame hashes and asset cache keys. Stable across
// platforms and versions of xxhash, printed as 32 lowercase hex digits.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace silt {

std::string hashHex(std::span<const uint8_t> bytes);
std::string hashHex(std::string_view text);
uint64_t hash64(std::span<const uint8_t> bytes);

}  // namespace silt
