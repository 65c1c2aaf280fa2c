#include "silt/exporters/Manifests.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "silt/core/FileAtomics.h"
#include "silt/exporters/ClipWriter.h"
#include "silt/exporters/Dataset.h"

namespace silt::exporters {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string numberWord(size_t n) {
    static const char* const kWords[] = {"zero", "one",   "two",   "three", "four", "five",
                                         "six",  "seven", "eight", "nine",  "ten"};
    return n < std::size(kWords) ? kWords[n] : fmt::format("{}", n);
}

std::string withArticle(const std::string& noun) {
    if (noun.empty()) return noun;
    bool vowel = std::string_view("aeiou").find(noun[0]) != std::string_view::npos;
    return (vowel ? "an " : "a ") + noun;
}

std::string plural(const std::string& noun) {
    if (noun.empty()) return noun;
    if (noun.back() == 's' || noun.back() == 'x' || noun.ends_with("sh") || noun.ends_with("ch"))
        return noun + "es";
    return noun + "s";
}

std::string joinList(const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += (i + 1 == items.size()) ? " and " : ", ";
        out += items[i];
    }
    return out;
}

template <typename T>
Result<T> requireNumber(const json& meta, const char* key, const fs::path& file) {
    auto it = meta.find(key);
    if (it == meta.end() || !it->is_number_unsigned()) {
        return Error{fmt::format("{}: expected a non-negative integer \"{}\"", file.string(), key)};
    }
    return it->get<T>();
}

/// True when `a` and `b` name the same file, or two files with the same bytes.
bool sameContent(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    if (fs::equivalent(a, b, ec)) return true;
    if (fs::file_size(a, ec) != fs::file_size(b, ec) || ec) return false;
    auto ta = readFile(a), tb = readFile(b);
    return ta.ok() && tb.ok() && *ta == *tb;
}

/// Puts `source` at `target` by a hard link (a copy where the filesystem refuses), through a
/// temporary name so `target` is never a partial file.
Status placeLink(const fs::path& source, const fs::path& target) {
    fs::path tmp = target;
    tmp += fmt::format(".tmp-{}", ::getpid());
    std::error_code ec;
    fs::remove(tmp, ec);
    if (::link(source.c_str(), tmp.c_str()) != 0) {
        fs::copy_file(source, tmp, fs::copy_options::overwrite_existing, ec);
        if (ec) {
            fs::remove(tmp, ec);
            return Error{fmt::format("{}: cannot link or copy {}: {}", target.string(),
                                     source.string(), ec.message())};
        }
    }
    if (::rename(tmp.c_str(), target.c_str()) != 0) {
        std::string why = std::strerror(errno);
        fs::remove(tmp, ec);
        return Error{fmt::format("{}: cannot rename into place: {}", target.string(), why)};
    }
    return {};
}

}  // namespace

std::string clipCaption(const json& meta) {
    if (auto it = meta.find("caption"); it != meta.end() && it->is_string()) {
        std::string caption = oneLine(it->get<std::string>());
        if (!caption.empty()) return caption;
    }
    // Count objects by asset name, in name order so the sentence is deterministic.
    std::map<std::string, size_t> counts;
    size_t total = 0;
    if (auto objects = meta.find("objects"); objects != meta.end() && objects->is_array()) {
        for (const json& object : *objects) {
            std::string name = "object";
            if (auto asset = object.find("asset"); asset != object.end() && asset->is_string())
                name = asset->get<std::string>();
            std::replace(name.begin(), name.end(), '_', ' ');
            ++counts[name];
            ++total;
        }
    }
    if (total == 0) return "An empty ground under a clear sky.";
    std::vector<std::string> parts;
    for (const auto& [name, count] : counts)
        parts.push_back(count == 1 ? withArticle(name) : numberWord(count) + " " + plural(name));
    std::string subject = joinList(parts);
    subject[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(subject[0])));
    std::string camera = "a static camera";
    if (auto cam = meta.find("camera"); cam != meta.end() && cam->is_object()) {
        if (auto path = cam->find("path");
            path != cam->end() && path->is_string() && *path != "static") {
            camera = fmt::format("a {} camera", path->get<std::string>());
        }
    }
    return oneLine(fmt::format("{} {} onto the ground and {} to rest, seen from {}.", subject,
                                  total == 1 ? "falls" : "fall", total == 1 ? "comes" : "come",
                                  camera));
}

std::string trainingVideoPath(const std::string& clipName) {
    return fmt::format("{}/{}.mp4", kVideoFolder, clipName);
}

Result<std::vector<ClipEntry>> readCompleteClips(const fs::path& datasetDir) {
    std::vector<ClipEntry> entries;
    for (const std::string& name : listCompleteClips(datasetDir)) {
        const fs::path file = clipDirectory(datasetDir, name) / "clip.json";
        auto text = readFile(file);
        if (!text) return text.error();
        json meta = json::parse(*text, nullptr, /*allow_exceptions=*/false);
        if (meta.is_discarded() || !meta.is_object())
            return Error{fmt::format("{}: expected a JSON object", file.string())};
        ClipEntry entry;
        entry.name = name;
        entry.caption = clipCaption(meta);
        auto index = requireNumber<uint64_t>(meta, "clip_index", file);
        auto frames = requireNumber<uint32_t>(meta, "frames", file);
        auto width = requireNumber<uint32_t>(meta, "width", file);
        auto height = requireNumber<uint32_t>(meta, "height", file);
        auto fps = requireNumber<uint32_t>(meta, "fps", file);
        for (const Error* error :
             {index.ok() ? nullptr : &index.error(), frames.ok() ? nullptr : &frames.error(),
              width.ok() ? nullptr : &width.error(), height.ok() ? nullptr : &height.error(),
              fps.ok() ? nullptr : &fps.error()}) {
            if (error) return *error;
        }
        entry.clipIndex = *index;
        entry.frames = *frames;
        entry.width = *width;
        entry.height = *height;
        entry.fps = *fps;
        entry.metadataText = std::move(*text);
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::string oneLine(std::string text) {
    for (char& c : text) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    const size_t first = text.find_first_not_of(' ');
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

std::string csvField(std::string_view text) {
    bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
                 (!text.empty() && (text.front() == ' ' || text.back() == ' '));
    if (!quote) return std::string(text);
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

Status writeManifests(const fs::path& datasetDir, const std::vector<ClipEntry>& clips) {
    const fs::path videoDir = datasetDir / kVideoFolder;
    if (Status s = ensureWritableDirectory(videoDir); !s) return s;

    // 1. Training videos first, so no manifest ever names a file that is not there yet.
    for (const ClipEntry& clip : clips) {
        const fs::path source = clipDirectory(datasetDir, clip.name) / "rgb.mp4";
        const fs::path target = datasetDir / trainingVideoPath(clip.name);
        std::error_code ec;
        if (fs::exists(target, ec) && sameContent(source, target)) continue;
        if (Status s = placeLink(source, target); !s) return s;
    }

    // 2. The manifests, each atomically. Lines end with "\n" (CSV readers accept it).
    std::string videofolder = "file_name,caption\n";
    std::string videosTxt, promptsTxt, jsonl;
    std::string openSora = "path,text,num_frames,height,width,aspect_ratio,resolution,fps\n";
    for (const ClipEntry& clip : clips) {
        const std::string path = trainingVideoPath(clip.name);
        videofolder += fmt::format("{},{}\n", csvField(clip.name + ".mp4"), csvField(clip.caption));
        videosTxt += path + "\n";
        promptsTxt += clip.caption + "\n";
        // Open-Sora's own tools record aspect_ratio as height / width and resolution as
        // height * width (pixels).
        openSora += fmt::format("{},{},{},{},{},{},{},{}\n", csvField(path), csvField(clip.caption),
                                clip.frames, clip.height, clip.width,
                                double(clip.height) / double(clip.width),
                                uint64_t{clip.height} * clip.width, clip.fps);
        jsonl +=
            json{{"video_path", path}, {"media_path", path}, {"caption", clip.caption}}.dump() +
            "\n";
    }
    const std::pair<std::string_view, const std::string*> files[] = {
        {kVideoFolderMetadata, &videofolder},
        {kVideosTxt, &videosTxt},
        {kPromptsTxt, &promptsTxt},
        {kOpenSoraCsv, &openSora},
        {kClipsJsonl, &jsonl}};
    for (const auto& [name, text] : files) {
        if (Status s = writeFileAtomic(datasetDir / name, *text); !s) return s;
    }

    // 3. Videos of clips that are gone (and temporaries of killed runs) go last.
    std::set<std::string> wanted;
    for (const ClipEntry& clip : clips) wanted.insert(clip.name + ".mp4");
    std::vector<fs::path> stale;
    std::error_code ec;
    for (const fs::directory_entry& entry : fs::directory_iterator(videoDir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name == "metadata.csv") continue;
        bool ours = name.ends_with(".mp4") || name.find(".tmp-") != std::string::npos;
        if (ours && !wanted.contains(name)) stale.push_back(entry.path());
    }
    for (const fs::path& path : stale) fs::remove(path, ec);
    return {};
}

}  // namespace silt::exporters
