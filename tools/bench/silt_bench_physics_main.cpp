// silt-bench-physics [sand|water|all] [particles...]: MPM throughput as JSON lines.
// Example: silt-bench-physics sand 200000
#include <cstdlib>
#include <iostream>
#include <string>

#include "PhysicsBench.h"

int main(int argc, char** argv) {
    silt::bench::PhysicsBenchOptions options;
    if (argc > 1 && std::string(argv[1]) != "all") options.materials = {argv[1]};
    if (argc > 2) {
        options.particles.clear();
        for (int i = 2; i < argc; ++i) options.particles.push_back(std::atoi(argv[i]));
    }
    return silt::bench::runPhysicsBench(options, std::cout);
}
