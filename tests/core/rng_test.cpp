#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

#include "silt/core/Rng.h"

namespace silt {
namespace {

std::vector<uint32_t> draw(Pcg32 rng, int n) {
    std::vector<uint32_t> out;
    for (int i = 0; i < n; ++i) out.push_back(rng.nextU32());
    return out;
}

TEST(Pcg32, MatchesReferenceSequence) {
    // Reference values from O'Neill's pcg32-demo (seed 42, sequence 54).
    Pcg32 rng(54u, 42u);
    const uint32_t expected[] = {0xa15c02b7, 0x7b47f409, 0xba1d3330,
                                 0x83d2f293, 0xbfa4784b, 0xcbed606e};
    for (uint32_t value : expected) EXPECT_EQ(rng.nextU32(), value);
}

TEST(Pcg32, AdvanceSkipsExactlyAndGoesBack) {
    Pcg32 a(7, 99), b(7, 99);
    for (int i = 0; i < 1000; ++i) a.nextU32();
    b.advance(1000);
    EXPECT_EQ(a.nextU32(), b.nextU32());
    b.advance(-1);
    Pcg32 c(7, 99);
    c.advance(1000);
    EXPECT_EQ(b.nextU32(), c.nextU32());
}

TEST(RngStreams, SameInputsReproduce) {
    EXPECT_EQ(draw(streamFor(1234, 5, "layout"), 64), draw(streamFor(1234, 5, "layout"), 64));
}

TEST(RngStreams, DifferentPurposeClipOrSeedGiveDifferentStreams) {
    auto base = draw(streamFor(1234, 5, "layout"), 16);
    EXPECT_NE(base, draw(streamFor(1234, 5, "camera"), 16));
    EXPECT_NE(base, draw(streamFor(1234, 6, "layout"), 16));
    EXPECT_NE(base, draw(streamFor(1235, 5, "layout"), 16));
    // Purpose is hashed whole: a prefix is a different purpose.
    EXPECT_NE(base, draw(streamFor(1234, 5, "layou"), 16));
}

TEST(RngStreams, StreamsOfDifferentPurposesAreUncorrelated) {
    Pcg32 a = streamFor(1, 0, "a"), b = streamFor(1, 0, "b");
    const int n = 20000;
    double sumA = 0, sumB = 0, sumAB = 0, sumAA = 0, sumBB = 0;
    for (int i = 0; i < n; ++i) {
        double x = a.uniformDouble(), y = b.uniformDouble();
        sumA += x;
        sumB += y;
        sumAB += x * y;
        sumAA += x * x;
        sumBB += y * y;
    }
    double cov = sumAB / n - (sumA / n) * (sumB / n);
    double corr =
        cov / std::sqrt((sumAA / n - std::pow(sumA / n, 2)) * (sumBB / n - std::pow(sumB / n, 2)));
    EXPECT_LT(std::abs(corr), 0.03);
}

TEST(Pcg32, UniformAndNormalHaveTheRightMoments) {
    Pcg32 rng = streamFor(9, 9, "moments");
    const int n = 100000;
    double sumU = 0, sumN = 0, sumN2 = 0;
    std::set<uint32_t> buckets;
    for (int i = 0; i < n; ++i) {
        float u = rng.uniformFloat();
        ASSERT_GE(u, 0.0f);
        ASSERT_LT(u, 1.0f);
        sumU += u;
        double g = rng.normal(2.0, 3.0);
        sumN += g;
        sumN2 += (g - 2.0) * (g - 2.0);
        buckets.insert(rng.uniformU32(10));
    }
    EXPECT_NEAR(sumU / n, 0.5, 0.005);
    EXPECT_NEAR(sumN / n, 2.0, 0.05);
    EXPECT_NEAR(std::sqrt(sumN2 / n), 3.0, 0.05);
    EXPECT_EQ(buckets.size(), 10u);
}

}  // namespace
}  // namespace silt
