// Through the whole pipeline: a user's model in a scene, and captions and events in clip.json
// that agree with the plan and with each other.

#include <gtest/gtest.h>

#include "test_output.h"
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "silt/app/Generate.h"
#include "silt/core/FileAtomics.h"

namespace silt::app {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

using test::freshDir;

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

TEST(CaptionsPipeline, UserAssetFallsBesideAChairAndTheCaptionSaysWhatHappened) {
    const fs::path dir = freshDir("captions_pipeline");
    const fs::path assets = dir / "my-models" / "boxes";
    fs::create_directories(assets);
    ::setenv("SILT_CACHE_DIR", (dir / "cache").c_str(), 1);
    // A 40 cm crate of the user's, in centimetres, with a sidecar.
    std::ofstream(assets / "parcel.obj") << "v 0 0 0\nv 40 0 0\nv 0 40 0\nv 40 40 0\n"
                                            "v 0 0 40\nv 40 0 40\nv 0 40 40\nv 40 40 40\n"
                                            "f 1 3 4 2\nf 5 6 8 7\nf 1 2 6 5\nf 3 7 8 4\n"
                                            "f 1 5 7 3\nf 2 4 8 6\n";
    std::ofstream(assets / "parcel.json") << R"({"unit": "cm", "density": 300,
                                                  "color": [0.8, 0.1, 0.1]})";
    const fs::path scene = dir / "scene.json";
    std::ofstream(scene) << R"({
      "silt_scene": 1, "name": "parcel-and-chair", "frames": 36, "fps": 24,
      "image": {"width": 96, "height": 96},
      "objects": [
        {"asset": "chair", "position": [{"uniform": [-0.6, -0.4]}, 0.3, 0]},
        {"asset": "parcel", "position": [{"uniform": [0.3, 0.5]}, {"uniform": [0.8, 1.2]}, 0],
         "rotation_deg": [0, {"uniform": [0, 90]}, 0]}
      ],
      "camera": {"position": [0, 1.2, 3], "target": [0, 0.3, 0], "fov_deg": 50}
    })";
    GenerateOptions options;
    options.scene = scene.string();
    options.out = dir / "out";
    options.assets = dir / "my-models";
    options.clips = 3;
    options.quiet = true;
    auto report = generateDataset(options);
    ASSERT_TRUE(report.ok()) << report.error().message;
    ::unsetenv("SILT_CACHE_DIR");

    std::set<std::string> captions;
    for (int clip = 0; clip < 3; ++clip) {
        auto text =
            readFile(dir / "out" / "clips" / fmt::format("clip_{:06d}", clip) / "clip.json");
        ASSERT_TRUE(text.ok());
        const json meta = json::parse(*text);
        const std::string caption = meta.at("caption");
        captions.insert(caption);
        EXPECT_NE(lower(caption).find("chair"), std::string::npos) << caption;
        EXPECT_NE(lower(caption).find("red parcel"), std::string::npos) << caption;
        // The parcel (instance 2) falls from at least 0.8 m: it lands, and comes to rest in
        // 1.5 s; the chair, dropped upright from 0.3 m, rests upright.
        std::set<std::pair<std::string, int>> seen;
        for (const json& e : meta.at("events")) {
            seen.emplace(e.at("kind").get<std::string>(), e.at("instance_id").get<int>());
            EXPECT_LE(e.at("time_s").get<double>(), 36.0 / 24.0 + 1e-6);
            if (e.at("kind") == "rest" && e.at("instance_id") == 1) {
                EXPECT_EQ(e.at("resting_pose"), "upright");
            }
        }
        EXPECT_TRUE(seen.contains({"ground_contact", 1}));
        EXPECT_TRUE(seen.contains({"ground_contact", 2}));
        EXPECT_TRUE(seen.contains({"rest", 1}));
        // Said only if reported.
        auto has = [&](const char* kind) {
            for (const auto& [k, id] : seen)
                if (k == kind) return true;
            return false;
        };
        if (lower(caption).find("bounce") != std::string::npos) {
            EXPECT_TRUE(has("bounce"));
        }
        if (lower(caption).find("upside down") != std::string::npos) {
            EXPECT_TRUE(has("rest"));
        }
        // The user's model: 0.4 m parcel of 300 kg/m³ → 19.2 kg.
        EXPECT_NEAR(meta.at("objects")[1].at("mass_kg").get<double>(), 19.2, 0.05);
        EXPECT_EQ(meta.at("objects")[1].at("category"), "boxes");
    }
    EXPECT_GE(captions.size(), 2u);
    fs::remove_all(dir);
}

}  // namespace
}  // namespace silt::app
