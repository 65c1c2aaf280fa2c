// `silt preview`: the interactive window (tools/preview, docs/preview.md).

#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

#include "silt/app/Commands.h"
#include "silt/preview/Preview.h"

namespace silt::app {

RegisteredCommand registerPreviewCommand(CLI::App& app) {
    auto options = std::make_shared<preview::PreviewOptions>();
    auto frames = std::make_shared<uint32_t>(0);
    CLI::App* command = app.add_subcommand(
        "preview",
        "Open a window on a scene: play, scrub, try seeds, view label channels, tune and "
        "export (needs a display; see docs/preview.md)");
    command->add_option("--scene", options->scene,
                        "Builtin template name or scene JSON file (default: the default scene)");
    command->add_option("--seed", options->seed, "Dataset seed (the window shows its clip 0)")
        ->capture_default_str();
    command
        ->add_option("--preset", options->preset,
                     "preview: 1 particle per cell, half-size render (interactive); full: "
                     "the template as silt generate runs it, rendered at the window size")
        ->capture_default_str()
        ->check(CLI::IsMember({"preview", "full"}));
    command->add_option("--width", options->width, "Window width, pixels")->capture_default_str();
    command->add_option("--height", options->height, "Window height, pixels")
        ->capture_default_str();
    command
        ->add_option("--channel", options->channel,
                     "colour, depth, instance, semantic, normals or flow")
        ->capture_default_str();
    command
        ->add_option("--frames", *frames,
                     "Simulate and show this many frames, then exit (saving --screenshot)")
        ->check(CLI::Range(1u, 100000u));
    command->add_option("--screenshot", options->screenshot,
                        "PNG of the presented window after --frames");
    command->add_option("--shot-dir", options->shotDir,
                        "Folder for F12 screenshots (shot_NNN.png)");
    command->add_option(
        "--export-dir", options->exportDir,
        "Dataset folder the panel's export (Ctrl+E) writes to (default out/preview)");
    command->add_flag("--no-ui", options->noUi, "Hide the panel (pixel-exact screenshots)");
    command->add_flag("--paused", options->paused, "Start paused on frame 0");
    command->add_option("--threads", options->threads, "Worker threads (0 = all cores)")
        ->capture_default_str();

    RegisteredCommand registered;
    registered.command = command;
    registered.run = [options, frames]() {
        if (*frames > 0) options->frames = *frames;
        auto report = preview::runPreview(*options);
        if (!report) {
            std::fprintf(stderr, "silt: error: %s\n", report.error().message.c_str());
            return 1;
        }
        std::printf(
            "silt: preview: %.1f fps (%llu frames presented in %.2f s; %u clip frames simulated, "
            "%.2f per s, "
            "%.1f ms each: physics %.1f, surfaces + render %.1f; render %ux%u; %zu particles)\n",
            report->framesPerSecond, static_cast<unsigned long long>(report->framesPresented),
            report->seconds, report->framesSimulated, report->simFramesPerSecond,
            report->msPerSimFrame, report->msPhysicsPerSimFrame, report->msRenderPerSimFrame,
            report->renderWidth, report->renderHeight, report->particles);
        return 0;
    };
    return registered;
}

}  // namespace silt::app
