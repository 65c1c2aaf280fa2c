#include "silt/core/FileAtomics.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace silt {
namespace fs = std::filesystem;

namespace {
constexpr std::string_view kStagingMarker = ".partial-";

std::string errnoText() {
    return std::strerror(errno);
}

Status writeAll(int fd, const uint8_t* data, size_t size, const fs::path& path) {
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            return Error{fmt::format("{}: cannot write: {}", path.string(), errnoText())};
        }
        data += n;
        size -= static_cast<size_t>(n);
    }
    return {};
}
}  // namespace

Status writeFileAtomic(const fs::path& path, std::span<const uint8_t> bytes) {
    fs::path tmp = path;
    tmp += fmt::format(".tmp-{}", ::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        return Error{fmt::format("{}: cannot create file: {}", path.string(), errnoText())};
    }
    Status written = writeAll(fd, bytes.data(), bytes.size(), path);
    if (written && ::fsync(fd) != 0) {
        written = Error{fmt::format("{}: cannot flush to disk: {}", path.string(), errnoText())};
    }
    ::close(fd);
    if (!written) {
        ::unlink(tmp.c_str());
        return written;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        std::string why = errnoText();
        ::unlink(tmp.c_str());
        return Error{fmt::format("{}: cannot rename into place: {}", path.string(), why)};
    }
    return {};
}

Status writeFileAtomic(const fs::path& path, std::string_view text) {
    return writeFileAtomic(path,
                           std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

Result<std::string> readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::error_code ec;
        if (!fs::exists(path, ec)) return Error{fmt::format("{}: file not found", path.string())};
        return Error{fmt::format("{}: cannot open for reading", path.string())};
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) return Error{fmt::format("{}: read error", path.string())};
    return buffer.str();
}

Status ensureWritableDirectory(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        return Error{
            fmt::format("{}: cannot create output folder: {}", dir.string(), ec.message())};
    }
    if (!fs::is_directory(dir, ec)) {
        return Error{fmt::format("{}: output path exists and is not a folder", dir.string())};
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        return Error{
            fmt::format("{}: output folder is not writable: {}", dir.string(), errnoText())};
    }
    return {};
}

StagingDirectory::StagingDirectory(fs::path finalPath, std::string_view tag)
    : mFinalPath(std::move(finalPath)) {
    mStagingPath = mFinalPath;
    mStagingPath += fmt::format("{}{}", kStagingMarker, tag);
}

StagingDirectory::~StagingDirectory() {
    if (!mCommitted) {
        std::error_code ec;
        fs::remove_all(mStagingPath, ec);
    }
}

Status StagingDirectory::create() {
    std::error_code ec;
    fs::remove_all(mStagingPath, ec);  // leftovers of a killed run with the same tag
    fs::create_directories(mStagingPath, ec);
    if (ec) {
        return Error{
            fmt::format("{}: cannot create folder: {}", mStagingPath.string(), ec.message())};
    }
    return {};
}

Status StagingDirectory::commit() {
    std::error_code ec;
    if (fs::exists(mFinalPath, ec)) fs::remove_all(mFinalPath, ec);
    if (::rename(mStagingPath.c_str(), mFinalPath.c_str()) != 0) {
        return Error{
            fmt::format("{}: cannot rename into place: {}", mFinalPath.string(), errnoText())};
    }
    mCommitted = true;
    // Make the rename durable: fsync the parent folder.
    int dirFd = ::open(mFinalPath.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
    return {};
}

bool isStagingName(std::string_view name) {
    return name.find(kStagingMarker) != std::string_view::npos;
}

}  // namespace silt
