#include "silt/core/Rng.h"

#include <xxhash.h>

#include <cmath>
#include <cstring>
#include <vector>

namespace silt {

void Pcg32::setSequence(uint64_t sequenceIndex, uint64_t seed) {
    mState = 0u;
    mIncrement = (sequenceIndex << 1u) | 1u;
    nextU32();
    mState += seed;
    nextU32();
}

uint32_t Pcg32::nextU32() {
    uint64_t old = mState;
    mState = old * kMultiplier + mIncrement;
    auto xorShifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
    auto rot = static_cast<uint32_t>(old >> 59u);
    return (xorShifted >> rot) | (xorShifted << ((~rot + 1u) & 31u));
}

void Pcg32::advance(int64_t delta) {
    // Brown's "Random number generation with arbitrary strides": LCG jump-ahead.
    uint64_t curMult = kMultiplier, curPlus = mIncrement, accMult = 1u, accPlus = 0u;
    auto remaining = static_cast<uint64_t>(delta);
    while (remaining > 0) {
        if (remaining & 1u) {
            accMult *= curMult;
            accPlus = accPlus * curMult + curPlus;
        }
        curPlus = (curMult + 1u) * curPlus;
        curMult *= curMult;
        remaining /= 2u;
    }
    mState = accMult * mState + accPlus;
}

uint32_t Pcg32::uniformU32(uint32_t bound) {
    uint32_t threshold = (~bound + 1u) % bound;
    while (true) {
        uint32_t r = nextU32();
        if (r >= threshold) return r % bound;
    }
}

float Pcg32::uniformFloat() {
    return static_cast<float>(nextU32() >> 8) * 0x1p-24f;
}

double Pcg32::uniformDouble() {
    uint64_t hi = nextU32() >> 5;  // 27 bits
    uint64_t lo = nextU32() >> 6;  // 26 bits
    return static_cast<double>((hi << 26) | lo) * 0x1p-53;
}

double Pcg32::normal(double mean, double stddev) {
    // 1 - u keeps the log argument in (0, 1].
    double u1 = 1.0 - uniformDouble();
    double u2 = uniformDouble();
    double radius = std::sqrt(-2.0 * std::log(u1));
    return mean + stddev * radius * std::cos(2.0 * 3.14159265358979323846 * u2);
}

uint64_t streamKey(uint64_t datasetSeed, uint64_t clipIndex, std::string_view purpose) {
    std::vector<uint8_t> buffer(16 + purpose.size());
    // Explicit little-endian layout so the key is the same on every machine.
    for (int i = 0; i < 8; ++i) {
        buffer[static_cast<size_t>(i)] = static_cast<uint8_t>(datasetSeed >> (8 * i));
        buffer[static_cast<size_t>(8 + i)] = static_cast<uint8_t>(clipIndex >> (8 * i));
    }
    std::memcpy(buffer.data() + 16, purpose.data(), purpose.size());
    return XXH3_64bits(buffer.data(), buffer.size());
}

Pcg32 streamFor(uint64_t datasetSeed, uint64_t clipIndex, std::string_view purpose) {
    uint64_t key = streamKey(datasetSeed, clipIndex, purpose);
    // The key picks both the sequence and the starting state, so two purposes never share
    // a sequence even if their keys collide in one half.
    return Pcg32(key, key ^ 0x9e3779b97f4a7c15ULL);
}

}  // namespace silt
