#include <gtest/gtest.h>

#include "silt/core/Check.h"
#include "silt/core/Result.h"

namespace silt {
namespace {

TEST(Check, FailureReportsBothValues) {
    try {
        int a = 3, b = 4;
        SILT_CHECK_EQ(a, b);
        FAIL() << "check did not fire";
    } catch (const CheckFailure& failure) {
        std::string what = failure.what();
        EXPECT_NE(what.find("3 vs 4"), std::string::npos) << what;
        EXPECT_NE(what.find("a == b"), std::string::npos) << what;
    }
}

TEST(Result, CarriesValueOrError) {
    Result<int> good = 5;
    Result<int> bad = Error{"scene.json: bad"};
    ASSERT_TRUE(good.ok());
    EXPECT_EQ(*good, 5);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().prefixed("loading").message, "loading: scene.json: bad");
    EXPECT_THROW((void)bad.value(), CheckFailure);
}

}  // namespace
}  // namespace silt
