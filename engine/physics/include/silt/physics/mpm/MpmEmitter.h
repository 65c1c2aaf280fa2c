#pragma once
// MpmEmitter: a pour. Adds particles of one material through a disc or rectangular nozzle
// at a given volume rate, with an initial velocity, during a time window, up to a particle
// budget. Plain-data description (EmitterDesc) plus the emission schedule (MpmEmitter),
// which the solver runs serially at the start of every substep.
//
// Schedule: particle n (0-based) is due once rate · (t − start) ≥ (n + 1) · spacing³, so the
// volume (and mass) emitted by time t is rate · (min(t, end) − start) to within one particle.
// Particles fill "slices" of the nozzle's cross-section lattice (spacing × spacing sites
// inside the disc or rectangle); slice k leaves the nozzle at its nominal time
// τ_k = start + k · sites · spacing³ / rate and is placed where it would be after moving
// ballistically (initial velocity and gravity) from the nozzle plane since τ_k. Each site is
// jittered by a fraction of the spacing with a Pcg32 stream keyed by (seed, particle index),
// so the positions are a pure function of the description and the substep times: the same
// for any thread count. When rate = area · |velocity| the stream is a lattice of the given
// spacing; a higher rate packs it denser (the solver pushes it apart), a lower one thins it.

#include <cstdint>
#include <vector>

#include "silt/core/Math.h"
#include "silt/core/Result.h"

namespace silt::physics {

enum class NozzleShape : uint8_t {
    Disc,       ///< radius
    Rectangle,  ///< halfSize along the nozzle's two in-plane axes
};

struct EmitterDesc {
    uint8_t material = 0;  ///< solver material index (MpmSolver::addMaterial)
    NozzleShape shape = NozzleShape::Disc;
    Vec3f centre = Vec3f(0.0f, 0.5f, 0.0f);     ///< m, centre of the nozzle opening
    /// m/s, initial velocity of the emitted material; its direction is the nozzle axis
    /// (must not be zero). In-plane axes: u = world x projected onto the opening plane
    /// (world z if the axis is along x), v = axis × u; a downward pour has u = x, v = z.
    Vec3f velocity = Vec3f(0.0f, -1.0f, 0.0f);
    float radius = 0.02f;                       ///< m, disc nozzle
    Vec2f halfSize = Vec2f(0.02f, 0.02f);       ///< m, rectangle nozzle, along u and v
    float rate = 1.0e-4f;                       ///< m³/s of material (particle volume spacing³)
    float start = 0.0f;                         ///< s, emission starts
    float end = 1.0f;                           ///< s, emission stops
    float spacing = 0.01f;                      ///< m, particle spacing (usually dx / 2)
    uint32_t maxParticles = 100000;             ///< budget: the emitter stops after this many
    float jitter = 0.3f;  ///< fraction of the spacing by which sites are jittered (0..0.5)
    uint64_t seed = 0;    ///< jitter stream key (from the clip's RNG)
};

/// Checks a description (positive rate and spacing, a window, a non-zero velocity…); the
/// message names the field.
[[nodiscard]] Status validateEmitter(const EmitterDesc& desc);

class MpmEmitter {
public:
    /// `desc` must pass validateEmitter().
    explicit MpmEmitter(const EmitterDesc& desc);

    /// Appends to `positions`/`velocities` every particle due at time t (s) that has not been
    /// emitted yet; gravity in m/s². Returns how many were appended.
    size_t emit(double t, const Vec3f& gravity, std::vector<Vec3f>& positions,
                std::vector<Vec3f>& velocities);

    [[nodiscard]] const EmitterDesc& desc() const { return mDesc; }
    /// Moves the nozzle (a funnel raised with the pile, a hose swept over a bed); particles
    /// due from now on leave from the new centre.
    void moveTo(const Vec3f& centre) { mDesc.centre = centre; }
    [[nodiscard]] uint32_t emitted() const { return mEmitted; }  ///< particles so far
    /// m³, the volume of one particle (spacing³).
    [[nodiscard]] float particleVolume() const { return mParticleVolume; }
    /// True while the emitter may still add particles at some time ≥ t.
    [[nodiscard]] bool activeAfter(double t) const;
    /// Sites of one cross-section slice.
    [[nodiscard]] size_t sitesPerSlice() const { return mSites.size(); }

private:
    EmitterDesc mDesc;
    float mParticleVolume = 0.0f;
    Vec3f mAxis, mU, mV;
    std::vector<Vec2f> mSites;  ///< (u, v) of each lattice site in the opening, m
    uint32_t mEmitted = 0;
};

}  // namespace silt::physics
