// The "checks" block of a scene template and --checks files: defaults, overrides, and one
// clear error (source, JSON path, what was expected) for each kind of bad input.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "silt/scenes/ChecksConfig.h"
#include "silt/scenes/SceneTemplate.h"

namespace silt::scenes {
namespace {

using json = nlohmann::json;

json specWithChecks(const json& checks) {
    json spec = json::parse(R"({
      "silt_scene": 1, "name": "test", "frames": 10,
      "objects": [{"asset": "chair", "position": [0, 1, 0]}],
      "camera": {"position": [2, 1, 2], "target": [0, 0, 0]}
    })");
    spec["checks"] = checks;
    return spec;
}

std::string errorFor(const json& checks) {
    auto parsed = parseSceneTemplate(specWithChecks(checks).dump(2), "scene.json");
    return parsed.ok() ? std::string("<parsed without error>") : parsed.error().message;
}

TEST(ChecksConfig, DefaultsCoverEveryCheckAndFlag) {
    ChecksConfig config;
    EXPECT_TRUE(config.enabled);
    EXPECT_EQ(config.onFail, CheckFailPolicy::Flag);
    ASSERT_EQ(config.thresholds.size(), checkDefinitions().size());
    for (const CheckDefinition& check : checkDefinitions()) {
        ASSERT_TRUE(config.thresholds.count(check.name)) << check.name;
        EXPECT_EQ(*config.thresholds.at(std::string(check.name)), check.defaultThreshold);
        EXPECT_EQ(findCheck(check.name), &check);
    }
    EXPECT_EQ(findCheck("no_such_check"), nullptr);
}

TEST(ChecksConfig, TemplateBlockOverridesOnlyWhatItNames) {
    auto parsed = parseSceneTemplate(
        specWithChecks({{"on_fail", "regenerate"},
                        {"max_attempts", 5},
                        {"thresholds", {{"energy_gain", 2.0}, {"frame_contrast", nullptr}}}})
            .dump(),
        "scene.json");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    const ChecksConfig& c = parsed->checks;
    EXPECT_EQ(c.onFail, CheckFailPolicy::Regenerate);
    EXPECT_EQ(c.maxAttempts, 5u);
    EXPECT_EQ(*c.thresholds.at("energy_gain"), 2.0);
    EXPECT_FALSE(c.thresholds.at("frame_contrast").has_value());
    EXPECT_EQ(*c.thresholds.at("saturated_fraction"), findCheck("saturated_fraction")->defaultThreshold);
    // The JSON form reads back to the same config.
    ChecksConfig again;
    ASSERT_TRUE(applyChecksConfig(c.toJson(), "x", "", again).ok());
    EXPECT_EQ(again.toJson(), c.toJson());
}

TEST(ChecksConfig, TemplateWithoutBlockGetsDefaults) {
    auto parsed = parseSceneTemplate(specWithChecks(json::object()).dump(), "scene.json");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->checks.toJson(), ChecksConfig().toJson());
    for (const SceneTemplate& builtin : builtinTemplates())
        EXPECT_TRUE(builtin.checks.enabled) << builtin.name;
}

TEST(ChecksConfig, BadBlocksNameThePlaceAndTheExpectation) {
    EXPECT_EQ(errorFor({{"on_fail", "retry"}}),
              "scene.json: /checks/on_fail: expected \"flag\" or \"regenerate\", got \"retry\"");
    EXPECT_EQ(errorFor({{"max_attempts", 0}}),
              "scene.json: /checks/max_attempts: expected an integer 1..100, got 0");
    EXPECT_EQ(errorFor({{"max_attempts", 2.5}}),
              "scene.json: /checks/max_attempts: expected an integer 1..100, got 2.5");
    EXPECT_EQ(errorFor({{"enabled", "yes"}}),
              "scene.json: /checks/enabled: expected true or false, got \"yes\"");
    EXPECT_EQ(errorFor({{"on_fial", "flag"}}),
              "scene.json: /checks/on_fial: unknown field (did you mean \"on_fail\"?)");
    EXPECT_EQ(errorFor({{"thresholds", {{"energy_gian", 2}}}}),
              "scene.json: /checks/thresholds/energy_gian: unknown field (did you mean "
              "\"energy_gain\"?)");
    const std::string negative = errorFor({{"thresholds", {{"energy_gain", -1}}}});
    EXPECT_EQ(negative.rfind("scene.json: /checks/thresholds/energy_gain: expected a number >= 0", 0),
              0u)
        << negative;
    EXPECT_NE(negative.find("got -1"), std::string::npos) << negative;
    EXPECT_EQ(errorFor(json::array()).rfind("scene.json: /checks: expected an object", 0), 0u);
}

TEST(ChecksConfig, BadBlockLeavesConfigUnchanged) {
    ChecksConfig config;
    const json before = config.toJson();
    Status s = applyChecksConfig({{"on_fail", "regenerate"}, {"max_attempts", 1000}}, "f.json", "",
                                 config);
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(config.toJson(), before);
}

TEST(ChecksConfig, FilesApplyOverATemplateAndReportMalformedJson) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("silt_checks_config_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string good = (dir / "good.json").string(), bad = (dir / "bad.json").string();
    std::ofstream(good) << R"({"thresholds": {"body_penetration": 0.5}})";
    std::ofstream(bad) << "{\n  \"on_fail\": \"flag\",\n  oops\n}";
    ChecksConfig config;
    config.onFail = CheckFailPolicy::Regenerate;
    ASSERT_TRUE(applyChecksFile(good, config).ok());
    EXPECT_EQ(config.onFail, CheckFailPolicy::Regenerate);  // kept: the file does not name it
    EXPECT_EQ(*config.thresholds.at("body_penetration"), 0.5);
    Status malformed = applyChecksFile(bad, config);
    ASSERT_FALSE(malformed.ok());
    EXPECT_EQ(malformed.error().message.rfind(bad + ":3:", 0), 0u) << malformed.error().message;
    Status missing = applyChecksFile((dir / "none.json").string(), config);
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("none.json"), std::string::npos);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace silt::scenes
