// Latency probes: timestamps at the steps of the report-to-first-data path (igmpd reads a report, tells pimd,
// pimd sends the Join, the upstream pimd programs the kernel), read by topologies/perf/probe_steps.py. They
// show which step of which daemon the time goes to without the cost of a tracer, which on this path is as
// large as the steps themselves.
//
// Compiled in only by a diagnostic build (cmake -DFANOUT_LATENCY_PROBES=ON); in every other build
// FANOUT_PROBE(point) is nothing. A mark is the CPU's time-stamp counter and the point, kept in a fixed array
// in memory: no I/O and no system call, so the pure cores may carry marks (they never read the marks, so the
// cores' behaviour does not depend on them). The daemon writes the marks out when it exits
// (write_latency_probes, common/sys/latency_probe_file.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#ifdef FANOUT_LATENCY_PROBES
#if !defined(__x86_64__)
#error "FANOUT_LATENCY_PROBES reads the x86-64 time-stamp counter (rdtsc)"
#endif
#include <x86intrin.h>
#endif

namespace fanout::probe {

// The numbers are the file format of probe_steps.py: keep them.
enum class Point : uint16_t {
    kLoopCallback = 1,     // the event loop calls a descriptor's callback
    kIpcReadDone = 3,      // an IPC connection's recv returned
    kIpcSendStart = 5,     // an IPC connection calls send
    kRawRecvDone = 11,     // a raw socket's (PIM, IGMP) recvmsg returned
    kRawSendStart = 12,    // a raw socket calls sendmsg
    kRawSendDone = 13,     // ... sendmsg returned
    kMfcAddStart = 14,     // setsockopt(MRT_ADD_MFC)
    kMfcAddDone = 15,      // ... returned
    kIgmpDecoded = 20,     // igmpd decoded a packet, before the core
    kIgmpHandled = 21,     // ... the core returned
    kPimMembership = 30,   // pimd's core takes a membership change
    kPimJoinsQueued = 31,  // ... the upstream machines queued its Join/Prune (JoinsFirst)
    kPimJpReceived = 32,   // pimd's core takes a received Join/Prune
    kPimJpProcessed = 33,  // ... its downstream machines and re-evaluations ran, before finish()
};

#ifdef FANOUT_LATENCY_PROBES
inline constexpr size_t kMaxMarks = size_t{1} << 16;

struct Marks {
    uint64_t tsc[kMaxMarks];
    uint16_t point[kMaxMarks];
    size_t count;
    size_t dropped;  // marks past kMaxMarks (not recorded)
};

// Zero-initialised at load time; one per process.
inline Marks g_marks;

inline void mark(Point p) noexcept {
    Marks& m = g_marks;
    if (m.count == kMaxMarks) {
        ++m.dropped;
        return;
    }
    m.tsc[m.count] = __rdtsc();
    m.point[m.count] = static_cast<uint16_t>(p);
    ++m.count;
}
#define FANOUT_PROBE(point) ::fanout::probe::mark(::fanout::probe::Point::point)
#else
#define FANOUT_PROBE(point) static_cast<void>(0)
#endif

}  // namespace fanout::probe
