// pimd's metrics: rules over its status commands (common/sys/metrics_status.hpp), so `show metrics` and the
// HTTP listener report exactly the numbers `show ... json` reports. To add a table, add a rule.
#pragma once

#include <vector>

#include "common/sys/metrics_status.hpp"

namespace fanout::pimd {

// The rule table (also used by tests to check that every family is documented and produced).
std::vector<sys::MetricRule> pimd_metric_rules();

}  // namespace fanout::pimd
