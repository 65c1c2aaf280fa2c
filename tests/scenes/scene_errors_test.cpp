// Bad scene specs: each error must name the source, the place (line:column for malformed
// JSON, the JSON path otherwise) and what was expected.

#include <gtest/gtest.h>

#include <string>

#include "silt/scenes/SceneTemplate.h"

namespace silt::scenes {
namespace {

using json = nlohmann::json;

json validSpec() {
    return json::parse(R"({
      "silt_scene": 1,
      "name": "test",
      "frames": 10,
      "image": {"width": 64, "height": 64},
      "objects": [
        {"asset": "chair", "position": [0, 1, 0], "density": 600},
        {"asset": {"choice": ["cup", "boat"]}, "count": 2, "density": 400}
      ],
      "camera": {"position": [2, 1, 2], "target": [0, 0, 0], "path": "static"},
      "lighting": {"sun_direction": [0, -1, 0]}
    })");
}

std::string errorFor(const json& spec) {
    auto parsed = parseSceneTemplate(spec.dump(2), "scene.json");
    return parsed.ok() ? std::string("<parsed without error>") : parsed.error().message;
}

std::string errorForText(const std::string& text) {
    auto parsed = parseSceneTemplate(text, "bad.json");
    return parsed.ok() ? std::string("<parsed without error>") : parsed.error().message;
}

/// The message starts with "scene.json: <path>: " and contains `expectation`.
void expectError(const json& spec, const std::string& path, const std::string& expectation) {
    std::string message = errorFor(spec);
    EXPECT_EQ(message.rfind("scene.json: " + path + ": ", 0), 0u)
        << "message: " << message << "\nwanted path: " << path;
    EXPECT_NE(message.find(expectation), std::string::npos)
        << "message: " << message << "\nwanted: " << expectation;
}

TEST(SceneErrors, ValidBaseSpecParses) {
    EXPECT_EQ(errorFor(validSpec()), "<parsed without error>");
}

TEST(SceneErrors, MalformedJsonGivesLineAndColumn) {
    // Line 3 is `  "name": "x",,`: the second comma is the 15th character.
    EXPECT_EQ(errorForText("{\n  \"silt_scene\": 1,\n  \"name\": \"x\",,\n  \"objects\": []\n}")
                  .rfind("bad.json:3:15: malformed JSON: ", 0),
              0u)
        << errorForText("{\n  \"silt_scene\": 1,\n  \"name\": \"x\",,\n  \"objects\": []\n}");
}

TEST(SceneErrors, MalformedJsonColumnCountsCharactersNotBytes) {
    // `  "name": "café" x`: the stray x is character 18 (é is two bytes but one character).
    std::string message = errorForText("{\n  \"silt_scene\": 1,\n  \"name\": \"café\" x\n}");
    EXPECT_EQ(message.rfind("bad.json:3:18: malformed JSON: ", 0), 0u) << message;
}

TEST(SceneErrors, MalformedJsonAtEndOfInputPointsPastTheLastCharacter) {
    std::string message = errorForText("{\"silt_scene\": 1");
    EXPECT_EQ(message.rfind("bad.json:1:17: malformed JSON: ", 0), 0u) << message;
    EXPECT_NE(message.find("unexpected end of input"), std::string::npos) << message;
    EXPECT_EQ(message.find("[json.exception"), std::string::npos) << message;
}

TEST(SceneErrors, NumberOverflowIsMalformedJsonAtTheNumber) {
    std::string message = errorForText("{\"silt_scene\": 1,\n \"frames\": 1e999}");
    EXPECT_EQ(message.rfind("bad.json:2:12: malformed JSON: ", 0), 0u) << message;
}

TEST(SceneErrors, FieldGivenTwice) {
    std::string message = errorForText(R"({"silt_scene": 1, "name": "x", "objects": [
        {"asset": "cup"}, {"asset": "boat", "density": 300, "density": 400}]})");
    EXPECT_EQ(message,
              "bad.json: /objects/1/density: field given twice (each field may appear once)");
}

TEST(SceneErrors, UnknownFieldSuggestsTheNearMiss) {
    json spec = validSpec();
    spec["objects"][0]["colour"] = json::array({1, 0, 0});
    EXPECT_EQ(errorFor(spec),
              "scene.json: /objects/0/colour: unknown field (did you mean \"color\"?)");
}

TEST(SceneErrors, UnknownFieldWithoutNearMissListsTheFields) {
    json spec = validSpec();
    spec["zzqqxx"] = 1;
    expectError(spec, "/zzqqxx", "unknown field (expected one of \"silt_scene\", \"name\"");
}

TEST(SceneErrors, WrongType) {
    json spec = validSpec();
    spec["frames"] = "48";
    expectError(spec, "/frames",
                "expected an integer ≥ 1 (frames, at most 100000) or a distribution, got \"48\"");
}

TEST(SceneErrors, NegativeDensity) {
    json spec = validSpec();
    spec["objects"][1]["density"] = -3;
    EXPECT_EQ(errorFor(spec),
              "scene.json: /objects/1/density: expected a positive number (kg/m³), got -3");
}

TEST(SceneErrors, ZeroFrames) {
    json spec = validSpec();
    spec["frames"] = 0;
    expectError(spec, "/frames", "expected an integer ≥ 1");
    EXPECT_NE(errorFor(spec).find("got 0"), std::string::npos);
}

TEST(SceneErrors, NonIntegerFrames) {
    json spec = validSpec();
    spec["frames"] = 2.5;
    expectError(spec, "/frames", "expected an integer ≥ 1 (frames, at most 100000), got 2.5");
}

TEST(SceneErrors, OddWidth) {
    json spec = validSpec();
    spec["image"]["width"] = 255;
    expectError(spec, "/image/width", "expected an even integer 16..4096 (pixels), got 255");
}

TEST(SceneErrors, UniformWidthIsRefusedBecauseItWouldDrawOddSizes) {
    json spec = validSpec();
    spec["image"]["height"] = {{"uniform", {64, 128}}};
    expectError(spec, "/image/height",
                "as a fixed value or a {\"choice\": [...]} (a uniform could draw odd values), got "
                "a uniform distribution");
}

TEST(SceneErrors, UniformLowAboveHigh) {
    json spec = validSpec();
    spec["objects"][0]["position"][1] = {{"uniform", {2, 1}}};
    expectError(spec, "/objects/0/position/1/uniform",
                "expected [lo, hi] with lo ≤ hi, got [2, 1]");
}

TEST(SceneErrors, NegativeStandardDeviation) {
    json spec = validSpec();
    spec["objects"][0]["position"][0] = {{"normal", {0.5, -0.1}}};
    expectError(spec, "/objects/0/position/0/normal/1",
                "expected a standard deviation ≥ 0, got -0.1");
}

TEST(SceneErrors, EmptyChoice) {
    json spec = validSpec();
    spec["objects"][1]["asset"] = {{"choice", json::array()}};
    expectError(spec, "/objects/1/asset/choice",
                "expected a non-empty array of values to choose from, got an empty array");
}

TEST(SceneErrors, WrongVectorLength) {
    json spec = validSpec();
    spec["objects"][0]["position"] = {0, 1};
    expectError(spec, "/objects/0/position",
                "expected an array of 3 numbers [x, y, z] (m), got an array of 2 elements");
}

TEST(SceneErrors, WrongVersion) {
    json spec = validSpec();
    spec["silt_scene"] = 2;
    expectError(spec, "/silt_scene", "expected 1 (the scene-spec version this Silt reads), got 2");
}

TEST(SceneErrors, MissingVersion) {
    json spec = validSpec();
    spec.erase("silt_scene");
    expectError(spec, "/silt_scene", "got nothing (the field is required)");
}

TEST(SceneErrors, MissingName) {
    json spec = validSpec();
    spec.erase("name");
    expectError(spec, "/name",
                "expected a non-empty one-line string, got nothing (the field is required)");
}

TEST(SceneErrors, MissingObjects) {
    json spec = validSpec();
    spec.erase("objects");
    expectError(spec, "/objects", "expected an array of objects (may be empty), got nothing");
}

TEST(SceneErrors, MissingAsset) {
    json spec = validSpec();
    spec["objects"][1].erase("asset");
    expectError(spec, "/objects/1/asset",
                "expected an asset name (a non-empty string), or a \"category\" to draw from, got nothing");
}

TEST(SceneErrors, UnknownCameraPath) {
    json spec = validSpec();
    spec["camera"]["path"] = "orbital";
    expectError(spec, "/camera/path",
                "expected \"static\", \"orbit\" or \"dolly\", got \"orbital\" (did you mean \"orbit\"?)");
}

TEST(SceneErrors, StringChoiceInNumericField) {
    json spec = validSpec();
    spec["objects"][0]["density"] = {{"choice", {600, "heavy"}}};
    expectError(spec, "/objects/0/density/choice/1",
                "expected a positive number (kg/m³), got \"heavy\"");
}

TEST(SceneErrors, UniformWhoseLowerBoundCanDrawAnInvalidDensity) {
    json spec = validSpec();
    spec["objects"][0]["density"] = {{"uniform", {0, 100}}};
    expectError(spec, "/objects/0/density/uniform/0",
                "expected a positive number (kg/m³) for every draw, got 0");
}

TEST(SceneErrors, NormalWithoutClampOnABoundedField) {
    json spec = validSpec();
    spec["objects"][0]["density"] = {{"normal", {600, 50}}};
    expectError(spec, "/objects/0/density",
                "for every draw, got a normal distribution without a \"min\" clamp");
    spec["objects"][0]["restitution"] = {{"normal", {0.5, 0.1}}, {"min", 0}};
    spec["objects"][0]["density"] = 600;
    expectError(spec, "/objects/0/restitution", "without a \"max\" clamp");
}

TEST(SceneErrors, NormalClampOutsideTheFieldRange) {
    json spec = validSpec();
    spec["objects"][0]["restitution"] = {{"normal", {0.5, 0.1}}, {"min", 0}, {"max", 1.5}};
    expectError(spec, "/objects/0/restitution/max",
                "expected a number 0..1 (restitution) for every draw, got 1.5");
}

TEST(SceneErrors, RestitutionAboveOne) {
    json spec = validSpec();
    spec["objects"][1]["restitution"] = 1.5;
    expectError(spec, "/objects/1/restitution", "expected a number 0..1 (restitution), got 1.5");
}

TEST(SceneErrors, DistributionWithTwoKinds) {
    json spec = validSpec();
    spec["objects"][0]["position"][2] = {{"uniform", {0, 1}}, {"choice", {0, 1}}};
    expectError(spec, "/objects/0/position/2",
                "exactly one of \"uniform\", \"normal\" or \"choice\", got an object with several");
}

TEST(SceneErrors, MisspelledDistributionKind) {
    json spec = validSpec();
    spec["objects"][0]["position"][2] = {{"unifrom", {0, 1}}};
    expectError(spec, "/objects/0/position/2/unifrom", "unknown field (did you mean \"uniform\"?)");
}

TEST(SceneErrors, ClampOnAUniform) {
    json spec = validSpec();
    spec["objects"][0]["scale"] = {{"uniform", {0.5, 1}}, {"min", 0.6}};
    expectError(spec, "/objects/0/scale/min", "clamp only a normal distribution");
}

TEST(SceneErrors, NonIntegerUniformBoundForCount) {
    json spec = validSpec();
    spec["objects"][1]["count"] = {{"uniform", {1, 2.5}}};
    expectError(spec, "/objects/1/count/uniform/1", "expected an integer bound, got 2.5");
}

TEST(SceneErrors, CountOutOfRange) {
    json spec = validSpec();
    spec["objects"][1]["count"] = 101;
    expectError(spec, "/objects/1/count", "expected an integer 0..100 (copies), got 101");
}

TEST(SceneErrors, AssetFromAUniformDistribution) {
    json spec = validSpec();
    spec["objects"][0]["asset"] = {{"uniform", {0, 1}}};
    expectError(spec, "/objects/0/asset/uniform", "only a choice draws names");
}

TEST(SceneErrors, FieldOfViewOfHalfATurn) {
    json spec = validSpec();
    spec["camera"]["fov_deg"] = 180;
    expectError(spec, "/camera/fov_deg",
                "expected a number of degrees between 0 and 180, exclusive, got 180");
}

TEST(SceneErrors, CameraStraightAboveItsTarget) {
    json spec = validSpec();
    spec["camera"]["position"] = {{{"uniform", {-0.1, 0.1}}}, 3, 0};
    expectError(spec, "/camera/position", "horizontally away from the target for every draw");
}

TEST(SceneErrors, SunDirectionThatCanBeZero) {
    json spec = validSpec();
    spec["lighting"]["sun_direction"] = {0, {{"uniform", {-1, 0}}}, 0};
    expectError(spec, "/lighting/sun_direction", "a direction that is never the zero vector");
}

TEST(SceneErrors, ColorComponentAboveOne) {
    json spec = validSpec();
    spec["objects"][0]["color"] = {0.5, 2, 0.5};
    expectError(spec, "/objects/0/color/1", "expected a number 0..1 (linear RGB), got 2");
}

TEST(SceneErrors, SectionOfTheWrongType) {
    json spec = validSpec();
    spec["camera"] = json::array();
    expectError(spec, "/camera", "expected an object (the camera), got an empty array");
}

TEST(SceneErrors, TopLevelNotAnObject) {
    EXPECT_EQ(errorForText("[1, 2]"),
              "bad.json: /: expected an object (a scene spec), got an array of 2 elements");
}

TEST(SceneErrors, MultiLineDescription) {
    json spec = validSpec();
    spec["description"] = "two\nlines";
    expectError(spec, "/description", "expected a non-empty one-line string");
}

TEST(SceneErrors, AssetOrCategoryNotBoth) {
    json spec = validSpec();
    spec["objects"][0]["category"] = "furniture";
    expectError(spec, "/objects/0/category", "names its \"asset\" or draws one by \"category\"");
    spec["objects"][0].erase("asset");
    EXPECT_EQ(errorFor(spec), "<parsed without error>");
    spec["objects"][0]["category"] = json::array();
    expectError(spec, "/objects/0/category", "expected a category name (a non-empty string) or a "
                                             "non-empty array of them, got");
    spec["objects"][0]["category"] = {"furniture", 3};
    expectError(spec, "/objects/0/category/1", "expected a category name");
}

TEST(SceneErrors, ScaleOrSizeNotBoth) {
    json spec = validSpec();
    spec["objects"][0]["scale"] = 1.5;
    spec["objects"][0]["size"] = 0.3;
    expectError(spec, "/objects/0/size", "give \"scale\" (a factor) or \"size\"");
    spec["objects"][0].erase("scale");
    spec["objects"][0]["size"] = 0;
    expectError(spec, "/objects/0/size", "expected a positive number (m, the object's largest extent)");
}

TEST(SceneErrors, MotionAndBuried) {
    json spec = validSpec();
    spec["objects"][0]["buried"] = "yes";
    expectError(spec, "/objects/0/buried", "expected true or false, got");
    spec["objects"][0]["buried"] = true;
    spec["objects"][0]["motion"] = {{"type", "pul"}, {"velocity", {0, 1, 0}}};
    expectError(spec, "/objects/0/motion/type", "(did you mean \"pull\"?)");
    spec["objects"][0]["motion"] = {{"type", "pull"}};
    expectError(spec, "/objects/0/motion/velocity", "got nothing (the field is required)");
    spec["objects"][0]["motion"] = {{"type", "pull"}, {"velocity", {0, 1, 0}}, {"start", -1}};
    expectError(spec, "/objects/0/motion/start", "expected a number ≥ 0 (s from the first frame)");
    spec["objects"][0]["motion"] = {{"type", "push"}, {"velocity", {0, 50, 0}}};
    expectError(spec, "/objects/0/motion/velocity/1", "got 50");
    spec["objects"][0]["motion"] = {{"type", "push"}, {"velocity", {0, 1, 0}}, {"speed", 1}};
    expectError(spec, "/objects/0/motion/speed", "unknown field");
    spec["objects"][0]["motion"] = {{"type", "push"}, {"velocity", {{{"uniform", {0, 1}}}, 0, 0}}};
    EXPECT_EQ(errorFor(spec), "<parsed without error>");
}

TEST(SceneErrors, KeyframedMotionNamesTheKeyAndWhatWasExpected) {
    json spec = validSpec();
    auto motion = [&](const json& m) {
        spec["objects"][0]["motion"] = m;
        return spec;
    };
    const json keys = json::array({{{"t", 0.5}, {"offset", {0.2, 0, 0}}},
                                   {{"t", 1.0}, {"rotation_deg", {0, 90, 0}}}});
    EXPECT_EQ(errorFor(motion({{"type", "push"}, {"keyframes", keys}, {"easing", "ease_in_out"}})),
              "<parsed without error>");
    expectError(motion({{"type", "push"}, {"keyframes", keys}, {"velocity", {1, 0, 0}}}),
                "/objects/0/motion/velocity", "not allowed with \"keyframes\"");
    expectError(motion({{"type", "push"}, {"keyframes", keys}, {"start", 0.2}}),
                "/objects/0/motion/start", "not allowed with \"keyframes\"");
    expectError(motion({{"type", "push"}, {"velocity", {1, 0, 0}}, {"easing", "linear"}}),
                "/objects/0/motion/easing", "applies to \"keyframes\" only");
    expectError(motion({{"type", "push"}, {"keyframes", json::array()}}),
                "/objects/0/motion/keyframes", "a non-empty array");
    expectError(motion({{"type", "push"}, {"keyframes", keys}, {"easing", "smooth"}}),
                "/objects/0/motion/easing", "\"linear\" or \"ease_in_out\"");
    json bad = keys;
    bad[1]["t"] = 0.5;  // not after the previous key
    expectError(motion({{"type", "push"}, {"keyframes", bad}}), "/objects/0/motion/keyframes/1/t",
                "after the previous key's");
    bad = keys;
    bad[1]["t"] = {{"uniform", {0.4, 1.0}}};  // can be drawn before the previous key
    expectError(motion({{"type", "push"}, {"keyframes", bad}}), "/objects/0/motion/keyframes/1/t",
                "as early as 0.4 s");
    bad = keys;
    bad[0]["t"] = 0;
    expectError(motion({{"type", "push"}, {"keyframes", bad}}), "/objects/0/motion/keyframes/0/t",
                "a number of seconds > 0");
    bad = keys;
    bad[0].erase("t");
    expectError(motion({{"type", "push"}, {"keyframes", bad}}), "/objects/0/motion/keyframes/0/t",
                "the field is required");
    bad = keys;
    bad[0]["offset"] = {0, 80, 0};
    expectError(motion({{"type", "push"}, {"keyframes", bad}}),
                "/objects/0/motion/keyframes/0/offset/1", "got 80");
    bad = keys;
    bad[1]["turn"] = 3;
    expectError(motion({{"type", "push"}, {"keyframes", bad}}), "/objects/0/motion/keyframes/1/turn",
                "unknown field");
}

}  // namespace
}  // namespace silt::scenes

namespace silt::scenes {
namespace {

json pourSpec(const json& emitter) {
    json spec = validSpec();
    spec["continuum"] = {{"emitters", json::array({emitter})}};
    return spec;
}

TEST(SceneErrors, EmittersNameTheFieldAndWhatWasExpected) {
    const json good = {{"position", {0, 0.5, 0}}, {"rate", 0.001}};
    EXPECT_EQ(errorFor(pourSpec(good)), "<parsed without error>");
    json e = good;
    e.erase("rate");
    expectError(pourSpec(e), "/continuum/emitters/0/rate", "m³/s");
    e = good;
    e["material"] = "mud";
    expectError(pourSpec(e), "/continuum/emitters/0/material", "\"sand\" or \"water\"");
    e = good;
    e["shape"] = "square";
    expectError(pourSpec(e), "/continuum/emitters/0/shape", "\"disc\" or \"rectangle\"");
    e = good;
    e["velocity"] = {0, 0, 0};
    expectError(pourSpec(e), "/continuum/emitters/0/velocity", "never zero");
    e = good;
    e["start"] = 1.0;
    e["end"] = {{"uniform", {0.5, 2.0}}};
    expectError(pourSpec(e), "/continuum/emitters/0/end", "after \"start\"");
    e = good;
    e["max_particles"] = 2.5;
    expectError(pourSpec(e), "/continuum/emitters/0/max_particles", "integer");
    e = good;
    e["radius"] = -0.1;
    expectError(pourSpec(e), "/continuum/emitters/0/radius", "positive");
    e = good;
    e["nozzle"] = 1;
    expectError(pourSpec(e), "/continuum/emitters/0/nozzle", "unknown field");
    e = good;
    e["grain_diameter"] = -0.001;
    expectError(pourSpec(e), "/continuum/emitters/0/grain_diameter", "0..0.1");
    json sandBlock = validSpec();
    sandBlock["continuum"] = {
        {"sand", json::array({{{"min", {0, 0, 0}},
                               {"max", {0.1, 0.1, 0.1}},
                               {"grain_diameter", {{"uniform", {0.0, 0.5}}}}}})}};
    expectError(sandBlock, "/continuum/sand/0/grain_diameter/uniform/1", "0..0.1");
    json notArray = validSpec();
    notArray["continuum"] = {{"emitters", good}};
    expectError(notArray, "/continuum/emitters", "an array of pours");
}

}  // namespace
}  // namespace silt::scenes
