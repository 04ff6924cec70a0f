// pimd's `clear` commands (issue #9; the igmpd ones are in igmpd_status.cpp):
//
//   clear ip mroute [GROUP]    the kernel MFC entries PIM installed (all, or GROUP's) are deleted with their
//                              packet counters; what PIM state still wants is installed again at once, an
//                              (S,G) known only from data returns with its next packet (NOCACHE). Static
//                              mroutes stay. Counted in show ip pim statistics (mroute_clears,
//                              mroutes_cleared).
//   clear ip pim statistics    show ip pim statistics counts from the clear on, and so do the counters of
//                              show ip pim register and show ip pim anycast-rp (their per-(S,G) rows count
//                              over each entry's life, as the kernel's mroute counters do).
//
// Statistics are cleared for display only: the daemon's counters keep running, `show ip pim statistics`
// subtracts a baseline taken at the clear (StatisticsBaseline), and `show metrics` reads the running totals
// (statistics_totals), because Prometheus counters must never go down.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "common/sys/metrics_status.hpp"
#include "pimd/core/register_status.hpp"
#include "pimd/pimd_status.hpp"

namespace fanout::pimd {

// The counts of `now` taken since `base` (each counter now - base; one that went down since was reset, and
// counts from its reset: common/sys/counters_since.hpp).
PimStatisticsView statistics_since(const PimStatisticsView& now, const PimStatisticsView& base);

// The register path's counters (with the anycast-RP ones inside the RP's) since `base`.
pim::RegisterCountersStatus register_counters_since(const pim::RegisterCountersStatus& now,
                                                    const pim::RegisterCountersStatus& base);
pim::AnycastRpCounters anycast_counters_since(const pim::AnycastRpCounters& now,
                                              const pim::AnycastRpCounters& base);

// What `clear ip pim statistics` left: the totals at the last clear (none before the first clear).
class StatisticsBaseline {
  public:
    void clear(const PimStatisticsView& statistics, const pim::RegisterCountersStatus& registers) {
        base_ = Totals{statistics, registers};
    }
    // What the show commands display.
    PimStatisticsView display(const PimStatisticsView& totals) const {
        return base_ ? statistics_since(totals, base_->statistics) : totals;
    }
    pim::RegisterCountersStatus display(const pim::RegisterCountersStatus& totals) const {
        return base_ ? register_counters_since(totals, base_->registers) : totals;
    }
    pim::AnycastRpCounters display(const pim::AnycastRpCounters& totals) const {
        return base_ ? anycast_counters_since(totals, base_->registers.rp.anycast) : totals;
    }
    bool cleared() const { return base_.has_value(); }

  private:
    struct Totals {
        PimStatisticsView statistics;
        pim::RegisterCountersStatus registers;
    };
    std::optional<Totals> base_;
};

// Registers `show ip pim statistics` (displayed from the baseline) and the clear commands.
void register_pimd_clear_commands(sys::StatusServer& server, std::function<const PimDaemon*()> daemon,
                                  std::shared_ptr<StatisticsBaseline> baseline);

// The running totals `show metrics` reads instead of what show displays (sys::MetricsDataSource): show ip pim
// statistics, show ip pim register, show ip pim anycast-rp and show ip msdp statistics.
sys::MetricsDataSource statistics_totals(std::function<const PimDaemon*()> daemon);

}  // namespace fanout::pimd
