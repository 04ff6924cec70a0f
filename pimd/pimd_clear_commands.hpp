// pimd's `clear` commands (issue #9; the igmpd ones are in igmpd_status.cpp):
//
//   clear ip mroute [GROUP]    the kernel MFC entries PIM installed (all, or GROUP's) are deleted with their
//                              packet counters; what PIM state still wants is installed again at once, an
//                              (S,G) known only from data returns with its next packet (NOCACHE). Static
//                              mroutes stay. Counted in show ip pim statistics (mroute_clears,
//                              mroutes_cleared).
//   clear ip pim statistics    show ip pim statistics counts from the clear on.
//
// Statistics are cleared for display only: the daemon's counters keep running, `show ip pim statistics`
// subtracts a baseline taken at the clear (StatisticsBaseline), and `show metrics` reads the running totals
// (statistics_totals), because Prometheus counters must never go down.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "common/sys/metrics_status.hpp"
#include "pimd/pimd_status.hpp"

namespace fanout::pimd {

// The counts of `now` taken since `base` (each counter now - base, 0 if it went down, which running totals
// never do).
PimStatisticsView statistics_since(const PimStatisticsView& now, const PimStatisticsView& base);

// What `clear ip pim statistics` left: the totals at the last clear (none before the first clear).
class StatisticsBaseline {
  public:
    void clear(const PimStatisticsView& totals) { base_ = totals; }
    // What `show ip pim statistics` displays.
    PimStatisticsView display(const PimStatisticsView& totals) const {
        return base_ ? statistics_since(totals, *base_) : totals;
    }
    bool cleared() const { return base_.has_value(); }

  private:
    std::optional<PimStatisticsView> base_;
};

// Registers `show ip pim statistics` (displayed from the baseline) and the clear commands.
void register_pimd_clear_commands(sys::StatusServer& server, std::function<const PimDaemon*()> daemon,
                                  std::shared_ptr<StatisticsBaseline> baseline);

// The running totals `show metrics` reads instead of what show displays (sys::MetricsDataSource).
sys::MetricsDataSource statistics_totals(std::function<const PimDaemon*()> daemon);

}  // namespace fanout::pimd
