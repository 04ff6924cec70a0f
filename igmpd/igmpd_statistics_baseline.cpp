// igmpd's statistics display baseline (see igmpd_statistics_baseline.hpp).
#include "igmpd/igmpd_statistics_baseline.hpp"

#include <array>

#include "common/sys/counters_since.hpp"

namespace fanout::igmpd {

using sys::since;
using sys::since_fields;

IgmpStatisticsView statistics_since(const IgmpStatisticsView& now, const IgmpStatisticsView& base) {
    IgmpStatisticsView v = now;
    for (auto [n, b] :
         {std::pair{&v.core.rx, &base.core.rx}, std::pair{&v.core.tx, &base.core.tx},
          std::pair{&v.core.rx_records, &base.core.rx_records}, std::pair{&v.core.drops, &base.core.drops},
          std::pair{&v.core.decode_errors, &base.core.decode_errors}})
        since(*n, *b);
    since_fields(v.rx, base.rx, &RxCounters::packets, &RxCounters::decode_errors);
    for (size_t k = 0; k < v.rx.by_kind.by_kind.size(); ++k)
        v.rx.by_kind.by_kind[k] = since(v.rx.by_kind.by_kind[k], base.rx.by_kind.by_kind[k]);
    return v;
}

namespace {

const std::vector<std::string> kStatistics{"show", "ip", "igmp", "statistics"};
const std::vector<std::string> kInterfaces{"show", "ip", "igmp", "interface"};

// An interface's counters (the rest of InterfaceStatus is state and table sizes).
using IfStatus = igmp::InterfaceStatus;
constexpr std::array kInterfaceCounters{&IfStatus::groups_created, &IfStatus::groups_deleted,
                                        &IfStatus::querier_changes, &IfStatus::drops};
constexpr std::array kInterfaceKeyedCounters{&IfStatus::rx, &IfStatus::tx};

// An interface removed and configured again since the clear counts from 0 again: some counter is below the
// baseline (running totals never go down otherwise).
bool counters_restarted(const IfStatus& now, const IfStatus& base) {
    for (auto f : kInterfaceCounters)
        if (now.*f < base.*f) return true;
    for (auto m : kInterfaceKeyedCounters)
        for (const auto& [k, v] : base.*m)
            if (auto it = (now.*m).find(k); it == (now.*m).end() || it->second < v) return true;
    return false;
}

}  // namespace

igmp::InterfaceStatus interface_counters_since(const igmp::InterfaceStatus& now,
                                               const igmp::InterfaceStatus& base) {
    igmp::InterfaceStatus v = now;
    for (auto f : kInterfaceCounters)
        v.*f = since(now.*f, base.*f);
    for (auto m : kInterfaceKeyedCounters)
        since(v.*m, base.*m);
    return v;
}

void IgmpStatisticsBaseline::clear(const IgmpStatisticsView& totals, const IgmpInterfacesView& interfaces) {
    statistics_ = totals;
    interfaces_.clear();
    for (const auto& i : interfaces.interfaces)
        interfaces_[i.name] = i;
}

IgmpStatisticsView IgmpStatisticsBaseline::display(const IgmpStatisticsView& totals) const {
    return statistics_ ? statistics_since(totals, *statistics_) : totals;
}

IgmpInterfacesView IgmpStatisticsBaseline::display(IgmpInterfacesView totals) const {
    for (auto& i : totals.interfaces)
        if (auto it = interfaces_.find(i.name); it != interfaces_.end() && !counters_restarted(i, it->second))
            i = interface_counters_since(i, it->second);
    return totals;
}

sys::MetricsDataSource statistics_totals(std::function<const IgmpDaemon*()> daemon) {
    return [daemon =
                std::move(daemon)](const std::vector<std::string>& command) -> std::optional<nlohmann::json> {
        const IgmpDaemon* d = daemon();
        if (!d) return std::nullopt;
        if (command == kStatistics) return to_json(statistics_view(*d));
        if (command == kInterfaces) return to_json(IgmpInterfacesView{igmp::interface_status(d->core(), "")});
        return std::nullopt;
    };
}

}  // namespace fanout::igmpd
