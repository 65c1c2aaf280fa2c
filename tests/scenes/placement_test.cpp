// Placement: the randomizer's plans start without interpenetration, above the ground and in
// view, for 1000 seeds of every builtin template, with the bundled assets' real bounds.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "silt/assets/AssetLibrary.h"
#include "silt/core/Rng.h"
#include "silt/scenes/Placement.h"
#include "silt/scenes/SceneTemplate.h"

namespace silt::scenes {
namespace {

OrientedBox unitBox(const Vec3f& center, float yawDeg) {
    Pose pose;
    pose.position = center;
    pose.rotation = Quatf(Eigen::AngleAxisf(degToRad(yawDeg), Vec3f::UnitY()));
    return orientedBox(Eigen::AlignedBox3f(Vec3f(-0.5f, 0, -0.5f), Vec3f(0.5f, 1, 0.5f)), 1.0f,
                       pose);
}

TEST(Placement, BoxOverlapMatchesGeometry) {
    EXPECT_FALSE(boxesOverlap(unitBox({0, 0, 0}, 0), unitBox({1.05f, 0, 0}, 0)));
    EXPECT_TRUE(boxesOverlap(unitBox({0, 0, 0}, 0), unitBox({0.95f, 0, 0}, 0)));
    EXPECT_TRUE(boxesOverlap(unitBox({0, 0, 0}, 0), unitBox({1.05f, 0, 0}, 0), 0.2f));
    // Turned 45°: its corner reaches 0.5·√2 ≈ 0.707 from its centre.
    EXPECT_FALSE(boxesOverlap(unitBox({0, 0, 0}, 0), unitBox({1.25f, 0, 0}, 45)));
    EXPECT_TRUE(boxesOverlap(unitBox({0, 0, 0}, 0), unitBox({1.15f, 0, 0}, 45)));
    EXPECT_FALSE(boxesOverlap(unitBox({0, 0, 0}, 0), unitBox({0, 1.01f, 0}, 30)));
    EXPECT_NEAR(lowestPoint(unitBox({0, 2, 0}, 30)), 2.0f, 1e-5f);
}

TEST(Placement, SeparatedBoxesShareNoSampledPoint) {
    // Independent check of the separating-axis test: points sampled inside box a are never
    // inside box b when the test says the two are apart.
    Pcg32 rng = streamFor(7, 0, "placement-test");
    auto inside = [](const OrientedBox& box, const Vec3f& p) {
        const Vec3f local = box.axes.transpose() * (p - box.center);
        return (local.cwiseAbs().array() <= box.halfExtents.array()).all();
    };
    int apart = 0;
    for (int trial = 0; trial < 300; ++trial) {
        OrientedBox a, b;
        for (OrientedBox* box : {&a, &b}) {
            box->center = Vec3f(float(rng.uniform(-0.6, 0.6)), float(rng.uniform(-0.6, 0.6)),
                                float(rng.uniform(-0.6, 0.6)));
            Quatf q(float(rng.uniform(-1, 1)), float(rng.uniform(-1, 1)), float(rng.uniform(-1, 1)),
                    float(rng.uniform(-1, 1)));
            box->axes = q.normalized().toRotationMatrix();
            box->halfExtents = Vec3f(float(rng.uniform(0.05, 0.4)), float(rng.uniform(0.05, 0.4)),
                                     float(rng.uniform(0.05, 0.4)));
        }
        if (boxesOverlap(a, b)) continue;
        ++apart;
        for (int s = 0; s < 400; ++s) {
            const Vec3f local(float(rng.uniform(-1, 1)), float(rng.uniform(-1, 1)),
                              float(rng.uniform(-1, 1)));
            const Vec3f p = a.center + a.axes * local.cwiseProduct(a.halfExtents);
            ASSERT_FALSE(inside(b, p)) << "trial " << trial;
        }
    }
    EXPECT_GT(apart, 50);
}

const assets::AssetLibrary& bundledLibrary() {
    static const auto library = assets::AssetLibrary::open(assets::bundledMeshDir());
    SILT_CHECK(library.ok());
    return *library;
}

AssetLookup libraryLookup() {
    static std::map<std::string, AssetFacts> cache;
    return [](const std::string& name) -> std::optional<AssetFacts> {
        if (auto it = cache.find(name); it != cache.end()) return it->second;
        const assets::AssetInfo* info = bundledLibrary().find(name);
        if (info == nullptr) return std::nullopt;
        auto mesh = bundledLibrary().load(name);
        SILT_CHECK(mesh.ok());
        return cache.emplace(name, AssetFacts{info->category, info->density, mesh->bounds()})
            .first->second;
    };
}

CategoryLookup libraryCategories() {
    return [](const std::string& category) {
        std::vector<std::string> names;
        for (const assets::AssetInfo& info : bundledLibrary().assets())
            if (info.category == category) names.push_back(info.name);
        std::sort(names.begin(), names.end());
        return names;
    };
}

// Every builtin template (SILT_SCENE_TEMPLATES, so new ones are covered without listing them)
// gives 1000 plans whose objects start above the ground, in view, apart from each other,
// inside the continuum's domain, and clear of sand and water unless they are meant to start
// buried in them (and then they do reach into them).
TEST(Placement, EveryBuiltinTemplateStartsWithoutOverlapAndInView) {
    const AssetLookup lookup = libraryLookup();
    const CategoryLookup categories = libraryCategories();
    EXPECT_GE(builtinTemplates().size(), 8u);
    for (const SceneTemplate& scene : builtinTemplates()) {
        size_t objectsSeen = 0;
        for (uint64_t seed = 0; seed < 1000; ++seed) {
            auto plan = randomize(scene, lookup, seed, 0, {}, categories);
            ASSERT_TRUE(plan.ok())
                << scene.name << " seed " << seed << ": " << plan.error().message;
            std::vector<OrientedBox> boxes;
            for (const ObjectPlan& object : plan->objects) {
                boxes.push_back(
                    orientedBox(*lookup(object.asset)->bounds, object.scale, object.pose));
            }
            std::vector<OrientedBox> blocks;
            if (plan->continuum) {
                for (const SandBlockPlan& b : plan->continuum->sand)
                    blocks.push_back(alignedBox(b.min, b.max));
                for (const WaterBlockPlan& b : plan->continuum->water)
                    blocks.push_back(alignedBox(b.min, b.max));
            }
            const CameraState camera = plan->camera.at(0.0f);
            objectsSeen += boxes.size();
            for (size_t i = 0; i < boxes.size(); ++i) {
                const std::string where =
                    fmt::format("{} seed {} object {}", scene.name, seed, i);
                EXPECT_GE(lowestPoint(boxes[i]), -1e-4f) << where;
                EXPECT_TRUE(inViewOrFallingIntoIt(boxes[i], camera, 0.0f)) << where;
                for (size_t j = 0; j < i; ++j) {
                    ASSERT_FALSE(boxesOverlap(boxes[i], boxes[j])) << where << " and " << j;
                }
                if (!plan->continuum) continue;
                // Within the walls (x, z) and above the floor; it may start above the top.
                const Vec3f& top = plan->continuum->domainMax;
                const Eigen::AlignedBox3f domain(plan->continuum->domainMin,
                                                 Vec3f(top.x(), 1e30f, top.z()));
                EXPECT_TRUE(boxInside(boxes[i], domain)) << where;
                bool inContinuum = false;
                for (const OrientedBox& block : blocks)
                    inContinuum = inContinuum || boxesOverlap(boxes[i], block);
                EXPECT_EQ(inContinuum, plan->objects[i].buried) << where;
            }
        }
        // A template may leave its objects out now and then (a count of 0), never always.
        if (!scene.spec["objects"].empty()) {
            EXPECT_GT(objectsSeen, 0u) << scene.name;
        }
    }
}

TEST(Placement, ImpossiblePlacementIsAClearError) {
    auto scene = parseSceneTemplate(R"({
      "silt_scene": 1, "name": "crowded",
      "objects": [{"asset": "chair", "count": 3, "position": [0, 1, 0]}]
    })",
                                    "crowded.json");
    ASSERT_TRUE(scene.ok()) << scene.error().message;
    auto plan = randomize(*scene, libraryLookup(), 1, 0);
    ASSERT_FALSE(plan.ok());
    EXPECT_NE(plan.error().message.find("crowded.json: /objects/0: cannot place copy 1 of 'chair'"),
              std::string::npos)
        << plan.error().message;
}

TEST(Placement, RedrawsAreDeterministic) {
    const SceneTemplate& scene = builtinTemplates().back();
    auto a = randomize(scene, libraryLookup(), 42, 3, {}, libraryCategories());
    auto b = randomize(scene, libraryLookup(), 42, 3, {}, libraryCategories());
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->sampled, b->sampled);
}

}  // namespace
}  // namespace silt::scenes
