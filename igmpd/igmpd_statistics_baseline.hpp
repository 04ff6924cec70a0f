// `clear ip igmp statistics` as a display baseline, like pimd's (pimd/pimd_clear_commands.hpp): the counters
// keep running, `show ip igmp statistics` and the counters of `show ip igmp interface` subtract the totals
// taken at the clear, and `show metrics` reads the running totals (statistics_totals), because Prometheus
// counters must never go down. What the clear covers is what it always covered: messages by type, records,
// drops, decode errors (core and receive path) and each interface's counters; the socket totals, the tables
// and every timer stay as they are.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "common/sys/metrics_status.hpp"
#include "igmpd/igmpd_status.hpp"

namespace fanout::igmpd {

// The counts of `now` since `base` (the socket section stays `now`'s).
IgmpStatisticsView statistics_since(const IgmpStatisticsView& now, const IgmpStatisticsView& base);
// One interface's counters since `base` (its state, timers and group count stay `now`'s).
igmp::InterfaceStatus interface_counters_since(const igmp::InterfaceStatus& now,
                                               const igmp::InterfaceStatus& base);

class IgmpStatisticsBaseline {
  public:
    // The totals at the clear: the statistics and every interface's counters (by interface name).
    void clear(const IgmpStatisticsView& totals, const IgmpInterfacesView& interfaces);
    // What show displays. An interface that appeared since the clear, or whose counters restarted (removed
    // and configured again), shows its totals.
    IgmpStatisticsView display(const IgmpStatisticsView& totals) const;
    IgmpInterfacesView display(IgmpInterfacesView totals) const;
    bool cleared() const { return statistics_.has_value(); }

  private:
    std::optional<IgmpStatisticsView> statistics_;
    std::map<std::string, igmp::InterfaceStatus> interfaces_;
};

// The running totals `show metrics` reads instead of what show displays (sys::MetricsDataSource): `show ip
// igmp statistics` and `show ip igmp interface`.
sys::MetricsDataSource statistics_totals(std::function<const IgmpDaemon*()> daemon);

}  // namespace fanout::igmpd
