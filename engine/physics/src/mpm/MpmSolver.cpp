#include "silt/physics/mpm/MpmSolver.h"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include "mpm/Constitutive.h"

namespace silt::physics {
namespace {

/// Grid block edge in nodes. A particle scatters to base..base+2, so it reaches at most 2
/// nodes into the next block: blocks with the same parity on every axis (one of 8 colours)
/// never share a node, which makes each colour pass race-free.
constexpr int kBlock = 4;
/// Nodes of padding outside the domain box on each side: the walls constrain nodes on and
/// beyond the box faces, and particles clamped to the box still find all 27 nodes.
constexpr int kPad = 3;
/// Touched blocks per accumulation chunk in the grid update (fixed, so collider impulse
/// sums do not depend on the thread count).
constexpr size_t kChunkBlocks = 16;
constexpr size_t kMaxMaterials = 255;
/// Particles ahead whose state P2G prefetches.
constexpr uint32_t kPrefetch = 4;

/// Grid node: (momentum during P2G, velocity after the grid update; mass) as one SIMD
/// vector so the scatter and the gather are one 4-wide multiply-add per node.
struct Node {
    Eigen::Vector4f v = Eigen::Vector4f::Zero();
    float& x() { return v[0]; }
    float& y() { return v[1]; }
    float& z() { return v[2]; }
    float& m() { return v[3]; }
    [[nodiscard]] float m() const { return v[3]; }
};

struct Material {
    MaterialKind kind = MaterialKind::Sand;
    detail::SandParams sand;
    detail::WaterParams water;
    float density = 0.0f;    ///< kg/m³
    float waveSpeed = 0.0f;  ///< m/s
    const char* name = "sand";
};

struct Stencil {
    Eigen::Vector3i base;
    Vec3f fx;       ///< position relative to the base node, in cells
    float w[3][3];  ///< quadratic B-spline weights per axis
};

inline Stencil stencilAt(const Vec3f& x, const Vec3f& origin, float invDx) {
    Stencil s;
    const Vec3f xg = (x - origin) * invDx;
    for (int a = 0; a < 3; ++a) {
        // Positions are clamped to the domain, which starts kPad cells above the origin:
        // xg − 0.5 > 0, so truncation is floor (and compiles without a branch).
        const int b = static_cast<int>(xg[a] - 0.5f);
        s.base[a] = b;
        const float f = xg[a] - static_cast<float>(b);
        s.fx[a] = f;
        s.w[a][0] = 0.5f * (1.5f - f) * (1.5f - f);
        s.w[a][1] = 0.75f - (f - 1.0f) * (f - 1.0f);
        s.w[a][2] = 0.5f * (f - 0.5f) * (f - 0.5f);
    }
    return s;
}

inline bool finite3(const Vec3f& v) {
    return std::isfinite(v.x()) && std::isfinite(v.y()) && std::isfinite(v.z());
}

void atomicMin(std::atomic<uint64_t>& target, uint64_t value) {
    uint64_t cur = target.load(std::memory_order_relaxed);
    while (value < cur && !target.compare_exchange_weak(cur, value, std::memory_order_relaxed)) {
    }
}

/// Coulomb boundary condition on velocity v against a surface with unit normal n (pointing
/// into the continuum) moving with velocity vs: separating motion is left alone.
inline Vec3f coulombProject(const Vec3f& v, const Vec3f& vs, const Vec3f& n, float friction) {
    const Vec3f r = v - vs;
    const float rn = r.dot(n);
    if (rn >= 0.0f) return v;
    const Vec3f rt = r - rn * n;
    const float rtNorm = rt.norm();
    const float keep = rtNorm > 0.0f ? std::max(0.0f, rtNorm + friction * rn) / rtNorm : 0.0f;
    return vs + keep * rt;
}

}  // namespace

struct MpmSolver::Impl {
    explicit Impl(int threads) : arena(threads > 0 ? threads : tbb::task_arena::automatic) {}

    tbb::task_arena arena;
    std::vector<Material> materials;
    bool rateDependentSand = false;  ///< a sand material uses μ(I): G2P computes shear rates

    Vec3f origin = Vec3f::Zero();  ///< m, position of node (0,0,0)
    float dx = 0.0f;
    float invDx = 0.0f;
    int nodes[3] = {0, 0, 0};   ///< per axis, multiple of kBlock
    int blocks[3] = {0, 0, 0};  ///< per axis
    std::vector<Node> grid;

    std::vector<uint32_t> keys;        ///< block of each particle
    std::vector<uint32_t> order;       ///< particle indices sorted by block (stable)
    std::vector<uint32_t> blockStart;  ///< per block: first entry in order (size blocks+1)
    std::vector<uint32_t> colourBlocks[8];
    std::vector<uint32_t> touched;  ///< blocks whose nodes receive mass, ascending
    std::vector<uint8_t> touchedFlag;

    std::vector<GridCollider*> colliders;
    std::vector<Eigen::Vector3d> chunkImpulse;  ///< [chunk][collider][linear, angular]
    std::vector<Vec3f> emitPositions, emitVelocities;  ///< scratch for the emitters

    [[nodiscard]] size_t blockCount() const {
        return static_cast<size_t>(blocks[0]) * static_cast<size_t>(blocks[1]) *
               static_cast<size_t>(blocks[2]);
    }
    [[nodiscard]] size_t nodeIndex(int i, int j, int k) const {
        return (static_cast<size_t>(i) * static_cast<size_t>(nodes[1]) + static_cast<size_t>(j)) *
                   static_cast<size_t>(nodes[2]) +
               static_cast<size_t>(k);
    }
    [[nodiscard]] uint32_t blockKey(const Eigen::Vector3i& base) const {
        return static_cast<uint32_t>(
            ((base[0] / kBlock) * blocks[1] + base[1] / kBlock) * blocks[2] + base[2] / kBlock);
    }
    [[nodiscard]] Eigen::Vector3i blockCoord(uint32_t key) const {
        const int k = static_cast<int>(key);
        return {k / (blocks[1] * blocks[2]), (k / blocks[2]) % blocks[1], k % blocks[2]};
    }
};

Result<std::unique_ptr<MpmSolver>> MpmSolver::create(const MpmSettings& s) {
    if (!(s.dx > 0.0f) || !std::isfinite(s.dx))
        return Error{fmt::format("MpmSettings.dx: expected a positive grid spacing, got {}", s.dx)};
    for (int a = 0; a < 3; ++a) {
        if (!(s.domainMax[a] > s.domainMin[a]))
            return Error{
                fmt::format("MpmSettings.domainMax[{}]: expected more than domainMin ({}), got {}",
                            a, s.domainMin[a], s.domainMax[a])};
        const float cells = (s.domainMax[a] - s.domainMin[a]) / s.dx;
        if (cells > 500.0f)
            return Error{fmt::format(
                "MpmSettings: the domain spans {} cells on axis {}; expected at most 500 "
                "(coarser dx or a smaller box)",
                cells, a)};
    }
    if (!(s.cfl > 0.0f && s.cfl <= 1.0f))
        return Error{fmt::format("MpmSettings.cfl: expected a value in (0, 1], got {}", s.cfl)};
    if (!(s.maxDt > 0.0f))
        return Error{fmt::format("MpmSettings.maxDt: expected a positive time, got {}", s.maxDt)};
    if (s.floorFriction < 0.0f || s.wallFriction < 0.0f)
        return Error{"MpmSettings.floorFriction/wallFriction: expected non-negative values"};
    if (s.threads < 0)
        return Error{
            fmt::format("MpmSettings.threads: expected 0 (all) or more, got {}", s.threads)};
    return std::unique_ptr<MpmSolver>(new MpmSolver(s));
}

MpmSolver::MpmSolver(const MpmSettings& settings)
    : mSettings(settings), mImpl(std::make_unique<Impl>(settings.threads)) {
    Impl& g = *mImpl;
    g.dx = settings.dx;
    g.invDx = 1.0f / settings.dx;
    g.origin = settings.domainMin - Vec3f::Constant(static_cast<float>(kPad) * settings.dx);
    for (int a = 0; a < 3; ++a) {
        const int cells = static_cast<int>(
            std::ceil((settings.domainMax[a] - settings.domainMin[a]) * g.invDx - 1.0e-4f));
        const int n = cells + 2 * kPad + 1;
        g.blocks[a] = (n + kBlock - 1) / kBlock;
        g.nodes[a] = g.blocks[a] * kBlock;
    }
    g.grid.assign(static_cast<size_t>(g.nodes[0]) * static_cast<size_t>(g.nodes[1]) *
                      static_cast<size_t>(g.nodes[2]),
                  Node{});
    g.blockStart.assign(g.blockCount() + 1, 0);
    g.touchedFlag.assign(g.blockCount(), 0);
}

MpmSolver::~MpmSolver() = default;

uint8_t MpmSolver::addMaterial(const SandDesc& desc) {
    SILT_CHECK_LT(mImpl->materials.size(), kMaxMaterials);
    Material m;
    m.kind = MaterialKind::Sand;
    SILT_CHECK_GE(desc.grainDiameter, 0.0f);
    if (desc.grainDiameter > 0.0f) {  // μ₂ = tan(φ + rise) must stay finite and positive
        SILT_CHECK_GT(desc.density, 0.0f);
        SILT_CHECK_GT(desc.inertialI0, 0.0f);
        // Largest φ of the hardening law, at q = 1/h2 + h3/h1.
        const float hardMax =
            desc.h1 > 0.0f && desc.h2 > 0.0f
                ? desc.h0 + desc.h1 / desc.h2 * std::exp(-(1.0f + desc.h2 * desc.h3 / desc.h1))
                : desc.h0;
        SILT_CHECK_LT((desc.hardening ? hardMax : desc.frictionAngleDeg) + desc.inertialRiseDeg,
                      89.0f);
    }
    m.sand = detail::SandParams::from(desc);
    mImpl->rateDependentSand = mImpl->rateDependentSand || desc.grainDiameter > 0.0f;
    m.density = desc.density;
    m.waveSpeed = std::sqrt((m.sand.lambda + 2.0f * m.sand.mu) / desc.density);
    m.name = "sand";
    mImpl->materials.push_back(m);
    return static_cast<uint8_t>(mImpl->materials.size() - 1);
}

uint8_t MpmSolver::addMaterial(const WaterDesc& desc) {
    SILT_CHECK_LT(mImpl->materials.size(), kMaxMaterials);
    Material m;
    m.kind = MaterialKind::Water;
    m.water = detail::WaterParams::from(desc);
    m.density = desc.density;
    m.waveSpeed = desc.soundSpeed();
    m.name = "water";
    mImpl->materials.push_back(m);
    return static_cast<uint8_t>(mImpl->materials.size() - 1);
}

MaterialKind MpmSolver::materialKind(uint8_t material) const {
    SILT_CHECK_LT(static_cast<size_t>(material), mImpl->materials.size());
    return mImpl->materials[material].kind;
}

size_t MpmSolver::addBox(uint8_t material, const Vec3f& min, const Vec3f& max,
                         int particlesPerCellPerAxis) {
    SILT_CHECK_GT(particlesPerCellPerAxis, 0);
    const Vec3f lo = min.cwiseMax(mSettings.domainMin);
    const Vec3f hi = max.cwiseMin(mSettings.domainMax);
    const float h = mSettings.dx / static_cast<float>(particlesPerCellPerAxis);
    int count[3];
    for (int a = 0; a < 3; ++a)
        count[a] = std::max(0, static_cast<int>(std::floor((hi[a] - lo[a]) / h + 1.0e-3f)));
    std::vector<Vec3f> positions;
    positions.reserve(static_cast<size_t>(count[0]) * static_cast<size_t>(count[1]) *
                      static_cast<size_t>(count[2]));
    for (int i = 0; i < count[0]; ++i)
        for (int j = 0; j < count[1]; ++j)
            for (int k = 0; k < count[2]; ++k)
                positions.push_back(lo + h * Vec3f(static_cast<float>(i) + 0.5f,
                                                   static_cast<float>(j) + 0.5f,
                                                   static_cast<float>(k) + 0.5f));
    addParticles(material, positions, {}, h * h * h);
    return positions.size();
}

void MpmSolver::addParticles(uint8_t material, std::span<const Vec3f> positions,
                             std::span<const Vec3f> velocities, float volumeEach) {
    SILT_CHECK_LT(static_cast<size_t>(material), mImpl->materials.size());
    SILT_CHECK(velocities.empty() || velocities.size() == positions.size());
    SILT_CHECK_GT(volumeEach, 0.0f);
    const float density = mImpl->materials[material].density;
    MpmParticles& p = mParticles;
    for (size_t i = 0; i < positions.size(); ++i) {
        p.position.push_back(
            positions[i].cwiseMax(mSettings.domainMin).cwiseMin(mSettings.domainMax));
        p.velocity.push_back(velocities.empty() ? Vec3f::Zero() : velocities[i]);
        p.affine.push_back(Mat3f::Zero());
        p.elasticF.push_back(Mat3f::Identity());
        p.jacobian.push_back(1.0f);
        p.hardeningQ.push_back(0.0f);
        p.volumeCorrection.push_back(0.0f);
        p.stress.push_back(Mat3f::Zero());
        p.mass.push_back(density * volumeEach);
        p.volume0.push_back(volumeEach);
        p.material.push_back(material);
    }
}

Status MpmSolver::setHydrostatic(size_t first, size_t count, const Vec3f& surfacePoint) {
    MpmParticles& p = mParticles;
    if (first > p.size() || count > p.size() - first)
        return Error{fmt::format("setHydrostatic: particles {}..{} out of range (0..{})", first,
                                 first + count, p.size())};
    for (size_t i = first; i < first + count; ++i)
        if (mImpl->materials[p.material[i]].kind != MaterialKind::Water)
            return Error{fmt::format("setHydrostatic: particle {} is {}, expected water", i,
                                     mImpl->materials[p.material[i]].name)};
    for (size_t i = first; i < first + count; ++i) {
        const Material& m = mImpl->materials[p.material[i]];
        const float pressure =
            std::max(0.0f, m.density * mSettings.gravity.dot(p.position[i] - surfacePoint));
        const float j = m.water.jacobianAt(pressure);
        p.jacobian[i] = j;
        p.stress[i] = (-pressure * j) * Mat3f::Identity();
    }
    return {};
}

Status MpmSolver::relax(int substeps) {
    const double time = mTime;
    const int64_t step = mStep;
    const MpmParticles filled = mParticles;
    std::vector<MpmEmitter> emitters;
    emitters.swap(mEmitters);
    Status status;
    for (int k = 0; k < substeps && status.ok(); ++k) {
        status = substep(stableDt());
        for (size_t i = 0; i < mParticles.size(); ++i) {
            mParticles.velocity[i].setZero();
            mParticles.affine[i].setZero();
        }
    }
    emitters.swap(mEmitters);
    mTime = time;
    mStep = step;
    if (!status.ok()) mParticles = filled;
    return status;
}

Status MpmSolver::addEmitter(const EmitterDesc& desc) {
    if (static_cast<size_t>(desc.material) >= mImpl->materials.size())
        return Error{fmt::format("EmitterDesc.material: expected a registered material (0..{}), got {}",
                                 static_cast<int>(mImpl->materials.size()) - 1,
                                 static_cast<int>(desc.material))};
    if (Status s = validateEmitter(desc); !s.ok()) return s;
    mEmitters.emplace_back(desc);
    return {};
}

Status MpmSolver::moveEmitter(size_t index, const Vec3f& centre) {
    if (index >= mEmitters.size())
        return Error{fmt::format("moveEmitter: expected an emitter index below {}, got {}",
                                 mEmitters.size(), index)};
    if (!centre.allFinite()) return Error{"moveEmitter: expected finite coordinates"};
    mEmitters[index].moveTo(centre);
    return {};
}

void MpmSolver::setColliders(std::vector<GridCollider*> colliders) {
    mImpl->colliders = std::move(colliders);
}

float MpmSolver::stableDt() const {
    float maxWave = 0.0f;
    for (const Material& m : mImpl->materials) maxWave = std::max(maxWave, m.waveSpeed);
    const auto& vel = mParticles.velocity;
    // max is exact and order-independent, so the parallel reduction is deterministic.
    const float maxSpeedSq = mImpl->arena.execute([&] {
        return tbb::parallel_reduce(
            tbb::blocked_range<size_t>(0, vel.size(), 4096), 0.0f,
            [&](const tbb::blocked_range<size_t>& r, float acc) {
                for (size_t i = r.begin(); i != r.end(); ++i)
                    acc = std::max(acc, vel[i].squaredNorm());
                return acc;
            },
            [](float a, float b) { return std::max(a, b); });
    });
    float vmax = std::sqrt(maxSpeedSq);
    for (const MpmEmitter& e : mEmitters)
        if (e.activeAfter(mTime)) vmax = std::max(vmax, e.desc().velocity.norm());
    float dt = mSettings.maxDt;
    if (maxWave > 0.0f) dt = std::min(dt, mSettings.cfl * mSettings.dx / maxWave);
    if (vmax > 0.0f && std::isfinite(vmax)) dt = std::min(dt, mSettings.cfl * mSettings.dx / vmax);
    return dt;
}

Status MpmSolver::advance(float frameDt) {
    SILT_CHECK_GT(frameDt, 0.0f);
    for (GridCollider* c : mImpl->colliders) c->resetImpulse();
    double remaining = frameDt;
    while (remaining > 0.0) {
        const double dtMax = stableDt();
        const double n = std::ceil(remaining / dtMax - 1.0e-6);
        const float dt = static_cast<float>(remaining / std::max(1.0, n));
        Status s = substep(dt);
        if (!s.ok()) return s;
        remaining -= dt;
        if (remaining < 1.0e-7 * frameDt) break;
    }
    return {};
}

Status MpmSolver::substep(float dt) {
    Impl& g = *mImpl;
    MpmParticles& p = mParticles;
    // Pours first, serially and in registration order (deterministic indices).
    for (MpmEmitter& e : mEmitters) {
        g.emitPositions.clear();
        g.emitVelocities.clear();
        if (e.emit(mTime, mSettings.gravity, g.emitPositions, g.emitVelocities) > 0)
            addParticles(e.desc().material, g.emitPositions, g.emitVelocities,
                         e.particleVolume());
    }
    const size_t n = p.size();
    const Vec3f origin = g.origin;
    const float dx = g.dx;
    const float invDx = g.invDx;
    const float maxSpeedSq = mSettings.maxSpeed * mSettings.maxSpeed;

    // Reports the lowest bad particle index: the same particle whatever the thread count.
    auto failure = [&](size_t i, const char* stage) -> Status {
        const Vec3f& v = p.velocity[i];
        const Material& m = g.materials[p.material[i]];
        const bool finite = finite3(v) && finite3(p.position[i]) && p.stress[i].allFinite();
        return Error{fmt::format(
            "MPM {} at step {} (t = {:.6f} s): particle {} ({}, material {}) {}: position "
            "({}, {}, {}), velocity ({}, {}, {})",
            stage, mStep, mTime, i, m.name, static_cast<int>(p.material[i]),
            finite ? fmt::format("exceeds the runaway speed limit {} m/s (kinetic energy "
                                 "blow-up; a smaller cfl or maxDt may help)",
                                 mSettings.maxSpeed)
                   : std::string("has a NaN or infinite value"),
            p.position[i].x(), p.position[i].y(), p.position[i].z(), v.x(), v.y(), v.z())};
    };

    Status result;
    g.arena.execute([&] {
        // 0. Validate the incoming state (catches values injected or coupled in from outside).
        std::atomic<uint64_t> firstBad{std::numeric_limits<uint64_t>::max()};
        tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 2048),
                          [&](const tbb::blocked_range<size_t>& r) {
                              for (size_t i = r.begin(); i != r.end(); ++i) {
                                  const Vec3f& v = p.velocity[i];
                                  if (!finite3(v) || !finite3(p.position[i]) ||
                                      !(v.squaredNorm() <= maxSpeedSq)) {
                                      atomicMin(firstBad, i);
                                      return;
                                  }
                              }
                          });
        if (firstBad.load() != std::numeric_limits<uint64_t>::max()) {
            result = failure(firstBad.load(), "input check");
            return;
        }

        // 1. Sort particles into blocks (stable counting sort: deterministic order).
        g.keys.resize(n);
        tbb::parallel_for(
            tbb::blocked_range<size_t>(0, n, 4096), [&](const tbb::blocked_range<size_t>& r) {
                for (size_t i = r.begin(); i != r.end(); ++i)
                    g.keys[i] = g.blockKey(stencilAt(p.position[i], origin, invDx).base);
            });
        const size_t nb = g.blockCount();
        std::fill(g.blockStart.begin(), g.blockStart.end(), 0u);
        for (size_t i = 0; i < n; ++i) ++g.blockStart[g.keys[i] + 1];
        for (size_t b = 0; b < nb; ++b) g.blockStart[b + 1] += g.blockStart[b];
        g.order.resize(n);
        {
            std::vector<uint32_t> cursor(g.blockStart.begin(), g.blockStart.end() - 1);
            for (size_t i = 0; i < n; ++i) g.order[cursor[g.keys[i]]++] = static_cast<uint32_t>(i);
        }
        for (auto& list : g.colourBlocks) list.clear();
        for (uint32_t b : g.touched) g.touchedFlag[b] = 0;
        g.touched.clear();
        for (size_t b = 0; b < nb; ++b) {
            if (g.blockStart[b + 1] == g.blockStart[b]) continue;
            const Eigen::Vector3i c = g.blockCoord(static_cast<uint32_t>(b));
            g.colourBlocks[(c[0] & 1) << 2 | (c[1] & 1) << 1 | (c[2] & 1)].push_back(
                static_cast<uint32_t>(b));
            for (int a = 0; a < 2; ++a)
                for (int bb = 0; bb < 2; ++bb)
                    for (int cc = 0; cc < 2; ++cc) {
                        const int bi = c[0] + a, bj = c[1] + bb, bk = c[2] + cc;
                        if (bi >= g.blocks[0] || bj >= g.blocks[1] || bk >= g.blocks[2]) continue;
                        g.touchedFlag[static_cast<size_t>((bi * g.blocks[1] + bj) * g.blocks[2] +
                                                          bk)] = 1;
                    }
        }
        for (size_t b = 0; b < nb; ++b)
            if (g.touchedFlag[b]) g.touched.push_back(static_cast<uint32_t>(b));

        auto forBlockNodes = [&](uint32_t block, auto&& fn) {
            const Eigen::Vector3i c = g.blockCoord(block) * kBlock;
            for (int i = c[0]; i < c[0] + kBlock; ++i)
                for (int j = c[1]; j < c[1] + kBlock; ++j)
                    for (int k = c[2]; k < c[2] + kBlock; ++k) fn(i, j, k, g.nodeIndex(i, j, k));
        };

        // 2. Clear the touched part of the grid.
        tbb::parallel_for(tbb::blocked_range<size_t>(0, g.touched.size(), 8),
                          [&](const tbb::blocked_range<size_t>& r) {
                              for (size_t t = r.begin(); t != r.end(); ++t)
                                  forBlockNodes(g.touched[t], [&](int, int, int, size_t idx) {
                                      g.grid[idx] = Node{};
                                  });
                          });

        // 3. P2G in 8 colour passes; within a block particles go in sorted order.
        const float stressScale = -dt * 4.0f * invDx * invDx;
        for (const auto& list : g.colourBlocks) {
            tbb::parallel_for(
                tbb::blocked_range<size_t>(0, list.size(), 1),
                [&](const tbb::blocked_range<size_t>& r) {
                    for (size_t t = r.begin(); t != r.end(); ++t) {
                        const uint32_t b = list[t];
                        const uint32_t oEnd = g.blockStart[b + 1];
                        for (uint32_t o = g.blockStart[b]; o < oEnd; ++o) {
                            const uint32_t i = g.order[o];
                            // Particles are visited in block order, not memory order: fetch
                            // the next few particles' state early (hides the gather latency,
                            // changes no result).
                            if (o + kPrefetch < oEnd) {
                                const uint32_t ahead = g.order[o + kPrefetch];
                                __builtin_prefetch(&p.stress[ahead]);
                                __builtin_prefetch(&p.affine[ahead]);
                                __builtin_prefetch(&p.position[ahead]);
                                __builtin_prefetch(&p.velocity[ahead]);
                                __builtin_prefetch(&p.mass[ahead]);
                                __builtin_prefetch(&p.volume0[ahead]);
                            }
                            const Stencil s = stencilAt(p.position[i], origin, invDx);
                            const float m = p.mass[i];
                            const Mat3f affine =
                                (stressScale * p.volume0[i]) * p.stress[i] + m * p.affine[i];
                            // Node momentum w (m v + affine (x_i − x_p)) with x_i − x_p =
                            // (abc − fx) dx: the affine part is built incrementally per axis.
                            const Mat3f affDx = affine * dx;
                            const Vec3f q3 = m * p.velocity[i] - affDx * s.fx;
                            const Eigen::Vector4f q0(q3.x(), q3.y(), q3.z(), m);
                            const Eigen::Vector4f colA(affDx(0, 0), affDx(1, 0), affDx(2, 0), 0.0f);
                            const Eigen::Vector4f colB(affDx(0, 1), affDx(1, 1), affDx(2, 1), 0.0f);
                            const Eigen::Vector4f colC(affDx(0, 2), affDx(1, 2), affDx(2, 2), 0.0f);
                            for (int a = 0; a < 3; ++a) {
                                const Eigen::Vector4f qa = q0 + static_cast<float>(a) * colA;
                                for (int bb = 0; bb < 3; ++bb) {
                                    const Eigen::Vector4f qab = qa + static_cast<float>(bb) * colB;
                                    const float wab = s.w[0][a] * s.w[1][bb];
                                    Node* row = &g.grid[g.nodeIndex(s.base[0] + a, s.base[1] + bb,
                                                                    s.base[2])];
                                    row[0].v += (wab * s.w[2][0]) * qab;
                                    row[1].v += (wab * s.w[2][1]) * (qab + colC);
                                    row[2].v += (wab * s.w[2][2]) * (qab + 2.0f * colC);
                                }
                            }
                        }
                    }
                });
        }

        // 4. Grid update: momentum → velocity, gravity, colliders, walls. Collider impulses
        // are summed per fixed chunk, then over chunks in order.
        const size_t nColliders = g.colliders.size();
        const size_t nChunks = (g.touched.size() + kChunkBlocks - 1) / kChunkBlocks;
        g.chunkImpulse.assign(nChunks * nColliders * 2, Eigen::Vector3d::Zero());
        std::vector<Vec3f> colliderCentre(nColliders);
        for (size_t c = 0; c < nColliders; ++c) colliderCentre[c] = g.colliders[c]->centre();
        const Vec3f gravityDt = dt * mSettings.gravity;
        const Vec3f wallLo = mSettings.domainMin + Vec3f::Constant(1.0e-4f * dx);
        const Vec3f wallHi = mSettings.domainMax - Vec3f::Constant(1.0e-4f * dx);
        tbb::parallel_for(
            tbb::blocked_range<size_t>(0, nChunks, 1), [&](const tbb::blocked_range<size_t>& r) {
                for (size_t chunk = r.begin(); chunk != r.end(); ++chunk) {
                    const size_t tEnd = std::min(g.touched.size(), (chunk + 1) * kChunkBlocks);
                    for (size_t t = chunk * kChunkBlocks; t < tEnd; ++t) {
                        forBlockNodes(g.touched[t], [&](int i, int j, int k, size_t idx) {
                            Node& node = g.grid[idx];
                            if (node.m() <= 0.0f) return;
                            Vec3f v = node.v.head<3>() / node.m() + gravityDt;
                            const Vec3f x =
                                origin + dx * Vec3f(static_cast<float>(i), static_cast<float>(j),
                                                    static_cast<float>(k));
                            for (size_t c = 0; c < nColliders; ++c) {
                                const ColliderSample cs = g.colliders[c]->sample(x);
                                if (!(cs.distance <= 0.0f)) continue;
                                const Vec3f vNew = coulombProject(v, cs.velocity, cs.normal,
                                                                  g.colliders[c]->friction);
                                const Eigen::Vector3d impulse =
                                    (static_cast<double>(node.m()) * (v - vNew)).cast<double>();
                                const Eigen::Vector3d arm = (x - colliderCentre[c]).cast<double>();
                                g.chunkImpulse[(chunk * nColliders + c) * 2] += impulse;
                                g.chunkImpulse[(chunk * nColliders + c) * 2 + 1] +=
                                    arm.cross(impulse);
                                v = vNew;
                            }
                            for (int a = 0; a < 3; ++a) {
                                const float mu =
                                    a == 1 ? mSettings.floorFriction : mSettings.wallFriction;
                                if (x[a] <= wallLo[a] && v[a] < 0.0f)
                                    v = coulombProject(v, Vec3f::Zero(), Vec3f::Unit(a), mu);
                                if (x[a] >= wallHi[a] && v[a] > 0.0f)
                                    v = coulombProject(v, Vec3f::Zero(), -Vec3f::Unit(a), mu);
                            }
                            node.v.head<3>() = v;
                        });
                    }
                }
            });
        for (size_t c = 0; c < nColliders; ++c) {
            Eigen::Vector3d lin = Eigen::Vector3d::Zero(), ang = Eigen::Vector3d::Zero();
            for (size_t chunk = 0; chunk < nChunks; ++chunk) {
                lin += g.chunkImpulse[(chunk * nColliders + c) * 2];
                ang += g.chunkImpulse[(chunk * nColliders + c) * 2 + 1];
            }
            g.colliders[c]->addImpulse(lin, ang);
        }

        // 5. G2P + constitutive update (caches τ for the next P2G).
        const Vec3f lo = mSettings.domainMin;
        const Vec3f hi = mSettings.domainMax;
        const float cScale = 4.0f * invDx * invDx;
        // Return mapping of the sand particles waiting in `lanes` (unused lanes: identity).
        auto sandUpdate = [&](detail::SandLanes& lanes, detail::Mat3Lanes& gradient) {
            for (int l = lanes.count; l < detail::kSvdLanes; ++l) {
                lanes.f.set(l, Mat3f::Identity());
                gradient.set(l, Mat3f::Zero());
            }
            if (g.rateDependentSand) {
                for (int l = 0; l < lanes.count; ++l) {
                    const Mat3f c = gradient.get(l);
                    Mat3f d = 0.5f * (c + c.transpose());
                    d.diagonal().array() -= d.trace() / 3.0f;
                    lanes.shearRate[l] = std::sqrt(2.0f * d.squaredNorm());
                }
            }
            detail::advanceDeformationLanes(lanes.f, gradient, dt);
            detail::sandReturnMapLanes(lanes);
            for (int l = 0; l < lanes.count; ++l) {
                const uint32_t i = lanes.index[l];
                p.elasticF[i] = lanes.f.get(l);
                p.stress[i] = lanes.tau.get(l);
                p.hardeningQ[i] = lanes.q[l];
                p.volumeCorrection[i] = lanes.vc[l];
                p.jacobian[i] = lanes.jacobian[l];
                if (!p.stress[i].allFinite()) atomicMin(firstBad, i);
            }
            lanes.count = 0;
        };
        tbb::parallel_for(
            tbb::blocked_range<size_t>(0, n, 512), [&](const tbb::blocked_range<size_t>& r) {
                // Sand particles wait in lanes for one SIMD SVD of their trial F; each lane's
                // result depends on its own F only, so batching by range is deterministic.
                detail::SandLanes lanes;
                detail::Mat3Lanes gradient;  // C of each lane
                for (size_t i = r.begin(); i != r.end(); ++i) {
                    const Stencil s = stencilAt(p.position[i], origin, invDx);
                    // B = Σ w v_i (x_i − x_p)ᵀ = (Σ w v_i abcᵀ − v fxᵀ) dx; the first sum
                    // is kept as per-axis-index partial sums (no per-node outer product).
                    using V4 = Eigen::Vector4f;
                    V4 sumA[3] = {V4::Zero(), V4::Zero(), V4::Zero()};
                    V4 sumB[3] = {V4::Zero(), V4::Zero(), V4::Zero()};
                    V4 sumC[3] = {V4::Zero(), V4::Zero(), V4::Zero()};
                    for (int a = 0; a < 3; ++a)
                        for (int bb = 0; bb < 3; ++bb) {
                            const float wab = s.w[0][a] * s.w[1][bb];
                            const Node* row =
                                &g.grid[g.nodeIndex(s.base[0] + a, s.base[1] + bb, s.base[2])];
                            const V4 w0 = (wab * s.w[2][0]) * row[0].v;
                            const V4 w1 = (wab * s.w[2][1]) * row[1].v;
                            const V4 w2 = (wab * s.w[2][2]) * row[2].v;
                            const V4 sum = w0 + w1 + w2;
                            sumA[a] += sum;
                            sumB[bb] += sum;
                            sumC[0] += w0;
                            sumC[1] += w1;
                            sumC[2] += w2;
                        }
                    const V4 v4 = sumA[0] + sumA[1] + sumA[2];
                    const Vec3f v = v4.head<3>();
                    Mat3f b;
                    b.col(0) = (sumA[1] + 2.0f * sumA[2]).head<3>() - s.fx.x() * v;
                    b.col(1) = (sumB[1] + 2.0f * sumB[2]).head<3>() - s.fx.y() * v;
                    b.col(2) = (sumC[1] + 2.0f * sumC[2]).head<3>() - s.fx.z() * v;
                    b *= dx;
                    const Mat3f cMat = cScale * b;
                    p.velocity[i] = v;
                    p.affine[i] = cMat;
                    Vec3f x = p.position[i] + dt * v;
                    for (size_t c = 0; c < nColliders; ++c) g.colliders[c]->projectOut(x);
                    p.position[i] = x.cwiseMax(lo).cwiseMin(hi);
                    const Material& mat = g.materials[p.material[i]];
                    if (!finite3(v) || !(v.squaredNorm() <= maxSpeedSq)) atomicMin(firstBad, i);
                    if (mat.kind == MaterialKind::Sand) {
                        const int l = lanes.count++;
                        lanes.f.set(l, p.elasticF[i]);
                        gradient.set(l, cMat);
                        lanes.q[l] = p.hardeningQ[i];
                        lanes.vc[l] = p.volumeCorrection[i];
                        lanes.params[l] = &mat.sand;
                        lanes.index[l] = static_cast<uint32_t>(i);
                        if (lanes.count == detail::kSvdLanes) sandUpdate(lanes, gradient);
                    } else {
                        detail::waterUpdate(mat.water, cMat, dt, p.jacobian[i], p.stress[i]);
                        if (!p.stress[i].allFinite()) atomicMin(firstBad, i);
                    }
                }
                if (lanes.count > 0) sandUpdate(lanes, gradient);
            });
        if (firstBad.load() != std::numeric_limits<uint64_t>::max()) {
            result = failure(firstBad.load(), "update");
            return;
        }
    });
    if (!result.ok()) return result;
    for (GridCollider* c : g.colliders) c->onSubstep(dt);
    mTime += dt;
    ++mStep;
    return {};
}

MpmDiagnostics MpmSolver::diagnostics() const {
    MpmDiagnostics d;
    const MpmParticles& p = mParticles;
    for (size_t i = 0; i < p.size(); ++i) {
        const double m = p.mass[i];
        const Eigen::Vector3d v = p.velocity[i].cast<double>();
        d.mass += m;
        d.momentum += m * v;
        d.kineticEnergy += 0.5 * m * v.squaredNorm();
        d.volume += static_cast<double>(p.jacobian[i]) * p.volume0[i];
        d.maxSpeed = std::max(d.maxSpeed, p.velocity[i].norm());
    }
    return d;
}

MpmGridTotals MpmSolver::gridTotals() const {
    MpmGridTotals t;
    const Impl& g = *mImpl;
    for (uint32_t block : g.touched) {
        const Eigen::Vector3i c = g.blockCoord(block) * kBlock;
        for (int i = c[0]; i < c[0] + kBlock; ++i)
            for (int j = c[1]; j < c[1] + kBlock; ++j)
                for (int k = c[2]; k < c[2] + kBlock; ++k) {
                    const Node& node = g.grid[g.nodeIndex(i, j, k)];
                    t.mass += node.m();
                    t.momentum += static_cast<double>(node.m()) * node.v.head<3>().cast<double>();
                }
    }
    return t;
}

float MpmSolver::pressure(size_t i) const {
    SILT_CHECK_LT(i, mParticles.size());
    return -mParticles.stress[i].trace() / (3.0f * mParticles.jacobian[i]);
}

}  // namespace silt::physics
