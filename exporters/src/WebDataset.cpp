#include "silt/exporters/WebDataset.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <set>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "silt/core/FileAtomics.h"
#include "silt/core/Hash.h"
#include "silt/exporters/ClipWriter.h"
#include "silt/exporters/Dataset.h"

namespace silt::exporters {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct ArchiveWriteDeleter {
    void operator()(archive* a) const { archive_write_free(a); }
};
struct ArchiveReadDeleter {
    void operator()(archive* a) const { archive_read_free(a); }
};
struct EntryDeleter {
    void operator()(archive_entry* e) const { archive_entry_free(e); }
};

std::string archiveError(archive* a) {
    const char* text = archive_error_string(a);
    return text ? text : "unknown libarchive error";
}

struct Member {
    std::string name;
    std::string bytes;
};

/// The three members of one clip, in the order a sorted tar lists them.
Result<std::vector<Member>> clipMembers(const fs::path& datasetDir, const ClipEntry& clip) {
    auto video = readFile(clipDirectory(datasetDir, clip.name) / "rgb.mp4");
    if (!video) return video.error();
    return std::vector<Member>{{clip.name + ".json", clip.metadataText},
                               {clip.name + ".mp4", std::move(*video)},
                               {clip.name + ".txt", clip.caption}};
}

Status writeTar(const fs::path& path, const fs::path& datasetDir,
                const std::vector<const ClipEntry*>& clips) {
    fs::path tmp = path;
    tmp += fmt::format(".tmp-{}", ::getpid());
    std::unique_ptr<archive, ArchiveWriteDeleter> a(archive_write_new());
    auto fail = [&](const std::string& what) {
        std::error_code ec;
        fs::remove(tmp, ec);
        return Error{fmt::format("{}: {}: {}", path.string(), what, archiveError(a.get()))};
    };
    // ustar: a fixed header per member, nothing derived from the host or the clock.
    if (archive_write_set_format_ustar(a.get()) != ARCHIVE_OK) return fail("cannot set format");
    if (archive_write_open_filename(a.get(), tmp.c_str()) != ARCHIVE_OK)
        return fail("cannot create");
    for (const ClipEntry* clip : clips) {
        auto members = clipMembers(datasetDir, *clip);
        if (!members) {
            std::error_code ec;
            fs::remove(tmp, ec);
            return members.error();
        }
        for (const Member& member : *members) {
            std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
            archive_entry_set_pathname(entry.get(), member.name.c_str());
            archive_entry_set_size(entry.get(), static_cast<la_int64_t>(member.bytes.size()));
            archive_entry_set_filetype(entry.get(), AE_IFREG);
            archive_entry_set_perm(entry.get(), 0644);
            archive_entry_set_mtime(entry.get(), 0, 0);
            archive_entry_set_uid(entry.get(), 0);
            archive_entry_set_gid(entry.get(), 0);
            if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK)
                return fail(fmt::format("cannot add {}", member.name));
            if (archive_write_data(a.get(), member.bytes.data(), member.bytes.size()) !=
                static_cast<la_ssize_t>(member.bytes.size()))
                return fail(fmt::format("cannot write {}", member.name));
        }
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK) return fail("cannot finish");
    a.reset();
    // Flush before the rename, like every other file Silt publishes.
    if (int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
        int rc = ::fsync(fd);
        ::close(fd);
        if (rc != 0) return fail("cannot flush to disk");
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return Error{fmt::format("{}: cannot rename into place: {}", path.string(), ec.message())};
    }
    return {};
}

/// What a shard holds, as a hash: it changes whenever a clip's metadata, caption or video
/// bytes do, or the clip list does.
Result<std::string> contentHash(const fs::path& datasetDir,
                                const std::vector<const ClipEntry*>& clips) {
    std::string summary;
    for (const ClipEntry* clip : clips) {
        auto video = readFile(clipDirectory(datasetDir, clip->name) / "rgb.mp4");
        if (!video) return video.error();
        summary += fmt::format("{}\n{}\n{}\n{}\n", clip->name, hashHex(clip->metadataText),
                               hashHex(clip->caption), hashHex(*video));
    }
    return hashHex(summary);
}

}  // namespace

std::string shardFileName(uint32_t shardIndex) {
    return fmt::format("shard-{:06d}.tar", shardIndex);
}

Status writeWebDatasetShards(const fs::path& datasetDir, const std::vector<ClipEntry>& clips,
                             const ShardDesc& desc) {
    const fs::path shardDir = datasetDir / kShardFolder;
    if (desc.clipsPerShard == 0) {
        // No shards wanted: old ones would list clips that may have changed since.
        std::error_code ec;
        fs::remove_all(shardDir, ec);
        if (ec) return Error{fmt::format("{}: cannot remove: {}", shardDir.string(), ec.message())};
        return {};
    }
    if (Status s = ensureWritableDirectory(shardDir); !s) return s;

    json previous;
    if (auto text = readFile(datasetDir / kShardIndex); text.ok())
        previous = json::parse(*text, nullptr, /*allow_exceptions=*/false);

    json shardList = json::array();
    std::set<std::string> wanted;
    const size_t shardCount = (clips.size() + desc.clipsPerShard - 1) / desc.clipsPerShard;
    for (size_t s = 0; s < shardCount; ++s) {
        std::vector<const ClipEntry*> members;
        json names = json::array();
        for (size_t i = s * desc.clipsPerShard;
             i < std::min(clips.size(), (s + 1) * desc.clipsPerShard); ++i) {
            members.push_back(&clips[i]);
            names.push_back(clips[i].name);
        }
        const std::string file = shardFileName(static_cast<uint32_t>(s));
        wanted.insert(file);
        auto content = contentHash(datasetDir, members);
        if (!content) return content.error();
        json record = {{"url", file},
                       {"nsamples", members.size()},
                       {"clips", names},
                       {"content_hash", *content}};
        bool unchanged = false;
        if (previous.is_object() && previous.contains("shardlist") &&
            previous["shardlist"].is_array() && s < previous["shardlist"].size()) {
            std::error_code ec;
            unchanged = previous["shardlist"][s] == record && fs::exists(shardDir / file, ec);
        }
        if (!unchanged) {
            if (Status st = writeTar(shardDir / file, datasetDir, members); !st) return st;
        }
        shardList.push_back(std::move(record));
    }

    // The index goes first so it never names a shard that is gone; then stale shards go.
    json index = {{"__kind__", "wids-shard-index-v1"},
                  {"wids_version", 1},
                  {"name", "silt"},
                  {"clips_per_shard", desc.clipsPerShard},
                  {"shardlist", shardList}};
    if (Status st = writeFileAtomic(datasetDir / kShardIndex, index.dump(2) + "\n"); !st) return st;
    std::error_code ec;
    std::vector<fs::path> stale;
    for (const fs::directory_entry& entry : fs::directory_iterator(shardDir, ec)) {
        const std::string name = entry.path().filename().string();
        bool ours = (name.starts_with("shard-") && name.ends_with(".tar")) ||
                    name.find(".tmp-") != std::string::npos;
        if (ours && !wanted.contains(name)) stale.push_back(entry.path());
    }
    for (const fs::path& path : stale) fs::remove(path, ec);
    return {};
}

Result<std::vector<TarMember>> readTarMembers(const fs::path& tarPath) {
    std::unique_ptr<archive, ArchiveReadDeleter> a(archive_read_new());
    archive_read_support_format_tar(a.get());
    if (archive_read_open_filename(a.get(), tarPath.c_str(), 1 << 16) != ARCHIVE_OK) {
        return Error{
            fmt::format("{}: cannot open as tar: {}", tarPath.string(), archiveError(a.get()))};
    }
    std::vector<TarMember> members;
    archive_entry* entry = nullptr;
    for (;;) {
        int rc = archive_read_next_header(a.get(), &entry);
        if (rc == ARCHIVE_EOF) break;
        if (rc != ARCHIVE_OK) {
            return Error{fmt::format("{}: bad tar header after {} members: {}", tarPath.string(),
                                     members.size(), archiveError(a.get()))};
        }
        TarMember member;
        member.name = archive_entry_pathname(entry);
        member.size = static_cast<uint64_t>(archive_entry_size(entry));
        member.mtime = archive_entry_mtime(entry);
        member.uid = archive_entry_uid(entry);
        member.gid = archive_entry_gid(entry);
        std::string bytes(member.size, '\0');
        size_t done = 0;
        while (done < bytes.size()) {
            la_ssize_t got = archive_read_data(a.get(), bytes.data() + done, bytes.size() - done);
            if (got <= 0) break;
            done += static_cast<size_t>(got);
        }
        if (done != member.size) {
            return Error{fmt::format("{}: member {} is truncated", tarPath.string(), member.name)};
        }
        member.contentHash = hashHex(bytes);
        members.push_back(std::move(member));
    }
    return members;
}

}  // namespace silt::exporters
