// silt-assetgen: writes the bundled procedural meshes (OBJ + MTL, glTF, JSON sidecar).
// The committed assets/meshes/ folder is this program's output; tests check they agree.

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "silt/assetgen/AssetCatalog.h"
#include "silt/assetgen/AssetWriters.h"

int main(int argc, char** argv) {
    CLI::App app{"Generates Silt's bundled procedural meshes."};
    std::filesystem::path outDir = "assets/meshes";
    app.add_option("-o,--out", outDir, "output folder")->capture_default_str();
    bool list = false;
    app.add_flag("--list", list, "print name, category, triangles and bounds of each asset");
    CLI11_PARSE(app, argc, argv);

    if (list) {
        for (const auto& asset : silt::assetgen::generateAssets()) {
            const auto box = asset.mesh.bounds();
            fmt::print("{:8} {:10} {:6} tris  size {:.3f} x {:.3f} x {:.3f} m\n", asset.mesh.name,
                       asset.category, asset.mesh.triangleCount(), box.sizes().x(), box.sizes().y(),
                       box.sizes().z());
        }
        return 0;
    }
    if (silt::Status status = silt::assetgen::generateAll(outDir); !status) {
        fmt::print(stderr, "silt-assetgen: {}\n", status.error().message);
        return 1;
    }
    fmt::print("silt-assetgen: wrote assets to {}\n", outDir.string());
    return 0;
}
