#pragma once
// Process resource figures for benchmarks.

namespace silt {
/// Peak resident set size of this process so far, in MiB (VmHWM).
double peakRssMiB();
/// CPU time (user + system) consumed by this process so far, in seconds, all threads.
double processCpuSeconds();
}  // namespace silt
