#pragma once
// `silt review DIR`: a local web page on which people watch a dataset's clips, look at their
// label channels, captions and parameters, and accept or reject them (docs/review.md).
//
// The page (HTML, JS, CSS from tools/review/web/, embedded at build time) talks to a small
// JSON API; every decision is written to the reviewer's review file (exporters/ReviewLog.h)
// before the request is answered, so a killed server loses nothing the page showed as saved.
//
// What it serves, and nothing else: the embedded page; the JSON API; files inside the
// folders of complete clips (clips/<clip>/…, the clip artefacts), after canonicalising the
// path and checking it is still inside that clip folder (symbolic links that lead out are
// refused); label channels of those clips rendered as PNG. Anything else is 403 or 404, and
// no folder is ever listed. Binds 127.0.0.1 unless told otherwise.
//
// Thread-safety: requests run on the server's worker threads and serialise on one mutex.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "silt/core/Result.h"

namespace silt::review {

struct ReviewServerDesc {
    std::filesystem::path datasetDir;  ///< a Silt dataset folder (with clips/)
    std::string host = "127.0.0.1";    ///< address to bind; keep the loopback default
    uint16_t port = 8737;              ///< TCP port; 0 = any free port
    std::string reviewer;              ///< names the review file: review/<reviewer>.json
};

class ReviewServer {
public:
    /// Checks the dataset folder and reviewer name, opens the review file and binds the port.
    /// Errors name the folder, the reviewer or the address.
    [[nodiscard]] static Result<std::unique_ptr<ReviewServer>> create(const ReviewServerDesc& desc);
    ~ReviewServer();
    ReviewServer(const ReviewServer&) = delete;
    ReviewServer& operator=(const ReviewServer&) = delete;

    /// The bound port (the chosen one when desc.port was 0).
    [[nodiscard]] uint16_t port() const;
    /// Serves until stop() (blocks the calling thread).
    [[nodiscard]] Status run();
    /// Makes run() return; callable from another thread.
    void stop();

private:
    struct Impl;
    explicit ReviewServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> mImpl;
};

}  // namespace silt::review
