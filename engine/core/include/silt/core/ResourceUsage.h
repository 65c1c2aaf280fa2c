#pragma once
// Process resource figures for benchmarks.

namespace silt {
/// Peak resident set size of this process, in MiB (VmHWM): since the start, or since the
/// last resetPeakRss() that succeeded.
double peakRssMiB();
/// Resident set size of this process now, in MiB (VmRSS).
double residentMiB();
/// Starts a new peak: hands freed heap back to the system, then sets the peak to the
/// current resident set (Linux ≥ 4.0, /proc/self/clear_refs), so that a benchmark's later
/// configurations do not report an earlier, larger one's peak. False where the kernel
/// refuses; the peak then still counts from the start of the process.
bool resetPeakRss();
/// CPU time (user + system) consumed by this process so far, in seconds, all threads.
double processCpuSeconds();
}  // namespace silt
