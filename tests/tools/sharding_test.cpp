// Where a process's shard comes from: the flag, a Slurm job array or a Kubernetes Indexed Job.

#include <gtest/gtest.h>

#include <map>

#include "silt/app/Sharding.h"

namespace silt::app {
namespace {

EnvLookup envOf(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    };
}

TEST(Sharding, FlagWinsOverTheEnvironment) {
    auto shard =
        resolveShard("2/5", std::nullopt,
                     envOf({{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_COUNT", "3"}}));
    ASSERT_TRUE(shard.ok()) << shard.error().message;
    EXPECT_EQ(shard->index, 2u);
    EXPECT_EQ(shard->count, 5u);
    EXPECT_TRUE(shard->owns(7));
    EXPECT_FALSE(shard->owns(8));
}

TEST(Sharding, SlurmArrayOffsetByItsMinimum) {
    auto shard = resolveShard("", std::nullopt,
                              envOf({{"SLURM_ARRAY_TASK_ID", "4"},
                                     {"SLURM_ARRAY_TASK_MIN", "1"},
                                     {"SLURM_ARRAY_TASK_COUNT", "4"}}));
    ASSERT_TRUE(shard.ok()) << shard.error().message;
    EXPECT_EQ(shard->index, 3u);
    EXPECT_EQ(shard->count, 4u);
}

TEST(Sharding, KubernetesIndexNeedsACount) {
    auto missing = resolveShard("", std::nullopt, envOf({{"JOB_COMPLETION_INDEX", "1"}}));
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("SILT_SHARD_COUNT"), std::string::npos);
    auto fromEnv = resolveShard("", std::nullopt,
                                envOf({{"JOB_COMPLETION_INDEX", "1"}, {"SILT_SHARD_COUNT", "3"}}));
    ASSERT_TRUE(fromEnv.ok());
    EXPECT_EQ(fromEnv->index, 1u);
    EXPECT_EQ(fromEnv->count, 3u);
    auto fromFlag = resolveShard("", 2u, envOf({{"JOB_COMPLETION_INDEX", "1"}}));
    ASSERT_TRUE(fromFlag.ok());
    EXPECT_EQ(fromFlag->count, 2u);
}

TEST(Sharding, NothingMeansTheWholeBatch) {
    auto shard = resolveShard("", std::nullopt, envOf({}));
    ASSERT_TRUE(shard.ok());
    EXPECT_TRUE(shard->whole());
    EXPECT_TRUE(shard->owns(12345));
}

TEST(Sharding, BadValuesNameTheirSource) {
    for (const char* flag : {"3/3", "a/2", "1", "1/0", "-1/2"}) {
        auto shard = resolveShard(flag, std::nullopt, envOf({}));
        ASSERT_FALSE(shard.ok()) << flag;
        EXPECT_NE(shard.error().message.find("--shard"), std::string::npos) << flag;
    }
    auto bad = resolveShard("", std::nullopt,
                            envOf({{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "2"}}));
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("SLURM_ARRAY_TASK_ID"), std::string::npos);
    auto outOfRange = resolveShard(
        "", std::nullopt, envOf({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", "2"}}));
    ASSERT_FALSE(outOfRange.ok());
}

}  // namespace
}  // namespace silt::app
