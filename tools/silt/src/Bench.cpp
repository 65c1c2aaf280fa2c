#include "silt/app/Bench.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <ostream>

#include <nlohmann/json.hpp>

#include "silt/app/Generate.h"
#include "silt/core/ResourceUsage.h"
#include "silt/core/TriangleMesh.h"
#include "silt/render/Renderer.h"
#include "silt/volume/Surfacer.h"

namespace silt::app {
namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// A UV sphere of unit radius: 2·segments·(rings − 1) triangles.
TriangleMesh benchSphere(uint32_t segments, uint32_t rings) {
    TriangleMesh mesh;
    mesh.name = "bench-sphere";
    for (uint32_t i = 0; i <= rings; ++i) {
        const float theta = kPi * float(i) / float(rings);
        for (uint32_t j = 0; j <= segments; ++j) {
            const float phi = 2.0f * kPi * float(j) / float(segments);
            const Vec3f n(std::sin(theta) * std::cos(phi), std::cos(theta),
                          std::sin(theta) * std::sin(phi));
            mesh.positions.push_back(n);
            mesh.normals.push_back(n);
        }
    }
    auto at = [&](uint32_t i, uint32_t j) { return i * (segments + 1) + j; };
    for (uint32_t i = 0; i < rings; ++i) {
        for (uint32_t j = 0; j < segments; ++j) {
            if (i != 0)
                mesh.indices.insert(mesh.indices.end(), {at(i, j), at(i, j + 1), at(i + 1, j)});
            if (i != rings - 1)
                mesh.indices.insert(mesh.indices.end(),
                                    {at(i, j + 1), at(i + 1, j + 1), at(i + 1, j)});
        }
    }
    // Counter-clockwise seen from outside, whatever the parametrisation's handedness.
    for (size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        const Vec3f& a = mesh.positions[mesh.indices[t]];
        const Vec3f& b = mesh.positions[mesh.indices[t + 1]];
        const Vec3f& c = mesh.positions[mesh.indices[t + 2]];
        if ((b - a).cross(c - a).dot(a + b + c) < 0.0f)
            std::swap(mesh.indices[t + 1], mesh.indices[t + 2]);
    }
    return mesh;
}

TriangleMesh benchGround() {
    TriangleMesh quad;
    quad.name = "bench-ground";
    quad.positions = {{-1, 0, -1}, {1, 0, -1}, {1, 0, 1}, {-1, 0, 1}};
    quad.normals.assign(4, Vec3f::UnitY());
    quad.indices = {0, 2, 1, 0, 3, 2};
    return quad;
}

Mat4f placed(const Vec3f& position, float scale) {
    Mat4f m = Mat4f::Identity();
    m.topLeftCorner<3, 3>() *= scale;
    m.topRightCorner<3, 1>() = position;
    return m;
}

}  // namespace

Status benchRender(const RenderBenchOptions& options, std::ostream& out) {
    configureThreads(options.threads);
    // Eight spheres of 128 x 64: 8 · 16 128 triangles ≈ 129k; fewer spheres for smaller targets.
    const TriangleMesh sphere = benchSphere(128, 64);
    const uint32_t perSphere = uint32_t(sphere.indices.size() / 3);
    const uint32_t count = std::max(1u, (options.triangles + perSphere / 2) / perSphere);
    // Surfacing (the other per-frame cost of sand and water): a 0.8 x 0.2 x 0.8 m bed of
    // particles at 1 cm spacing surfaced with the settings `silt generate` uses for sand.
    std::vector<Vec3f> bed;
    for (int z = 0; z < 80; ++z)
        for (int y = 0; y < 20; ++y)
            for (int x = 0; x < 80; ++x)
                bed.push_back(Vec3f(0.01f * float(x), 0.01f * float(y) + 0.005f * float(x % 2),
                                    0.01f * float(z)));
    volume::SurfacerDesc surfacer;
    surfacer.voxelSize = 0.01f;
    surfacer.particleRadius = 0.0075f;
    surfacer.searchRadiusScale = 3.0f;
    surfacer.smoothingIterations = 1;
    const auto surfacingStart = Clock::now();
    constexpr int kSurfacingRuns = 3;
    for (int run = 0; run < kSurfacingRuns; ++run) {
        auto mesh = volume::surfaceParticles(bed, surfacer);
        if (!mesh) return mesh.error();
    }
    const double surfacingMs = 1e3 * secondsSince(surfacingStart) / kSurfacingRuns;
    const size_t surfacingParticles = bed.size();

    for (uint32_t size : options.sizes) {
        resetPeakRss();  // each size's peak_rss_mb is its own, not the largest so far
        render::RendererDesc desc;
        desc.width = size;
        desc.height = size;
        if (options.msaaSamples > 0) desc.msaaSamples = options.msaaSamples;
        if (options.shadowMapSize > 0) desc.shadowMapSize = options.shadowMapSize;
        desc.clusterCulling = options.clusterCulling;
        if (options.lodPixelError >= 0.0f) desc.lodPixelError = options.lodPixelError;
        auto renderer = render::Renderer::create(desc);
        if (!renderer) return renderer.error();
        auto sphereMesh = (*renderer)->addMesh(sphere);
        if (!sphereMesh) return sphereMesh.error();
        auto groundMesh = (*renderer)->addMesh(benchGround());
        if (!groundMesh) return groundMesh.error();

        auto frameAt = [&](uint32_t index) {
            render::FrameDesc frame;
            auto cameraAt = [&](float t) {
                CameraState camera;
                camera.intrinsics.width = size;
                camera.intrinsics.height = size;
                camera.cameraToWorld =
                    lookAt(Vec3f(4.0f * std::sin(0.02f * t), 2.5f, 4.0f * std::cos(0.02f * t)),
                           Vec3f(0.0f, 0.4f, 0.0f));
                return camera;
            };
            frame.camera = cameraAt(float(index));
            frame.nextCamera = cameraAt(float(index + 1));
            render::DrawItem ground;
            ground.mesh = *groundMesh;
            ground.modelToWorld = placed(Vec3f::Zero(), 6.0f);
            ground.nextModelToWorld = ground.modelToWorld;
            ground.semanticClass = 1;
            frame.items.push_back(ground);
            for (uint32_t i = 0; i < count; ++i) {
                const float angle = 2.0f * kPi * float(i) / float(count);
                auto position = [&](float t) {
                    return Vec3f(1.6f * std::cos(angle), 0.4f + 0.1f * std::sin(0.3f * t + angle),
                                 1.6f * std::sin(angle));
                };
                render::DrawItem item;
                item.mesh = *sphereMesh;
                item.modelToWorld = placed(position(float(index)), 0.4f);
                item.nextModelToWorld = placed(position(float(index + 1)), 0.4f);
                item.material.baseColor = Vec3f(0.3f + 0.6f * float(i % 3) / 2.0f, 0.4f, 0.5f);
                item.instanceId = i + 1;
                item.semanticClass = 16;
                frame.items.push_back(item);
            }
            return frame;
        };

        for (uint32_t i = 0; i < 2; ++i) {
            if (auto warm = (*renderer)->renderWithLabels(frameAt(i)); !warm) return warm.error();
        }
        render::RenderTimings sum;
        // Sums, not the "unknown" default.
        sum.gpuDrawSeconds = sum.gpuCopySeconds = sum.gpuShadowSeconds = sum.gpuColorSeconds =
            sum.gpuWaterSeconds = sum.gpuPostSeconds = sum.gpuLabelSeconds = 0;
        bool timestamps = true;
        const auto start = Clock::now();
        const double cpuStart = processCpuSeconds();
        for (uint32_t i = 0; i < options.frames; ++i) {
            auto images = (*renderer)->renderWithLabels(frameAt(i));
            if (!images) return images.error();
            const render::RenderTimings t = (*renderer)->lastTimings();
            timestamps = timestamps && t.gpuDrawSeconds >= 0;
            sum.recordSeconds += t.recordSeconds;
            sum.gpuDrawSeconds += t.gpuDrawSeconds;
            sum.gpuCopySeconds += t.gpuCopySeconds;
            sum.gpuShadowSeconds += t.gpuShadowSeconds;
            sum.gpuColorSeconds += t.gpuColorSeconds;
            sum.gpuWaterSeconds += t.gpuWaterSeconds;
            sum.gpuPostSeconds += t.gpuPostSeconds;
            sum.shadowTriangles += t.shadowTriangles;
            sum.mainTriangles += t.mainTriangles;
            sum.gpuLabelSeconds += t.gpuLabelSeconds;
            sum.waitSeconds += t.waitSeconds;
            sum.unpackSeconds += t.unpackSeconds;
        }
        const double labelled = secondsSince(start);
        // CPU time of every thread (lavapipe's rasterizer threads included): on a shared
        // machine it moves far less than wall time does.
        const double labelledCpu = processCpuSeconds() - cpuStart;
        // Pipelined: frame i + 1 renders while frame i is read back and unpacked.
        const auto pipelinedStart = Clock::now();
        double pipelinedWait = 0;
        for (uint32_t i = 0; i < options.frames + 1; ++i) {
            if ((*renderer)->pendingFrames() >= render::Renderer::kFramesInFlight ||
                (i == options.frames && (*renderer)->pendingFrames() > 0)) {
                auto images = (*renderer)->collect();
                if (!images) return images.error();
                pipelinedWait += (*renderer)->lastTimings().waitSeconds;
            }
            if (i < options.frames) {
                if (Status s = (*renderer)->submitWithLabels(frameAt(i)); !s) return s.error();
            }
        }
        while ((*renderer)->pendingFrames() > 0) {
            if (auto images = (*renderer)->collect(); !images) return images.error();
        }
        const double pipelined = secondsSince(pipelinedStart);
        const auto colourStart = Clock::now();
        for (uint32_t i = 0; i < options.frames; ++i) {
            if (auto image = (*renderer)->render(frameAt(i)); !image) return image.error();
        }
        const double colourOnly = secondsSince(colourStart);

        const double frames = double(options.frames);
        auto ms = [&](double seconds) { return 1e3 * seconds / frames; };
        auto gpuMs = [&](double seconds) { return timestamps ? ms(seconds) : -1.0; };
        nlohmann::json row = {
            {"bench", "render"},
            {"device", (*renderer)->deviceName()},
            {"width", size},
            {"height", size},
            {"triangles", count * perSphere + 2},
            {"msaa", desc.msaaSamples},
            {"channels", {"rgb", "depth", "instance", "semantic", "normals", "flow"}},
            {"frames", options.frames},
            {"frames_per_s", frames / labelled},
            {"colour_only_frames_per_s", frames / colourOnly},
            {"pipelined_frames_per_s", frames / pipelined},
            {"pipelined_wait_ms", ms(pipelinedWait)},
            {"surfacing_ms", surfacingMs},
            {"surfacing_particles", surfacingParticles},
            {"ms_per_frame",
             {{"total", 1e3 * labelled / frames},
              {"cpu", ms(labelledCpu)},
              {"record", ms(sum.recordSeconds)},
              {"gpu_draw", gpuMs(sum.gpuDrawSeconds)},
              {"gpu_shadow", gpuMs(sum.gpuShadowSeconds)},
              {"gpu_colour", gpuMs(sum.gpuColorSeconds)},
              {"gpu_water", gpuMs(sum.gpuWaterSeconds)},
              {"gpu_post", gpuMs(sum.gpuPostSeconds)},
              {"gpu_labels", gpuMs(sum.gpuLabelSeconds)},
              {"gpu_copy", gpuMs(sum.gpuCopySeconds)},
              {"wait", ms(sum.waitSeconds)},
              {"unpack", ms(sum.unpackSeconds)}}},
            {"cluster_culling", desc.clusterCulling},
            {"lod_pixel_error", desc.lodPixelError},
            {"triangles_drawn",
             {{"shadow", double(sum.shadowTriangles) / frames},
              {"main", double(sum.mainTriangles) / frames}}},
            {"readback_mb_per_frame", double(size) * size * 40.0 / (1024.0 * 1024.0)},
            {"peak_rss_mb", peakRssMiB()}};
        out << row.dump() << std::endl;
    }
    return {};
}

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
                            {"encode", report->times.encode / frames},
                            {"checks", report->times.checks / frames}}},
                          {"checks_s_per_clip", report->times.checks / double(report->clipsWritten)},
                          {"peak_rss_mb", peakRssMiB()}};
    out << row.dump() << std::endl;
    return {};
}

}  // namespace silt::app
