#include "silt/app/Sharding.h"

#include <charconv>
#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

namespace silt::app {
namespace {

std::optional<uint64_t> parseUint(std::string_view text) {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

Result<ShardSpec> make(uint64_t index, uint64_t count, const std::string& source) {
    if (count < 1 || count > 1'000'000)
        return Error{fmt::format("{}: shard count {}: expected 1 … 1000000", source, count)};
    if (index >= count)
        return Error{fmt::format("{}: shard index {} is not below the shard count {}", source,
                                 index, count)};
    return ShardSpec{uint32_t(index), uint32_t(count), source};
}

Result<uint64_t> envUint(const EnvLookup& env, const char* name) {
    const char* text = env(name);
    auto value = text ? parseUint(text) : std::nullopt;
    if (!value)
        return Error{
            fmt::format("{}=\"{}\": expected a non-negative integer", name, text ? text : "")};
    return *value;
}

}  // namespace

const char* processEnv(const char* name) {
    return std::getenv(name);
}

Result<ShardSpec> resolveShard(const std::string& shardFlag, std::optional<uint32_t> countFlag,
                               const EnvLookup& env) {
    if (!shardFlag.empty()) {
        const size_t slash = shardFlag.find('/');
        auto index = parseUint(std::string_view(shardFlag).substr(0, slash));
        auto count = slash == std::string::npos
                         ? std::nullopt
                         : parseUint(std::string_view(shardFlag).substr(slash + 1));
        if (!index || !count)
            return Error{fmt::format("--shard {}: expected INDEX/COUNT, e.g. 0/4", shardFlag)};
        return make(*index, *count, "--shard");
    }
    if (env("SLURM_ARRAY_TASK_ID")) {
        auto id = envUint(env, "SLURM_ARRAY_TASK_ID");
        if (!id) return id.error();
        if (!env("SLURM_ARRAY_TASK_COUNT"))
            return Error{"SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not"};
        auto count = envUint(env, "SLURM_ARRAY_TASK_COUNT");
        if (!count) return count.error();
        // An array may start anywhere (--array=1-4): task ids are offset by the minimum.
        uint64_t min = 0;
        if (env("SLURM_ARRAY_TASK_MIN")) {
            auto value = envUint(env, "SLURM_ARRAY_TASK_MIN");
            if (!value) return value.error();
            min = *value;
        }
        if (*id < min)
            return Error{
                fmt::format("SLURM_ARRAY_TASK_ID={} is below SLURM_ARRAY_TASK_MIN={}", *id, min)};
        return make(*id - min, *count, "Slurm job array");
    }
    if (env("JOB_COMPLETION_INDEX")) {
        auto index = envUint(env, "JOB_COMPLETION_INDEX");
        if (!index) return index.error();
        uint64_t count = 0;
        if (countFlag) {
            count = *countFlag;
        } else if (env("SILT_SHARD_COUNT")) {
            auto value = envUint(env, "SILT_SHARD_COUNT");
            if (!value) return value.error();
            count = *value;
        } else {
            return Error{
                "JOB_COMPLETION_INDEX is set (Kubernetes Indexed Job) but the shard count is "
                "not: pass --shard-count N or set SILT_SHARD_COUNT to the Job's completions"};
        }
        return make(*index, count, "Kubernetes Indexed Job");
    }
    if (countFlag && *countFlag != 1)
        return Error{"--shard-count needs JOB_COMPLETION_INDEX (or use --shard INDEX/COUNT)"};
    return ShardSpec{};
}

}  // namespace silt::app
