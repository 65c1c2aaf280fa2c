// The `silt` command line: generate, merge and validate datasets, list templates, run
// benchmarks.

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "PhysicsBench.h"
#include "silt/app/Bench.h"
#include "silt/app/Commands.h"
#include "silt/app/ContactSheet.h"
#include "silt/app/Generate.h"
#include "silt/app/Simulate.h"
#include "silt/app/Merge.h"
#include "silt/core/FileAtomics.h"
#include "silt/core/Version.h"
#include "silt/exporters/Publish.h"
#include "silt/exporters/Validate.h"
#include "silt/scenes/Describe.h"
#include "silt/scenes/SceneTemplate.h"

namespace {

#if defined(__AVX2__)
// Built with SILT_AVX2: on a CPU without AVX2, say so instead of dying on the first AVX
// instruction. Compiled without AVX itself, and run before the other static constructors of
// this program and before main, which may already use AVX.
__attribute__((constructor(101), target("no-avx"))) void requireAvx2() {
    __builtin_cpu_init();  // libgcc's own initialisation may not have run yet
    if (!__builtin_cpu_supports("avx2")) {
        std::fputs(
            "silt: error: this build needs a CPU with AVX2; rebuild with "
            "cmake -DSILT_AVX2=OFF for this machine\n",
            stderr);
        std::_Exit(2);
    }
}
#endif

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
    generateCommand
        ->add_option("--jobs,-j", generate.jobs,
                     "Clips generated in parallel, each with its own renderer (same output)")
        ->capture_default_str()
        ->check(CLI::Range(1u, 256u));
    std::string shardFlag;
    std::optional<uint32_t> shardCount;
    generateCommand->add_option(
        "--shard", shardFlag,
        "INDEX/COUNT: generate only clips i with i % COUNT == INDEX (default: from "
        "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT or JOB_COMPLETION_INDEX, else all)");
    addOptionalUint(generateCommand, "--shard-count", shardCount,
                    "Shard count for a Kubernetes Indexed Job (JOB_COMPLETION_INDEX); default "
                    "$SILT_SHARD_COUNT");
    generateCommand
        ->add_option("--clips-per-tar", generate.webDataset.clipsPerShard,
                     "Clips per WebDataset tar shard (0: no tar shards)")
        ->capture_default_str()
        ->check(CLI::Range(0u, 100000000u));
    generateCommand->add_flag("--quiet,-q", generate.quiet, "No progress lines");
    generateCommand->add_option("--checks", generate.checks,
                                "JSON file of plausibility-check settings over the template's "
                                "(thresholds, on_fail flag|regenerate; see docs/checks.md)");

    std::filesystem::path mergeOut;
    std::vector<std::filesystem::path> mergeInputs;
    silt::exporters::ShardDesc mergeTar;
    CLI::App* mergeCommand = app.add_subcommand(
        "merge", "Combine the dataset folders of a sharded batch into one dataset");
    mergeCommand->add_option("OUT", mergeOut, "Merged dataset folder")->required();
    mergeCommand->add_option("SHARD_DIR", mergeInputs, "Dataset folders of the shards")
        ->required()
        ->expected(1, -1);
    mergeCommand
        ->add_option("--clips-per-tar", mergeTar.clipsPerShard,
                     "Clips per WebDataset tar shard (0: no tar shards)")
        ->capture_default_str()
        ->check(CLI::Range(0u, 100000000u));

    std::filesystem::path validateDir;
    CLI::App* validateCommand = app.add_subcommand(
        "validate", "Decode every clip and check clip metadata, manifests and shards");
    validateCommand->add_option("DIR", validateDir, "Dataset folder")->required();

    std::filesystem::path manifestsDir;
    silt::exporters::ShardDesc manifestsTar;
    CLI::App* manifestsCommand = app.add_subcommand(
        "manifests", "Rewrite the card, trainer manifests and tar shards from the complete clips");
    manifestsCommand->add_option("DIR", manifestsDir, "Dataset folder")->required();
    manifestsCommand
        ->add_option("--clips-per-tar", manifestsTar.clipsPerShard,
                     "Clips per WebDataset tar shard (0: no tar shards)")
        ->capture_default_str()
        ->check(CLI::Range(0u, 100000000u));
    bool manifestsApprovedOnly = false;
    manifestsCommand->add_flag("--approved-only", manifestsApprovedOnly,
                               "Publish only the clips reviewers accepted (`silt review`), with "
                               "their edited captions");

    silt::app::SimulateOptions simulate;
    CLI::App* simulateCommand = app.add_subcommand(
        "simulate", "Physics only: particle states (PLY) and rigid bodies (JSON) per frame");
    simulateCommand->add_option("--scene", simulate.scene, "Builtin template name or scene JSON file");
    simulateCommand->add_option("--out", simulate.out, "Output folder")->capture_default_str();
    simulateCommand->add_option("--seed", simulate.seed, "Dataset seed")->capture_default_str();
    simulateCommand->add_option("--clip", simulate.clip, "Clip index (same physics as that clip)")
        ->capture_default_str();
    addOptionalUint(simulateCommand, "--frames", simulate.frames, "Frames (overrides the scene)");
    addOptionalUint(simulateCommand, "--fps", simulate.fps, "Frames per second (overrides the scene)");
    simulateCommand->add_option("--threads", simulate.threads, "Worker threads (0 = all cores)")
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

    silt::bench::PhysicsBenchOptions physicsBenchOptions;
    CLI::App* benchPhysicsCommand = bench->add_subcommand(
        "physics", "MPM particle-steps per second for sand and water (JSON lines)");
    // Ranges are checked by validatePhysicsBenchOptions, which the standalone binary shares.
    benchPhysicsCommand
        ->add_option("--materials", physicsBenchOptions.materials, "sand and/or water")
        ->capture_default_str();
    benchPhysicsCommand
        ->add_option("--particles", physicsBenchOptions.particles, "Approximate particle counts")
        ->capture_default_str();
    benchPhysicsCommand->add_option("--threads", physicsBenchOptions.threads, "Thread counts")
        ->capture_default_str();
    benchPhysicsCommand
        ->add_option("--steps", physicsBenchOptions.steps,
                     "Timed substeps per configuration (0 = about 4 M particle-steps)")
        ->capture_default_str();
    benchPhysicsCommand
        ->add_option("--warmup", physicsBenchOptions.warmupSteps,
                     "Untimed substeps first (more: time flowing, sheared sand)")
        ->capture_default_str();

    silt::app::RenderBenchOptions renderBench;
    CLI::App* benchRenderCommand = bench->add_subcommand(
        "render", "Frames per second with colour and every label channel at 256², 512², 1024²");
    benchRenderCommand->add_option("--sizes", renderBench.sizes, "Square image sides, pixels")
        ->capture_default_str();
    benchRenderCommand->add_option("--frames", renderBench.frames, "Timed frames per size")
        ->capture_default_str()
        ->check(CLI::Range(1u, 100000u));
    benchRenderCommand->add_option("--triangles", renderBench.triangles, "Approximate scene size")
        ->capture_default_str();
    benchRenderCommand->add_option("--threads", renderBench.threads)->capture_default_str();
    benchRenderCommand->add_option("--msaa", renderBench.msaaSamples, "0 = renderer default");
    benchRenderCommand->add_option("--shadow-map", renderBench.shadowMapSize,
                                   "Texels per side, 0 = renderer default");
    benchRenderCommand->add_flag("!--no-culling", renderBench.clusterCulling,
                                 "Draw whole meshes (no cluster culling), to compare");
    benchRenderCommand->add_option("--lod-error", renderBench.lodPixelError,
                                   "Level-of-detail error bound, pixels; 0 = full detail "
                                   "(default: the renderer's)");

    silt::app::ContactSheetOptions sheet;
    CLI::App* sheetCommand = app.add_subcommand(
        "contact-sheet",
        "A PNG grid of a clip's frames and labels: colour, depth, instance, semantic, normals, "
        "flow");
    sheetCommand->add_option("clip", sheet.clipDir, "Clip folder (with clip.json)")->required();
    sheetCommand->add_option("--out", sheet.out, "Output PNG")->capture_default_str();
    sheetCommand->add_option("--frames", sheet.frames, "Rows: frames sampled evenly")
        ->capture_default_str()
        ->check(CLI::Range(1u, 1000u));

    // Subcommands that live in their own files (see silt/app/Commands.h), one line each.
    std::vector<silt::app::RegisteredCommand> registered;
    registered.push_back(silt::app::registerReviewCommand(app));
    registered.push_back(silt::app::registerPreviewCommand(app));
#ifdef SILT_WITH_FINETUNE
    registered.push_back(silt::app::registerFinetuneCommand(app));
    registered.push_back(silt::app::registerEvalCommand(app));
#endif

    CLI11_PARSE(app, argc, argv);

    for (const silt::app::RegisteredCommand& command : registered) {
        if (command.command->parsed()) return command.run();
    }

    if (generateCommand->parsed()) {
        auto shard = silt::app::resolveShard(shardFlag, shardCount, silt::app::processEnv);
        if (!shard) return fail(shard.error());
        generate.shard = *shard;
        auto report = silt::app::generateDataset(generate);
        if (!report) return fail(report.error());
        std::printf("silt: wrote %u clips (%u already complete) to %s\n", report->clipsWritten,
                    report->clipsSkipped, std::filesystem::absolute(generate.out).c_str());
        if (report->clipsFlagged > 0 || report->clipsRegenerated > 0) {
            std::printf("silt: checks: %u clips regenerated, %u flagged (clip.json \"checks\")\n",
                        report->clipsRegenerated, report->clipsFlagged);
        }
        std::printf("silt: clips are in %s, the card is %s\n",
                    std::filesystem::absolute(generate.out / "clips").c_str(),
                    std::filesystem::absolute(generate.out / "dataset.json").c_str());
        return 0;
    }
    if (simulateCommand->parsed()) {
        if (silt::Status status = silt::app::simulateClip(simulate); !status) return fail(status.error());
        std::printf("silt: wrote the simulation to %s\n", std::filesystem::absolute(simulate.out).c_str());
        return 0;
    }
    if (mergeCommand->parsed()) {
        auto report = silt::app::mergeDatasets(mergeOut, mergeInputs, mergeTar);
        if (!report) return fail(report.error());
        std::printf("silt: merged %zu folders into %s: %u clips added, %u already there\n",
                    mergeInputs.size(), std::filesystem::absolute(mergeOut).c_str(),
                    report->clipsAdded, report->clipsPresent);
        return 0;
    }
    if (validateCommand->parsed()) {
        silt::exporters::ValidationReport report = silt::exporters::validateDataset(validateDir);
        for (const std::string& problem : report.problems)
            std::fprintf(stderr, "silt: problem: %s\n", problem.c_str());
        if (!report.ok()) {
            std::fprintf(stderr, "silt: %s: %zu problems (%u clips decoded)\n", validateDir.c_str(),
                         report.problems.size(), report.clipsChecked);
            return 1;
        }
        std::printf("silt: %s: valid (%u clips decoded, manifests and shards consistent)\n",
                    validateDir.c_str(), report.clipsChecked);
        return 0;
    }
    if (manifestsCommand->parsed()) {
        auto text = silt::readFile(manifestsDir / "dataset.json");
        if (!text) return fail(text.error());
        nlohmann::json card = nlohmann::json::parse(*text, nullptr, false);
        if (!card.is_object())
            return fail(
                silt::Error{(manifestsDir / "dataset.json").string() + ": expected a JSON object"});
        card.erase("clips");
        const auto which = manifestsApprovedOnly ? silt::exporters::PublishedClips::ApprovedOnly
                                                 : silt::exporters::PublishedClips::All;
        if (silt::Status s =
                silt::exporters::publishDataset(manifestsDir, card, manifestsTar, which);
            !s)
            return fail(s.error());
        std::printf("silt: rewrote the card, manifests and shards of %s%s\n", manifestsDir.c_str(),
                    manifestsApprovedOnly ? " with the accepted clips only" : "");
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
    if (benchRenderCommand->parsed()) {
        if (silt::Status status = silt::app::benchRender(renderBench, std::cout); !status) {
            return fail(status.error());
        }
        return 0;
    }
    if (sheetCommand->parsed()) {
        if (silt::Status status = silt::app::writeContactSheet(sheet); !status) {
            return fail(status.error());
        }
        std::printf("silt: wrote %s\n", std::filesystem::absolute(sheet.out).c_str());
        return 0;
    }
    if (benchGenerateCommand->parsed()) {
        if (silt::Status status = silt::app::benchGenerate(benchOptions, std::cout); !status) {
            return fail(status.error());
        }
        return 0;
    }
    if (benchPhysicsCommand->parsed()) {
        const silt::Status valid = silt::bench::validatePhysicsBenchOptions(physicsBenchOptions);
        if (!valid) return fail(valid.error());
        return silt::bench::runPhysicsBench(physicsBenchOptions, std::cout);
    }
    return 0;
}
