// Placement: the randomizer's plans start without interpenetration, above the ground and in
// view, for 1000 seeds of every builtin template, with the bundled assets' real bounds.

#include <gtest/gtest.h>

#include <map>

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

AssetLookup libraryLookup() {
    static const auto library = assets::AssetLibrary::open(assets::bundledMeshDir());
    SILT_CHECK(library.ok());
    static std::map<std::string, AssetFacts> cache;
    return [](const std::string& name) -> std::optional<AssetFacts> {
        if (auto it = cache.find(name); it != cache.end()) return it->second;
        const assets::AssetInfo* info = library->find(name);
        if (info == nullptr) return std::nullopt;
        auto mesh = library->load(name);
        SILT_CHECK(mesh.ok());
        return cache.emplace(name, AssetFacts{info->category, info->density, mesh->bounds()})
            .first->second;
    };
}

TEST(Placement, EveryBuiltinTemplateStartsWithoutOverlapAndInView) {
    const AssetLookup lookup = libraryLookup();
    auto library = assets::AssetLibrary::open(assets::bundledMeshDir());
    ASSERT_TRUE(library.ok());
    for (const SceneTemplate& scene : builtinTemplates()) {
        for (uint64_t seed = 0; seed < 1000; ++seed) {
            auto plan = randomize(scene, lookup, seed, 0);
            ASSERT_TRUE(plan.ok())
                << scene.name << " seed " << seed << ": " << plan.error().message;
            std::vector<OrientedBox> boxes;
            for (const ObjectPlan& object : plan->objects) {
                boxes.push_back(
                    orientedBox(*lookup(object.asset)->bounds, object.scale, object.pose));
            }
            const CameraState camera = plan->camera.at(0.0f);
            for (size_t i = 0; i < boxes.size(); ++i) {
                EXPECT_GE(lowestPoint(boxes[i]), -1e-4f) << scene.name << " seed " << seed;
                EXPECT_TRUE(inViewOrFallingIntoIt(boxes[i], camera, 0.0f))
                    << scene.name << " seed " << seed << " object " << i;
                for (size_t j = 0; j < i; ++j) {
                    ASSERT_FALSE(boxesOverlap(boxes[i], boxes[j]))
                        << scene.name << " seed " << seed << " objects " << j << ", " << i;
                }
            }
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
    auto a = randomize(scene, libraryLookup(), 42, 3);
    auto b = randomize(scene, libraryLookup(), 42, 3);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->sampled, b->sampled);
}

}  // namespace
}  // namespace silt::scenes
