// The plausibility checks on made-up data: for each check an input that must trip it and one
// that must not, through the same measuring and evaluating functions the pipeline uses.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>

#include "silt/app/ClipChecks.h"

namespace silt::app {
namespace {

using scenes::ChecksConfig;

const CheckResult* find(const std::vector<CheckResult>& results, const std::string& name) {
    for (const CheckResult& r : results)
        if (r.name == name) return &r;
    return nullptr;
}

/// Passed-state of check `name`; fails the test when it was not evaluated.
bool passes(const std::vector<CheckResult>& results, const std::string& name) {
    const CheckResult* r = find(results, name);
    EXPECT_NE(r, nullptr) << name << " was not evaluated";
    return r && r->passed;
}

// ---- made-up physics -------------------------------------------------------------------

/// A box of sand (material 0) and water (material 1) particles at rest, 1 kg and 1e-3 m³ each.
physics::MpmParticles particleBed(size_t perKind) {
    physics::MpmParticles p;
    for (size_t i = 0; i < 2 * perKind; ++i) {
        p.position.emplace_back(0.01f * float(i % 10), 0.05f + 0.01f * float(i / 10 % 10), 0.0f);
        p.velocity.emplace_back(Vec3f::Zero());
        p.jacobian.push_back(1.0f);
        p.volume0.push_back(1e-3f);
        p.mass.push_back(1.0f);
        p.material.push_back(i < perKind ? 0 : 1);
    }
    return p;
}

const std::vector<ContinuumKind> kKinds = {ContinuumKind::Sand, ContinuumKind::Water};

PhysicsState stateOf(const physics::MpmParticles* particles) {
    PhysicsState s;
    s.particles = particles;
    s.materialKinds = kKinds;
    s.continuumDomain = Eigen::AlignedBox3f(Vec3f(-1, 0, -1), Vec3f(1, 1, 1));
    s.cellSize = 0.05f;
    s.bodyCenters = {Vec3f(0, 0.5f, 0), Vec3f(0.5f, 0.2f, 0)};
    s.bodyMasses = {2.0f, 3.0f};
    s.groundHalfExtent = 10.0f;
    return s;
}

/// Frame 0 from `state`, then the frames `later` made of it.
std::vector<PhysicsSample> clipOf(const PhysicsState& start, const std::vector<PhysicsState>& later) {
    std::vector<PhysicsSample> samples{measurePhysics(start)};
    for (const PhysicsState& s : later) samples.push_back(measurePhysics(s));
    return samples;
}

TEST(ClipChecksPhysics, MeasuresVolumeEnergyAndCounts) {
    physics::MpmParticles bed = particleBed(50);
    PhysicsSample s = measurePhysics(stateOf(&bed));
    EXPECT_EQ(s.particles[0], 50u);
    EXPECT_EQ(s.particles[1], 50u);
    EXPECT_NEAR(s.volume[0], 0.05, 1e-7);  // float V0
    EXPECT_EQ(s.lostParticles, 0u);
    // Potential energy only: bodies 2·9.81·0.5 + 3·9.81·0.2, particles Σ 9.81·y.
    double expected = 9.81 * (2 * 0.5 + 3 * 0.2);
    for (const Vec3f& p : bed.position) expected += 9.81 * double(p.y());
    EXPECT_NEAR(s.energy, expected, 1e-3);
    EXPECT_EQ(s.objectOutside, (std::vector<bool>{false, false}));
}

TEST(ClipChecksPhysics, VolumeDriftTripsOnCompressionOnly) {
    physics::MpmParticles bed = particleBed(50);
    physics::MpmParticles squeezed = bed, wobbly = bed;
    for (size_t i = 50; i < 100; ++i) squeezed.jacobian[i] = 0.8f;  // water at 80 %
    for (size_t i = 0; i < 100; ++i) wobbly.jacobian[i] = i % 2 ? 1.01f : 0.99f;
    const ChecksConfig config;
    auto bad = evaluateChecks(config, clipOf(stateOf(&bed), {stateOf(&squeezed)}), {});
    EXPECT_TRUE(passes(bad, "sand_volume_drift"));
    EXPECT_FALSE(passes(bad, "water_volume_drift"));
    EXPECT_NEAR(find(bad, "water_volume_drift")->value, 0.2, 1e-6);
    auto good = evaluateChecks(config, clipOf(stateOf(&bed), {stateOf(&wobbly)}), {});
    EXPECT_TRUE(passes(good, "sand_volume_drift"));
    EXPECT_TRUE(passes(good, "water_volume_drift"));
}

TEST(ClipChecksPhysics, ParticleLossTripsOnNanAndEscapedParticles) {
    physics::MpmParticles bed = particleBed(50);
    physics::MpmParticles nan = bed, escaped = bed, atWall = bed;
    nan.position[3].x() = std::numeric_limits<float>::quiet_NaN();
    escaped.position[60] = Vec3f(0, 5, 0);  // 4 m above the domain
    atWall.position[60] = Vec3f(1.0f, 0.5f, 0);  // on the wall: still inside
    const ChecksConfig config;
    auto withNan = evaluateChecks(config, clipOf(stateOf(&bed), {stateOf(&nan)}), {});
    EXPECT_FALSE(passes(withNan, "particle_loss"));
    EXPECT_NEAR(find(withNan, "particle_loss")->value, 0.01, 1e-12);
    EXPECT_FALSE(passes(evaluateChecks(config, clipOf(stateOf(&bed), {stateOf(&escaped)}), {}),
                        "particle_loss"));
    EXPECT_TRUE(passes(evaluateChecks(config, clipOf(stateOf(&bed), {stateOf(&atWall)}), {}),
                       "particle_loss"));
}

TEST(ClipChecksPhysics, EnergyGainTripsWhenMotionExceedsWhatGravityCanGive) {
    physics::MpmParticles bed = particleBed(50);
    PhysicsState start = stateOf(&bed);
    // Falling converts potential to kinetic energy: the total does not grow.
    PhysicsState fallen = start;
    fallen.bodyCenters[0].y() = 0.1f;
    fallen.bodyKineticEnergy = 2.0 * 9.81 * 0.3;  // some of the 0.4 m drop, the rest lost
    PhysicsState exploded = start;
    physics::MpmParticles fast = bed;
    for (Vec3f& v : fast.velocity) v = Vec3f(0, 3, 0);  // 100 particles · ½ · 9 J = 450 J
    exploded.particles = &fast;
    const ChecksConfig config;
    auto calm = evaluateChecks(config, clipOf(start, {fallen}), {});
    EXPECT_TRUE(passes(calm, "energy_gain"));
    EXPECT_NEAR(find(calm, "energy_gain")->value, 1.0, 1e-9);  // frame 0 is the largest
    auto blown = evaluateChecks(config, clipOf(start, {exploded}), {});
    EXPECT_FALSE(passes(blown, "energy_gain"));
    EXPECT_GT(find(blown, "energy_gain")->value, 2.0);
}

TEST(ClipChecksPhysics, PouredParticlesBringTheirOwnVolumeAndEnergy) {
    // Frame 1 adds 50 water particles 0.5 m up, falling at 2 m/s (a pour): no drift, no gain.
    physics::MpmParticles bed = particleBed(50), poured = bed;
    for (size_t i = 0; i < 50; ++i) {
        poured.position.emplace_back(0.01f * float(i % 10), 0.5f, 0.1f);
        poured.velocity.emplace_back(0.0f, -2.0f, 0.0f);
        poured.jacobian.push_back(1.0f);
        poured.volume0.push_back(1e-3f);
        poured.mass.push_back(1.0f);
        poured.material.push_back(1);
    }
    PhysicsState start = stateOf(&bed), later = stateOf(&poured);
    later.previousParticleCount = bed.size();
    const ChecksConfig config;
    auto pour = evaluateChecks(config, clipOf(start, {later}), {});
    EXPECT_TRUE(passes(pour, "water_volume_drift"));
    EXPECT_TRUE(passes(pour, "energy_gain"));
    EXPECT_TRUE(passes(pour, "particle_loss"));
    // The same particles counted as present from the start gain energy from nowhere.
    later.previousParticleCount = poured.size();
    EXPECT_FALSE(passes(evaluateChecks(config, clipOf(start, {later}), {}), "energy_gain"));
    // A pour that loses particles afterwards is a loss.
    auto lost = evaluateChecks(config, clipOf(start, {later, stateOf(&bed)}), {});
    EXPECT_FALSE(passes(lost, "particle_loss"));
    EXPECT_NEAR(find(lost, "particle_loss")->value, 50.0 / 150.0, 1e-12);
}

TEST(ClipChecksPhysics, PenetrationTripsOnDeepOverlapOnly) {
    PhysicsState start = stateOf(nullptr);
    PhysicsState touching = start, sunk = start, stuck = start;
    touching.penetration = {0.004f, 0.002f};
    sunk.penetration = {0.3f, 0.002f};
    stuck.penetration = {0.004f, 0.25f};
    const ChecksConfig config;
    auto ok = evaluateChecks(config, clipOf(start, {touching}), {});
    EXPECT_TRUE(passes(ok, "ground_penetration"));
    EXPECT_TRUE(passes(ok, "body_penetration"));
    EXPECT_EQ(find(ok, "sand_volume_drift"), nullptr);  // no continuum, nothing to measure
    EXPECT_FALSE(passes(evaluateChecks(config, clipOf(start, {sunk}), {}), "ground_penetration"));
    auto bodies = evaluateChecks(config, clipOf(start, {stuck, touching}), {});
    EXPECT_FALSE(passes(bodies, "body_penetration"));
    EXPECT_FLOAT_EQ(float(find(bodies, "body_penetration")->value), 0.25f);
}

TEST(ClipChecksPhysics, ObjectsOutsideDomainCountsEachObjectOnce) {
    PhysicsState start = stateOf(nullptr);
    PhysicsState offEdge = start, through = start, near = start;
    offEdge.bodyCenters[0] = Vec3f(10.5f, 0.3f, 0);  // beyond the 10 m half extent
    through.bodyCenters[1] = Vec3f(0, -0.2f, 0);      // below the ground
    near.bodyCenters[0] = Vec3f(9.5f, 0.3f, -9.5f);
    const ChecksConfig config;
    auto out = evaluateChecks(config, clipOf(start, {offEdge, offEdge, through}), {});
    EXPECT_FALSE(passes(out, "objects_outside_domain"));
    EXPECT_EQ(find(out, "objects_outside_domain")->value, 2.0);
    EXPECT_TRUE(passes(evaluateChecks(config, clipOf(start, {near}), {}), "objects_outside_domain"));
}

// ---- made-up frames ----------------------------------------------------------------------

ImageRGBA8 uniformFrame(uint8_t grey, uint32_t size = 32) {
    ImageRGBA8 image(size, size);
    for (size_t i = 0; i < image.pixels.size(); i += 4) {
        image.pixels[i] = image.pixels[i + 1] = image.pixels[i + 2] = grey;
        image.pixels[i + 3] = 255;
    }
    return image;
}

/// Vertical stripes 8 px wide, shifted by `shift` px, grey 60 and 180.
ImageRGBA8 stripes(uint32_t shift, uint32_t size = 32) {
    ImageRGBA8 image = uniformFrame(60, size);
    for (uint32_t y = 0; y < size; ++y)
        for (uint32_t x = 0; x < size; ++x) {
            if (((x + shift) / 8) % 2 == 0) continue;
            uint8_t* p = image.pixels.data() + (size_t(y) * size + x) * 4;
            p[0] = p[1] = p[2] = 180;
        }
    return image;
}

/// Instance labels with object `id` covering a 4×4 square, or nothing.
ImageU32 instances(uint32_t id, bool visible, uint32_t size = 32) {
    ImageU32 labels(size, size);
    if (visible)
        for (uint32_t y = 10; y < 14; ++y)
            for (uint32_t x = 10; x < 14; ++x) *labels.at(x, y) = id;
    return labels;
}

std::vector<CheckResult> evaluateFrames(const std::vector<ImageRGBA8>& frames,
                                        const std::vector<bool>& objectVisible) {
    std::vector<ImageSample> samples;
    const std::vector<uint32_t> ids = {7};
    for (size_t i = 0; i < frames.size(); ++i) {
        samples.push_back(measureImage(frames[i], i > 0 ? &frames[i - 1] : nullptr,
                                       instances(7, objectVisible[i]), ids));
    }
    return evaluateChecks(ChecksConfig(), {}, samples);
}

TEST(ClipChecksImages, MeasuresLumaStatisticsAndObjectPixels) {
    const ImageRGBA8 a = stripes(0), b = stripes(8);
    const std::vector<uint32_t> ids = {7, 9};
    ImageSample s = measureImage(b, &a, instances(7, true), ids);
    EXPECT_NEAR(s.lumaMean, 120.0, 0.01);
    EXPECT_NEAR(s.lumaStddev, 60.0, 0.01);
    ASSERT_TRUE(s.differenceToPrevious.has_value());
    EXPECT_NEAR(*s.differenceToPrevious, 120.0, 0.01);  // every pixel swapped 60 <-> 180
    EXPECT_EQ(s.saturatedFraction, 0.0);
    EXPECT_EQ(s.objectPixels, (std::vector<uint32_t>{16, 0}));
    EXPECT_FALSE(measureImage(b, nullptr, instances(7, true), ids).differenceToPrevious);
}

TEST(ClipChecksImages, BlankFrameTripsContrast) {
    auto blank = evaluateFrames({stripes(0), uniformFrame(128), stripes(4)}, {true, true, true});
    EXPECT_FALSE(passes(blank, "frame_contrast"));
    EXPECT_NEAR(find(blank, "frame_contrast")->value, 0.0, 0.01);
    auto fine = evaluateFrames({stripes(0), stripes(2), stripes(4)}, {true, true, true});
    EXPECT_TRUE(passes(fine, "frame_contrast"));
    EXPECT_TRUE(passes(fine, "saturated_fraction"));
}

TEST(ClipChecksImages, SaturatedFrameTripsSaturation) {
    auto white = evaluateFrames({stripes(0), uniformFrame(255), stripes(4)}, {true, true, true});
    EXPECT_FALSE(passes(white, "saturated_fraction"));
    EXPECT_EQ(find(white, "saturated_fraction")->value, 1.0);
    auto black = evaluateFrames({stripes(0), uniformFrame(0)}, {true, true});
    EXPECT_FALSE(passes(black, "saturated_fraction"));
}

TEST(ClipChecksImages, StaticClipTripsFrameDifference) {
    const ImageRGBA8 still = stripes(3);
    auto frozen = evaluateFrames({still, still, still, still}, {true, true, true, true});
    EXPECT_FALSE(passes(frozen, "frame_difference"));
    EXPECT_EQ(find(frozen, "frame_difference")->value, 0.0);
    auto moving = evaluateFrames({stripes(0), stripes(1), stripes(2), stripes(3)},
                                 {true, true, true, true});
    EXPECT_TRUE(passes(moving, "frame_difference"));
}

TEST(ClipChecksImages, ObjectOutOfViewForMostFramesTrips) {
    std::vector<ImageRGBA8> frames;
    for (uint32_t i = 0; i < 10; ++i) frames.push_back(stripes(i));
    std::vector<bool> mostlyHidden(10, false), sometimesHidden(10, true);
    mostlyHidden[0] = true;
    sometimesHidden[4] = sometimesHidden[5] = false;
    auto hidden = evaluateFrames(frames, mostlyHidden);
    EXPECT_FALSE(passes(hidden, "out_of_view_fraction"));
    EXPECT_NEAR(find(hidden, "out_of_view_fraction")->value, 0.9, 1e-12);
    auto seen = evaluateFrames(frames, sometimesHidden);
    EXPECT_TRUE(passes(seen, "out_of_view_fraction"));
    EXPECT_NEAR(find(seen, "out_of_view_fraction")->value, 0.2, 1e-12);
}

// ---- config, record, seeds ---------------------------------------------------------------

TEST(ClipChecks, ThresholdsComeFromTheConfigAndNullTurnsACheckOff) {
    const ImageRGBA8 still = stripes(3);
    const std::vector<ImageRGBA8> frames = {still, still};
    ChecksConfig config;
    config.thresholds["frame_difference"] = std::nullopt;
    config.thresholds["frame_contrast"] = 100.0;  // stripes have 60
    std::vector<ImageSample> samples;
    for (size_t i = 0; i < frames.size(); ++i)
        samples.push_back(measureImage(frames[i], i ? &frames[0] : nullptr, instances(1, true), {}));
    auto results = evaluateChecks(config, {}, samples);
    EXPECT_EQ(find(results, "frame_difference"), nullptr);
    EXPECT_FALSE(passes(results, "frame_contrast"));
    EXPECT_EQ(find(results, "out_of_view_fraction"), nullptr);  // no objects
    EXPECT_FALSE(allPassed(results));
    EXPECT_EQ(failureSummary(results), "frame_contrast 60 < 100");
    config.enabled = false;
    EXPECT_TRUE(evaluateChecks(config, {}, samples).empty());
}

TEST(ClipChecks, JsonRecordsEveryCheckTheAttemptAndTheStream) {
    std::vector<CheckResult> results = {{"energy_gain", 3.0, 1.25, false, false},
                                        {"frame_contrast", std::nan(""), 2.0, true, false},
                                        {"saturated_fraction", 0.0, 0.5, false, true}};
    ChecksConfig config;
    config.onFail = scenes::CheckFailPolicy::Regenerate;
    nlohmann::json j = checksJson(results, config, 2, 12345);
    EXPECT_EQ(j["passed"], false);
    EXPECT_EQ(j["attempt"], 2);
    EXPECT_EQ(j["seed_stream"], 12345u);
    EXPECT_EQ(j["on_fail"], "regenerate");
    EXPECT_EQ(j["energy_gain"], (nlohmann::json{{"value", 3.0}, {"threshold", 1.25},
                                                {"compare", "<="}, {"passed", false}}));
    EXPECT_TRUE(j["frame_contrast"]["value"].is_null());  // NaN is not JSON
    EXPECT_EQ(j["frame_contrast"]["compare"], ">=");
    EXPECT_EQ(j["saturated_fraction"]["passed"], true);
    EXPECT_EQ(j["config_hash"], checksHash(config));
    EXPECT_EQ(rejectedAttemptJson(results, 1, 99),
              (nlohmann::json{{"attempt", 1},
                              {"seed_stream", 99},
                              {"failed", {{"energy_gain", 3.0}, {"frame_contrast", nullptr}}}}));
    EXPECT_NE(checksHash(config), checksHash(ChecksConfig()));
}

TEST(ClipChecks, AttemptSeedsAreDistinctPureAndStartAtTheDatasetSeed) {
    EXPECT_EQ(attemptSeed(7, 3, 0), 7u);
    std::set<uint64_t> seeds;
    for (uint64_t clip = 0; clip < 4; ++clip)
        for (uint32_t k = 1; k < 5; ++k) {
            EXPECT_EQ(attemptSeed(7, clip, k), attemptSeed(7, clip, k));
            seeds.insert(attemptSeed(7, clip, k));
        }
    EXPECT_EQ(seeds.size(), 16u);
    EXPECT_NE(attemptSeed(7, 0, 1), attemptSeed(8, 0, 1));
}

}  // namespace
}  // namespace silt::app
