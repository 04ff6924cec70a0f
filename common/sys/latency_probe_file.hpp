// Writes the latency probes' marks (common/core/latency_probe.hpp) when the process exits, to
// $FANOUT_PROBE_DIR/fanout-probes-DAEMON-PID.txt (default directory /tmp), for
// topologies/perf/probe_steps.py:
//
//   # fanout latency probes
//   daemon pimd
//   pid 1234
//   tsc_per_us 2596.121      (the counter's rate, measured between this call and the exit)
//   dropped 0                (marks past the array's end)
//   <tsc> <point>            (one line a mark, in the order taken)
//
// Without FANOUT_LATENCY_PROBES this does nothing.
#pragma once

#include <string>

namespace fanout::sys {

void write_latency_probes_at_exit(const std::string& daemon);

}  // namespace fanout::sys
