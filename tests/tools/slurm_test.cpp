// Scale-out end to end: a private single-node Slurm runs tools/slurm/generate-array.sh as a
// 4-task job array, `silt merge` combines the shards, and the result must be byte-identical
// (clip metadata with its frame hashes, videos, card, manifests, tar shards) to one machine
// generating the same batch. CTest label "slurm"; needs root, slurm-wlm and munge.

#include <gtest/gtest.h>

#include "DatasetCompare.h"

namespace {
namespace fs = std::filesystem;
using silt::test::runCommand;

TEST(SlurmJobArray, FourTasksMergedEqualOneMachine) {
    const fs::path root = silt::test::outputRoot("slurm");
    fs::remove_all(root);
    const std::string clipArgs = "--frames 6 --width 64 --height 64";

    const fs::path reference = root / "one_machine";
    auto single = runCommand(fmt::format("{} generate --clips 8 --seed 9 --clips-per-tar 3 {} "
                                         "--out {}",
                                         silt::test::siltBinary(), clipArgs, reference.string()),
                             root);
    ASSERT_EQ(single.exitCode, 0) << single.err;

    const fs::path work = root / "cluster";
    auto cluster = runCommand(
        fmt::format("{}/tests/tools/slurm_array_e2e.sh {} {} {} 8 9 3 {}", SILT_SOURCE_DIR,
                    silt::test::siltBinary(), SILT_SOURCE_DIR, work.string(), clipArgs),
        root);
    if (cluster.exitCode == 77) {
        GTEST_SKIP() << "no private Slurm here: " << cluster.out
                     << "(install slurm-wlm and munge with tools/install-deps.sh, run as root)";
    }
    ASSERT_EQ(cluster.exitCode, 0) << cluster.out << cluster.err;
    for (int task = 0; task < 4; ++task) {
        auto log = silt::readFile(work / "log" / fmt::format("task-{}.log", task));
        ASSERT_TRUE(log.ok());
        EXPECT_NE(
            log->find(fmt::format("shard {}/4 (from Slurm job array): 2 of the 8 clips", task)),
            std::string::npos)
            << *log;
    }
    silt::test::expectSameTree(reference, work / "out" / "dataset");
    auto validate = runCommand(fmt::format("{} validate {}", silt::test::siltBinary(),
                                           (work / "out" / "dataset").string()),
                               root);
    EXPECT_EQ(validate.exitCode, 0) << validate.err;
    fs::remove_all(root);
}

}  // namespace
