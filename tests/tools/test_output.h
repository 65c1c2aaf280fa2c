#pragma once
// Output folders for the end-to-end tests. CTest runs each test in its own process, possibly
// in parallel, so every folder carries the process id.

#include <unistd.h>

#include <filesystem>
#include <string>

namespace silt::test {

/// An empty folder <build>/test-output/<name>_<pid>.
inline std::filesystem::path freshDir(const std::string& name) {
    std::filesystem::path dir = std::filesystem::path(SILT_BINARY_DIR) / "test-output" /
                                (name + "_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    return dir;
}

}  // namespace silt::test
