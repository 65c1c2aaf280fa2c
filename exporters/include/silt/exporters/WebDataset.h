#pragma once
// WebDataset tar shards: shards/shard-000000.tar … each holding, per clip and in key order,
// {key}.json (clip.json as committed), {key}.mp4 (rgb.mp4) and {key}.txt (the caption,
// UTF-8, no trailing newline). The key is the clip folder name. Tar members carry fixed
// metadata (mtime 0, uid/gid 0, no user names, mode 0644), so the same clips give the same
// bytes on every machine. shards/index.json lists the shards in the `wids` shard-index
// format (shardlist of {url, nsamples}) plus, per shard, the clips in it and a content hash
// that lets a re-run skip rewriting shards whose clips did not change.
//
// Written through libarchive; libarchive types stay in the .cpp. Each shard is written under
// a temporary name and renamed into place.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "silt/core/Result.h"
#include "silt/exporters/Manifests.h"

namespace silt::exporters {

inline constexpr std::string_view kShardFolder = "shards";
inline constexpr std::string_view kShardIndex = "shards/index.json";

struct ShardDesc {
    /// Clips in every shard but the last; 0 = no WebDataset shards (shards/ is removed; the
    /// tars hold a second copy of every video).
    uint32_t clipsPerShard = 256;
};

/// "shard-000042.tar"
[[nodiscard]] std::string shardFileName(uint32_t shardIndex);

/// Writes the shards for `clips` (in their order; readCompleteClips sorts them), removes
/// shards beyond the last one, then writes shards/index.json. Errors name the shard file.
/// With desc.clipsPerShard == 0, removes shards/ instead.
[[nodiscard]] Status writeWebDatasetShards(const std::filesystem::path& datasetDir,
                                           const std::vector<ClipEntry>& clips,
                                           const ShardDesc& desc = {});

/// One member of a tar file as read back: its name, header facts and content hash.
struct TarMember {
    std::string name;
    uint64_t size = 0;
    int64_t mtime = 0;
    int64_t uid = 0, gid = 0;
    std::string contentHash;  ///< hashHex of the member's bytes
};

/// Reads every member of a tar file (libarchive), in archive order.
[[nodiscard]] Result<std::vector<TarMember>> readTarMembers(const std::filesystem::path& tarPath);

}  // namespace silt::exporters
