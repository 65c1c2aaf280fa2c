#pragma once
// Helpers for tests that drive the `silt` executable on whole datasets: run a command with
// its output captured, and compare two dataset folders byte for byte.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include <fmt/format.h>

#include "silt/core/FileAtomics.h"
#include "silt/core/Hash.h"

namespace silt::test {
namespace fs = std::filesystem;

/// A folder for this test process (CTest runs tests in parallel processes).
inline fs::path outputRoot(const std::string& prefix) {
    return fs::path(SILT_BINARY_DIR) / "test-output" / (prefix + "_" + std::to_string(getpid()));
}

struct CommandResult {
    int exitCode = -1;
    std::string out, err;
};

/// Runs a shell command, capturing stdout and stderr through files under `scratch`.
inline CommandResult runCommand(const std::string& command, const fs::path& scratch) {
    fs::create_directories(scratch);
    const fs::path outFile = scratch / "stdout.txt", errFile = scratch / "stderr.txt";
    int status = std::system(
        fmt::format("{} >{} 2>{}", command, outFile.string(), errFile.string()).c_str());
    return CommandResult{WIFEXITED(status) ? WEXITSTATUS(status) : -1, *silt::readFile(outFile),
                         *silt::readFile(errFile)};
}

inline std::string siltBinary() {
    return fmt::format("{}/bin/silt", SILT_BINARY_DIR);
}

/// Every file under `dir`: relative path → content hash.
inline std::map<std::string, std::string> fileTree(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        files[fs::relative(entry.path(), dir).generic_string()] =
            silt::hashHex(*silt::readFile(entry.path()));
    }
    return files;
}

/// The same files with the same bytes: clips, card, manifests, training videos, tar shards.
inline void expectSameTree(const fs::path& expected, const fs::path& actual) {
    auto a = fileTree(expected), b = fileTree(actual);
    ASSERT_FALSE(a.empty()) << expected << " is empty";
    for (const auto& [path, hash] : a) {
        auto it = b.find(path);
        if (it == b.end()) {
            ADD_FAILURE() << actual << " lacks " << path;
        } else {
            EXPECT_EQ(hash, it->second)
                << path << " differs between " << expected << " and " << actual;
        }
    }
    for (const auto& [path, hash] : b)
        if (!a.contains(path)) ADD_FAILURE() << actual << " has an extra " << path;
}

}  // namespace silt::test
