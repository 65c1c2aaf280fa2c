#pragma once
// Which part of a batch this process generates. Clip i belongs to shard i mod count, so
// shards are balanced and clip i's content (a pure function of seed and i) never depends on
// how the batch is split. The split comes from `--shard I/N`, else from a Slurm job array
// (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN), else from a
// Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with the count from --shard-count or
// SILT_SHARD_COUNT), else the whole batch.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "silt/core/Result.h"

namespace silt::app {

struct ShardSpec {
    uint32_t index = 0;  ///< 0 … count-1
    uint32_t count = 1;  ///< 1 = the whole batch
    std::string source;  ///< where it came from, for the progress line ("--shard", "Slurm" …)

    [[nodiscard]] bool owns(uint64_t clipIndex) const { return clipIndex % count == index; }
    [[nodiscard]] bool whole() const { return count == 1; }
};

/// Reads an environment variable; null when unset. Injected so tests need not touch the
/// process environment.
using EnvLookup = std::function<const char*(const char*)>;

/// Resolves the shard from the flags (`shardFlag` "I/N" or empty; `countFlag` for Indexed
/// Jobs) and the environment. Errors name the flag or variable and what was expected.
[[nodiscard]] Result<ShardSpec> resolveShard(const std::string& shardFlag,
                                             std::optional<uint32_t> countFlag,
                                             const EnvLookup& env);

/// The process environment, for resolveShard.
const char* processEnv(const char* name);

}  // namespace silt::app
