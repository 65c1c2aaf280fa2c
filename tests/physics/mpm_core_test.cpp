// MPM solver core: conservation of the transfers, determinism across thread counts, error
// reporting, settings validation and the analytic collider.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <vector>

#include "silt/core/Hash.h"
#include "silt/core/Rng.h"
#include "silt/physics/mpm/MpmSolver.h"
#include "silt/physics/mpm/SphereCollider.h"

namespace silt::physics {
namespace {

std::unique_ptr<MpmSolver> makeSolver(const MpmSettings& s) {
    auto r = MpmSolver::create(s);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return std::move(r).value();
}

template <typename T>
void hashInto(std::vector<uint8_t>& bytes, const std::vector<T>& v) {
    const auto* b = reinterpret_cast<const uint8_t*>(v.data());
    bytes.insert(bytes.end(), b, b + v.size() * sizeof(T));
}

uint64_t stateHash(const MpmParticles& p) {
    std::vector<uint8_t> bytes;
    hashInto(bytes, p.position);
    hashInto(bytes, p.velocity);
    hashInto(bytes, p.affine);
    hashInto(bytes, p.elasticF);
    hashInto(bytes, p.jacobian);
    hashInto(bytes, p.hardeningQ);
    hashInto(bytes, p.volumeCorrection);
    hashInto(bytes, p.stress);
    return hash64(bytes);
}

// Both materials, random velocities and affine matrices, one substep without gravity and
// far from the walls: the transfers must conserve mass and momentum (internal stress forces
// sum to zero on the grid because Σ_i w_ip (x_i − x_p) = 0 for B-splines).
TEST(MpmCore, OneStepConservesMassAndMomentum) {
    for (int material = 0; material < 2; ++material) {
        MpmSettings s;
        s.dx = 0.05f;
        s.domainMin = Vec3f::Zero();
        s.domainMax = Vec3f::Constant(1.0f);
        s.gravity = Vec3f::Zero();
        auto solver = makeSolver(s);
        const uint8_t id =
            material == 0 ? solver->addMaterial(SandDesc{}) : solver->addMaterial(WaterDesc{});
        solver->addBox(id, Vec3f::Constant(0.3f), Vec3f::Constant(0.6f), 2);
        Pcg32 rng = streamFor(7, static_cast<uint64_t>(material), "mpm-conservation");
        auto uni = [&] { return 2.0f * rng.uniformFloat() - 1.0f; };
        MpmParticles& p = solver->mutableParticles();
        for (size_t i = 0; i < p.size(); ++i) {
            p.velocity[i] = Vec3f(uni(), uni(), uni());
            for (int e = 0; e < 9; ++e) p.affine[i](e) = 2.0f * uni();
        }
        // A first step leaves every particle with a non-trivial stress and affine field.
        ASSERT_TRUE(solver->substep(1.0e-4f).ok());
        const MpmDiagnostics before = solver->diagnostics();
        ASSERT_TRUE(solver->substep(1.0e-4f).ok());
        const MpmDiagnostics after = solver->diagnostics();
        const MpmGridTotals grid = solver->gridTotals();
        EXPECT_EQ(before.mass, after.mass);
        EXPECT_NEAR(grid.mass, before.mass, 1.0e-6 * before.mass);
        double scale = 0.0;
        for (size_t i = 0; i < p.size(); ++i)
            scale += static_cast<double>(p.mass[i]) * p.velocity[i].norm();
        ASSERT_GT(scale, 0.0);
        EXPECT_LT((after.momentum - before.momentum).norm() / scale, 1.0e-5)
            << "material " << material;
        EXPECT_LT((grid.momentum - before.momentum).norm() / scale, 1.0e-5);
        // The step must have done something: stresses are non-zero.
        EXPECT_GT(p.stress[p.size() / 2].norm(), 0.0f);
    }
}

// A sand heap (half of it with the rate-dependent friction μ(I)) and a water block falling
// and colliding: the same state bit for bit with 1 and 2 threads.
TEST(MpmCore, BitIdenticalAcrossThreadCounts) {
    uint64_t hashes[2] = {0, 0};
    for (int t = 0; t < 2; ++t) {
        MpmSettings s;
        s.dx = 0.05f;
        s.domainMax = Vec3f(1.0f, 0.8f, 0.6f);
        s.threads = t + 1;
        auto solver = makeSolver(s);
        const uint8_t sand = solver->addMaterial(SandDesc{});
        const uint8_t water = solver->addMaterial(WaterDesc{});
        SandDesc inertialDesc;
        inertialDesc.grainDiameter = 1.0e-3f;
        const uint8_t inertial = solver->addMaterial(inertialDesc);
        solver->addBox(sand, Vec3f(0.05f, 0.0f, 0.1f), Vec3f(0.35f, 0.5f, 0.3f), 2);
        solver->addBox(inertial, Vec3f(0.05f, 0.0f, 0.3f), Vec3f(0.35f, 0.5f, 0.5f), 2);
        solver->addBox(water, Vec3f(0.6f, 0.1f, 0.1f), Vec3f(0.9f, 0.5f, 0.5f), 2);
        SphereCollider ball(Vec3f(0.3f, 0.6f, 0.3f), 0.1f, Vec3f(0.0f, -1.0f, 0.0f));
        solver->setColliders({&ball});
        for (int f = 0; f < 3; ++f) ASSERT_TRUE(solver->advance(1.0f / 60.0f).ok());
        EXPECT_GT(solver->stepCount(), 10);
        std::printf("threads %d: %lld substeps, max speed %.3f m/s\n", t + 1,
                    static_cast<long long>(solver->stepCount()), solver->diagnostics().maxSpeed);
        hashes[t] = stateHash(solver->particles());
    }
    EXPECT_EQ(hashes[0], hashes[1]);
}

/// A 0.5 m box (5 cm grid) with a sand block (particles 0..sand−1) beside a water block
/// (particles sand..sand+water−1), both 0.2 m high.
struct SandBesideWater {
    std::unique_ptr<MpmSolver> solver;
    size_t sand = 0, water = 0;
};
SandBesideWater sandBesideWater() {
    MpmSettings s;
    s.dx = 0.05f;
    s.domainMax = Vec3f::Constant(0.5f);
    SandBesideWater out{makeSolver(s), 0, 0};
    const uint8_t sand = out.solver->addMaterial(SandDesc{});
    const uint8_t water = out.solver->addMaterial(WaterDesc{});
    out.sand = out.solver->addBox(sand, Vec3f::Zero(), Vec3f(0.2f, 0.2f, 0.5f), 2);
    out.water = out.solver->addBox(water, Vec3f(0.3f, 0.0f, 0.0f), Vec3f(0.5f, 0.2f, 0.5f), 2);
    return out;
}

TEST(MpmCore, InjectedNanIsReportedWithParticleAndMaterial) {
    SandBesideWater blocks = sandBesideWater();
    MpmSolver* solver = blocks.solver.get();
    const size_t firstWater = blocks.sand;
    ASSERT_TRUE(solver->advance(0.01f).ok());
    const size_t bad = firstWater + 17;
    solver->mutableParticles().velocity[bad].y() = std::numeric_limits<float>::quiet_NaN();
    const Status st = solver->advance(0.01f);
    ASSERT_FALSE(st.ok());
    const std::string& msg = st.error().message;
    EXPECT_NE(msg.find("particle " + std::to_string(bad)), std::string::npos) << msg;
    EXPECT_NE(msg.find("water"), std::string::npos) << msg;
    EXPECT_NE(msg.find("NaN"), std::string::npos) << msg;
    EXPECT_NE(msg.find("step"), std::string::npos) << msg;
}

TEST(MpmCore, RunawaySpeedIsReported) {
    MpmSettings s;
    s.dx = 0.05f;
    s.domainMax = Vec3f::Constant(0.5f);
    s.maxSpeed = 50.0f;
    auto solver = makeSolver(s);
    const uint8_t sand = solver->addMaterial(SandDesc{});
    solver->addBox(sand, Vec3f(0.1f, 0.0f, 0.1f), Vec3f(0.3f, 0.2f, 0.3f), 2);
    solver->mutableParticles().velocity[5] = Vec3f(0.0f, 1.0e4f, 0.0f);
    const Status st = solver->substep(1.0e-5f);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("particle 5 (sand"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find("runaway"), std::string::npos) << st.error().message;
}

// setHydrostatic fills water only, inside the particle arrays, with p = ρ g·(x − surface):
// J from the EOS and the stress P2G reads agree with pressure(), and particles above the
// surface stay at p = 0. (The tank test in mpm_water_test checks that it holds still.)
TEST(MpmCore, SetHydrostaticChecksItsSpanAndSetsTheEosState) {
    SandBesideWater blocks = sandBesideWater();
    MpmSolver* solver = blocks.solver.get();
    const size_t nSand = blocks.sand, nWater = blocks.water;
    const Status onSand = solver->setHydrostatic(0, nSand + 1, Vec3f(0.0f, 0.2f, 0.0f));
    ASSERT_FALSE(onSand.ok());
    EXPECT_NE(onSand.error().message.find("particle 0 is sand, expected water"), std::string::npos)
        << onSand.error().message;
    const Status past = solver->setHydrostatic(nSand, nWater + 1, Vec3f(0.0f, 0.2f, 0.0f));
    ASSERT_FALSE(past.ok());
    EXPECT_NE(past.error().message.find("out of range"), std::string::npos) << past.error().message;
    EXPECT_EQ(solver->particles().jacobian[nSand], 1.0f) << "a failed call changes nothing";

    const float surface = 0.1f;  // halfway up the block: the upper half stays at p = 0
    ASSERT_TRUE(solver->setHydrostatic(nSand, nWater, Vec3f(0.0f, surface, 0.0f)).ok());
    const MpmParticles& p = solver->particles();
    const float rhoG = WaterDesc{}.density * 9.81f;
    for (size_t i = nSand; i < nSand + nWater; ++i) {
        const float expected = rhoG * std::max(0.0f, surface - p.position[i].y());
        ASSERT_NEAR(solver->pressure(i), expected, 1.0e-3f * rhoG * surface) << "particle " << i;
        const WaterDesc wd;  // Tait: p = K / γ (J^−γ − 1)
        const float eos = wd.bulkModulus / wd.gamma * (std::pow(p.jacobian[i], -wd.gamma) - 1.0f);
        ASSERT_NEAR(eos, expected, 1.0e-3f * rhoG * surface) << "particle " << i;
    }
}

// relax() settles without advancing the clock or running pours, and a relax that blows up
// leaves the particles exactly as they were filled.
TEST(MpmCore, RelaxKeepsTheClockAndRestoresTheFilledStateOnFailure) {
    MpmSettings s;
    s.dx = 0.05f;
    s.domainMax = Vec3f::Constant(0.5f);
    auto solver = makeSolver(s);
    const uint8_t water = solver->addMaterial(WaterDesc{});
    const size_t n = solver->addBox(water, Vec3f::Zero(), Vec3f(0.5f, 0.2f, 0.5f), 2);
    EmitterDesc pour;
    pour.material = water;
    pour.centre = Vec3f(0.25f, 0.4f, 0.25f);
    pour.velocity = Vec3f(0.0f, -1.0f, 0.0f);
    pour.radius = 0.05f;
    pour.rate = 1.0e-3f;
    pour.spacing = 0.025f;
    ASSERT_TRUE(solver->addEmitter(pour).ok());
    const float y0 = solver->particles().position[0].y();
    ASSERT_TRUE(solver->relax(50).ok());
    EXPECT_EQ(solver->time(), 0.0);
    EXPECT_EQ(solver->stepCount(), 0);
    EXPECT_EQ(solver->particles().size(), n) << "no pour while relaxing";
    EXPECT_EQ(solver->emitters().size(), 1u);
    EXPECT_NE(solver->particles().position[0].y(), y0) << "the column settled";
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(solver->particles().velocity[i], Vec3f::Zero());

    const MpmParticles before = solver->particles();
    solver->mutableParticles().stress[7](1, 1) = std::numeric_limits<float>::quiet_NaN();
    const Status failed = solver->relax(50);
    ASSERT_FALSE(failed.ok());
    EXPECT_NE(failed.error().message.find("NaN"), std::string::npos) << failed.error().message;
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(solver->particles().position[i], before.position[i]);
    EXPECT_EQ(solver->time(), 0.0);
}

TEST(MpmCore, RejectsBadSettings) {
    MpmSettings s;
    s.dx = 0.0f;
    auto r = MpmSolver::create(s);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("dx"), std::string::npos);
    s.dx = 0.1f;
    s.domainMax = Vec3f(1.0f, -1.0f, 1.0f);
    r = MpmSolver::create(s);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("domainMax[1]"), std::string::npos);
}

TEST(MpmCore, StableDtFollowsWaveSpeedAndFlowSpeed) {
    MpmSettings s;
    s.dx = 0.02f;
    s.domainMax = Vec3f::Constant(0.5f);
    auto solver = makeSolver(s);
    const SandDesc sd;
    const uint8_t sand = solver->addMaterial(sd);
    solver->addBox(sand, Vec3f::Zero(), Vec3f::Constant(0.1f), 2);
    const float mu = sd.youngsModulus / (2.0f * (1.0f + sd.poissonRatio));
    const float lambda = sd.youngsModulus * sd.poissonRatio /
                         ((1.0f + sd.poissonRatio) * (1.0f - 2.0f * sd.poissonRatio));
    const float c = std::sqrt((lambda + 2.0f * mu) / sd.density);
    EXPECT_NEAR(solver->stableDt(), s.cfl * s.dx / c, 1.0e-9f);
    solver->mutableParticles().velocity[0] = Vec3f(60.0f, 0.0f, 0.0f);
    EXPECT_NEAR(solver->stableDt(), s.cfl * s.dx / 60.0f, 1.0e-9f);
}

// A kinematic sphere pushed down into a sand bed: the bed pushes back (upward reaction
// impulse) and no sand particle ends up inside the sphere beyond half a cell.
TEST(MpmCollider, SphereIntoSandBedFeelsUpwardReactionAndIsNotPenetrated) {
    MpmSettings s;
    s.dx = 0.02f;
    s.domainMax = Vec3f(0.3f, 0.25f, 0.3f);
    s.floorFriction = 1.0f;
    auto solver = makeSolver(s);
    const uint8_t sand = solver->addMaterial(SandDesc{});
    const float bed = 0.1f;
    solver->addBox(sand, Vec3f::Zero(), Vec3f(0.3f, bed, 0.3f), 2);
    const float radius = 0.05f;
    // 1.5 cells of clearance: no grid node with sand mass lies inside the ball yet.
    SphereCollider ball(Vec3f(0.15f, bed + radius + 1.5f * s.dx, 0.15f), radius, Vec3f::Zero());
    ball.friction = 0.5f;
    solver->setColliders({&ball});
    ASSERT_TRUE(solver->advance(0.02f).ok());
    EXPECT_EQ(ball.impulse().norm(), 0.0) << "no contact yet, no reaction";
    const float speed = 0.5f;
    ball.setVelocity(Vec3f(0.0f, -speed, 0.0f));
    double upward = 0.0;
    float worstPenetration = 0.0f;
    const float frame = 0.02f;
    const int frames = 8;  // 8 cm of travel: the ball ends ~5 cm into the bed
    for (int f = 0; f < frames; ++f) {
        ASSERT_TRUE(solver->advance(frame).ok());
        upward += ball.impulse().y();
        EXPECT_GE(ball.impulse().y(), 0.0) << "frame " << f;
        const MpmParticles& p = solver->particles();
        for (size_t i = 0; i < p.size(); ++i)
            worstPenetration =
                std::max(worstPenetration, radius - (p.position[i] - ball.centre()).norm());
    }
    // The bed must at least carry the weight of the sand the ball displaces (it also has to
    // push it aside, so the real force is larger).
    const double displaced = 2200.0 * 2.0 / 3.0 * 3.14159 * radius * radius * radius;
    const double meanForce = upward / (frames * frame);
    std::printf(
        "sphere into sand: mean upward force %.2f N (displaced-sand weight %.2f N), "
        "deepest particle %.4f m inside (dx %.3f m)\n",
        meanForce, displaced * 9.81, worstPenetration, s.dx);
    EXPECT_GT(meanForce, 0.5 * displaced * 9.81) << "mean upward force " << meanForce << " N";
    EXPECT_LT(worstPenetration, 0.5f * s.dx) << "deepest particle inside the sphere";
    // The lateral reaction cancels by symmetry to a small fraction of the vertical one.
    EXPECT_LT(std::abs(ball.impulse().x()), 0.1 * ball.impulse().y());
}

}  // namespace
}  // namespace silt::physics

// The private fast SVD against Eigen's JacobiSVD on random, near-identity, rank-deficient
// and inverted matrices.
#include <Eigen/SVD>

#include "mpm/Svd3.h"

namespace silt::physics {
namespace {

TEST(MpmSvd, MatchesEigenAndReconstructs) {
    Pcg32 rng = streamFor(3, 0, "mpm-svd");
    auto uni = [&] { return 2.0f * rng.uniformFloat() - 1.0f; };
    for (int t = 0; t < 2000; ++t) {
        Mat3f f;
        for (int e = 0; e < 9; ++e) f(e) = uni();
        if (t % 4 == 1) f = Mat3f::Identity() + 0.01f * f;             // near identity
        if (t % 4 == 2) f.col(2) = 0.5f * f.col(0) - 2.0f * f.col(1);  // rank 2
        if (t % 4 == 3) f.row(1) *= -1.0f;                             // flipped sign
        if (t == 0) f = Mat3f::Identity();
        Mat3f u, v;
        Vec3f sigma;
        detail::svd3(f, u, sigma, v);
        const Eigen::JacobiSVD<Mat3f> ref(f);
        const float scale = std::max(1.0f, f.norm());
        EXPECT_LT((sigma - ref.singularValues()).norm(), 2e-5f * scale) << f;
        EXPECT_LT((u * sigma.asDiagonal() * v.transpose() - f).norm(), 2e-5f * scale) << f;
        EXPECT_LT((u.transpose() * u - Mat3f::Identity()).norm(), 1e-5f);
        EXPECT_LT((v.transpose() * v - Mat3f::Identity()).norm(), 1e-5f);
        EXPECT_GT(v.determinant(), 0.0f);
        EXPECT_GE(sigma.minCoeff(), 0.0f);
    }
}

}  // namespace
}  // namespace silt::physics

// The SIMD SVD (svd3Lanes) on hard cases: random, near-identity, inverted, near-singular,
// rank 1, repeated and nearly repeated singular values, tiny and large scales. Each lane's
// result must be a valid SVD and must not depend on its lane or its neighbours (the solver
// batches particles differently for different thread counts).
#include "mpm/Constitutive.h"

namespace silt::physics {
namespace {

Mat3f randomRotation(const std::function<float()>& uni) {
    Eigen::Quaternionf q(uni(), uni(), uni(), uni());
    if (q.norm() < 1e-3f) q = Eigen::Quaternionf::Identity();
    return q.normalized().toRotationMatrix();
}

Mat3f hardMatrix(int t, const std::function<float()>& uni) {
    Mat3f f;
    for (int e = 0; e < 9; ++e) f(e) = uni();
    const Mat3f r1 = randomRotation(uni), r2 = randomRotation(uni);
    switch (t % 10) {
        case 0:
            return f;
        case 1:
            return Mat3f::Identity() + 1.0e-3f * f;  // near identity
        case 2:
            return -f;  // inverted
        case 3:
            return r1 * Vec3f(1.0f, 0.5f, 1.0e-5f).asDiagonal() * r2;  // near-singular
        case 4:
            return r1 * Vec3f(0.8f, 0.8f, 0.3f).asDiagonal() * r2;  // repeated σ
        case 5:
            return r1 * Vec3f(1.0f, 1.0f + 1.0e-6f, 1.0f).asDiagonal() * r2;  // triple σ
        case 6:
            return f.col(0) * Vec3f(uni(), uni(), uni()).transpose();  // rank 1
        case 7:
            return r1 * Vec3f(1.2f, 0.9f, -0.7f).asDiagonal() * r2;  // det < 0
        case 8:
            return 1.0e-4f * f;  // tiny
        default:
            return 50.0f * f;  // large
    }
}

void expectValidSvd(const Mat3f& f, const Mat3f& u, const Vec3f& sigma, const Mat3f& v) {
    const float scale = std::max(1.0e-4f, f.norm());
    EXPECT_LT((u * sigma.asDiagonal() * v.transpose() - f).norm(), 2e-5f * scale) << f;
    EXPECT_LT((u.transpose() * u - Mat3f::Identity()).norm(), 2e-5f) << f;
    EXPECT_LT((v.transpose() * v - Mat3f::Identity()).norm(), 2e-5f) << f;
    EXPECT_NEAR(v.determinant(), 1.0f, 1e-4f) << f;
    EXPECT_NEAR(std::abs(u.determinant()), 1.0f, 1e-4f) << f;
    EXPECT_GE(sigma[0], sigma[1]) << f;
    EXPECT_GE(sigma[1], sigma[2]) << f;
    EXPECT_GE(sigma[2], 0.0f) << f;
    const Eigen::JacobiSVD<Mat3f> ref(f);
    EXPECT_LT((sigma - ref.singularValues()).norm(), 2e-5f * scale) << f;
}

TEST(MpmSvd, LanesAreValidAndIndependentOfTheirNeighbours) {
    Pcg32 rng = streamFor(4, 0, "mpm-svd-lanes");
    auto uni = [&] { return 2.0f * rng.uniformFloat() - 1.0f; };
    for (int t = 0; t < 2000; ++t) {
        detail::Mat3Lanes fl, ul, vl;
        detail::Vec3Lanes sl;
        Mat3f f[detail::kSvdLanes];
        for (int l = 0; l < detail::kSvdLanes; ++l) {
            f[l] = hardMatrix(t + 3 * l, uni);
            fl.set(l, f[l]);
        }
        detail::svd3Lanes(fl, ul, sl, vl);
        for (int l = 0; l < detail::kSvdLanes; ++l) {
            expectValidSvd(f[l], ul.get(l), sl.get(l), vl.get(l));
            // Alone in lane 0 beside identities: the same bits.
            Mat3f u, v;
            Vec3f sigma;
            detail::svd3(f[l], u, sigma, v);
            EXPECT_EQ(std::memcmp(u.data(), ul.get(l).data(), sizeof(Mat3f)), 0) << f[l];
            EXPECT_EQ(std::memcmp(v.data(), vl.get(l).data(), sizeof(Mat3f)), 0) << f[l];
            EXPECT_EQ(std::memcmp(sigma.data(), sl.get(l).data(), sizeof(Vec3f)), 0) << f[l];
        }
    }
}

// The SIMD return mapping against the scalar reference (libm log/exp/sin) on elastic,
// yielding, expanding and hardened states, with lanes of different materials.
// μ(I): sheared beyond its cone, rate-dependent sand keeps more shear stress the faster it
// is sheared, from the rate-independent cone at γ̇ = 0 up to the cone of φ + the rise at
// I ≫ I₀. Checked on the lanes (what the solver runs) for a fixed φ of 25°.
TEST(MpmSandReturnMap, InertialFrictionRisesWithTheShearRate) {
    SandDesc desc;
    desc.hardening = false;
    desc.frictionAngleDeg = 25.0f;
    desc.grainDiameter = 1.0e-3f;
    SandDesc steep = desc;
    steep.grainDiameter = 0.0f;
    steep.frictionAngleDeg = 25.0f + desc.inertialRiseDeg;
    SandDesc plain = steep;
    plain.frictionAngleDeg = 25.0f;
    // 2 % compression with 20 % simple shear: far outside every cone here.
    Mat3f f = Mat3f::Identity() * 0.98f;
    f(0, 1) = 0.2f;
    auto deviatoric = [&](const SandDesc& d, float shearRate) {
        const detail::SandParams prm = detail::SandParams::from(d);
        detail::SandLanes lanes;
        lanes.count = 1;
        lanes.f.set(0, f);
        lanes.shearRate[0] = shearRate;
        lanes.params[0] = &prm;
        detail::sandReturnMapLanes(lanes);
        const Mat3f tau = lanes.tau.get(0);
        return (tau - tau.trace() / 3.0f * Mat3f::Identity()).norm();
    };
    const float rateIndependent = deviatoric(plain, 0.0f), top = deviatoric(steep, 0.0f);
    ASSERT_GT(top, 1.2f * rateIndependent);
    EXPECT_NEAR(deviatoric(desc, 0.0f), rateIndependent, 1e-4f * rateIndependent);
    float previous = rateIndependent;
    for (const float rate : {1.0f, 10.0f, 100.0f, 1000.0f}) {
        const float now = deviatoric(desc, rate);
        EXPECT_GT(now, previous) << "shear rate " << rate << " / s";
        EXPECT_LT(now, top) << "shear rate " << rate << " / s";
        previous = now;
    }
    EXPECT_NEAR(deviatoric(desc, 1.0e7f), top, 1e-3f * top);
}

TEST(MpmSandReturnMap, LanesMatchTheScalarReference) {
    Pcg32 rng = streamFor(5, 0, "mpm-return-map");
    auto uni = [&] { return 2.0f * rng.uniformFloat() - 1.0f; };
    SandDesc hardDesc, fixedDesc, plainDesc;
    fixedDesc.hardening = false;
    fixedDesc.frictionAngleDeg = 25.0f;
    plainDesc.volumeCorrection = false;
    plainDesc.youngsModulus = 1.0e6f;
    SandDesc hardRateDesc = hardDesc, fixedRateDesc = fixedDesc;  // μ(I)
    hardRateDesc.grainDiameter = fixedRateDesc.grainDiameter = 1.0e-3f;
    constexpr int kMaterials = 5;
    const detail::SandParams params[kMaterials] = {
        detail::SandParams::from(hardDesc), detail::SandParams::from(fixedDesc),
        detail::SandParams::from(plainDesc), detail::SandParams::from(hardRateDesc),
        detail::SandParams::from(fixedRateDesc)};
    int yielded = 0, expanded = 0, elastic = 0;
    for (int t = 0; t < 1000; ++t) {
        detail::SandLanes lanes;
        lanes.count = detail::kSvdLanes - t % 2;  // also padded batches
        Mat3f f[detail::kSvdLanes];
        float q[detail::kSvdLanes], vc[detail::kSvdLanes], rate[detail::kSvdLanes];
        for (int l = 0; l < lanes.count; ++l) {
            // Compression or expansion up to ~5 %, shear up to ~5 %, rotated.
            const Mat3f r = randomRotation(uni);
            Mat3f strain;
            for (int e = 0; e < 9; ++e) strain(e) = 0.05f * uni();
            f[l] = r * (Mat3f::Identity() + strain);
            q[l] = t % 3 == 0 ? 0.0f : 4.0f * (uni() + 1.0f);
            vc[l] = t % 5 == 0 ? 0.0f : 0.02f * uni();
            lanes.f.set(l, f[l]);
            lanes.q[l] = q[l];
            lanes.vc[l] = vc[l];
            // Shear rates up to 2000 / s: inertial numbers from 0 to well past I₀.
            rate[l] = t % 7 == 0 ? 0.0f : 1000.0f * (uni() + 1.0f);
            lanes.shearRate[l] = rate[l];
            lanes.params[l] = &params[(t + l) % kMaterials];
        }
        detail::sandReturnMapLanes(lanes);
        for (int l = 0; l < lanes.count; ++l) {
            Mat3f fRef = f[l], tauRef;
            float qRef = q[l], vcRef = vc[l], jRef = 0.0f;
            detail::sandReturnMap(*lanes.params[l], fRef, qRef, vcRef, tauRef, jRef, rate[l]);
            // τ to 2e-4 relative, plus what a strain error of 1e-6 (float σ near 1 through a
            // log, and the SVD's own rounding) makes in stress.
            const detail::SandParams& prm = *lanes.params[l];
            const float tauTol =
                2e-4f * tauRef.norm() + 1e-6f * (3.0f * prm.lambda + 2.0f * prm.mu);
            EXPECT_LT((lanes.f.get(l) - fRef).norm(), 1e-5f) << f[l];
            EXPECT_LT((lanes.tau.get(l) - tauRef).norm(), tauTol) << f[l];
            EXPECT_NEAR(lanes.q[l], qRef, 1e-5f * std::max(1.0f, qRef));
            EXPECT_NEAR(lanes.vc[l], vcRef, 1e-5f);
            EXPECT_NEAR(lanes.jacobian[l], jRef, 1e-5f);
            if (qRef > q[l] && tauRef.norm() == 0.0f)
                ++expanded;
            else if (qRef > q[l])
                ++yielded;
            else
                ++elastic;
        }
    }
    // The sample covers all three branches of the return mapping.
    EXPECT_GT(yielded, 100);
    EXPECT_GT(expanded, 100);
    EXPECT_GT(elastic, 100);
}

// The per-material constants (tan φ, the Drucker-Prager α) and water's EOS use sin, tan and
// pow built on the lane polynomials instead of libm: they must match double-precision libm.
TEST(MpmPortableMaths, SinTanAndPowMatchDouble) {
    for (int tenths = 0; tenths <= 890; ++tenths) {
        const float x = degToRad(0.1f * static_cast<float>(tenths));
        const double xd = static_cast<double>(x);
        ASSERT_NEAR(detail::portableSin(x), std::sin(xd), 2.0e-7) << "degrees " << 0.1 * tenths;
        ASSERT_NEAR(detail::portableTan(x), std::tan(xd),
                    1.0e-6 * (1.0 + std::tan(xd) * std::tan(xd)))
            << "degrees " << 0.1 * tenths;
    }
    for (const float x : {0.2f, 0.9f, 1.0f, 1.01f, 3.7f})
        for (const float y : {-7.0f, -1.0f / 7.0f, 0.5f, 2.2f})
            ASSERT_NEAR(detail::portablePower(x, y), std::pow(static_cast<double>(x), y),
                        1.0e-6 * std::pow(static_cast<double>(x), y))
                << x << "^" << y;
    for (int n = 0; n <= 16; ++n)
        ASSERT_NEAR(detail::wholePower(1.07f, n), std::pow(1.07, n), 1.0e-6 * std::pow(1.07, n))
            << "n " << n;
}

// Water's Tait pressure p = K / γ (J^−γ − 1) runs without libm's powf: water's γ = 7 (and
// any whole γ) by multiplications, other γ through the lane polynomials. Both must agree with
// the law evaluated in double, and jacobianAt() must invert it.
TEST(MpmWaterEos, TaitPressureMatchesTheLawInDoubleAndInvertsToJ) {
    for (const float gamma : {7.0f, 1.0f, 3.0f, 7.5f, 2.2f}) {
        WaterDesc desc;
        desc.gamma = gamma;
        const detail::WaterParams water = detail::WaterParams::from(desc);
        const double k = desc.bulkModulus;
        for (int step = 0; step <= 400; ++step) {
            const float j = 0.8f + 0.001f * static_cast<float>(step);
            const double exact = k / gamma * (std::pow(static_cast<double>(j), -gamma) - 1.0);
            ASSERT_NEAR(water.pressure(j), exact, 1.0e-6 * k * std::pow(j, -gamma))
                << "gamma " << gamma << ", J " << j;
        }
        for (const float p : {0.0f, 1.0f, 50.0f, 981.0f, 2.0e4f, 1.0e5f}) {
            const float j = water.jacobianAt(p);
            const double exactJ = std::pow(1.0 + gamma * p / k, -1.0 / gamma);
            EXPECT_NEAR(j, exactJ, 2.0e-7) << "gamma " << gamma << ", p " << p;
            EXPECT_NEAR(water.pressure(j), p, 1.0e-6 * k) << "gamma " << gamma << ", p " << p;
        }
    }
}

}  // namespace
}  // namespace silt::physics
