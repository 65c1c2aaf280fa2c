// `silt finetune`: trains the bundled video transformer on Silt datasets (see docs/finetune.md).

#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

#include "silt/app/Commands.h"
#include "silt/finetune/Pipeline.h"

namespace silt::app {

RegisteredCommand registerFinetuneCommand(CLI::App& app) {
    auto options = std::make_shared<finetune::FinetuneOptions>();
    auto initPath = std::make_shared<std::string>();
    auto cachePath = std::make_shared<std::string>();
    CLI::App* command = app.add_subcommand(
        "finetune",
        "Train the bundled video transformer (video to world) on Silt datasets; resumes when OUT "
        "already holds a checkpoint");
    command->add_option("--data", options->data, "Dataset folders (their training splits)")
        ->required()
        ->expected(1, -1);
    command->add_option("--out", options->out, "Run folder: checkpoint/, loss.csv, loss.png")
        ->capture_default_str();
    command->add_option("--init", *initPath, "Checkpoint to fine-tune from (its model shape wins)");
    command->add_option("--cache", *cachePath,
                        "Tensor cache folder (default: <dataset>/.cache/finetune)");
    command->add_option("--frames", options->frames, "Frames per clip")->capture_default_str();
    command->add_option("--context", options->contextFrames, "Given (clean) frames")
        ->capture_default_str();
    command->add_option("--size", options->size, "Frame side in pixels (square)")
        ->capture_default_str();
    command->add_option("--patch", options->patch, "Patch side in pixels")->capture_default_str();
    command->add_option("--tubelet", options->tubelet, "Frames per tubelet")->capture_default_str();
    command->add_option("--hidden", options->hidden, "Token width")->capture_default_str();
    command->add_option("--depth", options->depth, "Transformer blocks")->capture_default_str();
    command->add_option("--heads", options->heads, "Attention heads")->capture_default_str();
    command->add_option("--steps", options->steps, "Total optimizer steps of the run")
        ->capture_default_str();
    command->add_option("--batch", options->batch, "Clips per step")->capture_default_str();
    command->add_option("--lr", options->learningRate, "Peak learning rate (AdamW)")
        ->capture_default_str();
    command->add_option("--warmup", options->warmup, "Warm-up steps")->capture_default_str();
    command
        ->add_option("--cond-drop", options->condDrop,
                     "Probability of dropping the conditioning (classifier-free guidance)")
        ->capture_default_str();
    command->add_option("--seed", options->seed, "Seed of every random draw")
        ->capture_default_str();
    command
        ->add_option("--held-out", options->heldOut,
                     "Fraction of each dataset's clips kept out of training for `silt eval`")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 0.9));
    command->add_option("--checkpoint-every", options->checkpointEvery, "Steps between checkpoints")
        ->capture_default_str();
    command->add_option("--threads", options->threads, "CPU threads (0: torch's default)")
        ->capture_default_str();
    command->add_option("--device", options->device, "cpu, cuda or cuda:N")->capture_default_str();
    command->add_flag("--quiet,-q", options->quiet, "No progress bar");
    auto run = [options, initPath, cachePath]() -> int {
        if (!initPath->empty()) options->init = *initPath;
        if (!cachePath->empty()) options->cache = *cachePath;
        auto report = finetune::runFinetune(*options);
        if (!report) {
            std::fprintf(stderr, "silt: error: %s\n", report.error().message.c_str());
            return 1;
        }
        std::printf(
            "silt: trained steps %lld..%lld on %lld clips in %.1f s: loss %.4f -> %.4f; "
            "checkpoint %s\n",
            (long long)report->startStep, (long long)report->steps, (long long)report->trainClips,
            report->seconds, report->firstLoss, report->finalLoss,
            (options->out / "checkpoint").c_str());
        return 0;
    };
    return {command, run};
}

}  // namespace silt::app
