// igmpd's metrics: rules over its status commands (common/sys/metrics_status.hpp), so `show metrics` and the
// HTTP listener report exactly the numbers `show ... json` reports. To add a table, add a rule.
#pragma once

#include <vector>

#include "common/sys/metrics_status.hpp"

namespace fanout::igmpd {

std::vector<sys::MetricRule> igmpd_metric_rules();

}  // namespace fanout::igmpd
