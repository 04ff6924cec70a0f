#include "common/sys/latency_probe_file.hpp"

#include "common/core/latency_probe.hpp"

#ifdef FANOUT_LATENCY_PROBES
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#endif

namespace fanout::sys {

#ifdef FANOUT_LATENCY_PROBES
namespace {

struct Calibration {
    std::string daemon;
    uint64_t tsc = 0;
    std::chrono::steady_clock::time_point when;
};

Calibration& calibration() {
    static Calibration c;
    return c;
}

void write_marks() {
    const Calibration& c = calibration();
    const uint64_t tsc = __rdtsc();
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - c.when);
    const char* dir = std::getenv("FANOUT_PROBE_DIR");
    const std::string path = std::string(dir && *dir ? dir : "/tmp") + "/fanout-probes-" + c.daemon + "-" +
                             std::to_string(::getpid()) + ".txt";
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (!f) return;
    const double per_us =
        ns.count() > 0 ? static_cast<double>(tsc - c.tsc) * 1000.0 / static_cast<double>(ns.count()) : 0;
    const probe::Marks& m = probe::g_marks;
    std::fprintf(f, "# fanout latency probes\ndaemon %s\npid %d\ntsc_per_us %.3f\ndropped %zu\n",
                 c.daemon.c_str(), static_cast<int>(::getpid()), per_us, m.dropped);
    for (size_t i = 0; i < m.count; ++i)
        std::fprintf(f, "%llu %u\n", static_cast<unsigned long long>(m.tsc[i]),
                     static_cast<unsigned>(m.point[i]));
    std::fclose(f);
}

}  // namespace

void write_latency_probes_at_exit(const std::string& daemon) {
    Calibration& c = calibration();
    c.daemon = daemon;
    c.when = std::chrono::steady_clock::now();
    c.tsc = __rdtsc();
    std::atexit(write_marks);
}
#else
void write_latency_probes_at_exit(const std::string&) {}
#endif

}  // namespace fanout::sys
