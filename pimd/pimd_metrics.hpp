// pimd's metrics: rules over its status commands (common/sys/metrics_status.hpp), so `show metrics` and the
// HTTP listener report exactly the numbers `show ... json` reports. To add a table, add a rule.
#pragma once

#include <vector>

#include "common/sys/metrics_status.hpp"

namespace fanout::pimd {

// The rule table (tests/unit/pimd_daemon/pimd_metrics_test.cpp checks the families it makes).
std::vector<sys::MetricRule> pimd_metric_rules();

}  // namespace fanout::pimd
