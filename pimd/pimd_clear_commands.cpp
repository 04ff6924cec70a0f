// pimd's clear commands and the statistics display baseline (see pimd_clear_commands.hpp).
#include "pimd/pimd_clear_commands.hpp"

#include <map>
#include <string>

#include "common/sys/counters_since.hpp"
#include "pimd/register_commands.hpp"

namespace fanout::pimd {

using nlohmann::json;
using sys::ShowOutput;
using sys::since;
using sys::since_fields;

namespace {

using DaemonFn = std::function<const PimDaemon*()>;
using Reply = Result<ShowOutput, std::string>;
const std::vector<std::string> kStatistics{"show", "ip", "pim", "statistics"};
const std::vector<std::string> kRegister{"show", "ip", "pim", "register"};
const std::vector<std::string> kAnycast{"show", "ip", "pim", "anycast-rp"};
const std::vector<std::string> kMsdpStatistics{"show", "ip", "msdp", "statistics"};

// `clear` commands change state: the accessor hands out the const view every show command uses, and the
// object it points to is the (non-const) daemon main owns.
PimDaemon* mutable_daemon(const DaemonFn& daemon) {
    return const_cast<PimDaemon*>(daemon());
}

Reply not_running() {
    return make_err(std::string("pimd is not running (starting or stopping)"));
}

}  // namespace

PimStatisticsView statistics_since(const PimStatisticsView& now, const PimStatisticsView& base) {
    PimStatisticsView v = now;
    since(v.core.rx, base.core.rx);
    since(v.core.tx, base.core.tx);
    since(v.core.drops, base.core.drops);
    since(v.core.decode_errors, base.core.decode_errors);
    using Core = pim::StatisticsStatus;
    since_fields(v.core, base.core, &Core::vif_table_full, &Core::hello_options_ignored, &Core::mroute_clears,
                 &Core::mroutes_cleared);
    using Sock = sys::RawSocketCounters;
    since_fields(v.socket, base.socket, &Sock::received, &Sock::truncated, &Sock::malformed, &Sock::filtered,
                 &Sock::receive_errors, &Sock::kernel_drops, &Sock::sent, &Sock::send_errors);
    since_fields(v.rx, base.rx, &RxCounters::packets, &RxCounters::ip_decode_errors, &RxCounters::fragments,
                 &RxCounters::not_pim);
    using Act = SysActionsCounters;
    since_fields(v.actions, base.actions, &Act::pim_sent, &Act::pim_send_errors, &Act::vif_adds,
                 &Act::vif_dels, &Act::vif_errors, &Act::mfc_sets, &Act::mfc_dels, &Act::mfc_errors);
    using Up = sys::UpcallCounters;
    since_fields(v.upcalls, base.upcalls, &Up::nocache, &Up::wrongvif, &Up::wholepkt, &Up::wrvifwhole,
                 &Up::malformed, &Up::overruns, &Up::receive_errors);
    using Backlog = pim::UpcallBacklogStats;
    since_fields(v.upcall_backlog, base.upcall_backlog, &Backlog::newest_first, &Backlog::oldest_first,
                 &Backlog::refused);
    using Static = StaticMrouteCounters;
    since_fields(v.static_mroutes, base.static_mroutes, &Static::installs, &Static::updates,
                 &Static::removals, &Static::failures);
    v.reloads = since(v.reloads, base.reloads);
    using Sm = pim::SparseModeCounters;
    since_fields(v.sparse, base.sparse, &Sm::jp_rx, &Sm::jp_rx_for_us, &Sm::jp_rx_seen, &Sm::jp_rx_ignored,
                 &Sm::transitions, &Sm::unexpected_events, &Sm::upcalls_nocache, &Sm::upcalls_wrongvif,
                 &Sm::negative_entries, &Sm::spt_switches, &Sm::sg_limit_drops, &Sm::rpt_discoveries,
                 &Sm::rpt_copies);
    using Rib = sys::RibLookupCounters;
    since_fields(v.rib, base.rib, &Rib::lookups, &Rib::lookup_failures, &Rib::route_notifications,
                 &Rib::ignored_notifications, &Rib::notify_batches, &Rib::overruns);
    using Rpf = pim::RpfTrackerCounters;
    since_fields(v.rpf, base.rpf, &Rpf::lookups, &Rpf::route_changes, &Rpf::interfaces_lost,
                 &Rpf::re_resolutions, &Rpf::answers_changed, &Rpf::idle_reused);
    return v;
}

pim::AnycastRpCounters anycast_counters_since(const pim::AnycastRpCounters& now,
                                              const pim::AnycastRpCounters& base) {
    pim::AnycastRpCounters v = now;
    using Any = pim::AnycastRpCounters;
    since_fields(v, base, &Any::from_dr, &Any::from_member, &Any::forwarded, &Any::unreachable,
                 &Any::not_a_member);
    return v;
}

pim::RegisterCountersStatus register_counters_since(const pim::RegisterCountersStatus& now,
                                                    const pim::RegisterCountersStatus& base) {
    pim::RegisterCountersStatus v = now;
    using Dr = pim::RegisterDrCounters;
    since_fields(v.dr, base.dr, &Dr::registers_sent, &Dr::null_registers_sent, &Dr::register_stops_rx,
                 &Dr::register_stops_wildcard, &Dr::register_stops_unknown, &Dr::register_source_not_local,
                 &Dr::upcalls_unknown);
    since(v.dr.drops, base.dr.drops);
    using Fsm = pim::RegisterDrFsmCounters;
    since_fields(v.fsm, base.fsm, &Fsm::transitions, &Fsm::ignored, &Fsm::unexpected);
    using Rp = pim::RegisterRpCounters;
    since_fields(v.rp, base.rp, &Rp::registers_rx, &Rp::null_registers_rx, &Rp::forwarded);
    since(v.rp.drops, base.rp.drops);
    since(v.rp.register_stops_sent, base.rp.register_stops_sent);
    v.rp.anycast = anycast_counters_since(now.rp.anycast, base.rp.anycast);
    return v;
}

void register_pimd_clear_commands(sys::StatusServer& s, DaemonFn daemon,
                                  std::shared_ptr<StatisticsBaseline> baseline) {
    s.add({kStatistics,
           "PIM message, drop, socket and kernel counters (since `clear ip pim statistics`, if one ran)",
           {}},
          [daemon, baseline](const std::vector<std::string>&) -> Reply {
              const PimDaemon* d = daemon();
              if (!d) return not_running();
              return ShowOutput::of(baseline->display(pim_statistics_view(*d)));
          });
    s.add({{"clear", "ip", "mroute"},
           "delete the kernel multicast routes PIM installed (every group, or GROUP) with their counters; "
           "what PIM state still wants is installed again at once, routes learned only from data come back "
           "with their next packet; static mroutes stay",
           {{"GROUP", sys::kArgGroup, true, "only this group"}}},
          [daemon](const std::vector<std::string>& args) -> Reply {
              PimDaemon* d = mutable_daemon(daemon);
              if (!d) return not_running();
              std::optional<Ipv4Address> group;
              if (!args.empty()) group = Ipv4Address::parse(args[0]);
              size_t n = d->clear_mroutes(group);
              std::string what = group ? " for " + group->to_string() : std::string();
              return ShowOutput{
                  json{{"cleared_mroutes", n}, {"group", group ? json(args[0]) : json(nullptr)}},
                  "Cleared " + std::to_string(n) + " kernel multicast route(s)" + what + "\n"};
          });
    s.add({{"clear", "ip", "pim", "statistics"},
           "show ip pim statistics counts from now on (messages, drops, decode errors, socket, kernel, "
           "upcalls), and so do the counters of show ip pim register and anycast-rp; show metrics keeps the "
           "running totals (Prometheus counters never go down)",
           {}},
          [daemon, baseline](const std::vector<std::string>&) -> Reply {
              const PimDaemon* d = daemon();
              if (!d) return not_running();
              baseline->clear(pim_statistics_view(*d), register_totals(*d).counters);
              return ShowOutput{json{{"cleared", "statistics"}}, "PIM statistics cleared\n"};
          });
}

sys::MetricsDataSource statistics_totals(DaemonFn daemon) {
    return [daemon = std::move(daemon)](const std::vector<std::string>& command) -> std::optional<json> {
        const PimDaemon* d = daemon();
        if (!d) return std::nullopt;
        if (command == kStatistics) return to_json(pim_statistics_view(*d));
        if (command == kRegister) {
            json j;
            pim::to_json(j, register_totals(*d));
            return j;
        }
        if (command == kAnycast) return anycast_rp_output(anycast_rp_view(*d)).json;
        if (command == kMsdpStatistics && d->msdp()) return msdp_statistics_output(*d->msdp()).json;
        return std::nullopt;
    };
}

}  // namespace fanout::pimd
