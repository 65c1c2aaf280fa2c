#pragma once
// Logging to stderr with fmt formatting. Thread-safe (one line per call).

#include <fmt/format.h>

#include <string_view>

namespace silt::log {

enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3, Off = 4 };

void setLevel(Level level);
Level level();
void write(Level level, std::string_view message);

template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
    if (level() <= Level::Info)
        write(Level::Info, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
    if (level() <= Level::Warn)
        write(Level::Warn, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
    if (level() <= Level::Debug)
        write(Level::Debug, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace silt::log
