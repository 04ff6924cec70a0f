// pimd's clear commands and the statistics display baseline (see pimd_clear_commands.hpp).
#include "pimd/pimd_clear_commands.hpp"

#include <map>
#include <string>
#include <utility>

namespace fanout::pimd {

using nlohmann::json;
using sys::ShowOutput;

namespace {

using DaemonFn = std::function<const PimDaemon*()>;
using Reply = Result<ShowOutput, std::string>;
const std::vector<std::string> kStatistics{"show", "ip", "pim", "statistics"};

uint64_t since(uint64_t now, uint64_t base) {
    return now >= base ? now - base : 0;
}

void since(std::map<std::string, uint64_t>& now, const std::map<std::string, uint64_t>& base) {
    for (auto& [k, v] : now)
        if (auto it = base.find(k); it != base.end()) v = since(v, it->second);
}

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
    v.core.vif_table_full = since(now.core.vif_table_full, base.core.vif_table_full);
    v.core.hello_options_ignored = since(now.core.hello_options_ignored, base.core.hello_options_ignored);
    v.core.mroute_clears = since(now.core.mroute_clears, base.core.mroute_clears);
    v.core.mroutes_cleared = since(now.core.mroutes_cleared, base.core.mroutes_cleared);
    auto& s = v.socket;
    const auto& bs = base.socket;
    s.received = since(s.received, bs.received);
    s.truncated = since(s.truncated, bs.truncated);
    s.malformed = since(s.malformed, bs.malformed);
    s.filtered = since(s.filtered, bs.filtered);
    s.receive_errors = since(s.receive_errors, bs.receive_errors);
    s.kernel_drops = since(s.kernel_drops, bs.kernel_drops);
    s.sent = since(s.sent, bs.sent);
    s.send_errors = since(s.send_errors, bs.send_errors);
    v.rx.packets = since(v.rx.packets, base.rx.packets);
    v.rx.ip_decode_errors = since(v.rx.ip_decode_errors, base.rx.ip_decode_errors);
    v.rx.fragments = since(v.rx.fragments, base.rx.fragments);
    v.rx.not_pim = since(v.rx.not_pim, base.rx.not_pim);
    auto& a = v.actions;
    const auto& ba = base.actions;
    a.pim_sent = since(a.pim_sent, ba.pim_sent);
    a.pim_send_errors = since(a.pim_send_errors, ba.pim_send_errors);
    a.vif_adds = since(a.vif_adds, ba.vif_adds);
    a.vif_dels = since(a.vif_dels, ba.vif_dels);
    a.vif_errors = since(a.vif_errors, ba.vif_errors);
    a.mfc_sets = since(a.mfc_sets, ba.mfc_sets);
    a.mfc_dels = since(a.mfc_dels, ba.mfc_dels);
    a.mfc_errors = since(a.mfc_errors, ba.mfc_errors);
    auto& u = v.upcalls;
    const auto& bu = base.upcalls;
    u.nocache = since(u.nocache, bu.nocache);
    u.wrongvif = since(u.wrongvif, bu.wrongvif);
    u.wholepkt = since(u.wholepkt, bu.wholepkt);
    u.wrvifwhole = since(u.wrvifwhole, bu.wrvifwhole);
    u.malformed = since(u.malformed, bu.malformed);
    u.overruns = since(u.overruns, bu.overruns);
    u.receive_errors = since(u.receive_errors, bu.receive_errors);
    auto& m = v.static_mroutes;
    m.installs = since(m.installs, base.static_mroutes.installs);
    m.updates = since(m.updates, base.static_mroutes.updates);
    m.removals = since(m.removals, base.static_mroutes.removals);
    m.failures = since(m.failures, base.static_mroutes.failures);
    v.reloads = since(v.reloads, base.reloads);
    auto& sm = v.sparse;
    const auto& bsm = base.sparse;
    const std::pair<uint64_t*, uint64_t> sparse[] = {{&sm.jp_rx, bsm.jp_rx},
                                                     {&sm.jp_rx_for_us, bsm.jp_rx_for_us},
                                                     {&sm.jp_rx_seen, bsm.jp_rx_seen},
                                                     {&sm.jp_rx_ignored, bsm.jp_rx_ignored},
                                                     {&sm.transitions, bsm.transitions},
                                                     {&sm.unexpected_events, bsm.unexpected_events},
                                                     {&sm.upcalls_nocache, bsm.upcalls_nocache},
                                                     {&sm.upcalls_wrongvif, bsm.upcalls_wrongvif},
                                                     {&sm.negative_entries, bsm.negative_entries},
                                                     {&sm.spt_switches, bsm.spt_switches},
                                                     {&sm.sg_limit_drops, bsm.sg_limit_drops}};
    for (auto [n, b] : sparse)
        *n = since(*n, b);
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
           "upcalls); show metrics keeps the running totals (Prometheus counters never go down)",
           {}},
          [daemon, baseline](const std::vector<std::string>&) -> Reply {
              const PimDaemon* d = daemon();
              if (!d) return not_running();
              baseline->clear(pim_statistics_view(*d));
              return ShowOutput{json{{"cleared", "statistics"}}, "PIM statistics cleared\n"};
          });
}

sys::MetricsDataSource statistics_totals(DaemonFn daemon) {
    return [daemon = std::move(daemon)](const std::vector<std::string>& command) -> std::optional<json> {
        const PimDaemon* d = daemon();
        if (command != kStatistics || !d) return std::nullopt;
        return to_json(pim_statistics_view(*d));
    };
}

}  // namespace fanout::pimd
