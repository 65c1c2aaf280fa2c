#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "silt/core/ColorTemperature.h"
#include "silt/scenes/Placement.h"
#include "silt/scenes/SceneTemplate.h"

namespace silt::scenes {
namespace {

using json = nlohmann::json;

std::optional<AssetFacts> fakeAssets(const std::string& name) {
    static const std::map<std::string, AssetFacts> kAssets = {
        {"chair", {"furniture", 650.0f, std::nullopt}},
        {"cup", {"container", 900.0f, std::nullopt}},
        {"boat", {"vessel", 300.0f, std::nullopt}},
    };
    auto it = kAssets.find(name);
    if (it == kAssets.end()) return std::nullopt;
    return it->second;
}

SceneTemplate parsed(const json& spec) {
    auto result = parseSceneTemplate(spec.dump(), "scene.json");
    SILT_CHECK(result.ok());
    return std::move(result).value();
}

ScenePlan plan(const SceneTemplate& scene, uint64_t seed, uint64_t clip,
               const PlanOverrides& overrides = {}) {
    auto result = randomize(scene, fakeAssets, seed, clip, overrides);
    if (!result) ADD_FAILURE() << result.error().message;
    return std::move(result).value();
}

bool sameBits(float a, float b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

bool samePose(const Pose& a, const Pose& b) {
    for (int i = 0; i < 3; ++i)
        if (!sameBits(a.position[i], b.position[i])) return false;
    return sameBits(a.rotation.w(), b.rotation.w()) && sameBits(a.rotation.x(), b.rotation.x()) &&
           sameBits(a.rotation.y(), b.rotation.y()) && sameBits(a.rotation.z(), b.rotation.z());
}

bool sameObjects(const ScenePlan& a, const ScenePlan& b) {
    if (a.objects.size() != b.objects.size()) return false;
    for (size_t i = 0; i < a.objects.size(); ++i) {
        const ObjectPlan &x = a.objects[i], &y = b.objects[i];
        if (x.asset != y.asset || !samePose(x.pose, y.pose) || !sameBits(x.density, y.density) ||
            !sameBits(x.angularVelocity.x(), y.angularVelocity.x()))
            return false;
    }
    return true;
}

json sampledUnder(const ScenePlan& p, const std::string& prefix) {
    json out = json::object();
    for (const auto& [key, value] : p.sampled.items())
        if (key.rfind(prefix, 0) == 0) out[key] = value;
    return out;
}

TEST(Randomize, SameSeedAndClipGiveTheSamePlanBitForBit) {
    SceneTemplate scene = resolveScene("tumble-orbit").value();
    ScenePlan a = plan(scene, 42, 7), b = plan(scene, 42, 7);
    EXPECT_EQ(a.sampled, b.sampled);
    EXPECT_FALSE(a.sampled.empty());
    EXPECT_TRUE(sameObjects(a, b));
    EXPECT_TRUE(sameBits(a.camera.position.y(), b.camera.position.y()));
    EXPECT_TRUE(sameBits(a.lighting.sunIntensity, b.lighting.sunIntensity));
    EXPECT_TRUE(sameBits(a.ground.friction, b.ground.friction));
}

TEST(Randomize, DifferentClipOrSeedGiveDifferentPlans) {
    const SceneTemplate& scene = defaultTemplate();
    ScenePlan base = plan(scene, 42, 7);
    ScenePlan otherClip = plan(scene, 42, 8);
    ScenePlan otherSeed = plan(scene, 43, 7);
    EXPECT_NE(base.sampled, otherClip.sampled);
    EXPECT_NE(base.sampled, otherSeed.sampled);
    EXPECT_FALSE(sameObjects(base, otherClip));
    EXPECT_FALSE(sameObjects(base, otherSeed));
    EXPECT_EQ(otherClip.clipIndex, 8u);
    EXPECT_EQ(otherSeed.seed, 43u);
}

TEST(Randomize, DefaultTemplatePlan) {
    ScenePlan p = plan(defaultTemplate(), 1, 0);
    EXPECT_EQ(p.templateName, "default");
    EXPECT_EQ(p.frames, 48u);
    EXPECT_EQ(p.fps, 24u);
    EXPECT_EQ(p.camera.intrinsics.width, 256u);
    EXPECT_EQ(p.camera.path, "static");
    // The template asks for a 45° vertical field of view.
    EXPECT_NEAR(p.camera.intrinsics.verticalFov, degToRad(45.0f), 1e-6f);
    ASSERT_EQ(p.objects.size(), 3u);
    std::set<std::string> assets;
    for (size_t i = 0; i < p.objects.size(); ++i) {
        const ObjectPlan& o = p.objects[i];
        assets.insert(o.asset);
        EXPECT_EQ(o.instanceId, i + 1);
        EXPECT_GE(o.pose.position.y(), 0.8f);
        EXPECT_LE(o.pose.position.y(), 1.6f);
        EXPECT_GT(o.angularVelocity.norm(), 0.0f);           // they tumble
        EXPECT_EQ(o.density, fakeAssets(o.asset)->density);  // template gives none
        EXPECT_EQ(o.category, fakeAssets(o.asset)->category);
    }
    EXPECT_EQ(assets, (std::set<std::string>{"chair", "cup", "boat"}));
    EXPECT_FALSE(p.objects[0].materialOverrides.baseColor);
}

json rangeSpec() {
    return json::parse(R"({
      "silt_scene": 1, "name": "ranges",
      "frames": {"choice": [10, 20, 30]},
      "objects": [{
        "asset": {"choice": ["chair", "cup", "boat"]},
        "count": {"uniform": [2, 4]},
        "position": [{"uniform": [-1, 1]}, {"uniform": [0.5, 2]}, {"normal": [0.5, 0.2]}],
        "scale": {"normal": [1, 0.5], "min": 0.75, "max": 1.25},
        "density": {"uniform": [100, 200]},
        "color": [0.5, {"choice": [0.1, 0.9]}, 0.5]
      }],
      "camera": {"fov_deg": {"uniform": [40, 60]}}
    })");
}

TEST(Randomize, DrawsLieInTheirRangesAndMatchTheRecord) {
    SceneTemplate scene = parsed(rangeSpec());
    std::set<int64_t> counts, frames;
    std::set<std::string> assets;
    std::set<float> greens;
    bool clampedLow = false, clampedHigh = false;
    for (uint64_t clip = 0; clip < 1000; ++clip) {
        ScenePlan p = plan(scene, 5, clip);
        int64_t count = p.sampled["/objects/0/count"].get<int64_t>();
        counts.insert(count);
        ASSERT_EQ(p.objects.size(), size_t(count));
        frames.insert(p.frames);
        ASSERT_EQ(p.sampled["/frames"].get<int64_t>(), p.frames);
        float fov = p.camera.intrinsics.verticalFov;
        ASSERT_GE(fov, degToRad(40.0f) - 1e-6f);
        ASSERT_LT(fov, degToRad(60.0f) + 1e-6f);
        for (int64_t k = 0; k < count; ++k) {
            const ObjectPlan& o = p.objects[size_t(k)];
            const std::string path = "/objects/0[" + std::to_string(k) + "]";
            ASSERT_GE(o.pose.position.x(), -1.0f);
            ASSERT_LT(o.pose.position.x(), 1.0f);
            ASSERT_GE(o.pose.position.y(), 0.5f);
            ASSERT_LE(o.pose.position.y(), 2.0f);
            ASSERT_EQ(o.pose.position.y(), float(p.sampled[path + "/position/1"].get<double>()));
            ASSERT_GE(o.scale, 0.75f);
            ASSERT_LE(o.scale, 1.25f);
            clampedLow = clampedLow || o.scale == 0.75f;
            clampedHigh = clampedHigh || o.scale == 1.25f;
            ASSERT_GE(o.density, 100.0f);
            ASSERT_LE(o.density, 200.0f);
            ASSERT_EQ(o.asset, p.sampled[path + "/asset"].get<std::string>());
            ASSERT_EQ(o.material.baseColor.x(), 0.5f);
            greens.insert(o.material.baseColor.y());
            assets.insert(o.asset);
        }
    }
    EXPECT_EQ(counts, (std::set<int64_t>{2, 3, 4}));
    EXPECT_EQ(frames, (std::set<int64_t>{10, 20, 30}));
    EXPECT_EQ(assets, (std::set<std::string>{"chair", "cup", "boat"}));
    EXPECT_EQ(greens, (std::set<float>{0.1f, 0.9f}));
    EXPECT_TRUE(clampedLow && clampedHigh);  // N(1, 0.5) leaves [0.75, 1.25] half the time
}

TEST(Randomize, NormalDrawsHaveTheirMeanAndStandardDeviation) {
    SceneTemplate scene = parsed(rangeSpec());
    double sum = 0.0, sumSquares = 0.0;
    size_t n = 0;
    for (uint64_t clip = 0; clip < 1000; ++clip) {
        for (const ObjectPlan& o : plan(scene, 11, clip).objects) {
            double z = o.pose.position.z();
            sum += z;
            sumSquares += z * z;
            ++n;
        }
    }
    double mean = sum / double(n);
    double stddev = std::sqrt(sumSquares / double(n) - mean * mean);
    // About 3000 draws of N(0.5, 0.2): the standard error of the mean is 0.0037.
    EXPECT_NEAR(mean, 0.5, 0.02);
    EXPECT_NEAR(stddev, 0.2, 0.02);
}

TEST(Randomize, CameraDistributionsDoNotShiftObjectOrLightingDraws) {
    json spec = rangeSpec();
    spec["lighting"] = {{"sun_intensity", {{"uniform", {1, 5}}}}};
    SceneTemplate a = parsed(spec);
    spec["camera"]["fov_deg"] = {{"normal", {50, 5}}, {"min", 30}, {"max", 70}};
    spec["camera"]["position"] = {{{"uniform", {2, 3}}}, 2, 3};
    SceneTemplate b = parsed(spec);
    for (uint64_t clip = 0; clip < 20; ++clip) {
        ScenePlan pa = plan(a, 9, clip), pb = plan(b, 9, clip);
        EXPECT_TRUE(sameObjects(pa, pb)) << clip;
        EXPECT_EQ(sampledUnder(pa, "/objects"), sampledUnder(pb, "/objects"));
        EXPECT_TRUE(sameBits(pa.lighting.sunIntensity, pb.lighting.sunIntensity));
        EXPECT_NE(sampledUnder(pa, "/camera"), sampledUnder(pb, "/camera"));
    }
}

TEST(Randomize, ObjectDistributionsDoNotShiftCameraDraws) {
    json spec = rangeSpec();
    SceneTemplate a = parsed(spec);
    spec["objects"][0]["friction"] = {{"uniform", {0.2, 0.9}}};
    SceneTemplate b = parsed(spec);
    for (uint64_t clip = 0; clip < 20; ++clip) {
        ScenePlan pa = plan(a, 9, clip), pb = plan(b, 9, clip);
        EXPECT_TRUE(sameBits(pa.camera.intrinsics.verticalFov, pb.camera.intrinsics.verticalFov));
        EXPECT_EQ(pa.frames, pb.frames);
    }
}

TEST(Randomize, EachPurposeHasItsOwnStream) {
    // The same distribution first in each purpose's order: a shared stream would repeat it.
    json spec = json::parse(R"({"silt_scene": 1, "name": "streams",
      "ground": {"half_extent": {"uniform": [1, 2]}},
      "objects": [{"asset": "cup", "position": [{"uniform": [1, 2]}, 0, 0]}],
      "camera": {"position": [{"uniform": [1, 2]}, 2, 3]},
      "lighting": {"sun_direction": [{"uniform": [1, 2]}, -1, 0]}})");
    ScenePlan p = plan(parsed(spec), 4, 4);
    std::set<double> firstDraws = {p.sampled["/ground/half_extent"].get<double>(),
                                   p.sampled["/objects/0/position/0"].get<double>(),
                                   p.sampled["/camera/position/0"].get<double>(),
                                   p.sampled["/lighting/sun_direction/0"].get<double>()};
    EXPECT_EQ(firstDraws.size(), 4u) << p.sampled.dump();
}

TEST(Randomize, CountOfOneKeepsPlainPathsAndIdsRunAcrossEntries) {
    json spec = rangeSpec();
    spec["objects"][0]["count"] = 3;
    spec["objects"].push_back({{"asset", "cup"}, {"position", {0, {{"uniform", {1, 2}}}, 0}}});
    ScenePlan p = plan(parsed(spec), 3, 3);
    ASSERT_EQ(p.objects.size(), 4u);
    for (size_t i = 0; i < 4; ++i) EXPECT_EQ(p.objects[i].instanceId, i + 1);
    EXPECT_TRUE(p.sampled.contains("/objects/0[2]/position/1"));
    EXPECT_TRUE(p.sampled.contains("/objects/1/position/1"));
    EXPECT_FALSE(p.sampled.contains("/objects/0/count"));  // fixed, not drawn
}

TEST(Randomize, OverridesReplaceTemplateValues) {
    PlanOverrides overrides;
    overrides.frames = 5;
    overrides.fps = 30;
    overrides.width = 128;
    overrides.height = 96;
    ScenePlan p = plan(parsed(rangeSpec()), 1, 1, overrides);
    EXPECT_EQ(p.frames, 5u);
    EXPECT_EQ(p.fps, 30u);
    EXPECT_EQ(p.camera.intrinsics.width, 128u);
    EXPECT_EQ(p.camera.intrinsics.height, 96u);
    EXPECT_FALSE(p.sampled.contains("/frames"));  // the drawn value was not used
}

TEST(Randomize, ValidateOverridesUsesTheSpecRanges) {
    PlanOverrides overrides;
    EXPECT_TRUE(validateOverrides(overrides).ok());
    overrides.frames = 12;
    overrides.width = 320;
    EXPECT_TRUE(validateOverrides(overrides).ok());
    overrides.width = 127;
    Status odd = validateOverrides(overrides);
    ASSERT_FALSE(odd.ok());
    EXPECT_EQ(odd.error().message, "--width: expected an even integer 16..4096 (pixels), got 127");
    overrides.width.reset();
    overrides.fps = 0;
    ASSERT_FALSE(validateOverrides(overrides).ok());
    EXPECT_NE(validateOverrides(overrides).error().message.find("--fps"), std::string::npos);
}

TEST(Randomize, InvalidOverrideIsABug) {
    PlanOverrides overrides;
    overrides.width = 127;
    EXPECT_THROW((void)randomize(defaultTemplate(), fakeAssets, 1, 1, overrides), CheckFailure);
    overrides.width.reset();
    overrides.frames = 0;
    EXPECT_THROW((void)randomize(defaultTemplate(), fakeAssets, 1, 1, overrides), CheckFailure);
}

TEST(Randomize, UnknownAssetNamesThePath) {
    json spec = rangeSpec();
    spec["objects"][0]["asset"] = "chiar";
    auto result = randomize(parsed(spec), fakeAssets, 1, 1);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().message, "scene.json: /objects/0/asset: unknown asset 'chiar'");
}

TEST(Randomize, UnknownAssetInAChoiceFailsEvenWhenNotDrawn) {
    json spec = rangeSpec();
    spec["objects"][0]["asset"] = {{"choice", {"chair", "sofa"}}};
    SceneTemplate scene = parsed(spec);
    for (uint64_t clip = 0; clip < 5; ++clip) {
        auto result = randomize(scene, fakeAssets, 1, clip);
        ASSERT_FALSE(result.ok());
        EXPECT_EQ(result.error().message,
                  "scene.json: /objects/0/asset/choice/1: unknown asset 'sofa'");
    }
}

TEST(Randomize, RotationAppliesXThenYThenZAboutWorldAxes) {
    json spec = rangeSpec();
    spec["objects"][0]["count"] = 1;
    spec["objects"][0]["rotation_deg"] = {90, 90, 0};
    ScenePlan p = plan(parsed(spec), 1, 1);
    // +90° about X takes +Y to +Z; then +90° about Y takes +Z to +X.
    Vec3f rotated = p.objects[0].pose.rotation * Vec3f::UnitY();
    EXPECT_LT((rotated - Vec3f::UnitX()).norm(), 1e-5f) << rotated.transpose();
    EXPECT_NEAR(p.objects[0].pose.rotation.norm(), 1.0f, 1e-6f);
}

TEST(Randomize, KeyframedMotionDrawsEveryKeyAndItsTurn) {
    json spec = rangeSpec();
    spec["objects"][0]["count"] = 1;
    spec["objects"][0]["motion"] = {
        {"type", "push"},
        {"easing", "ease_in_out"},
        {"keyframes",
         {{{"t", 0.4}, {"offset", {{{"uniform", {0.1, 0.2}}}, 0, 0}}},
          {{"t", {{"uniform", {0.8, 0.9}}}}, {"offset", {0.02, 0, 0}}, {"rotation_deg", {90, 0, 0}}}}}};
    for (uint64_t clip = 0; clip < 5; ++clip) {
        ScenePlan p = plan(parsed(spec), 2, clip);
        ASSERT_TRUE(p.objects[0].motion);
        const MotionPlan& m = *p.objects[0].motion;
        ASSERT_EQ(m.keyframes.size(), 2u);
        EXPECT_TRUE(m.easeInOut);
        EXPECT_FLOAT_EQ(m.keyframes[0].time, 0.4f);
        EXPECT_GE(m.keyframes[0].offset.x(), 0.1f);
        EXPECT_LE(m.keyframes[0].offset.x(), 0.2f);
        EXPECT_GE(m.keyframes[1].time, 0.8f);
        EXPECT_LE(m.keyframes[1].time, 0.9f);
        // +90° about X takes +Y to +Z.
        EXPECT_LT((m.keyframes[1].rotation * Vec3f::UnitY() - Vec3f::UnitZ()).norm(), 1e-5f);
        EXPECT_TRUE(m.keyframes[0].rotation.isApprox(Quatf::Identity()));
        // Out and back: a to-and-fro path, moving from t = 0.
        EXPECT_TRUE(m.reverses());
        EXPECT_FLOAT_EQ(m.startTime(), 0.0f);
        EXPECT_TRUE(p.sampled.contains("/objects/0/motion/keyframes/1/t")) << p.sampled.dump();
    }
    // A path that waits, then rises and stays up: moves from the first key on, rising.
    spec["objects"][0]["motion"] = {
        {"type", "pull"},
        {"keyframes", {{{"t", 0.5}}, {{"t", 1.5}, {"offset", {0, 0.3, 0}}}}}};
    const MotionPlan m = *plan(parsed(spec), 2, 0).objects[0].motion;
    EXPECT_FLOAT_EQ(m.startTime(), 0.5f);
    EXPECT_NEAR(m.meanRiseSpeed(), 0.3f, 1e-6f);
    EXPECT_FALSE(m.reverses());
    EXPECT_FALSE(m.easeInOut);
}

TEST(Randomize, AppearanceOverridesTheAssetFieldByField) {
    json spec = rangeSpec();
    spec["objects"][0] = {{"asset", "chair"}, {"metallic", 0.25}};
    ScenePlan p = plan(parsed(spec), 1, 1);
    ASSERT_EQ(p.objects.size(), 1u);
    const ObjectPlan& chair = p.objects[0];
    EXPECT_TRUE(chair.materialOverrides.metallic);
    EXPECT_FALSE(chair.materialOverrides.baseColor);
    EXPECT_FALSE(chair.materialOverrides.roughness);
    SurfaceMaterial fromMesh{Vec3f(0.4f, 0.25f, 0.1f), 0.0f, 0.7f};
    SurfaceMaterial resolved = chair.resolvedMaterial(fromMesh);
    EXPECT_EQ(resolved.metallic, 0.25f);
    EXPECT_EQ(resolved.baseColor, fromMesh.baseColor);
    EXPECT_EQ(resolved.roughness, fromMesh.roughness);
}

// Category draws: uniform over every asset of the listed categories, recorded like a named
// asset, and a "size" that sets the scale from the asset's bounds.
std::optional<AssetFacts> boundedAssets(const std::string& name) {
    static const std::map<std::string, AssetFacts> kAssets = {
        {"chair", {"furniture", 650.0f, Eigen::AlignedBox3f(Vec3f(-0.2f, 0, -0.2f), Vec3f(0.2f, 0.9f, 0.2f))}},
        {"table", {"furniture", 600.0f, Eigen::AlignedBox3f(Vec3f(-0.4f, 0, -0.3f), Vec3f(0.4f, 0.75f, 0.3f))}},
        {"boat", {"vessel", 300.0f, Eigen::AlignedBox3f(Vec3f(-0.3f, 0, -0.1f), Vec3f(0.3f, 0.16f, 0.1f))}},
        {"cup", {"container", 900.0f, Eigen::AlignedBox3f(Vec3f(-0.05f, 0, -0.05f), Vec3f(0.05f, 0.1f, 0.05f))}},
    };
    auto it = kAssets.find(name);
    if (it == kAssets.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> fakeCategories(const std::string& category) {
    if (category == "furniture") return {"chair", "table"};
    if (category == "vessel") return {"boat"};
    if (category == "container") return {"cup"};
    return {};
}

json categorySpec() {
    return json::parse(R"({
      "silt_scene": 1, "name": "by-category",
      "objects": [{
        "category": ["furniture", "vessel"],
        "size": {"uniform": [0.2, 0.3]},
        "position": [{"uniform": [-50, 50]}, {"uniform": [1, 50]}, {"uniform": [-50, 50]}],
        "motion": {"type": "pull", "start": {"uniform": [0.5, 1.5]},
                   "velocity": [0, {"uniform": [0.1, 0.3]}, 0]}
      }],
      "camera": {"position": [0, 30, 200], "target": [0, 20, 0], "fov_deg": 90}
    })");
}

TEST(Randomize, CategoryDrawsAreUniformOverTheCategoriesAssetsAndRecorded) {
    const SceneTemplate scene = parsed(categorySpec());
    std::map<std::string, int> drawn;
    constexpr int kClips = 3000;
    std::vector<int> startBins(10, 0);
    for (uint64_t clip = 0; clip < kClips; ++clip) {
        auto p = randomize(scene, boundedAssets, 9, clip, {}, fakeCategories);
        ASSERT_TRUE(p.ok()) << p.error().message;
        ASSERT_EQ(p->objects.size(), 1u);
        const ObjectPlan& o = p->objects[0];
        ++drawn[o.asset];
        EXPECT_TRUE(o.drawnByCategory);
        EXPECT_EQ(p->sampled["/objects/0/asset"], o.asset);
        EXPECT_EQ(o.category, boundedAssets(o.asset)->category);
        // "size" is the largest extent: scale × the bounds' largest side.
        const float extent = boundedAssets(o.asset)->bounds->sizes().maxCoeff() * o.scale;
        EXPECT_NEAR(extent, p->sampled["/objects/0/size"].get<double>(), 1e-5);
        EXPECT_GE(extent, 0.2f - 1e-5f);
        EXPECT_LE(extent, 0.3f + 1e-5f);
        ASSERT_TRUE(o.motion.has_value());
        EXPECT_EQ(o.motion->type, "pull");
        EXPECT_EQ(o.motion->start, float(p->sampled["/objects/0/motion/start"].get<double>()));
        ++startBins[std::min(9, int((o.motion->start - 0.5f) * 10.0f))];
        EXPECT_EQ(o.linearVelocity, Vec3f::Zero());
    }
    // Chi-square against uniform over {chair, table, boat} (not over the two categories):
    // 2 degrees of freedom, 13.8 is the 0.1 % critical value.
    ASSERT_EQ(drawn.size(), 3u);
    double chi2 = 0.0;
    for (const auto& [name, n] : drawn) {
        const double expected = kClips / 3.0;
        chi2 += (n - expected) * (n - expected) / expected;
    }
    EXPECT_LT(chi2, 13.8) << "chair " << drawn["chair"] << ", table " << drawn["table"]
                          << ", boat " << drawn["boat"];
    // And the uniform start time over ten bins: 9 degrees of freedom, 27.9 at 0.1 %.
    double chi2Start = 0.0;
    for (int n : startBins) chi2Start += (n - kClips / 10.0) * (n - kClips / 10.0) / (kClips / 10.0);
    EXPECT_LT(chi2Start, 27.9);
}

TEST(Randomize, CategoryErrorsNameThePath) {
    json spec = categorySpec();
    auto noLookup = randomize(parsed(spec), boundedAssets, 1, 0);
    ASSERT_FALSE(noLookup.ok());
    EXPECT_NE(noLookup.error().message.find("scene.json: /objects/0/category: drawing assets by "
                                            "category needs"),
              std::string::npos)
        << noLookup.error().message;
    spec["objects"][0]["category"] = "spaceship";
    auto none = randomize(parsed(spec), boundedAssets, 1, 0, {}, fakeCategories);
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.error().message.find(
                  "scene.json: /objects/0/category: no asset of category \"spaceship\""),
              std::string::npos)
        << none.error().message;
}

TEST(Randomize, BuriedObjectsStartInTheSandOthersClearOfIt) {
    json spec = json::parse(R"({
      "silt_scene": 1, "name": "bed",
      "continuum": {"domain": {"min": [-1, 0, -1], "max": [1, 2, 1]},
                    "sand": [{"min": [-1, 0, -1], "max": [1, 0.3, 1]}]},
      "objects": [
        {"asset": "cup", "buried": true,
         "position": [{"uniform": [-0.9, 0.9]}, {"uniform": [0, 0.8]}, {"uniform": [-0.9, 0.9]}]},
        {"asset": "cup",
         "position": [{"uniform": [-0.9, 0.9]}, {"uniform": [0, 0.8]}, {"uniform": [-0.9, 0.9]}]}
      ],
      "camera": {"position": [0, 3, 4], "target": [0, 0, 0], "fov_deg": 70}
    })");
    const SceneTemplate scene = parsed(spec);
    const OrientedBox sand = alignedBox(Vec3f(-1, 0, -1), Vec3f(1, 0.3f, 1));
    for (uint64_t clip = 0; clip < 300; ++clip) {
        auto p = randomize(scene, boundedAssets, 4, clip, {}, fakeCategories);
        ASSERT_TRUE(p.ok()) << p.error().message;
        const auto box = [&](size_t i) {
            return orientedBox(*boundedAssets("cup")->bounds, 1.0f, p->objects[i].pose);
        };
        EXPECT_TRUE(p->objects[0].buried);
        EXPECT_TRUE(boxesOverlap(box(0), sand)) << clip;
        EXPECT_FALSE(p->objects[1].buried);
        EXPECT_FALSE(boxesOverlap(box(1), sand)) << clip;
        EXPECT_GE(p->objects[1].pose.position.y(), 0.3f);
    }
}

TEST(Randomize, DollyHandheldAndSunTemperatureComeFromTheTemplate) {
    json spec = rangeSpec();
    spec["frames"] = 48;
    spec["fps"] = 24;
    spec["camera"] = {{"path", "dolly"},
                      {"position", {3, 2, 3}},
                      {"dolly_to_position", {{{"uniform", {1.0, 2.0}}}, 1.5, 2.0}},
                      {"dolly_easing", "linear"},
                      {"handheld_m", {{"uniform", {0.01, 0.03}}}},
                      {"handheld_deg", 2},
                      {"handheld_hz", 1.5}};
    spec["lighting"] = {{"sun_temperature_k", {{"uniform", {2500, 9000}}}}};
    SceneTemplate scene = parsed(spec);
    ScenePlan a = plan(scene, 3, 4), b = plan(scene, 3, 4), c = plan(scene, 3, 5);
    EXPECT_EQ(a.camera.path, "dolly");
    EXPECT_EQ(a.camera.dollyEasing, "linear");
    EXPECT_FLOAT_EQ(a.camera.duration, 2.0f);
    EXPECT_EQ(a.camera.dollyPosition.x(), a.sampled["/camera/dolly_to_position/0"].get<float>());
    EXPECT_EQ(a.camera.dollyTarget, a.camera.target);  // absent end: no move of the target
    EXPECT_GE(a.camera.handheldAmplitude, 0.01f);
    EXPECT_LT(a.camera.handheldAmplitude, 0.03f);
    EXPECT_FLOAT_EQ(a.camera.handheldAngle, degToRad(2.0f));
    EXPECT_FLOAT_EQ(a.camera.handheldFrequency, 1.5f);
    EXPECT_EQ(a.camera.handheldSeed, b.camera.handheldSeed);
    EXPECT_NE(a.camera.handheldSeed, c.camera.handheldSeed);
    EXPECT_EQ(a.camera.at(0.7f).cameraToWorld.matrix(), b.camera.at(0.7f).cameraToWorld.matrix());
    // The temperature is drawn, recorded and turned into the sun's colour.
    const float kelvin = a.lighting.sunTemperature;
    EXPECT_EQ(kelvin, a.sampled["/lighting/sun_temperature_k"].get<float>());
    EXPECT_GE(kelvin, 2500.0f);
    EXPECT_LT(kelvin, 9000.0f);
    EXPECT_EQ(a.lighting.sunColor, colorTemperatureToLinearRgb(kelvin));
}

TEST(Randomize, SunColorAndTemperatureTogetherAreRefused) {
    json spec = rangeSpec();
    spec["lighting"] = {{"sun_temperature_k", 3000}, {"sun_color", {1, 0.9, 0.8}}};
    auto result = parseSceneTemplate(spec.dump(), "scene.json");
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().message.find("/lighting/sun_temperature_k"), std::string::npos)
        << result.error().message;
}

TEST(ColorTemperature, WarmIsRedderThanCoolAndLuminanceStaysOne) {
    const Vec3f warm = colorTemperatureToLinearRgb(2500.0f);
    const Vec3f daylight = colorTemperatureToLinearRgb(6500.0f);
    const Vec3f cool = colorTemperatureToLinearRgb(9000.0f);
    EXPECT_GT(warm.x() / warm.z(), 2.0f);
    EXPECT_LT(cool.x() / cool.z(), 1.0f);
    EXPECT_NEAR(daylight.x() / daylight.z(), 1.0f, 0.1f);
    for (const Vec3f& c : {daylight, cool}) {
        const float luminance = 0.2126f * c.x() + 0.7152f * c.y() + 0.0722f * c.z();
        EXPECT_NEAR(luminance, 1.0f, 1e-3f);
    }
}

}  // namespace
}  // namespace silt::scenes

namespace silt::scenes {
namespace {

json pourSpec() {
    json spec = json::parse(R"({
      "silt_scene": 1, "name": "pour", "frames": 4,
      "objects": [],
      "continuum": {
        "cell_size": 0.02, "particles_per_cell": 2,
        "domain": {"min": [-0.3, 0, -0.3], "max": [0.3, 0.6, 0.3]},
        "emitters": [
          {"material": "sand", "shape": "disc", "position": [0, {"uniform": [0.4, 0.5]}, 0],
           "velocity": [0, -0.5, 0], "radius": 0.03, "rate": {"uniform": [0.001, 0.002]},
           "start": 0.1, "end": 1.2, "max_particles": 5000, "friction_angle_deg": 33},
          {"material": "water", "shape": "rectangle", "position": [0.1, 0.4, 0],
           "velocity": [0.3, -0.2, 0], "width": 0.05, "depth": 0.02, "rate": 0.001}
        ]
      }
    })");
    return spec;
}

TEST(Randomize, EmittersBecomeEmitterPlansWithTheirOwnJitterStreams) {
    const SceneTemplate scene = parsed(pourSpec());
    const ScenePlan a = plan(scene, 7, 3);
    ASSERT_TRUE(a.continuum.has_value());
    ASSERT_EQ(a.continuum->emitters.size(), 2u);
    const EmitterPlan& sand = a.continuum->emitters[0];
    EXPECT_EQ(sand.kind, "sand");
    EXPECT_EQ(sand.shape, "disc");
    EXPECT_GE(sand.position.y(), 0.4f);
    EXPECT_LE(sand.position.y(), 0.5f);
    EXPECT_GE(sand.rate, 0.001f);
    EXPECT_LE(sand.rate, 0.002f);
    EXPECT_EQ(sand.maxParticles, 5000u);
    ASSERT_TRUE(sand.frictionAngleDeg.has_value());
    EXPECT_EQ(*sand.frictionAngleDeg, 33.0f);
    EXPECT_EQ(sand.density, 1600.0f);
    EXPECT_TRUE(a.sampled.contains("/continuum/emitters/0/rate"));
    const EmitterPlan& water = a.continuum->emitters[1];
    EXPECT_EQ(water.kind, "water");
    EXPECT_EQ(water.shape, "rectangle");
    EXPECT_EQ(water.density, 1000.0f);
    EXPECT_EQ(water.width, 0.05f);
    EXPECT_EQ(water.start, 0.0f);
    EXPECT_EQ(water.end, 1.0f);
    EXPECT_TRUE(a.continuum->has("sand"));
    EXPECT_TRUE(a.continuum->has("water"));
    // Jitter streams: per pour and per clip, reproducible.
    EXPECT_NE(sand.seed, water.seed);
    EXPECT_EQ(plan(scene, 7, 3).continuum->emitters[0].seed, sand.seed);
    EXPECT_NE(plan(scene, 7, 4).continuum->emitters[0].seed, sand.seed);
}

// grain_diameter (μ(I) friction) reaches the sand plans when given, and is drawn only then:
// adding it to one pour leaves every other draw of the clip as it was.
TEST(Randomize, GrainDiameterIsPlannedWhenGivenAndShiftsNoOtherDraw) {
    json spec = pourSpec();
    spec["continuum"]["sand"] =
        json::array({{{"min", {-0.3, 0, -0.3}}, {"max", {0.3, {{"uniform", {0.05, 0.1}}}, 0.3}}}});
    const ScenePlan without = plan(parsed(spec), 7, 3);
    EXPECT_EQ(without.continuum->emitters[0].grainDiameter, 0.0f);
    EXPECT_EQ(without.continuum->sand[0].grainDiameter, 0.0f);
    spec["continuum"]["emitters"][0]["grain_diameter"] = {{"uniform", {0.001, 0.002}}};
    spec["continuum"]["sand"][0]["grain_diameter"] = 0.0005;
    const ScenePlan with = plan(parsed(spec), 7, 3);
    const EmitterPlan& pour = with.continuum->emitters[0];
    EXPECT_GE(pour.grainDiameter, 0.001f);
    EXPECT_LE(pour.grainDiameter, 0.002f);
    EXPECT_TRUE(with.sampled.contains("/continuum/emitters/0/grain_diameter"));
    ASSERT_EQ(with.continuum->sand.size(), 1u);
    EXPECT_EQ(with.continuum->sand[0].grainDiameter, 0.0005f);
    const EmitterPlan& before = without.continuum->emitters[0];
    EXPECT_EQ(pour.rate, before.rate);
    EXPECT_EQ(pour.position, before.position);
    EXPECT_EQ(pour.seed, before.seed);
    EXPECT_EQ(with.continuum->emitters[1].position, without.continuum->emitters[1].position);
    EXPECT_EQ(with.continuum->sand[0].max, without.continuum->sand[0].max);
}

}  // namespace
}  // namespace silt::scenes
