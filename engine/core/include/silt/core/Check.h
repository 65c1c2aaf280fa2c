#pragma once
// Invariant checks (pbrt-style): a failed SILT_CHECK is a bug in Silt, not bad input.
// It prints the expression and both values, then aborts — or throws CheckFailure when a
// test has asked for that with setChecksThrow(true), so tests can assert on it.
// Expected failures (bad files, bad parameters) use Result<T> instead (Result.h).

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace silt {

/// Thrown by a failed check when checks are set to throw (tests only).
class CheckFailure : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

/// Makes failed checks throw CheckFailure instead of aborting. Not thread-safe to toggle
/// while other threads run checks; set it once at test start-up.
void setChecksThrow(bool enabled);

[[noreturn]] void reportCheckFailure(const char* file, int line, const std::string& message);

}  // namespace silt

#define SILT_CHECK(cond)                                                               \
    do {                                                                               \
        if (!(cond)) [[unlikely]]                                                      \
            ::silt::reportCheckFailure(__FILE__, __LINE__, "CHECK(" #cond ") failed"); \
    } while (false)

#define SILT_CHECK_OP_(a, b, op)                                                          \
    do {                                                                                  \
        const auto& siltCheckA_ = (a);                                                    \
        const auto& siltCheckB_ = (b);                                                    \
        if (!(siltCheckA_ op siltCheckB_)) [[unlikely]]                                   \
            ::silt::reportCheckFailure(                                                   \
                __FILE__, __LINE__,                                                       \
                fmt::format("CHECK(" #a " " #op " " #b ") failed: {} vs {}", siltCheckA_, \
                            siltCheckB_));                                                \
    } while (false)

#define SILT_CHECK_EQ(a, b) SILT_CHECK_OP_(a, b, ==)
#define SILT_CHECK_NE(a, b) SILT_CHECK_OP_(a, b, !=)
#define SILT_CHECK_LT(a, b) SILT_CHECK_OP_(a, b, <)
#define SILT_CHECK_LE(a, b) SILT_CHECK_OP_(a, b, <=)
#define SILT_CHECK_GT(a, b) SILT_CHECK_OP_(a, b, >)
#define SILT_CHECK_GE(a, b) SILT_CHECK_OP_(a, b, >=)
