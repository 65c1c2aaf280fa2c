#include "silt/volume/VdbCache.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openvdb/io/File.h>
#include <openvdb/openvdb.h>
#include <unistd.h>

#include <atomic>
#include <system_error>

#include "LevelSetImpl.h"

namespace silt::volume {
namespace {

constexpr const char* kGridName = "surface";

/// fsync()s a file so that the rename below publishes complete bytes even after a crash.
Status syncFile(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Error{fmt::format("{}: cannot open to sync", path.string())};
    const int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return Error{fmt::format("{}: fsync failed", path.string())};
    return {};
}

}  // namespace

VdbCache::VdbCache(std::filesystem::path folder, std::string prefix)
    : mFolder(std::move(folder)), mPrefix(std::move(prefix)) {}

std::filesystem::path VdbCache::framePath(uint32_t frame) const {
    return mFolder / fmt::format("{}.{:05d}.vdb", mPrefix, frame);
}

Status VdbCache::write(const LevelSet& levelSet, uint32_t frame) const {
    ensureOpenVdbInitialized();
    std::error_code ec;
    std::filesystem::create_directories(mFolder, ec);
    if (ec) {
        return Error{fmt::format("{}: cannot create the VDB cache folder: {}", mFolder.string(),
                                 ec.message())};
    }
    const std::filesystem::path finalPath = framePath(frame);
    // Unique per process and call, so concurrent writers never share a temporary file.
    static std::atomic<uint64_t> counter{0};
    const std::filesystem::path tempPath =
        finalPath.string() + fmt::format(".tmp-{}-{}", ::getpid(), counter++);
    try {
        openvdb::FloatGrid::Ptr grid;
        if (levelSet.impl() != nullptr) {
            // A shallow copy shares the tree but lets us name it without touching the caller's.
            grid = openvdb::gridPtrCast<openvdb::FloatGrid>(levelSet.impl()->grid->copyGrid());
        } else {
            grid = openvdb::FloatGrid::create(0.0f);
            grid->setGridClass(openvdb::GRID_LEVEL_SET);
        }
        grid->setName(kGridName);
        openvdb::io::File file(tempPath.string());
        file.write({grid});
        file.close();
    } catch (const std::exception& e) {
        std::filesystem::remove(tempPath, ec);
        return Error{
            fmt::format("{}: writing the VDB frame failed: {}", tempPath.string(), e.what())};
    }
    if (Status synced = syncFile(tempPath); !synced) {
        std::filesystem::remove(tempPath, ec);
        return synced;
    }
    std::filesystem::rename(tempPath, finalPath, ec);
    if (ec) {
        std::filesystem::remove(tempPath, ec);
        return Error{fmt::format("{}: cannot rename the finished VDB frame into place: {}",
                                 finalPath.string(), ec.message())};
    }
    return {};
}

Result<LevelSet> VdbCache::read(const std::filesystem::path& path) {
    ensureOpenVdbInitialized();
    try {
        openvdb::io::File file(path.string());
        file.open();
        if (!file.hasGrid(kGridName)) {
            file.close();
            return Error{
                fmt::format("{}: no grid named \"{}\"; expected a file written by "
                            "silt::volume::VdbCache",
                            path.string(), kGridName)};
        }
        openvdb::GridBase::Ptr base = file.readGrid(kGridName);
        file.close();
        openvdb::FloatGrid::Ptr grid = openvdb::gridPtrCast<openvdb::FloatGrid>(base);
        if (!grid) {
            return Error{fmt::format("{}: grid \"{}\" is a {} grid; expected a float level set",
                                     path.string(), kGridName, base->valueType())};
        }
        return makeLevelSet(std::move(grid));
    } catch (const std::exception& e) {
        return Error{fmt::format("{}: reading the VDB file failed: {}", path.string(), e.what())};
    }
}

}  // namespace silt::volume
