#pragma once
// `silt preview`: a window on a scene template — the same randomizer, simulation, renderer and
// labels as `silt generate`, stepped interactively (GLFW window, Vulkan swapchain through
// render::SwapchainPresenter, Dear ImGui panel). docs/preview.md is the user's guide.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "silt/core/Result.h"

namespace silt::preview {

struct PreviewOptions {
    std::string scene;  ///< builtin template name or JSON file; empty = the default template
    uint64_t seed = 0;  ///< dataset seed; the window shows clip 0 of it
    /// "preview" (interactive: fewer particles, half-size render) or "full" (the template as
    /// `silt generate` runs it, rendered at the window size)
    std::string preset = "preview";
    uint32_t width = 640;            ///< window width, pixels
    uint32_t height = 480;           ///< window height, pixels
    std::string channel = "colour";  ///< colour|depth|instance|semantic|normals|flow
    /// Simulate and show this many frames, then exit (with `screenshot`: save the last one
    /// first). Unset: run until the window is closed.
    std::optional<uint32_t> frames;
    std::filesystem::path screenshot;  ///< PNG of the presented image after `frames`
    std::filesystem::path shotDir;     ///< where F12 saves shot_NNN.png (default: ".")
    std::filesystem::path exportDir;   ///< the export field's dataset folder (default out/preview)
    bool noUi = false;                 ///< hide the ImGui panel (pixel-exact screenshots)
    bool paused = false;               ///< start paused on frame 0
    uint32_t threads = 0;              ///< worker threads (0 = all cores)
};

struct PreviewReport {
    uint64_t framesPresented = 0;
    double seconds = 0;               ///< wall time from the first presented frame to exit
    double framesPerSecond = 0;       ///< presented frames per second
    uint32_t framesSimulated = 0;     ///< clip frames simulated (all seeds)
    double msPerSimFrame = 0;         ///< mean physics + surfacing + render time per clip frame
    double msPhysicsPerSimFrame = 0;  ///< of which physics
    double msRenderPerSimFrame = 0;   ///< of which surfacing and rendering with labels
    double simFramesPerSecond = 0;    ///< clip frames simulated per second of the run
    uint32_t renderWidth = 0, renderHeight = 0;
    size_t particles = 0;  ///< continuum particles of the last clip
};

/// Opens the window and runs until it is closed (or `frames` are done). Fails with a clear
/// message when there is no display (GLFW cannot initialise), the scene is bad or Vulkan
/// cannot present.
[[nodiscard]] Result<PreviewReport> runPreview(const PreviewOptions& options);

}  // namespace silt::preview
