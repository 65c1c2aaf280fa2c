// Captions name what the plan holds and what the simulation reported, nothing else, and
// vary with the seed.

#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "silt/scenes/Caption.h"

namespace silt::scenes {
namespace {

using Kind = SceneEvent::Kind;

ScenePlan threeObjects(uint64_t seed) {
    ScenePlan plan;
    plan.seed = seed;
    plan.frames = 48;
    plan.fps = 24;
    for (const char* asset : {"chair", "cup", "ball"}) {
        ObjectPlan object;
        object.asset = asset;
        object.pose.position = Vec3f(0.0f, 1.0f, 0.0f);  // dropped from a metre
        plan.objects.push_back(object);
    }
    return plan;
}

const std::vector<SurfaceMaterial> kMaterials = {
    {Vec3f(0.42f, 0.26f, 0.14f), 0.0f, 0.6f},  // brown wood
    {Vec3f(0.86f, 0.84f, 0.78f), 0.0f, 0.3f},  // white glaze
    {Vec3f(0.8f, 0.05f, 0.04f), 0.0f, 0.5f},   // red rubber
};

std::vector<SceneEvent> someEvents() {
    std::vector<SceneEvent> events;
    events.push_back({Kind::GroundContact, 0.4f, 2, 0, 3.0f, "upright"});
    events.push_back({Kind::Bounce, 0.45f, 2, 0, 2.0f, "upright"});
    events.push_back({Kind::Bounce, 0.8f, 2, 0, 1.0f, "upright"});
    events.push_back({Kind::GroundContact, 0.5f, 0, 0, 4.0f, "upright"});
    events.push_back({Kind::ObjectContact, 0.6f, 0, 1, 1.5f, "upright"});
    events.push_back({Kind::Tumble, 0.7f, 0, 0, 0.0f, "upright"});
    events.push_back({Kind::Rest, 1.2f, 0, 0, 0.0f, "upside_down"});
    events.push_back({Kind::Rest, 1.5f, 1, 0, 0.0f, "on_side"});
    return events;
}

/// Phrases each kind of event is told with, to check captions against the events.
bool mentionsBounce(const std::string& t) {
    return t.find("bounce") != std::string::npos || t.find("rebound") != std::string::npos;
}
bool mentionsTumble(const std::string& t) {
    return t.find("tumbles") != std::string::npos || t.find("rolls over") != std::string::npos ||
           t.find("turns over") != std::string::npos;
}
bool mentionsContact(const std::string& t) {
    return t.find(" hits ") != std::string::npos || t.find(" strikes ") != std::string::npos ||
           t.find(" knocks against ") != std::string::npos;
}

TEST(Caption, NamesEveryObjectWithItsColour) {
    for (uint64_t seed = 0; seed < 50; ++seed) {
        const Caption caption = writeCaption(threeObjects(seed), kMaterials, someEvents());
        for (const char* phrase : {"brown chair", "white mug", "red ball"})
            EXPECT_NE(caption.text.find(phrase), std::string::npos) << caption.text;
    }
}

TEST(Caption, TellsOnlyEventsThatHappened) {
    const std::vector<SceneEvent> events = someEvents();
    for (uint64_t seed = 0; seed < 200; ++seed) {
        const Caption caption = writeCaption(threeObjects(seed), kMaterials, events);
        std::string t = caption.text;
        for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        ASSERT_FALSE(caption.mentioned.empty()) << t;
        std::set<Kind> told;
        for (size_t i : caption.mentioned) {
            ASSERT_LT(i, events.size());
            told.insert(events[i].kind);
        }
        EXPECT_EQ(mentionsBounce(t), told.contains(Kind::Bounce)) << t;
        EXPECT_EQ(mentionsTumble(t), told.contains(Kind::Tumble)) << t;
        EXPECT_EQ(mentionsContact(t), told.contains(Kind::ObjectContact)) << t;
        if (told.contains(Kind::Bounce)) {
            EXPECT_NE(t.find("twice"), std::string::npos) << t;
        }
        if (t.find("upside down") != std::string::npos) {
            EXPECT_NE(t.find("the chair"), std::string::npos) << t;
        }
        if (t.find("on its side") != std::string::npos) {
            EXPECT_NE(t.find("the mug"), std::string::npos) << t;
        }
    }
    // Without those events, none of them is told.
    std::vector<SceneEvent> quiet = {{Kind::GroundContact, 0.5f, 0, 0, 3.0f, "upright"},
                                     {Kind::Rest, 0.9f, 0, 0, 0.0f, "upright"}};
    for (uint64_t seed = 0; seed < 100; ++seed) {
        const std::string t = writeCaption(threeObjects(seed), kMaterials, quiet).text;
        EXPECT_FALSE(mentionsBounce(t) || mentionsTumble(t) || mentionsContact(t)) << t;
        EXPECT_EQ(t.find("upside down"), std::string::npos) << t;
        EXPECT_NE(t.find("upright"), std::string::npos) << t;
    }
    // Nothing landed: say so.
    const std::string inAir = writeCaption(threeObjects(1), kMaterials, {}).text;
    EXPECT_NE(inAir.find("still in the air"), std::string::npos) << inAir;
}

TEST(Caption, DeterministicAndVariedAcrossSeeds) {
    std::set<std::string> distinct;
    for (uint64_t seed = 0; seed < 30; ++seed) {
        const std::string a = writeCaption(threeObjects(seed), kMaterials, someEvents()).text;
        EXPECT_EQ(a, writeCaption(threeObjects(seed), kMaterials, someEvents()).text);
        distinct.insert(a);
    }
    EXPECT_GE(distinct.size(), 15u);
}

TEST(Caption, GroupsRepeatedObjects) {
    ScenePlan plan = threeObjects(3);
    plan.objects[1].asset = "chair";
    std::vector<SurfaceMaterial> materials = {kMaterials[0], kMaterials[0], kMaterials[2]};
    const std::string t = writeCaption(plan, materials, {}).text;
    EXPECT_NE(t.find("wo brown chairs"), std::string::npos) << t;  // "Two" or "two"
}

TEST(Caption, ColourNames) {
    EXPECT_EQ(colourName({1, 0, 0}), "red");
    EXPECT_EQ(colourName({0.1f, 0.3f, 0.75f}), "blue");
    EXPECT_EQ(colourName({0.9f, 0.9f, 0.9f}), "white");
    EXPECT_EQ(colourName({0.02f, 0.02f, 0.02f}), "black");
    EXPECT_EQ(colourName({0.42f, 0.26f, 0.14f}), "brown");
    EXPECT_EQ(colourName({0.12f, 0.38f, 0.18f}), "green");
    EXPECT_EQ(colourName({0.9f, 0.72f, 0.08f}), "yellow");
    EXPECT_EQ(assetNoun("toy_car"), "toy car");
    EXPECT_EQ(assetNoun("cup"), "mug");
}

// Continuum events: the caption tells what the plan and the simulation say, in varied words.
ScenePlan withContinuum(uint64_t seed, bool sand) {
    ScenePlan plan = threeObjects(seed);
    plan.continuum = ContinuumPlan{};
    if (sand) {
        plan.continuum->sand.push_back(SandBlockPlan{});
        plan.continuum->sand.back().min = plan.continuum->domainMin;
        plan.continuum->sand.back().max = Vec3f(0.5f, 0.2f, 0.5f);
    } else {
        plan.continuum->water.push_back(WaterBlockPlan{});
        plan.continuum->water.back().min = plan.continuum->domainMin;
        plan.continuum->water.back().max = Vec3f(0.5f, 0.2f, 0.5f);
    }
    return plan;
}

/// Whether `text` holds any of `words`, ignoring case.
bool contains(const std::string& text, std::initializer_list<const char*> words) {
    std::string lowered = text;
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* w : words)
        if (lowered.find(w) != std::string::npos) return true;
    return false;
}

TEST(Caption, PulledOutOfSandWithSandStreamingOff) {
    std::set<std::string> distinct;
    for (uint64_t seed = 0; seed < 40; ++seed) {
        ScenePlan plan = withContinuum(seed, true);
        plan.objects.resize(1);  // the brown chair
        plan.objects[0].buried = true;
        plan.objects[0].pose.position = Vec3f(0, 0.02f, 0);
        plan.objects[0].motion = MotionPlan{"pull", 0.3f, Vec3f(0, 0.25f, 0), {}, false};
        std::vector<SceneEvent> events(2);
        events[0].kind = Kind::PulledOut;
        events[0].time = 0.9f;
        events[1].kind = Kind::SandPour;
        events[1].time = 1.1f;
        events[1].particles = 60;
        const Caption caption = writeCaption(plan, kMaterials, events);
        const std::string& t = caption.text;
        EXPECT_TRUE(contains(t, {"brown chair"})) << t;
        EXPECT_TRUE(contains(t, {"buried in"})) << t;
        EXPECT_TRUE(contains(t, {"pulled up out of", "lifted out of", "drawn up out of"})) << t;
        EXPECT_TRUE(contains(t, {"sand streams off its seat and legs", "sand pours off its seat and legs",
                                 "sand trickles off its seat and legs"}))
            << t;
        EXPECT_FALSE(contains(t, {"falls", "dropped", "lands"})) << t;
        EXPECT_EQ(caption.mentioned, (std::vector<size_t>{0, 1}));
        distinct.insert(t);
        // Without the events, the caption does not claim them.
        const std::string quiet = writeCaption(plan, kMaterials, {}).text;
        EXPECT_FALSE(contains(quiet, {"pulled", "lifted", "streams", "pours", "trickles"})) << quiet;
    }
    EXPECT_GE(distinct.size(), 8u);
}

TEST(Caption, FloatingSinkingSplashingAndBurialAreToldOnlyWhenReported) {
    std::set<std::string> distinct;
    for (uint64_t seed = 0; seed < 200; ++seed) {
        const ScenePlan water = withContinuum(seed, false);
        std::vector<SceneEvent> events(3);
        events[0] = {Kind::Splash, 0.4f, 2, 0, 1.2f, "upright", 0.0f, 40};
        events[1] = {Kind::Float, 2.0f, 2, 0, 0.0f, "upright"};
        events[2] = {Kind::Sink, 2.0f, 1, 0, 0.0f, "upright", 0.05f};
        const Caption caption = writeCaption(water, kMaterials, events);
        const std::string& t = caption.text;
        distinct.insert(t);
        std::set<Kind> told;
        for (size_t i : caption.mentioned) told.insert(events[i].kind);
        ASSERT_FALSE(told.empty()) << t;
        EXPECT_TRUE(contains(t, {"water"})) << t;
        EXPECT_EQ(contains(t, {"floats", "afloat", "bobs"}), told.contains(Kind::Float)) << t;
        EXPECT_EQ(contains(t, {"sinks", "goes under"}), told.contains(Kind::Sink)) << t;
        EXPECT_EQ(contains(t, {"splash"}), told.contains(Kind::Splash)) << t;
        if (told.contains(Kind::Sink)) {
            EXPECT_TRUE(contains(t, {"the mug"})) << t;
        }
        if (told.contains(Kind::Float)) {
            EXPECT_TRUE(contains(t, {"the ball"})) << t;
        }

        const ScenePlan sand = withContinuum(seed, true);
        SceneEvent burial{Kind::Burial, 2.0f, 0, 0, 0.0f, "upright", 0.04f};
        const std::string b = writeCaption(sand, kMaterials, {burial}).text;
        EXPECT_TRUE(contains(b, {"4 cm"})) << b;
        EXPECT_TRUE(contains(b, {"the chair"})) << b;
        EXPECT_TRUE(contains(b, {"sand"})) << b;
        burial.depth = 0.01f;
        EXPECT_TRUE(contains(writeCaption(sand, kMaterials, {burial}).text, {"slightly", "shallow"}));
    }
    EXPECT_GE(distinct.size(), 40u);
}

TEST(Caption, ColumnsOfWaterAndSandAndObjectsStandingOrPushed) {
    ScenePlan plan = withContinuum(5, false);
    plan.continuum->water[0].max = Vec3f(-0.3f, 0.5f, 0.5f);  // a column at one end
    for (ObjectPlan& o : plan.objects) o.pose.position.y() = 0.0f;
    const std::string dam = writeCaption(plan, kMaterials, {}).text;
    EXPECT_TRUE(contains(dam, {"column of water", "wall of water", "dam of water"})) << dam;
    EXPECT_TRUE(contains(dam, {"brown chair"})) << dam;

    ScenePlan tank = withContinuum(6, false);
    tank.objects[0].buried = true;
    tank.objects[0].motion = MotionPlan{"push", 0.2f, Vec3f(0.25f, 0, 0), {}, false};
    const std::string wave = writeCaption(tank, kMaterials, {}).text;
    EXPECT_TRUE(contains(wave, {"brown chair sweeps"})) << wave;
    EXPECT_TRUE(contains(wave, {"wave", "heaping the water"})) << wave;
    // A keyframed paddle that goes out and back swings; one that only goes out sweeps.
    MotionPlan swing{"push", 0.0f, Vec3f::Zero(), {}, true};
    swing.keyframes = {{0.5f, Vec3f(0.1f, 0, 0), Vec3f::Zero(), Quatf::Identity()},
                       {1.0f, Vec3f(0.0f, 0, 0), Vec3f::Zero(), Quatf::Identity()}};
    tank.objects[0].motion = swing;
    const std::string swung = writeCaption(tank, kMaterials, {}).text;
    EXPECT_TRUE(contains(swung, {"brown chair swings back and forth", "brown chair swings to and fro"}))
        << swung;
    swing.keyframes.pop_back();
    tank.objects[0].motion = swing;
    EXPECT_TRUE(contains(writeCaption(tank, kMaterials, {}).text, {"brown chair sweeps"}));

    ScenePlan castle = withContinuum(7, true);
    castle.continuum->sand[0].min = Vec3f(-0.1f, 0, -0.1f);
    castle.continuum->sand[0].max = Vec3f(0.1f, 0.3f, 0.1f);
    castle.objects.resize(1);
    castle.objects[0].linearVelocity = Vec3f(-2, 0.5f, 0);
    const std::string heap = writeCaption(castle, kMaterials, {}).text;
    EXPECT_TRUE(contains(heap, {"tower of sand", "sandcastle", "column of dry sand"})) << heap;
    EXPECT_TRUE(contains(heap, {"thrown at", "tossed toward"})) << heap;
}

}  // namespace
}  // namespace silt::scenes
