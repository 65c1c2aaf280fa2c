// `silt review DIR`: serves the review page on a dataset (tools/review, docs/review.md).

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "silt/app/Commands.h"
#include "silt/exporters/ReviewLog.h"
#include "silt/review/ReviewServer.h"

namespace silt::app {

namespace {

/// $USER when it makes a valid review file name, else "reviewer".
std::string defaultReviewer() {
    const char* user = std::getenv("USER");
    if (user && exporters::isValidReviewerName(user)) return user;
    return "reviewer";
}

}  // namespace

RegisteredCommand registerReviewCommand(CLI::App& app) {
    auto desc = std::make_shared<review::ReviewServerDesc>();
    desc->reviewer = defaultReviewer();
    CLI::App* command = app.add_subcommand(
        "review", "Serve a local web page to watch, accept and reject a dataset's clips");
    command->add_option("DIR", desc->datasetDir, "Dataset folder")->required();
    command->add_option("--host", desc->host, "Address to listen on (keep the loopback default)")
        ->capture_default_str();
    command->add_option("--port", desc->port, "TCP port (0: any free port)")->capture_default_str();
    command
        ->add_option("--reviewer", desc->reviewer,
                     "Your name: decisions go to DIR/review/<name>.json (default: $USER)")
        ->capture_default_str();

    auto run = [desc]() -> int {
        auto server = review::ReviewServer::create(*desc);
        if (!server) {
            std::fprintf(stderr, "silt: error: %s\n", server.error().message.c_str());
            return 1;
        }
        if (desc->host != "127.0.0.1" && desc->host != "localhost" && desc->host != "::1") {
            std::fprintf(stderr,
                         "silt: warning: listening on %s: anyone who can reach this address can "
                         "read the clips and record decisions\n",
                         desc->host.c_str());
        }
        const std::string host = desc->host == "::1" ? "[::1]" : desc->host;
        std::printf(
            "silt: reviewing %s as %s at http://%s:%u/ (Ctrl-C to stop; every decision "
            "is saved as it is made)\n",
            desc->datasetDir.c_str(), desc->reviewer.c_str(), host.c_str(),
            unsigned((*server)->port()));
        std::fflush(stdout);
        if (Status s = (*server)->run(); !s) {
            std::fprintf(stderr, "silt: error: %s\n", s.error().message.c_str());
            return 1;
        }
        return 0;
    };
    return {command, run};
}

}  // namespace silt::app
