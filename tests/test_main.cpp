#include <gtest/gtest.h>

#include "silt/core/Check.h"

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    silt::setChecksThrow(true);
    return RUN_ALL_TESTS();
}
