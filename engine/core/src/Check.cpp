#include "silt/core/Check.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace silt {
namespace {
std::atomic<bool> gChecksThrow{false};
}

void setChecksThrow(bool enabled) {
    gChecksThrow.store(enabled);
}

void reportCheckFailure(const char* file, int line, const std::string& message) {
    std::string full = fmt::format("{}:{}: {}", file, line, message);
    if (gChecksThrow.load()) throw CheckFailure(full);
    std::fprintf(stderr, "silt: internal error (a bug in Silt): %s\n", full.c_str());
    std::fflush(stderr);
    std::abort();
}

}  // namespace silt
