// Subcommands that live in their own source file register themselves through this header, so
// that adding one touches main.cpp by a single line and parallel work does not collide there.
//
// A register function adds its subcommand and options to `app`, keeps its option values alive
// inside the returned runner, and returns both; main.cpp runs the runner of the subcommand the
// user chose and exits with its code.

#pragma once

#include <functional>
#include <vector>

namespace CLI {
class App;
}

namespace silt::app {

struct RegisteredCommand {
    CLI::App* command = nullptr;  ///< the subcommand; main checks parsed() on it
    std::function<int()> run;     ///< runs it; the return value is the process exit code
};

// One declaration per command source file, e.g.
//   RegisteredCommand registerReviewCommand(CLI::App& app);   // src/ReviewCommand.cpp
RegisteredCommand registerPreviewCommand(CLI::App& app);  // src/PreviewCommand.cpp

RegisteredCommand registerReviewCommand(CLI::App& app);  // src/ReviewCommand.cpp: silt review

#ifdef SILT_WITH_FINETUNE
RegisteredCommand registerFinetuneCommand(CLI::App& app);  // src/FinetuneCommand.cpp
RegisteredCommand registerEvalCommand(CLI::App& app);      // src/EvalCommand.cpp
#endif

}  // namespace silt::app
