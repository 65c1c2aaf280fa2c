#include "silt/core/ResourceUsage.h"

#include <malloc.h>
#include <time.h>

#include <fstream>
#include <string>

namespace silt {
namespace {

/// kB field `key` ("VmHWM:", "VmRSS:") of /proc/self/status, in MiB; 0 when absent.
double statusMiB(const std::string& key) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(key, 0) == 0) return std::stod(line.substr(key.size())) / 1024.0;
    }
    return 0.0;
}

}  // namespace

double peakRssMiB() {
    return statusMiB("VmHWM:");
}

double residentMiB() {
    return statusMiB("VmRSS:");
}

bool resetPeakRss() {
    // Without the trim, heap pages freed by the previous configuration stay resident and
    // count towards the next one's peak.
    malloc_trim(0);
    std::ofstream clearRefs("/proc/self/clear_refs");
    clearRefs << "5";  // proc(5): reset the peak resident set size to the current one
    clearRefs.flush();
    return static_cast<bool>(clearRefs);
}

double processCpuSeconds() {
    // The scheduler's run time of all threads, in nanoseconds.
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1.0e-9 * static_cast<double>(ts.tv_nsec);
}

}  // namespace silt
