#pragma once
// Particle state of the MPM solver as structure-of-arrays. All arrays have size() entries;
// index i is the same particle in every array, and particles never move between indices
// (the solver sorts an index list, not the arrays), so exporters can track them by index.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "silt/core/Math.h"

namespace silt::physics {

struct MpmParticles {
    std::vector<Vec3f> position;    ///< m
    std::vector<Vec3f> velocity;    ///< m/s
    std::vector<Mat3f> affine;      ///< 1/s, APIC affine velocity matrix C (≈ velocity gradient)
    std::vector<Mat3f> elasticF;    ///< sand: elastic deformation gradient F_E; water: unused (I)
    std::vector<float> jacobian;    ///< volume ratio J (water: tracked det F; sand: det F_E)
    std::vector<float> hardeningQ;  ///< sand: accumulated plastic strain q (hardening state)
    std::vector<float> volumeCorrection;  ///< sand: log-volume correction v_c (Tampubolon 2017)
    std::vector<Mat3f> stress;      ///< Pa, Kirchhoff stress τ of the current state (for P2G)
    std::vector<float> mass;        ///< kg
    std::vector<float> volume0;     ///< m³, initial volume V0
    std::vector<uint8_t> material;  ///< index into the solver's material table

    [[nodiscard]] size_t size() const { return position.size(); }
};

}  // namespace silt::physics
