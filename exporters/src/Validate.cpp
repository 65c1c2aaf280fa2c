#include "silt/exporters/Validate.h"

#include <cmath>
#include <map>
#include <set>
#include <system_error>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "silt/core/FileAtomics.h"
#include "silt/core/Hash.h"
#include "silt/exporters/ClipWriter.h"
#include "silt/exporters/Dataset.h"
#include "silt/exporters/LabelFiles.h"
#include "silt/exporters/Manifests.h"
#include "silt/exporters/ReviewLog.h"
#include "silt/exporters/VideoDecoder.h"
#include "silt/exporters/WebDataset.h"

namespace silt::exporters {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// File extensions that Hugging Face's videofolder (and most video loaders) take for videos.
const std::set<std::string> kVideoExtensions = {".mp4", ".mkv", ".avi",  ".mov", ".webm",
                                                ".m4v", ".mpg", ".mpeg", ".wmv", ".flv",
                                                ".ogv", ".ts",  ".3gp",  ".gif"};

class Checker {
public:
    explicit Checker(fs::path dir) : mDir(std::move(dir)) {}

    ValidationReport run() {
        std::error_code ec;
        if (!fs::is_directory(mDir, ec)) {
            problem("{}: not a folder", mDir.string());
            return std::move(mReport);
        }
        checkClipFolders();
        for (const auto& [name, facts] : mClips) mAllIndices.insert(facts.index);
        applyReviewSelection();
        checkCard();
        checkManifests();
        checkShards();
        return std::move(mReport);
    }

private:
    template <typename... Args>
    void problem(fmt::format_string<Args...> format, Args&&... args) {
        mReport.problems.push_back(fmt::format(format, std::forward<Args>(args)...));
    }

    std::string rel(std::string_view name) const { return (mDir / name).string(); }

    std::optional<std::string> read(const fs::path& path) {
        auto text = readFile(path);
        if (!text) {
            problem("{}", text.error().message);
            return std::nullopt;
        }
        return std::move(*text);
    }

    std::optional<json> readJson(const fs::path& path) {
        auto text = read(path);
        if (!text) return std::nullopt;
        json value = json::parse(*text, nullptr, /*allow_exceptions=*/false);
        if (value.is_discarded()) {
            problem("{}: not valid JSON", path.string());
            return std::nullopt;
        }
        return value;
    }

    /// Every string in clip.json's "files" (nested objects and arrays allowed) is a path
    /// relative to the clip folder that must exist inside it.
    void checkListedFiles(const fs::path& clipDir, const json& files, const std::string& where) {
        if (files.is_string()) {
            const std::string path = files.get<std::string>();
            fs::path relative(path);
            if (relative.is_absolute() || path.find("..") != std::string::npos) {
                problem("{}: \"files\" entry {} = \"{}\" must be a path inside the clip folder",
                        (clipDir / "clip.json").string(), where, path);
                return;
            }
            std::error_code ec;
            if (!fs::is_regular_file(clipDir / relative, ec)) {
                problem("{}: \"files\" entry {} names \"{}\", which does not exist",
                        (clipDir / "clip.json").string(), where, path);
            }
        } else if (files.is_object()) {
            for (const auto& [key, value] : files.items())
                checkListedFiles(clipDir, value, where + "/" + key);
        } else if (files.is_array()) {
            for (size_t i = 0; i < files.size(); ++i)
                checkListedFiles(clipDir, files[i], fmt::format("{}/{}", where, i));
        }
    }

    /// Label channels are lossless, so their per-frame hashes can be recomputed: ClipWriter
    /// hashes the hex digests of depth, instance (uint32), semantic (uint32), normals and
    /// flow, concatenated in that order.
    void checkLabelHashes(const fs::path& clipDir, const json& meta, int64_t frames) {
        const fs::path metaPath = clipDir / "clip.json";
        const json& hashes = meta.value("label_hashes", json());
        if (hashes.is_null()) return;  // a clip without label channels
        const json& files = meta.value("files", json()).value("labels", json());
        static const char* const kChannels[] = {"depth", "instance", "semantic", "normals", "flow"};
        if (!hashes.is_array() || int64_t(hashes.size()) != frames) {
            problem("{}: expected \"label_hashes\" with one hash per frame ({})", metaPath.string(),
                    frames);
            return;
        }
        for (const char* channel : kChannels) {
            if (!files.is_object() || !files.value(channel, json()).is_array() ||
                int64_t(files[channel].size()) != frames) {
                problem("{}: expected \"files\"/\"labels\"/\"{}\" with one file per frame",
                        metaPath.string(), channel);
                return;
            }
        }
        auto idsHash = [](const ImageU16& ids) {
            ImageU32 wide(ids.width, ids.height);
            for (size_t i = 0; i < ids.values.size(); ++i) wide.values[i] = ids.values[i];
            return hashHex(wide.bytes());
        };
        for (int64_t f = 0; f < frames; ++f) {
            std::string digests;
            for (const char* channel : kChannels) {
                const fs::path path = clipDir / files[channel][f].get<std::string>();
                const bool ids = std::string_view(channel) == "instance" ||
                                 std::string_view(channel) == "semantic";
                if (ids) {
                    auto image = readPng16(path);
                    if (!image) return problem("{}", image.error().message);
                    digests += idsHash(*image);
                } else {
                    auto array = readNpy(path);
                    if (!array) return problem("{}", array.error().message);
                    digests +=
                        hashHex(std::span(reinterpret_cast<const uint8_t*>(array->values.data()),
                                          array->values.size() * sizeof(float)));
                }
            }
            if (hashHex(digests) != hashes[f]) {
                problem("{}: the label files of frame {} do not match label_hashes[{}]",
                        metaPath.string(), f, f);
            }
        }
    }

    void checkClipFolders() {
        std::error_code ec;
        const fs::path clipsDir = mDir / "clips";
        if (!fs::is_directory(clipsDir, ec)) {
            problem("{}: no clips folder", clipsDir.string());
            return;
        }
        for (const fs::directory_entry& entry : fs::directory_iterator(clipsDir, ec)) {
            const std::string name = entry.path().filename().string();
            if (isStagingName(name)) {
                problem(
                    "{}: unfinished clip folder left by an interrupted run (re-run the "
                    "same `silt generate` command to finish and remove it)",
                    entry.path().string());
            } else if (!entry.is_directory(ec) || !fs::exists(entry.path() / "clip.json", ec)) {
                problem("{}: not a complete clip (a clip folder with a clip.json expected)",
                        entry.path().string());
            }
        }
        // readCompleteClips stops at the first bad clip.json; check each one here instead.
        std::map<uint64_t, std::string> byIndex;
        for (const std::string& name : listCompleteClips(mDir)) {
            const fs::path clipDir = clipDirectory(mDir, name);
            const fs::path metaPath = clipDir / "clip.json";
            auto meta = readJson(metaPath);
            if (!meta) continue;
            if (!meta->is_object()) {
                problem("{}: expected a JSON object", metaPath.string());
                continue;
            }
            bool complete = true;
            for (const char* key : {"clip_index", "frames", "fps", "width", "height"}) {
                if (!meta->contains(key) || !(*meta)[key].is_number_unsigned()) {
                    problem("{}: expected a non-negative integer \"{}\"", metaPath.string(), key);
                    complete = false;
                }
            }
            if (!complete) continue;
            const auto frames = (*meta)["frames"].get<int64_t>();
            const auto width = (*meta)["width"].get<uint32_t>();
            const auto height = (*meta)["height"].get<uint32_t>();
            const auto fps = (*meta)["fps"].get<double>();
            const auto index = (*meta)["clip_index"].get<uint64_t>();
            if (auto [it, inserted] = byIndex.emplace(index, name); !inserted) {
                problem("{}: clip_index {} is also the index of {}", metaPath.string(), index,
                        it->second);
            }
            mClips[name] = ClipFacts{index, (*meta)};
            mVideoToClip[trainingVideoPath(name)] = name;

            const json& hashes = meta->value("frame_hashes", json());
            if (!hashes.is_array() || int64_t(hashes.size()) != frames) {
                problem("{}: expected \"frame_hashes\" with one hash per frame ({}), found {}",
                        metaPath.string(), frames, hashes.is_array() ? hashes.size() : 0);
            } else {
                for (size_t i = 0; i < hashes.size(); ++i) {
                    if (!hashes[i].is_string() || hashes[i].get<std::string>().size() != 32 ||
                        hashes[i].get<std::string>().find_first_not_of("0123456789abcdef") !=
                            std::string::npos) {
                        problem("{}: frame_hashes[{}] is not a 32-digit hex hash",
                                metaPath.string(), i);
                        break;
                    }
                }
            }
            const json& files = meta->value("files", json());
            if (!files.is_object() || files.value("rgb", "") != "rgb.mp4") {
                problem("{}: expected \"files\" with \"rgb\": \"rgb.mp4\"", metaPath.string());
            }
            if (files.is_object()) checkListedFiles(clipDir, files, "files");
            checkLabelHashes(clipDir, *meta, frames);

            const fs::path video = clipDir / "rgb.mp4";
            auto info = decodeVideo(video);
            if (!info) {
                problem("{}", info.error().message);
                continue;
            }
            ++mReport.clipsChecked;
            if (info->codec != "h264" || info->pixelFormat != "yuv420p") {
                problem("{}: expected h264 yuv420p, found {} {}", video.string(), info->codec,
                        info->pixelFormat);
            }
            if (info->frameCount != frames) {
                problem("{}: decodes to {} frames, clip.json says {}", video.string(),
                        info->frameCount, frames);
            }
            if (info->width != width || info->height != height) {
                problem("{}: is {}x{}, clip.json says {}x{}", video.string(), info->width,
                        info->height, width, height);
            }
            if (std::abs(info->fps - fps) > 1e-3) {
                problem("{}: runs at {} fps, clip.json says {}", video.string(), info->fps, fps);
            }
        }
    }

    /// A dataset published with --approved-only lists only its accepted clips, with their
    /// edited captions: from here on, those are the clips every list must name.
    void applyReviewSelection() {
        auto text = readFile(mDir / "dataset.json");
        if (!text) return;  // checkCard reports it
        json card = json::parse(*text, nullptr, /*allow_exceptions=*/false);
        if (!card.is_object() || !card.contains("review") || !card["review"].is_object() ||
            card["review"].value("approved_only", false) != true)
            return;
        auto selection = approvedClips(mDir);
        if (!selection) {
            problem("{}", selection.error().message);
            return;
        }
        std::erase_if(mClips, [&](const auto& c) { return !selection->clips.contains(c.first); });
        std::erase_if(mVideoToClip,
                      [&](const auto& v) { return !selection->clips.contains(v.second); });
        mEditedCaptions = std::move(selection->captions);
    }

    void checkCard() {
        const fs::path cardPath = mDir / "dataset.json";
        auto card = readJson(cardPath);
        if (!card) return;
        std::vector<std::string> listed;
        const json& clips = card->value("clips", json());
        if (!clips.is_array()) {
            problem("{}: expected a \"clips\" array", cardPath.string());
        } else {
            for (const json& entry : clips) listed.push_back(entry.value("name", ""));
        }
        compareLists(cardPath.string(), listed, [](const std::string& name) { return name; });

        // Requested clips that are missing (the run was interrupted or a clip failed).
        if (auto requested = card->find("clips_requested");
            requested != card->end() && requested->is_number_unsigned()) {
            uint64_t count = 1, index = 0;
            if (auto shard = card->find("shard"); shard != card->end() && shard->is_object()) {
                count = shard->value("count", uint64_t{1});
                index = shard->value("index", uint64_t{0});
            }
            const std::set<uint64_t>& present = mAllIndices;
            std::vector<uint64_t> missing;
            for (uint64_t i = index; i < requested->get<uint64_t>();
                 i += std::max<uint64_t>(count, 1))
                if (!present.contains(i)) missing.push_back(i);
            if (!missing.empty()) {
                std::string list;
                for (size_t i = 0; i < std::min<size_t>(missing.size(), 10); ++i)
                    list += fmt::format("{}{}", i ? ", " : "", missing[i]);
                problem(
                    "{}: {} of the {} requested clips are missing (clip_index {}{}); re-run "
                    "the same command to finish them",
                    cardPath.string(), missing.size(), requested->get<uint64_t>(), list,
                    missing.size() > 10 ? ", …" : "");
            }
        }
    }

    /// `listed` must name exactly the complete clips, in clip order.
    template <typename ToName>
    void compareLists(const std::string& file, const std::vector<std::string>& listed,
                      ToName toName) {
        std::vector<std::string> expected;
        for (const auto& [name, facts] : mClips) expected.push_back(toName(name));
        std::set<std::string> listedSet(listed.begin(), listed.end());
        std::set<std::string> expectedSet(expected.begin(), expected.end());
        for (const std::string& name : expected)
            if (!listedSet.contains(name)) problem("{}: lacks the complete clip {}", file, name);
        for (const std::string& name : listed)
            if (!expectedSet.contains(name))
                problem("{}: lists {}, which is not a complete clip", file, name);
        if (listedSet.size() != listed.size()) problem("{}: lists a clip twice", file);
        if (listedSet == expectedSet && listed != expected)
            problem("{}: clips are not in clip order", file);
    }

    /// Existence of every file a manifest names, relative to `base`.
    void checkExists(const std::string& file, const fs::path& base, const std::string& path) {
        std::error_code ec;
        if (!fs::is_regular_file(base / path, ec))
            problem("{}: names {}, which does not exist", file, (base / path).string());
    }

    std::string captionOf(const std::string& name) const {
        if (auto it = mEditedCaptions.find(name); it != mEditedCaptions.end()) return it->second;
        return clipCaption(mClips.at(name).meta);
    }

    /// The complete clip whose training video is `path`, or "" for none.
    std::string clipOfVideo(const std::string& path) const {
        auto it = mVideoToClip.find(path);
        return it == mVideoToClip.end() ? std::string() : it->second;
    }

    std::optional<std::vector<std::vector<std::string>>> readCsv(
        std::string_view name, const std::vector<std::string>& header) {
        auto text = read(mDir / name);
        if (!text) return std::nullopt;
        std::vector<std::vector<std::string>> rows;
        if (!parseCsv(*text, &rows)) {
            problem("{}: unterminated quoted field", rel(name));
            return std::nullopt;
        }
        if (rows.empty() || rows[0] != header) {
            problem("{}: expected the header {}", rel(name),
                    fmt::format("{}", fmt::join(header, ",")));
            return std::nullopt;
        }
        rows.erase(rows.begin());
        for (size_t r = 0; r < rows.size(); ++r) {
            if (rows[r].size() != header.size()) {
                problem("{}: row {} has {} fields, expected {}", rel(name), r + 2, rows[r].size(),
                        header.size());
                return std::nullopt;
            }
        }
        return rows;
    }

    void checkCaption(const std::string& file, size_t row, const std::string& clip,
                      const std::string& caption) {
        if (!clip.empty() && caption != captionOf(clip))
            problem("{}: row {} has caption \"{}\", expected \"{}\"", file, row, caption,
                    captionOf(clip));
    }

    void checkManifests() {
        const auto videoName = [](const std::string& name) { return trainingVideoPath(name); };
        // Hugging Face videofolder: file_name relative to videos/.
        if (auto rows = readCsv(kVideoFolderMetadata, {"file_name", "caption"})) {
            std::vector<std::string> listed;
            for (size_t r = 0; r < rows->size(); ++r) {
                const std::string path = std::string(kVideoFolder) + "/" + (*rows)[r][0];
                listed.push_back(path);
                checkExists(rel(kVideoFolderMetadata), mDir, path);
                checkCaption(rel(kVideoFolderMetadata), r + 2, clipOfVideo(path), (*rows)[r][1]);
            }
            compareLists(rel(kVideoFolderMetadata), listed, videoName);
        }
        checkVideoFolderContents();

        // CogVideoX / finetrainers: two line-aligned text files.
        auto videos = read(mDir / kVideosTxt);
        auto prompts = read(mDir / kPromptsTxt);
        if (videos && prompts) {
            auto lines = [](const std::string& text) {
                std::vector<std::string> out;
                size_t start = 0;
                for (size_t at; (at = text.find('\n', start)) != std::string::npos; start = at + 1)
                    out.push_back(text.substr(start, at - start));
                if (start < text.size()) out.push_back(text.substr(start));
                return out;
            };
            std::vector<std::string> videoLines = lines(*videos), promptLines = lines(*prompts);
            if (videoLines.size() != promptLines.size()) {
                problem("{}: {} lines, but {} has {}", rel(kPromptsTxt), promptLines.size(),
                        rel(kVideosTxt), videoLines.size());
            }
            for (size_t i = 0; i < videoLines.size(); ++i) {
                checkExists(rel(kVideosTxt), mDir, videoLines[i]);
                if (i < promptLines.size())
                    checkCaption(rel(kPromptsTxt), i + 1, clipOfVideo(videoLines[i]),
                                 promptLines[i]);
            }
            compareLists(rel(kVideosTxt), videoLines, videoName);
        }

        // Open-Sora.
        if (auto rows = readCsv(kOpenSoraCsv, {"path", "text", "num_frames", "height", "width",
                                               "aspect_ratio", "resolution", "fps"})) {
            std::vector<std::string> listed;
            for (size_t r = 0; r < rows->size(); ++r) {
                const auto& row = (*rows)[r];
                listed.push_back(row[0]);
                checkExists(rel(kOpenSoraCsv), mDir, row[0]);
                const std::string clip = clipOfVideo(row[0]);
                checkCaption(rel(kOpenSoraCsv), r + 2, clip, row[1]);
                if (clip.empty()) continue;
                const json& meta = mClips.at(clip).meta;
                const auto h = meta["height"].get<uint64_t>(), w = meta["width"].get<uint64_t>();
                const std::vector<std::string> expected = {
                    fmt::format("{}", meta["frames"].get<uint64_t>()),
                    fmt::format("{}", h),
                    fmt::format("{}", w),
                    fmt::format("{}", double(h) / double(w)),
                    fmt::format("{}", h * w),
                    fmt::format("{}", meta["fps"].get<uint64_t>())};
                for (size_t c = 0; c < expected.size(); ++c) {
                    if (row[c + 2] != expected[c])
                        problem("{}: row {} column {} is {}, clip.json gives {}", rel(kOpenSoraCsv),
                                r + 2, c + 3, row[c + 2], expected[c]);
                }
            }
            compareLists(rel(kOpenSoraCsv), listed, videoName);
        }

        // LTX-Video trainer / musubi-tuner JSONL.
        if (auto text = read(mDir / kClipsJsonl)) {
            std::vector<std::string> listed;
            size_t line = 0, start = 0;
            for (size_t at; (at = text->find('\n', start)) != std::string::npos; start = at + 1) {
                ++line;
                json row = json::parse(text->substr(start, at - start), nullptr, false);
                if (!row.is_object() || !row.value("video_path", json()).is_string() ||
                    !row.value("caption", json()).is_string() ||
                    row.value("media_path", json()) != row.value("video_path", json())) {
                    problem(
                        "{}: line {}: expected {{\"video_path\", \"media_path\" (the same), "
                        "\"caption\"}}",
                        rel(kClipsJsonl), line);
                    continue;
                }
                const std::string path = row["video_path"];
                listed.push_back(path);
                checkExists(rel(kClipsJsonl), mDir, path);
                checkCaption(rel(kClipsJsonl), line, clipOfVideo(path), row["caption"]);
            }
            if (start < text->size()) problem("{}: last line lacks its newline", rel(kClipsJsonl));
            compareLists(rel(kClipsJsonl), listed, videoName);
        }
    }

    /// videos/ must hold the clips' training videos (same bytes as rgb.mp4) and no other
    /// file a video loader would pick up.
    void checkVideoFolderContents() {
        std::error_code ec;
        const fs::path dir = mDir / kVideoFolder;
        for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir, ec)) {
            const std::string name = entry.path().filename().string();
            std::string ext = entry.path().extension().string();
            for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (!kVideoExtensions.contains(ext)) continue;
            const std::string relative = fs::relative(entry.path(), mDir).generic_string();
            const std::string clip = clipOfVideo(relative);
            if (clip.empty()) {
                problem(
                    "{}: a video that is not a complete clip's training video; a videofolder "
                    "loader would train on it",
                    entry.path().string());
                continue;
            }
            const fs::path source = clipDirectory(mDir, clip) / "rgb.mp4";
            if (!fs::equivalent(entry.path(), source, ec)) {
                auto a = readFile(entry.path()), b = readFile(source);
                if (!a || !b || *a != *b)
                    problem("{}: differs from {}", entry.path().string(), source.string());
            }
        }
    }

    void checkShards() {
        std::error_code ec;
        if (!fs::exists(mDir / kShardFolder, ec)) return;  // made with --clips-per-tar 0
        auto index = readJson(mDir / kShardIndex);
        if (!index) return;
        const json& list = index->value("shardlist", json());
        if (!list.is_array()) {
            problem("{}: expected a \"shardlist\" array", rel(kShardIndex));
            return;
        }
        std::vector<std::string> keys;
        for (const json& shard : list) {
            const std::string url = shard.value("url", "");
            const fs::path path = mDir / kShardFolder / url;
            auto members = readTarMembers(path);
            if (!members) {
                problem("{}", members.error().message);
                continue;
            }
            if (members->size() != 3 * shard.value("nsamples", size_t{0}))
                problem("{}: {} members, index.json says {} samples", path.string(),
                        members->size(), shard.value("nsamples", size_t{0}));
            for (size_t i = 0; i < members->size(); ++i) {
                const TarMember& m = (*members)[i];
                if (i > 0 && !((*members)[i - 1].name < m.name))
                    problem("{}: members are not sorted at {}", path.string(), m.name);
                if (m.mtime != 0 || m.uid != 0 || m.gid != 0)
                    problem("{}: {} has mtime {} uid {} gid {}, expected all 0", path.string(),
                            m.name, m.mtime, m.uid, m.gid);
            }
            for (size_t i = 0; i < members->size(); i += 3) {
                const std::string key = fs::path((*members)[i].name).stem().string();
                const char* const exts[] = {".json", ".mp4", ".txt"};
                bool complete = i + 2 < members->size();
                for (size_t k = 0; complete && k < 3; ++k)
                    complete = (*members)[i + k].name == key + exts[k];
                if (!complete) {
                    problem("{}: sample {} lacks one of .json, .mp4, .txt", path.string(), key);
                    break;
                }
                keys.push_back(key);
                if (!mClips.contains(key)) continue;
                auto meta = readFile(clipDirectory(mDir, key) / "clip.json");
                auto video = readFile(clipDirectory(mDir, key) / "rgb.mp4");
                if (meta && hashHex(*meta) != (*members)[i].contentHash)
                    problem("{}: {}.json differs from clips/{}/clip.json", path.string(), key, key);
                if (video && hashHex(*video) != (*members)[i + 1].contentHash)
                    problem("{}: {}.mp4 differs from clips/{}/rgb.mp4", path.string(), key, key);
                if (hashHex(captionOf(key)) != (*members)[i + 2].contentHash)
                    problem("{}: {}.txt is not the clip's caption", path.string(), key);
            }
        }
        compareLists(rel(kShardIndex) + " (shards)", keys, [](const std::string& n) { return n; });
    }

    struct ClipFacts {
        uint64_t index = 0;
        json meta;
    };

    fs::path mDir;
    ValidationReport mReport;
    std::map<std::string, ClipFacts> mClips;          ///< complete clips with a usable clip.json
    std::map<std::string, std::string> mVideoToClip;  ///< training video path → clip name
    std::set<uint64_t> mAllIndices;  ///< clip_index of every complete clip, published or not
    std::map<std::string, std::string> mEditedCaptions;  ///< reviewers' captions (approved-only)
};

}  // namespace

bool parseCsv(const std::string& text, std::vector<std::vector<std::string>>* rows) {
    rows->clear();
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
            continue;
        }
        any = true;
        if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            row.push_back(std::move(field));
            field.clear();
            rows->push_back(std::move(row));
            row.clear();
            any = false;
        } else {
            field += c;
        }
    }
    if (quoted) return false;
    if (any) {
        row.push_back(std::move(field));
        rows->push_back(std::move(row));
    }
    return true;
}

ValidationReport validateDataset(const fs::path& datasetDir) {
    return Checker(datasetDir).run();
}

}  // namespace silt::exporters
