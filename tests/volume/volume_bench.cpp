// Surfacing benchmark: a block of particles on a jittered lattice (spacing 1 cm, the way an
// MPM solver seeds sand) → level set → mesh, with both rasterization methods. Prints one
// JSON line per run:
//   {"method", "particles", "voxel_size", "threads", "rasterize_s", "mesh_s", "triangles"}
// Usage: silt_volume_bench [particle counts ...] [--threads N]   (default: 100000)

#include <fmt/format.h>
#include <tbb/global_control.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "particle_shapes.h"
#include "silt/volume/Surfacer.h"

namespace {

double seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
    using namespace silt;
    std::vector<size_t> counts;
    size_t threads = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--threads" && i + 1 < argc) {
            threads = size_t(std::stoul(argv[++i]));
        } else {
            counts.push_back(size_t(std::stoul(arg)));
        }
    }
    if (counts.empty()) counts.push_back(100000);
    std::unique_ptr<tbb::global_control> limit;
    if (threads > 0) {
        limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                      threads);
    }
    const size_t activeThreads =
        tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism);

    const float spacing = 0.01f;
    for (size_t count : counts) {
        // A bed four times as wide as it is deep, like a settled sand layer.
        const float depthCells = std::cbrt(float(count) / 16.0f);
        const float depth = std::round(depthCells) * spacing;
        const float width = std::sqrt(float(count) / std::round(depthCells)) * spacing;
        const std::vector<Vec3f> particles =
            volume::test::makeSlab(Vec3f::Zero(), Vec3f(width, depth, width), spacing, 0.25f, 1);
        for (volume::RasterMethod method :
             {volume::RasterMethod::kSmoothSpheres, volume::RasterMethod::kSpheresFiltered}) {
            volume::SurfacerDesc desc;
            desc.voxelSize = spacing;
            desc.particleRadius = 0.75f * spacing;
            desc.method = method;
            if (method == volume::RasterMethod::kSpheresFiltered) {
                // Union-of-spheres needs a voxel below the sphere radius and a smoothing pass.
                desc.voxelSize = 0.5f * spacing;
                desc.smoothingIterations = 2;
            }
            const auto start = std::chrono::steady_clock::now();
            Result<volume::LevelSet> levelSet =
                volume::rasterizeParticles(volume::ParticleView{particles, {}, {}}, desc);
            const double rasterize = seconds(start);
            if (!levelSet) {
                fmt::print(stderr, "{}\n", levelSet.error().message);
                return 1;
            }
            const auto meshStart = std::chrono::steady_clock::now();
            Result<TriangleMesh> mesh = volume::meshLevelSet(*levelSet, desc);
            const double meshing = seconds(meshStart);
            if (!mesh) {
                fmt::print(stderr, "{}\n", mesh.error().message);
                return 1;
            }
            fmt::print(
                "{{\"method\": \"{}\", \"particles\": {}, \"voxel_size\": {}, \"threads\": {}, "
                "\"rasterize_s\": {:.4f}, \"mesh_s\": {:.4f}, \"triangles\": {}}}\n",
                method == volume::RasterMethod::kSmoothSpheres ? "smooth_spheres"
                                                               : "spheres_filtered",
                particles.size(), desc.voxelSize, activeThreads, rasterize, meshing,
                mesh->triangleCount());
            std::fflush(stdout);
        }
    }
    return 0;
}
