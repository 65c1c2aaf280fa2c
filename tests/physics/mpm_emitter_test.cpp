// MPM emitters (pours): the mass added follows rate × time to within one particle, the
// schedule is deterministic (bit-identical for 1 and 2 threads), the particle budget holds,
// and bad descriptions fail with a message naming the field.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "silt/physics/mpm/MpmSolver.h"

namespace silt::physics {
namespace {

std::unique_ptr<MpmSolver> smallBox(int threads) {
    MpmSettings s;
    s.dx = 0.02f;
    s.domainMin = Vec3f(-0.2f, 0.0f, -0.2f);
    s.domainMax = Vec3f(0.2f, 0.4f, 0.2f);
    s.threads = threads;
    auto created = MpmSolver::create(s);
    EXPECT_TRUE(created.ok());
    return std::move(*created);
}

EmitterDesc pour(uint8_t material, NozzleShape shape, float rate) {
    EmitterDesc d;
    d.material = material;
    d.shape = shape;
    d.centre = Vec3f(0.0f, 0.3f, 0.0f);
    d.velocity = Vec3f(0.0f, -0.5f, 0.0f);
    d.radius = 0.03f;
    d.halfSize = Vec2f(0.04f, 0.015f);
    d.rate = rate;
    d.start = 0.05f;
    d.end = 0.25f;
    d.spacing = 0.01f;
    d.seed = 1234;
    return d;
}

// Sweep: both materials, both nozzle shapes, three rates (including one that packs the
// stream denser than the lattice and one that thins it).
TEST(MpmEmitter, MassAddedIsRateTimesTimeWithinOneParticle) {
    for (bool water : {false, true}) {
        for (NozzleShape shape : {NozzleShape::Disc, NozzleShape::Rectangle}) {
            for (float rate : {2.0e-5f, 1.0e-4f, 5.0e-4f}) {
                auto solver = smallBox(2);
                const uint8_t m = water ? solver->addMaterial(WaterDesc{})
                                        : solver->addMaterial(SandDesc{});
                const float density = water ? 1000.0f : 2200.0f;
                const EmitterDesc d = pour(m, shape, rate);
                ASSERT_TRUE(solver->addEmitter(d).ok());
                const double particleMass = density * std::pow(d.spacing, 3.0);
                // Before the window: nothing. Mid-window and after it: rate × elapsed time.
                for (float until : {0.04f, 0.15f, 0.3f}) {
                    while (solver->time() < until - 1e-6) ASSERT_TRUE(solver->advance(0.01f).ok());
                    const double elapsed =
                        std::clamp(solver->time() - d.start, 0.0, double(d.end - d.start));
                    const double expected = density * rate * elapsed;
                    const double mass = solver->diagnostics().mass;
                    // Emission happens at substep starts: mid-window the last substep's
                    // share is still due (at most one substep of flow).
                    const double slack =
                        particleMass +
                        (until < d.end ? density * rate * solver->settings().maxDt : 0.0);
                    EXPECT_LE(mass, expected * (1.0 + 1.0e-5) + 1e-9) << "t = " << solver->time();
                    EXPECT_GE(mass, expected - slack - 1e-9)
                        << "water " << water << " rate " << rate << " t = " << solver->time();
                }
                const double total = density * rate * (d.end - d.start);
                EXPECT_NEAR(solver->diagnostics().mass, total, particleMass)
                    << "water " << water << " rate " << rate;
            }
        }
    }
}

TEST(MpmEmitter, BitIdenticalForOneAndTwoThreads) {
    std::vector<Vec3f> positions[2];
    std::vector<Vec3f> velocities[2];
    for (int t = 0; t < 2; ++t) {
        auto solver = smallBox(t + 1);
        const uint8_t sand = solver->addMaterial(SandDesc{});
        const uint8_t water = solver->addMaterial(WaterDesc{});
        ASSERT_TRUE(solver->addEmitter(pour(sand, NozzleShape::Disc, 1.4e-3f)).ok());
        EmitterDesc side = pour(water, NozzleShape::Rectangle, 1.4e-3f);
        side.centre = Vec3f(-0.15f, 0.2f, 0.0f);
        side.velocity = Vec3f(0.6f, 0.1f, 0.0f);
        side.seed = 99;
        ASSERT_TRUE(solver->addEmitter(side).ok());
        for (int f = 0; f < 15; ++f) ASSERT_TRUE(solver->advance(0.02f).ok());
        positions[t] = solver->particles().position;
        velocities[t] = solver->particles().velocity;
        EXPECT_GT(positions[t].size(), 500u);
    }
    ASSERT_EQ(positions[0].size(), positions[1].size());
    EXPECT_EQ(std::memcmp(positions[0].data(), positions[1].data(),
                          positions[0].size() * sizeof(Vec3f)),
              0);
    EXPECT_EQ(std::memcmp(velocities[0].data(), velocities[1].data(),
                          velocities[0].size() * sizeof(Vec3f)),
              0);
}

TEST(MpmEmitter, StopsAtItsParticleBudget) {
    for (uint32_t budget : {1u, 100u, 777u}) {
        auto solver = smallBox(2);
        const uint8_t m = solver->addMaterial(SandDesc{});
        EmitterDesc d = pour(m, NozzleShape::Disc, 5.0e-3f);  // 1250 particles unbounded
        d.velocity = Vec3f(0.0f, -2.0f, 0.0f);
        d.maxParticles = budget;
        ASSERT_TRUE(solver->addEmitter(d).ok());
        for (int f = 0; f < 15; ++f) ASSERT_TRUE(solver->advance(0.02f).ok());
        EXPECT_EQ(solver->particles().size(), budget);
        EXPECT_EQ(solver->emitters()[0].emitted(), budget);
    }
}

TEST(MpmEmitter, ParticlesLeaveThroughTheNozzle) {
    // Right after the first emission every particle lies within the nozzle's cross-section
    // (plus the jitter) and just below its opening.
    auto solver = smallBox(1);
    const uint8_t m = solver->addMaterial(SandDesc{});
    EmitterDesc d = pour(m, NozzleShape::Disc, 1.4e-3f);  // ≈ area × speed
    d.start = 0.0f;
    ASSERT_TRUE(solver->addEmitter(d).ok());
    const float t = 0.02f;
    ASSERT_TRUE(solver->advance(t).ok());
    const auto& p = solver->particles();
    ASSERT_GT(p.size(), 0u);
    for (size_t i = 0; i < p.size(); ++i) {
        const Vec3f x = p.position[i];
        EXPECT_LE(std::hypot(x.x(), x.z()), d.radius + d.jitter * d.spacing + 1e-5f);
        EXPECT_LE(x.y(), d.centre.y() + d.jitter * d.spacing + 1e-5f);
        // Fallen at most as far as a particle leaving at t = 0 (plus the jitter).
        EXPECT_GE(x.y(), d.centre.y() - 0.5f * t - 0.5f * 9.81f * t * t -
                             d.jitter * d.spacing - 1e-4f);
    }
}

TEST(MpmEmitter, BadDescriptionsNameTheField) {
    auto solver = smallBox(1);
    const uint8_t m = solver->addMaterial(SandDesc{});
    struct Case {
        const char* field;
        void (*edit)(EmitterDesc&);
    };
    const Case cases[] = {
        {"rate", [](EmitterDesc& d) { d.rate = 0.0f; }},
        {"velocity", [](EmitterDesc& d) { d.velocity = Vec3f::Zero(); }},
        {"radius", [](EmitterDesc& d) { d.radius = -1.0f; }},
        {"end", [](EmitterDesc& d) { d.end = d.start; }},
        {"spacing", [](EmitterDesc& d) { d.spacing = 0.0f; }},
        {"material", [](EmitterDesc& d) { d.material = 7; }},
    };
    for (const Case& c : cases) {
        EmitterDesc d = pour(m, NozzleShape::Disc, 1.0e-4f);
        c.edit(d);
        const Status s = solver->addEmitter(d);
        ASSERT_FALSE(s.ok()) << c.field;
        EXPECT_NE(s.error().message.find(std::string("EmitterDesc.") + c.field), std::string::npos)
            << s.error().message;
    }
    EXPECT_TRUE(solver->emitters().empty());
}

// A moved nozzle (a funnel raised with the pile) pours from its new centre from then on;
// what was poured before stays where it fell, and the mass schedule does not restart.
TEST(MpmEmitter, MovedNozzlePoursFromItsNewCentre) {
    auto solver = smallBox(1);
    const uint8_t m = solver->addMaterial(SandDesc{});
    ASSERT_TRUE(solver->addEmitter(pour(m, NozzleShape::Disc, 1.0e-4f)).ok());
    while (solver->time() < 0.1 - 1e-6) ASSERT_TRUE(solver->advance(0.01f).ok());
    const size_t before = solver->particles().size();
    ASSERT_GT(before, 0u);
    const Vec3f moved(0.1f, 0.2f, -0.05f);
    ASSERT_TRUE(solver->moveEmitter(0, moved).ok());
    EXPECT_EQ(solver->emitters()[0].desc().centre, moved);
    ASSERT_TRUE(solver->advance(0.01f).ok());
    const MpmParticles& p = solver->particles();
    ASSERT_GT(p.size(), before);
    // New particles: within the nozzle radius (+ jitter) of the new axis, below its mouth.
    for (size_t i = before; i < p.size(); ++i) {
        const Vec2f offAxis(p.position[i].x() - moved.x(), p.position[i].z() - moved.z());
        EXPECT_LT(offAxis.norm(), 0.03f + 0.01f) << i;
        EXPECT_LT(p.position[i].y(), moved.y() + 0.01f) << i;
    }
    // Earlier particles are still under the old nozzle (x = z = 0).
    for (size_t i = 0; i < before; ++i) EXPECT_LT(std::abs(p.position[i].x()), 0.05f) << i;

    const Status bad = solver->moveEmitter(3, moved);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("moveEmitter"), std::string::npos);
    EXPECT_FALSE(solver->moveEmitter(0, Vec3f(NAN, 0.0f, 0.0f)).ok());
}

}  // namespace
}  // namespace silt::physics
