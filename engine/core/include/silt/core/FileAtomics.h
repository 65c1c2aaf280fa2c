#pragma once
// Atomic output: files and folders appear complete or not at all. Writers produce data
// under a temporary name in the destination's folder (same filesystem) and rename it into
// place, so a process killed at any moment leaves no half-written result under the final name.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "silt/core/Result.h"

namespace silt {

/// Writes `bytes` to a temporary sibling of `path`, fsyncs and renames it over `path`.
Status writeFileAtomic(const std::filesystem::path& path, std::span<const uint8_t> bytes);
Status writeFileAtomic(const std::filesystem::path& path, std::string_view text);

/// Reads a whole file; the error names the file.
Result<std::string> readFile(const std::filesystem::path& path);

/// Creates `dir` (and parents) and checks that a file can be created in it.
Status ensureWritableDirectory(const std::filesystem::path& dir);

/// A folder built under a temporary name ("<final>.partial-<tag>") and renamed to its final
/// name by commit(). If destroyed uncommitted, the temporary folder is removed.
class StagingDirectory {
public:
    StagingDirectory(std::filesystem::path finalPath, std::string_view tag);
    ~StagingDirectory();
    StagingDirectory(const StagingDirectory&) = delete;
    StagingDirectory& operator=(const StagingDirectory&) = delete;

    [[nodiscard]] Status create();
    [[nodiscard]] const std::filesystem::path& path() const { return mStagingPath; }
    [[nodiscard]] const std::filesystem::path& finalPath() const { return mFinalPath; }
    /// Renames the staging folder to its final name, replacing an older folder of that name.
    [[nodiscard]] Status commit();

private:
    std::filesystem::path mFinalPath;
    std::filesystem::path mStagingPath;
    bool mCommitted = false;
};

/// True for names that StagingDirectory uses for unfinished folders.
bool isStagingName(std::string_view name);

}  // namespace silt
