#include "silt/review/ReviewServer.h"

#include <httplib.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "ReviewWeb.h"  // generated from tools/review/web/ at build time
#include "silt/core/FileAtomics.h"
#include "silt/exporters/Dataset.h"
#include "silt/exporters/LabelColours.h"
#include "silt/exporters/Manifests.h"
#include "silt/exporters/ReviewLog.h"

namespace silt::review {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kLabelChannels[] = {"depth", "instance", "semantic", "normals", "flow"};

/// What the page needs about one complete clip; clip folders do not change once committed.
struct ClipInfo {
    std::string name;
    json summary;     ///< template, size, frames, own caption, checks, label channels
    json labelFiles;  ///< clip.json "files"/"labels", or null
};

void sendJson(httplib::Response& res, const json& value, int status = 200) {
    res.status = status;
    res.set_header("Cache-Control", "no-store");
    res.set_content(value.dump(), "application/json");
}

void sendError(httplib::Response& res, int status, const std::string& message) {
    sendJson(res, json{{"error", message}}, status);
}

std::string contentType(const fs::path& path) {
    static const std::map<std::string, std::string> kTypes = {{".mp4", "video/mp4"},
                                                              {".mkv", "video/x-matroska"},
                                                              {".json", "application/json"},
                                                              {".png", "image/png"},
                                                              {".txt", "text/plain; charset=utf-8"},
                                                              {".npy", "application/octet-stream"},
                                                              {".ply", "application/octet-stream"}};
    auto it = kTypes.find(path.extension().string());
    return it == kTypes.end() ? "application/octet-stream" : it->second;
}

/// True when `path` is `dir` or inside it (both canonical).
bool isInside(const fs::path& path, const fs::path& dir) {
    auto [dirEnd, pathIt] = std::mismatch(dir.begin(), dir.end(), path.begin(), path.end());
    return dirEnd == dir.end();
}

bool isLoopback(const std::string& host) {
    return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

}  // namespace

struct ReviewServer::Impl {
    ReviewServerDesc desc;
    fs::path datasetDir;  ///< canonical
    httplib::Server server;
    int port = 0;
    std::mutex mutex;  ///< guards everything below
    std::optional<exporters::ReviewLog> log;
    std::map<std::string, ClipInfo> clips;  ///< complete clips seen so far, by name

    /// Adds clips committed since the last call (a batch may still be running).
    void refreshClips() {
        for (const std::string& name : exporters::listCompleteClips(datasetDir)) {
            if (clips.contains(name)) continue;
            const fs::path file = datasetDir / "clips" / name / "clip.json";
            auto text = readFile(file);
            if (!text) continue;  // vanished or unreadable: listed again once it is fine
            json meta = json::parse(*text, nullptr, /*allow_exceptions=*/false);
            if (!meta.is_object()) continue;
            ClipInfo info;
            info.name = name;
            json labels = meta.value("files", json::object()).value("labels", json());
            json channels = json::array();
            if (labels.is_object()) {
                for (const char* channel : kLabelChannels)
                    if (labels.contains(channel) && labels[channel].is_array())
                        channels.push_back(channel);
                info.labelFiles = labels;
            }
            json checks = meta.value("checks", json());
            info.summary = {
                {"name", name},
                {"template", meta.value("template", json::object()).value("name", "")},
                {"seed", meta.value("seed", json())},
                {"clip_index", meta.value("clip_index", json())},
                {"frames", meta.value("frames", 0)},
                {"fps", meta.value("fps", 0)},
                {"width", meta.value("width", 0)},
                {"height", meta.value("height", 0)},
                {"own_caption", exporters::clipCaption(meta)},
                {"checks", checks.is_object() ? checks : json()},
                {"channels", channels},
                {"video",
                 fmt::format("/files/clips/{}/{}", name,
                             meta.value("files", json::object()).value("rgb", "rgb.mp4"))}};
            clips.emplace(name, std::move(info));
        }
    }

    /// A clip's summary with its current (merged) decision and effective caption.
    json clipJson(const ClipInfo& info,
                  const std::map<std::string, exporters::ReviewDecision>& latest) {
        json out = info.summary;
        out["caption"] = info.summary["own_caption"];
        out["edited_caption"] = nullptr;
        out["decision"] = nullptr;
        if (auto it = latest.find(info.name); it != latest.end()) {
            const exporters::ReviewDecision& d = it->second;
            out["decision"] = {{"decision", exporters::verdictName(d.verdict)},
                               {"reason", d.reason},
                               {"reviewer", d.reviewer},
                               {"time", d.time}};
            if (d.caption) {
                out["edited_caption"] = *d.caption;
                out["caption"] = *d.caption;
            }
        }
        return out;
    }

    void listClips(httplib::Response& res) {
        std::lock_guard lock(mutex);
        refreshClips();
        auto latest = exporters::readLatestDecisions(datasetDir);
        if (!latest) return sendError(res, 500, latest.error().message);
        json list = json::array();
        for (const auto& [name, info] : clips) {
            std::error_code ec;
            // A clip deleted by hand since it was cached is no longer part of the dataset.
            if (!fs::exists(datasetDir / "clips" / name / "clip.json", ec)) continue;
            list.push_back(clipJson(info, *latest));
        }
        sendJson(res, {{"dataset", datasetDir.filename().string()},
                       {"reviewer", desc.reviewer},
                       {"review_file", log->path().lexically_relative(datasetDir).string()},
                       {"clips", list}});
    }

    void clipDetail(const std::string& name, httplib::Response& res) {
        std::lock_guard lock(mutex);
        refreshClips();
        auto it = clips.find(name);
        if (it == clips.end()) return sendError(res, 404, "no complete clip named " + name);
        auto latest = exporters::readLatestDecisions(datasetDir);
        if (!latest) return sendError(res, 500, latest.error().message);
        auto text = readFile(datasetDir / "clips" / name / "clip.json");
        if (!text) return sendError(res, 404, text.error().message);
        json out = clipJson(it->second, *latest);
        out["metadata"] = json::parse(*text, nullptr, false);
        sendJson(res, out);
    }

    void decide(const httplib::Request& req, httplib::Response& res) {
        if (req.get_header_value("Content-Type").find("application/json") != 0)
            return sendError(res, 415, "expected Content-Type: application/json");
        json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
        if (!body.is_object() || !body.contains("clip") || !body["clip"].is_string())
            return sendError(res, 400, "expected a JSON object with a string \"clip\"");
        const std::string name = body["clip"].get<std::string>();
        std::lock_guard lock(mutex);
        refreshClips();
        auto info = clips.find(name);
        if (info == clips.end()) return sendError(res, 404, "no complete clip named " + name);
        auto latest = exporters::readLatestDecisions(datasetDir);
        if (!latest) return sendError(res, 500, latest.error().message);

        // A request changes what it names and keeps the rest of the clip's current state, so
        // editing a caption does not take back an acceptance.
        exporters::ReviewDecision decision;
        decision.clip = name;
        if (auto it = latest->find(name); it != latest->end()) {
            decision.verdict = it->second.verdict;
            decision.reason = it->second.reason;
            decision.caption = it->second.caption;
        }
        if (body.contains("decision")) {
            auto verdict = body["decision"].is_string()
                               ? exporters::parseVerdict(body["decision"].get<std::string>())
                               : std::nullopt;
            if (!verdict)
                return sendError(res, 400,
                                 "\"decision\" must be \"accept\", \"reject\" or \"undecided\"");
            if (*verdict != decision.verdict) decision.reason.clear();
            decision.verdict = *verdict;
        }
        if (body.contains("reason")) {
            if (!body["reason"].is_string())
                return sendError(res, 400, "\"reason\" must be a string");
            decision.reason = body["reason"].get<std::string>();
        }
        if (body.contains("caption")) {
            if (body["caption"].is_null()) {
                decision.caption.reset();
            } else if (body["caption"].is_string()) {
                decision.caption = body["caption"].get<std::string>();
            } else {
                return sendError(res, 400, "\"caption\" must be a string or null");
            }
        }
        decision.time = exporters::utcTimestamp();
        if (Status s = log->record(decision); !s) return sendError(res, 500, s.error().message);
        (*latest)[name] = log->decisions().back();
        sendJson(res, clipJson(info->second, *latest));
    }

    void label(const std::string& name, const std::string& channel, const std::string& frameText,
               httplib::Response& res) {
        fs::path file;
        {
            std::lock_guard lock(mutex);
            refreshClips();
            auto it = clips.find(name);
            if (it == clips.end()) return sendError(res, 404, "no complete clip named " + name);
            const json& files = it->second.labelFiles;
            if (!files.is_object() || !files.contains(channel) || !files[channel].is_array())
                return sendError(res, 404, fmt::format("{} has no {} labels", name, channel));
            size_t frame = 0;
            try {
                frame = std::stoul(frameText);
            } catch (const std::exception&) {
                return sendError(res, 404, "bad frame number");
            }
            if (frame >= files[channel].size() || !files[channel][frame].is_string())
                return sendError(res, 404,
                                 fmt::format("{} has no {} frame {}", name, channel, frame));
            Artefact resolved =
                artefact(fs::path("clips") / name / files[channel][frame].get<std::string>());
            if (resolved.status != 200) return sendError(res, resolved.status, resolved.why);
            file = resolved.path;
        }
        auto image = exporters::colouredLabel(channel, file);
        if (!image) return sendError(res, 500, image.error().message);
        auto png = exporters::encodePng(*image);
        if (!png) return sendError(res, 500, png.error().message);
        res.set_header("Cache-Control", "max-age=3600");
        res.set_content(reinterpret_cast<const char*>(png->data()), png->size(), "image/png");
    }

    /// Where a requested path leads: the canonical file, or the HTTP status that refuses it.
    struct Artefact {
        fs::path path;     ///< canonical, when status is 200
        int status = 200;  ///< 403 for paths that try to leave a clip, 404 for missing files
        std::string why;
    };

    /// Resolves a clip artefact given relative to the dataset folder. Refused: absolute paths,
    /// "." and "..", anything but clips/<complete clip>/<file>, and whatever canonicalises
    /// (symbolic links resolved) to outside that clip's folder. Call with the mutex held.
    Artefact artefact(const fs::path& relative) {
        if (relative.empty() || relative.is_absolute() || relative.has_root_name())
            return {{}, 403, "not a path inside the dataset"};
        for (const fs::path& part : relative)
            if (part == ".." || part == ".") return {{}, 403, "no . or .. in paths"};
        auto part = relative.begin();
        if (part == relative.end() || *part != "clips") return {{}, 403, "not a clip artefact"};
        if (++part == relative.end() || !clips.contains(part->string()))
            return {{}, 404, "not a complete clip"};
        std::error_code ec;
        const fs::path clipDir = fs::weakly_canonical(datasetDir / "clips" / *part, ec);
        if (ec) return {{}, 404, "not a complete clip"};
        const fs::path full = fs::weakly_canonical(datasetDir / relative, ec);
        if (ec || !isInside(full, clipDir) || full == clipDir)
            return {{}, 403, "outside the clip folder"};
        if (!fs::is_regular_file(full, ec)) return {{}, 404, "no such file"};
        return {full, 200, {}};
    }

    void serveFile(const std::string& relative, httplib::Response& res) {
        Artefact file;
        {
            std::lock_guard lock(mutex);
            refreshClips();
            file = artefact(fs::path(relative));
        }
        if (file.status != 200) return sendError(res, file.status, file.why);
        auto bytes = readFile(file.path);
        if (!bytes) return sendError(res, 404, "unreadable");
        res.set_header("Cache-Control", "max-age=3600");
        // httplib answers Range requests (video seeking) from the content.
        res.set_content(*bytes, contentType(file.path));
    }

    void routes() {
        server.set_payload_max_length(1 << 20);  // a decision is a few hundred bytes
        auto page = [](std::string_view body, const char* type) {
            return [body, type](const httplib::Request&, httplib::Response& res) {
                res.set_header("Cache-Control", "no-store");
                res.set_content(body.data(), body.size(), type);
            };
        };
        server.Get("/", page(web::kIndexHtml, "text/html; charset=utf-8"));
        server.Get("/app.js", page(web::kAppJs, "text/javascript; charset=utf-8"));
        server.Get("/app.css", page(web::kAppCss, "text/css; charset=utf-8"));
        server.Get("/api/clips",
                   [this](const httplib::Request&, httplib::Response& res) { listClips(res); });
        server.Get(R"(/api/clips/([A-Za-z0-9_.-]+))",
                   [this](const httplib::Request& req, httplib::Response& res) {
                       clipDetail(req.matches[1], res);
                   });
        server.Post("/api/decision", [this](const httplib::Request& req, httplib::Response& res) {
            decide(req, res);
        });
        server.Get(R"(/api/labels/([A-Za-z0-9_.-]+)/([a-z]+)/([0-9]{1,9})\.png)",
                   [this](const httplib::Request& req, httplib::Response& res) {
                       label(req.matches[1], req.matches[2], req.matches[3], res);
                   });
        server.Get(R"(/files/(.*))", [this](const httplib::Request& req, httplib::Response& res) {
            serveFile(req.matches[1], res);
        });
        // Every response: no MIME sniffing; unknown paths answer 404 with nothing from disk.
        server.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
            res.set_header("X-Content-Type-Options", "nosniff");
        });
        server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
            if (res.body.empty())
                res.set_content(fmt::format("{} error\n", res.status), "text/plain");
        });
        // Bound to the loopback, answer only requests addressed to it: a web page elsewhere
        // cannot reach this server through a DNS name it rebinds to 127.0.0.1.
        if (isLoopback(desc.host)) {
            server.set_pre_routing_handler(
                [this](const httplib::Request& req, httplib::Response& res) {
                    const std::string host = req.get_header_value("Host");
                    const std::string suffix = fmt::format(":{}", port);
                    for (const char* name : {"127.0.0.1", "localhost", "[::1]"}) {
                        if (host == name + suffix)
                            return httplib::Server::HandlerResponse::Unhandled;
                    }
                    sendError(res, 403, "requests must be addressed to the loopback address");
                    return httplib::Server::HandlerResponse::Handled;
                });
        }
    }
};

ReviewServer::ReviewServer(std::unique_ptr<Impl> impl) : mImpl(std::move(impl)) {}
ReviewServer::~ReviewServer() = default;

Result<std::unique_ptr<ReviewServer>> ReviewServer::create(const ReviewServerDesc& desc) {
    std::error_code ec;
    if (!fs::is_directory(desc.datasetDir / "clips", ec)) {
        return Error{fmt::format("{}: not a Silt dataset folder (expected a clips/ folder in it)",
                                 desc.datasetDir.string())};
    }
    auto impl = std::make_unique<Impl>();
    impl->desc = desc;
    impl->datasetDir = fs::canonical(desc.datasetDir, ec);
    if (ec) return Error{fmt::format("{}: {}", desc.datasetDir.string(), ec.message())};
    auto log = exporters::ReviewLog::open(impl->datasetDir, desc.reviewer);
    if (!log) return log.error();
    impl->log = std::move(*log);
    if (auto latest = exporters::readLatestDecisions(impl->datasetDir); !latest)
        return latest.error();
    impl->routes();
    if (desc.port == 0) {
        impl->port = impl->server.bind_to_any_port(desc.host);
    } else {
        impl->port = impl->server.bind_to_port(desc.host, desc.port) ? desc.port : -1;
    }
    if (impl->port <= 0) {
        return Error{
            fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)",
                        desc.host, desc.port)};
    }
    return std::unique_ptr<ReviewServer>(new ReviewServer(std::move(impl)));
}

uint16_t ReviewServer::port() const {
    return uint16_t(mImpl->port);
}

Status ReviewServer::run() {
    if (!mImpl->server.listen_after_bind())
        return Error{
            fmt::format("the review server on port {} stopped with an error", mImpl->port)};
    return {};
}

void ReviewServer::stop() {
    mImpl->server.stop();
}

}  // namespace silt::review
