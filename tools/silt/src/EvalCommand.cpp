// `silt eval`: Physics-IQ-style scores of a checkpoint on a dataset's held-out clips
// (see docs/finetune.md).

#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

#include "silt/app/Commands.h"
#include "silt/finetune/Pipeline.h"

namespace silt::app {

RegisteredCommand registerEvalCommand(CLI::App& app) {
    auto options = std::make_shared<finetune::EvalOptions>();
    auto cachePath = std::make_shared<std::string>();
    CLI::App* command = app.add_subcommand(
        "eval",
        "Generate the continuation of held-out clips from their first frames and score it against "
        "the simulation: spatiotemporal, spatial and weighted spatial IoU of motion masks, MSE");
    command
        ->add_option("--model", options->model, "Checkpoint folder or `silt finetune` run folder")
        ->required();
    command->add_option("--data", options->data, "Dataset folder")->required();
    command->add_option("--out", options->out, "Output folder: eval.json, strips/")
        ->capture_default_str();
    command->add_option("--cache", *cachePath,
                        "Tensor cache folder (default: <dataset>/.cache/finetune)");
    command->add_option("--held-out", options->heldOut, "Held-out fraction, as given to finetune")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 0.9));
    command->add_flag("--all", options->allClips, "Score every clip, not only the held-out ones");
    command->add_option("--clips", options->maxClips, "At most this many clips (0: all)")
        ->capture_default_str();
    command->add_option("--sample-steps", options->sampleSteps, "Euler steps")
        ->capture_default_str();
    command->add_option("--guidance", options->guidance, "Classifier-free guidance scale")
        ->capture_default_str();
    command->add_option("--seed", options->seed, "Sampling noise seed")->capture_default_str();
    command->add_option("--strips", options->strips, "PNG strips to write (first clips)")
        ->capture_default_str();
    command->add_option("--threads", options->threads, "CPU threads (0: torch's default)")
        ->capture_default_str();
    command->add_option("--device", options->device, "cpu, cuda or cuda:N")->capture_default_str();
    command
        ->add_option("--masks", options->masks,
                     "True motion masks for the headline scores: recipe (Physics-IQ, from the "
                     "true frames) or labels (from the clips' flow and instance labels)")
        ->capture_default_str()
        ->check(CLI::IsMember({"recipe", "labels"}));
    auto run = [options, cachePath]() -> int {
        if (!cachePath->empty()) options->cache = *cachePath;
        auto report = finetune::runEval(*options);
        if (!report) {
            std::fprintf(stderr, "silt: error: %s\n", report.error().message.c_str());
            return 1;
        }
        std::printf(
            "silt: %lld clips: spatiotemporal IoU %.4f, spatial IoU %.4f, weighted spatial "
            "IoU %.4f, MSE %.5f; wrote %s\n",
            (long long)report->clips, report->spatiotemporalIou, report->spatialIou,
            report->weightedSpatialIou, report->mse, report->json.c_str());
        if (report->recipeLabelAgreement >= 0.0)
            std::printf("silt: recipe masks of the true frames vs label masks: spatiotemporal "
                        "IoU %.4f\n",
                        report->recipeLabelAgreement);
        return 0;
    };
    return {command, run};
}

}  // namespace silt::app
