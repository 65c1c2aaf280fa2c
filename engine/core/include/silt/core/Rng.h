#pragma once
// Deterministic random numbers. Every random stream in Silt is derived from
// (dataset seed, clip index, purpose) by streamFor(); nothing reads the clock or a global
// RNG, so a clip is a pure function of its inputs whatever the thread count or shard split.
//
// Pcg32 is O'Neill's PCG-XSH-RR 64/32 with an explicit sequence (stream) and an advance()
// that skips ahead in O(log n), as in pbrt-v4. Not thread-safe: one instance per user.

#include <cstdint>
#include <string_view>

namespace silt {

class Pcg32 {
public:
    Pcg32() { setSequence(0, kDefaultStream); }
    Pcg32(uint64_t sequenceIndex, uint64_t seed) { setSequence(sequenceIndex, seed); }

    void setSequence(uint64_t sequenceIndex, uint64_t seed);
    /// Skips `delta` draws (negative values go back), in O(log |delta|).
    void advance(int64_t delta);

    uint32_t nextU32();
    /// Uniform in [0, bound), without modulo bias.
    uint32_t uniformU32(uint32_t bound);
    /// Uniform in [0, 1), 24 bits of mantissa: exactly representable, platform-independent.
    float uniformFloat();
    /// Uniform in [0, 1), 53 bits.
    double uniformDouble();
    /// Uniform in [lo, hi).
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniformDouble(); }
    /// Standard normal by Box–Muller (uses two draws; no cached state, so advance() stays exact).
    double normal(double mean = 0.0, double stddev = 1.0);

private:
    static constexpr uint64_t kDefaultStream = 0xda3e39cb94b95bdbULL;
    static constexpr uint64_t kMultiplier = 0x5851f42d4c957f2dULL;
    uint64_t mState = 0;
    uint64_t mIncrement = 0;
};

/// 64-bit hash of (seed, clip index, purpose), the root of every random stream.
uint64_t streamKey(uint64_t datasetSeed, uint64_t clipIndex, std::string_view purpose);

/// The RNG for one purpose ("layout", "materials", "camera" …) of one clip. Streams for
/// different purposes are independent, so adding draws to one never shifts another.
Pcg32 streamFor(uint64_t datasetSeed, uint64_t clipIndex, std::string_view purpose);

}  // namespace silt
