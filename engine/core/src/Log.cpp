#include "silt/core/Log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace silt::log {
namespace {
std::atomic<Level> gLevel{Level::Info};
std::mutex gMutex;
}  // namespace

void setLevel(Level newLevel) {
    gLevel.store(newLevel);
}
Level level() {
    return gLevel.load();
}

void write(Level messageLevel, std::string_view message) {
    static constexpr const char* kNames[] = {"debug", "info", "warning", "error"};
    std::lock_guard lock(gMutex);
    std::fprintf(stderr, "silt [%s] %.*s\n", kNames[static_cast<int>(messageLevel)],
                 static_cast<int>(message.size()), message.data());
}

}  // namespace silt::log
