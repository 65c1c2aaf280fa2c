#include "silt/app/Bench.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <ostream>

#include <nlohmann/json.hpp>

#include "silt/app/Generate.h"
#include "silt/core/ResourceUsage.h"

namespace silt::app {

Status benchGenerate(const GenerateBenchOptions& options, std::ostream& out) {
    std::string pattern = (std::filesystem::temp_directory_path() / "silt-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
        return Error{"cannot create a temporary folder for the benchmark"};
    std::filesystem::path dir = pattern;

    GenerateOptions generate;
    generate.scene = options.scene;
    generate.out = dir;
    generate.clips = options.clips;
    generate.frames = options.frames;
    generate.width = options.width;
    generate.height = options.height;
    generate.threads = options.threads;
    generate.quiet = true;

    double cpuBefore = processCpuSeconds();
    auto start = std::chrono::steady_clock::now();
    auto report = generateDataset(generate);
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double cpu = processCpuSeconds() - cpuBefore;
    std::filesystem::remove_all(dir);
    if (!report) return report.error();

    double frames = double(report->framesWritten);
    nlohmann::json row = {{"bench", "generate"},
                          {"scene", options.scene.empty() ? "default" : options.scene},
                          {"clips", options.clips},
                          {"frames", report->framesWritten},
                          {"width", options.width},
                          {"height", options.height},
                          {"threads", options.threads},
                          {"cpu_s_per_frame", cpu / frames},
                          {"wall_s_per_frame", wall / frames},
                          {"frames_per_s", frames / wall},
                          {"stage_wall_s_per_frame",
                           {{"plan", report->times.plan / frames},
                            {"physics", report->times.physics / frames},
                            {"render", report->times.render / frames},
                            {"encode", report->times.encode / frames}}},
                          {"peak_rss_mb", peakRssMiB()}};
    out << row.dump() << std::endl;
    return {};
}

}  // namespace silt::app
