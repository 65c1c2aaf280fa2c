#pragma once
// Plain-data settings for the MLS-MPM continuum solver (MpmSolver) and its materials.
// Every field has an in-class default and its unit; the solver validates them on creation.

#include <cmath>
#include <cstdint>

#include "silt/core/Math.h"

namespace silt::physics {

/// Solver-wide settings: the grid, the domain box (its faces are walls, its bottom face the
/// ground plane), gravity, wall friction and time stepping.
struct MpmSettings {
    float dx = 0.02f;                           ///< m, grid spacing (cell edge)
    Vec3f domainMin = Vec3f::Zero();            ///< m, lower corner of the walled box
    Vec3f domainMax = Vec3f::Ones();            ///< m, upper corner of the walled box
    Vec3f gravity = Vec3f(0.0f, -9.81f, 0.0f);  ///< m/s²
    float floorFriction = 0.5f;  ///< Coulomb coefficient of the ground plane y = domainMin.y
    float wallFriction = 0.0f;   ///< Coulomb coefficient of the five other box faces
    float cfl = 0.3f;            ///< fraction of a cell a wave or a particle may cross per substep
    float maxDt = 1.0e-3f;       ///< s, upper bound on one substep
    /// m/s; a particle faster than this is reported as a runaway (energy blow-up) error.
    float maxSpeed = 100.0f;
    /// Worker threads of the solver's private task arena; 0 = TBB's default (all cores).
    /// Results are bit-identical for every value.
    int threads = 0;
};

/// Dry sand: Drucker-Prager elastoplasticity with Hencky (log-strain) elasticity
/// (Klar et al. 2016), hardening and the volume correction of Tampubolon et al. 2017.
struct SandDesc {
    float youngsModulus = 3.537e5f;  ///< Pa
    float poissonRatio = 0.3f;       ///< dimensionless, in [0, 0.5)
    float density = 2200.0f;         ///< kg/m³ (grain density; 1500–1700 for loose bulk piles)
    /// true: friction angle from the hardening law φ = h0 + (h1 q − h3) e^(−h2 q) (degrees);
    /// false: fixed friction angle frictionAngleDeg (validation sweeps).
    bool hardening = true;
    float frictionAngleDeg = 35.0f;  ///< degrees, used when hardening == false
    float h0 = 35.0f;                ///< degrees
    float h1 = 9.0f;                 ///< degrees per unit plastic strain q
    float h2 = 0.2f;                 ///< 1 / unit plastic strain q
    float h3 = 10.0f;                ///< degrees
    bool volumeCorrection =
        true;  ///< Tampubolon 2017: dilated sand is stress-free until re-compressed
    /// m; > 0 makes the friction rate-dependent, μ(I) (GDR MiDi 2004; Jop, Forterre &
    /// Pouliquen 2006): μ = μ_s + (μ₂ − μ_s) I / (I₀ + I) with the inertial number
    /// I = γ̇ d / √(p / ρ), μ_s = tan φ of the law above and μ₂ = tan(φ + inertialRiseDeg).
    /// Fast shearing under low pressure (a tall column's collapse, an impact) then
    /// dissipates more. 0: rate-independent.
    float grainDiameter = 0.0f;
    float inertialRiseDeg = 11.86f;  ///< degrees, φ₂ − φ_s (Jop et al. 2006, glass beads)
    float inertialI0 = 0.279f;       ///< I₀ (Jop et al. 2006)
};

enum class EquationOfState : uint8_t {
    Tait,    ///< p = K/γ (J^(−γ) − 1)
    Linear,  ///< p = K (1/J − 1)
};

/// Weakly compressible water. The sound speed c = √(K/ρ) must be at least 10× the largest
/// flow speed for density errors of ~1 %; forMaxFlowSpeed() picks K from that rule.
struct WaterDesc {
    float density = 1000.0f;     ///< kg/m³
    float bulkModulus = 4.0e5f;  ///< Pa (default: c = 20 m/s, flows up to 2 m/s)
    EquationOfState eos = EquationOfState::Tait;
    float gamma = 7.0f;      ///< Tait exponent (dimensionless)
    float viscosity = 0.0f;  ///< Pa·s, dynamic viscosity (0 = inviscid)

    /// m/s, speed of sound at rest density.
    [[nodiscard]] float soundSpeed() const { return std::sqrt(bulkModulus / density); }
    /// A desc whose sound speed is 10× the given largest expected flow speed (m/s).
    [[nodiscard]] static WaterDesc forMaxFlowSpeed(float maxFlowSpeed) {
        WaterDesc d;
        const float c = 10.0f * maxFlowSpeed;
        d.bulkModulus = d.density * c * c;
        return d;
    }
};

enum class MaterialKind : uint8_t { Sand, Water };

}  // namespace silt::physics
