#pragma once
// MpmSolver: 3D MLS-MPM (Hu et al. 2018) with quadratic B-splines and APIC transfers, for
// dry sand (Drucker-Prager, Klar et al. 2016) and weakly compressible water, on a dense
// grid over a walled domain box.
//
// One substep: sort particles into 4³-cell grid blocks (stable counting sort) → P2G in 8
// colour passes (blocks of one colour never share grid nodes, and the particles of a block
// are scattered in sorted order by one thread) → grid update (gravity, colliders, walls) →
// G2P with the constitutive update (sand return mapping / water EOS) that also caches the
// Kirchhoff stress for the next P2G; sand particles go through the SVD and return mapping 4
// at a time on SIMD lanes, each lane independent of the others. No float atomics and no
// scheduling-dependent sums: the state after any number of steps is bit-identical for any
// thread count.
//
// Threads: the solver owns a tbb::task_arena with MpmSettings::threads workers (0 = all).
// Ownership: the solver owns its particles; colliders are borrowed (setColliders) and
// must outlive the calls that use them. Not thread-safe: one caller at a time.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "silt/core/Result.h"
#include "silt/physics/mpm/GridCollider.h"
#include "silt/physics/mpm/MpmEmitter.h"
#include "silt/physics/mpm/MpmParticles.h"
#include "silt/physics/mpm/MpmSettings.h"

namespace silt::physics {

/// Whole-system figures for tests and logs (double sums in particle index order).
struct MpmDiagnostics {
    double mass = 0.0;                                   ///< kg
    Eigen::Vector3d momentum = Eigen::Vector3d::Zero();  ///< kg·m/s
    double kineticEnergy = 0.0;                          ///< J, Σ ½ m |v|²
    double volume = 0.0;                                 ///< m³, Σ J V0
    float maxSpeed = 0.0f;                               ///< m/s
};

/// Totals over the grid as left by the last substep (node mass, node mass × velocity).
struct MpmGridTotals {
    double mass = 0.0;                                   ///< kg
    Eigen::Vector3d momentum = Eigen::Vector3d::Zero();  ///< kg·m/s
};

/// Substeps of MpmSolver::relax() that scenes use before their first frame.
inline constexpr int kDefaultRelaxSubsteps = 200;

class MpmSolver {
public:
    /// Checks the settings (positive dx, non-empty box, grid up to 512³ nodes…).
    [[nodiscard]] static Result<std::unique_ptr<MpmSolver>> create(const MpmSettings& settings);
    ~MpmSolver();
    MpmSolver(const MpmSolver&) = delete;
    MpmSolver& operator=(const MpmSolver&) = delete;

    /// Registers a material; returns its index for addBox()/addParticles() (at most 255).
    uint8_t addMaterial(const SandDesc& desc);
    uint8_t addMaterial(const WaterDesc& desc);
    [[nodiscard]] MaterialKind materialKind(uint8_t material) const;

    /// Fills the box [min, max] (m, clipped to the domain) with particles on a regular
    /// lattice of particlesPerCellPerAxis³ per grid cell, at rest. Returns how many.
    size_t addBox(uint8_t material, const Vec3f& min, const Vec3f& max,
                  int particlesPerCellPerAxis);
    /// Adds particles of volume volumeEach (m³) at the given positions (m), with the given
    /// velocities (m/s; empty span = at rest).
    void addParticles(uint8_t material, std::span<const Vec3f> positions,
                      std::span<const Vec3f> velocities, float volumeEach);
    /// Puts the water particles first..first+count−1 at hydrostatic pressure under the
    /// current gravity g: p = ρ g·(x − surfacePoint), 0 above the plane through surfacePoint
    /// normal to g, with J from the EOS and the stress P2G reads. Water released at rest
    /// with p = 0 under full gravity rings in its acoustic modes (pressure 0…2 ρ g z, almost
    /// undamped); a body of water filled this way starts at rest in equilibrium. Fails on
    /// an out-of-range span or a particle that is not water.
    [[nodiscard]] Status setHydrostatic(size_t first, size_t count, const Vec3f& surfacePoint);
    /// Settles the continuum into the grid's own equilibrium before a run starts: `substeps`
    /// substeps of stableDt() with every particle's velocity and affine matrix zeroed after
    /// each (dynamic relaxation), without emitters; time() and stepCount() are unchanged.
    /// setHydrostatic's analytic state is off the discrete one near walls and the free
    /// surface, and the difference would otherwise ring for the whole run. On a failed
    /// substep (NaN/Inf, runaway) the particles are restored as they were and the error is
    /// returned.
    /// The default count brings a tank 16–64 cells deep within 5 % of ρ g z from the first
    /// substep on (test MpmWater.HydrostaticStartHoldsStill; 2.4–3.4 %).
    [[nodiscard]] Status relax(int substeps = kDefaultRelaxSubsteps);

    /// Registers a pour (see MpmEmitter.h); it adds particles at the start of every substep
    /// whose start time is past its schedule. Fails on a bad description or material.
    [[nodiscard]] Status addEmitter(const EmitterDesc& desc);
    [[nodiscard]] const std::vector<MpmEmitter>& emitters() const { return mEmitters; }
    /// Moves emitter `index` (in registration order) to a new nozzle centre.
    [[nodiscard]] Status moveEmitter(size_t index, const Vec3f& centre);

    /// s, the largest stable substep for the current state: min(maxDt, cfl·dx/c_max,
    /// cfl·dx/v_max), c from the elastic wave speed √((λ+2μ)/ρ) (sand) and the sound
    /// speed (water), v_max the fastest particle or active emitter.
    [[nodiscard]] float stableDt() const;
    /// Advances by frameDt seconds in equal substeps no longer than stableDt() (recomputed
    /// after each substep; a deterministic function of the state). Resets the colliders'
    /// impulse accumulators first. Fails (and stops) on NaN/Inf or a runaway particle,
    /// naming the step, the particle index and its material.
    [[nodiscard]] Status advance(float frameDt);
    /// One substep of dt seconds (no stability check; advance() is the normal entry). Runs
    /// the emitters first.
    [[nodiscard]] Status substep(float dt);

    /// m/s², replaces MpmSettings::gravity from the next substep on (e.g. to load a tank
    /// quasi-statically: a sudden load makes an inviscid column ring).
    void setGravity(const Vec3f& gravity) { mSettings.gravity = gravity; }

    /// Borrowed colliders applied in the grid update, in this order.
    void setColliders(std::vector<GridCollider*> colliders);

    [[nodiscard]] const MpmParticles& particles() const { return mParticles; }
    /// Writable access for coupling and tests (injecting states); keep arrays the same size.
    [[nodiscard]] MpmParticles& mutableParticles() { return mParticles; }
    [[nodiscard]] const MpmSettings& settings() const { return mSettings; }
    [[nodiscard]] MpmDiagnostics diagnostics() const;
    [[nodiscard]] MpmGridTotals gridTotals() const;
    /// Pa, pressure −tr(τ)/(3J) of particle i (water: the EOS pressure).
    [[nodiscard]] float pressure(size_t i) const;
    [[nodiscard]] double time() const { return mTime; }        ///< s simulated so far
    [[nodiscard]] int64_t stepCount() const { return mStep; }  ///< substeps taken so far

private:
    struct Impl;
    explicit MpmSolver(const MpmSettings& settings);

    MpmSettings mSettings;
    MpmParticles mParticles;
    double mTime = 0.0;
    int64_t mStep = 0;
    std::vector<MpmEmitter> mEmitters;
    std::unique_ptr<Impl> mImpl;
};

}  // namespace silt::physics
