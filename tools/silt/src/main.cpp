// The `silt` command line: generate datasets, list templates, run benchmarks.

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "silt/app/Bench.h"
#include "silt/app/Generate.h"
#include "silt/core/Version.h"
#include "silt/scenes/Describe.h"
#include "silt/scenes/SceneTemplate.h"

namespace {

int fail(const silt::Error& error) {
    std::fprintf(stderr, "silt: error: %s\n", error.message.c_str());
    return 1;
}

template <typename T>
void addOptionalUint(CLI::App* command, const char* flag, std::optional<T>& target,
                     const char* help) {
    command->add_option_function<T>(
        flag, [&target](const T& value) { target = value; }, help);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Silt: physics-based synthetic video data for sand, water and rigid bodies"};
    app.set_version_flag("--version", std::string("silt ") + silt::versionString());
    app.require_subcommand(1);

    silt::app::GenerateOptions generate;
    CLI::App* generateCommand =
        app.add_subcommand("generate", "Generate a dataset of labeled video clips from a scene");
    generateCommand->add_option("--scene", generate.scene,
                                "Builtin template name or scene JSON file (default: the embedded "
                                "default scene)");
    generateCommand->add_option("--out", generate.out, "Dataset folder")->capture_default_str();
    generateCommand->add_option("--assets", generate.assets,
                                "Folder of your own models (OBJ, glTF/GLB, FBX, PLY, STL), "
                                "tagged by subfolder or <name>.json sidecar; see docs/assets.md");
    generateCommand->add_option("--clips", generate.clips, "Number of clips")
        ->capture_default_str()
        ->check(CLI::Range(1u, 100000000u));
    generateCommand->add_option("--seed", generate.seed, "Dataset seed")->capture_default_str();
    addOptionalUint(generateCommand, "--frames", generate.frames,
                    "Frames per clip (overrides the scene)");
    addOptionalUint(generateCommand, "--fps", generate.fps,
                    "Frames per second (overrides the scene)");
    addOptionalUint(generateCommand, "--width", generate.width, "Image width in pixels, even");
    addOptionalUint(generateCommand, "--height", generate.height, "Image height in pixels, even");
    generateCommand
        ->add_option("--threads", generate.threads,
                     "Worker threads for simulation and rendering (0 = all cores)")
        ->capture_default_str();

    CLI::App* scenesCommand = app.add_subcommand("scenes", "List the builtin scene templates");
    std::string describe;
    scenesCommand->add_option("--describe", describe,
                              "Print a template's parameters and their ranges (builtin name or "
                              "JSON file)");

    CLI::App* bench = app.add_subcommand("bench", "Benchmarks that print JSON lines");
    bench->require_subcommand(1);
    silt::app::GenerateBenchOptions benchOptions;
    CLI::App* benchGenerateCommand =
        bench->add_subcommand("generate", "End-to-end CPU-seconds per output frame");
    benchGenerateCommand->add_option("--scene", benchOptions.scene, "Template name or file");
    benchGenerateCommand->add_option("--clips", benchOptions.clips)->capture_default_str();
    benchGenerateCommand->add_option("--frames", benchOptions.frames)->capture_default_str();
    benchGenerateCommand->add_option("--width", benchOptions.width)->capture_default_str();
    benchGenerateCommand->add_option("--height", benchOptions.height)->capture_default_str();
    benchGenerateCommand->add_option("--threads", benchOptions.threads)->capture_default_str();

    CLI11_PARSE(app, argc, argv);

    if (generateCommand->parsed()) {
        auto report = silt::app::generateDataset(generate);
        if (!report) return fail(report.error());
        std::printf("silt: wrote %u clips (%u already complete) to %s\n", report->clipsWritten,
                    report->clipsSkipped, std::filesystem::absolute(generate.out).c_str());
        std::printf("silt: clips are in %s, the card is %s\n",
                    std::filesystem::absolute(generate.out / "clips").c_str(),
                    std::filesystem::absolute(generate.out / "dataset.json").c_str());
        return 0;
    }
    if (app.got_subcommand("scenes") && !describe.empty()) {
        auto scene = silt::scenes::resolveScene(describe);
        if (!scene) return fail(scene.error());
        std::fputs(silt::scenes::describeTemplate(*scene).c_str(), stdout);
        return 0;
    }
    if (app.got_subcommand("scenes")) {
        for (const auto& scene : silt::scenes::builtinTemplates()) {
            std::printf("%-16s %s\n", scene.name.c_str(), scene.description.c_str());
        }
        return 0;
    }
    if (benchGenerateCommand->parsed()) {
        if (silt::Status status = silt::app::benchGenerate(benchOptions, std::cout); !status) {
            return fail(status.error());
        }
        return 0;
    }
    return 0;
}
