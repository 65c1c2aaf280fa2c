// silt-bench-physics [sand|water|all] [particles...]: MPM throughput as JSON lines.
// Example: silt-bench-physics sand 200000
#include <charconv>
#include <iostream>
#include <string>
#include <string_view>

#include "PhysicsBench.h"

int main(int argc, char** argv) {
    silt::bench::PhysicsBenchOptions options;
    if (argc > 1 && std::string(argv[1]) != "all") options.materials = {argv[1]};
    if (argc > 2) {
        options.particles.clear();
        for (int i = 2; i < argc; ++i) {
            const std::string_view text = argv[i];
            int count = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
            if (ec != std::errc() || end != text.data() + text.size()) {
                std::cerr << "silt-bench-physics: argument " << i << ", \"" << text
                          << "\": expected a particle count (a whole number)\n"
                          << "usage: silt-bench-physics [sand|water|all] [particles...]\n";
                return 2;
            }
            options.particles.push_back(count);
        }
    }
    if (const silt::Status valid = silt::bench::validatePhysicsBenchOptions(options); !valid.ok()) {
        std::cerr << "silt-bench-physics: " << valid.error().message << "\n"
                  << "usage: silt-bench-physics [sand|water|all] [particles...]\n";
        return 2;
    }
    return silt::bench::runPhysicsBench(options, std::cout);
}
