#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "silt/core/FileAtomics.h"
#include "silt/scenes/SceneTemplate.h"

namespace silt::scenes {
namespace {

const std::filesystem::path kTemplateDir =
    std::filesystem::path(SILT_SOURCE_DIR) / "scenes/templates";

TEST(BuiltinTemplates, AllParseAndAreSortedAndDescribed) {
    const auto& templates = builtinTemplates();
    ASSERT_GE(templates.size(), 2u);
    std::set<std::string> names;
    for (size_t i = 0; i < templates.size(); ++i) {
        const SceneTemplate& t = templates[i];
        names.insert(t.name);
        EXPECT_EQ(t.source, "builtin:" + t.name);
        EXPECT_FALSE(t.description.empty()) << t.name;
        EXPECT_EQ(t.description.find('\n'), std::string::npos) << t.name;
        if (i > 0) {
            EXPECT_LT(templates[i - 1].name, t.name);
        }
    }
    EXPECT_TRUE(names.contains("default"));
    EXPECT_TRUE(names.contains("tumble-orbit"));
    EXPECT_EQ(defaultTemplate().name, "default");
}

TEST(BuiltinTemplates, EmbeddedTextMatchesTheFilesOnDisk) {
    // Each builtin must be exactly the committed file: the build step embeds, it does not edit.
    for (const SceneTemplate& builtin : builtinTemplates()) {
        auto file = loadSceneTemplate(kTemplateDir / (builtin.name + ".json"));
        ASSERT_TRUE(file.ok()) << file.error().message;
        EXPECT_EQ(file->spec, builtin.spec) << builtin.name;
    }
}

TEST(BuiltinTemplates, DefaultDropsChairCupAndBoatOntoAStaticCamera) {
    const nlohmann::json& spec = defaultTemplate().spec;
    std::set<std::string> assets;
    for (const auto& entry : spec["objects"]) assets.insert(entry["asset"].get<std::string>());
    EXPECT_EQ(assets, (std::set<std::string>{"chair", "cup", "boat"}));
    EXPECT_EQ(spec["camera"]["path"], "static");
}

TEST(ResolveScene, FindsABuiltinByName) {
    auto resolved = resolveScene("tumble-orbit");
    ASSERT_TRUE(resolved.ok()) << resolved.error().message;
    EXPECT_EQ(resolved->name, "tumble-orbit");
    EXPECT_EQ(resolved->source, "builtin:tumble-orbit");
}

TEST(ResolveScene, LoadsAFilePathAndNamesItAsTheSource) {
    std::filesystem::path dir = std::filesystem::temp_directory_path() / "silt_scenes_test";
    std::filesystem::create_directories(dir);
    std::filesystem::path file = dir / "my-scene.json";
    ASSERT_TRUE(writeFileAtomic(file, std::string_view(R"({"silt_scene": 1, "name": "mine",
        "description": "one cup", "objects": [{"asset": "cup"}]})"))
                    .ok());
    auto resolved = resolveScene(file.string());
    ASSERT_TRUE(resolved.ok()) << resolved.error().message;
    EXPECT_EQ(resolved->name, "mine");
    EXPECT_EQ(resolved->description, "one cup");
    EXPECT_EQ(resolved->source, file.string());
    EXPECT_EQ(resolved->spec["objects"][0]["asset"], "cup");
    std::filesystem::remove_all(dir);
}

TEST(ResolveScene, UnknownNameListsTheBuiltins) {
    auto resolved = resolveScene("defualt");
    ASSERT_FALSE(resolved.ok());
    // The list is every builtin's name, so it is built from builtinTemplates() here too.
    std::string names;
    for (const SceneTemplate& scene : builtinTemplates()) names += (names.empty() ? "" : ", ") + scene.name;
    EXPECT_NE(names.find("sand-drop"), std::string::npos);
    EXPECT_EQ(resolved.error().message,
              "unknown scene 'defualt': not a builtin template (" + names + ") and no such file");
}

TEST(LoadSceneTemplate, MissingFileErrorNamesTheFile) {
    auto loaded = loadSceneTemplate("/nonexistent/silt/scene.json");
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(loaded.error().message.find("/nonexistent/silt/scene.json"), std::string::npos)
        << loaded.error().message;
}

TEST(ParseSceneTemplate, MinimalSpecTakesDefaults) {
    auto parsed = parseSceneTemplate(R"({"silt_scene": 1, "name": "empty", "objects": []})", "x");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    EXPECT_EQ(parsed->name, "empty");
    EXPECT_EQ(parsed->description, "");
    EXPECT_EQ(parsed->source, "x");
}

}  // namespace
}  // namespace silt::scenes
