// igmpd status snapshots, their JSON/text renderings and the command registration (see igmpd_status.hpp).
#include "igmpd/igmpd_status.hpp"

#include "igmpd/igmpd_metrics.hpp"

#include <memory>
#include <set>

#include "common/core/log.hpp"
#include "igmpd/core/igmp_status_json.hpp"
#include "igmpd/igmpd_statistics_baseline.hpp"

namespace fanout::igmpd {

using nlohmann::json;
using sys::format_hms;
using sys::render_table;

namespace {
std::string yes_no(bool b) {
    return b ? "yes" : "no";
}
std::string join(const std::vector<std::string>& v, const char* sep = ",") {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i)
        s += (i ? sep : "") + v[i];
    return s;
}
std::string addrs(const igmp::SourceSet& v) {
    std::vector<std::string> s;
    for (auto a : v)
        s.push_back(a.to_string());
    return s.empty() ? "-" : join(s);
}
std::string timer(int64_t ms) {
    return ms > 0 ? format_hms(ms) : "--:--:--";
}
std::string seconds(int64_t ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
    return buf;
}
}  // namespace

// ---- links ----

LinksView links_view(const IgmpDaemon& d) {
    LinksView v;
    const auto& vifs = d.core().proxy_vifs().by_ifindex();
    for (const auto& i : d.interfaces().all()) {
        LinkStatus l;
        l.name = i.name;
        l.ifindex = i.ifindex;
        l.up = i.admin_up && i.oper_up;
        l.multicast = i.multicast;
        for (const auto& a : i.addrs)
            l.addresses.push_back(a.addr.to_string() + "/" + std::to_string(a.prefix_len));
        if (const auto* c = d.config().igmp.find_interface(i.name)) {
            l.configured = true;
            l.enabled = c->enabled;
            l.proxy_role = igmp::to_string(c->proxy_role);
        }
        l.socket_open = d.socket().has_interface(i.ifindex);
        if (auto it = vifs.find(i.ifindex); it != vifs.end()) l.vif = it->second;
        v.links.push_back(std::move(l));
    }
    return v;
}

json to_json(const LinksView& v) {
    json a = json::array();
    for (const auto& l : v.links)
        a.push_back({{"name", l.name},
                     {"ifindex", l.ifindex},
                     {"up", l.up},
                     {"multicast", l.multicast},
                     {"addresses", l.addresses},
                     {"igmp_configured", l.configured},
                     {"igmp_enabled", l.enabled},
                     {"socket_open", l.socket_open},
                     {"proxy_role", l.proxy_role},
                     {"vif", l.vif ? json(*l.vif) : json(nullptr)}});
    return {{"interfaces", a}};
}

std::string to_text(const LinksView& v) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& l : v.links)
        rows.push_back({l.name, std::to_string(l.ifindex), l.up ? "up" : "down", yes_no(l.multicast),
                        l.configured ? (l.enabled ? "yes" : "disabled") : "-", yes_no(l.socket_open),
                        l.configured ? l.proxy_role : "-", l.vif ? std::to_string(*l.vif) : "-",
                        l.addresses.empty() ? "-" : join(l.addresses)});
    return render_table(
        {"Interface", "Ifindex", "State", "Mcast", "IGMP", "Socket", "Proxy", "VIF", "Addresses"}, rows);
}

// ---- ipc ----

IpcView ipc_view(const IgmpDaemon& d) {
    IpcView v;
    v.enabled = d.config().ipc.enabled;
    v.socket = d.config().ipc.socket;
    v.counters = d.ipc_counters();
    v.exported = d.exported().size();
    if (const sys::IpcClient* c = d.ipc()) {
        v.connected = c->connected();
        v.peer_seen = c->peer_seen();
        v.reconnects = c->counters().connects > 0 ? c->counters().connects - 1 : 0;
        v.link = c->to_json();
    }
    return v;
}

json to_json(const IpcView& v) {
    return {{"enabled", v.enabled},
            {"socket", v.socket},
            {"connected", v.connected},
            {"peer_seen", v.peer_seen},
            {"reconnects", v.reconnects},
            {"exported_records", v.exported},
            {"snapshots", v.counters.snapshots},
            {"snapshot_records", v.counters.snapshot_records},
            {"updates", v.counters.updates},
            {"removes", v.counters.removes},
            {"records_sent", v.counters.snapshot_records + v.counters.updates + v.counters.removes},
            {"link", v.link}};
}

std::string to_text(const IpcView& v) {
    if (!v.enabled) return "IPC to pimd: disabled (proxy-only or ipc.enabled: false)\n";
    std::string s = "IPC to pimd: " + v.socket + "\n";
    s += "  State: " +
         std::string(v.connected ? (v.peer_seen ? "connected" : "connecting (no Hello yet)")
                                 : "not connected (retrying)") +
         "\n";
    s += "  Reconnects: " + std::to_string(v.reconnects) + "\n";
    s += "  Records exported: " + std::to_string(v.exported) + "\n";
    s += "  Snapshots: " + std::to_string(v.counters.snapshots) + " (" +
         std::to_string(v.counters.snapshot_records) + " records)\n";
    s += "  Deltas: " + std::to_string(v.counters.updates) + " updates, " +
         std::to_string(v.counters.removes) + " removes\n";
    return s;
}

// ---- igmp interfaces, groups, sources ----

json to_json(const IgmpInterfacesView& v) {
    return {{"interfaces", v.interfaces}};
}

std::string to_text(const IgmpInterfacesView& v) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& i : v.interfaces) {
        std::string ver = std::to_string(i.version);
        if (i.effective_version != i.version) ver += " (v" + std::to_string(i.effective_version) + ")";
        rows.push_back({i.name, i.state, i.address.to_string(), ver, i.querier_state, i.querier.to_string(),
                        timer(i.general_query_ms), timer(i.other_querier_present_ms),
                        std::to_string(i.robustness), seconds(i.query_interval_ms),
                        seconds(i.last_member_query_time_ms), std::to_string(i.groups),
                        std::to_string(i.drops)});
    }
    return render_table({"Interface", "State", "Address", "V", "Querier", "Querier Addr", "Query Timer",
                         "Other Querier", "RV", "QI", "LMQT", "Groups", "Drops"},
                        rows);
}

json to_json(const IgmpGroupsView& v) {
    return {{"groups", v.groups}};
}

std::string to_text(const IgmpGroupsView& v) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& g : v.groups) {
        std::vector<std::string> srcs;
        for (const auto& s : g.sources)
            srcs.push_back(s.source.to_string());
        rows.push_back({g.interface, g.group.to_string(), g.mode == "EXCLUDE" ? "EXCL" : "INCL",
                        timer(g.group_timer_ms), srcs.empty() ? "-" : join(srcs),
                        "v" + std::to_string(g.compat_version), format_hms(g.uptime_ms),
                        g.last_reporter.to_string(), g.is_static ? "static" : ""});
    }
    if (rows.empty()) return "No IGMP groups\n";
    return render_table({"Interface", "Group", "Mode", "Timer", "Sources", "Ver", "Uptime", "Reporter", ""},
                        rows);
}

json to_json(const IgmpSourcesView& v) {
    return {{"sources", v.sources}};
}

std::string to_text(const IgmpSourcesView& v) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : v.sources)
        rows.push_back({s.interface, s.group.to_string(), s.source.to_string(), timer(s.timer_ms),
                        yes_no(s.forwarding), std::to_string(s.query_retransmissions)});
    if (rows.empty()) return "No IGMP sources\n";
    return render_table({"Interface", "Group", "Source", "Timer", "Fwd", "Queries Left"}, rows);
}

// ---- statistics ----

IgmpStatisticsView statistics_view(const IgmpDaemon& d) {
    return {igmp::statistics_status(d.core()), d.rx_counters(), d.socket().counters()};
}

json to_json(const IgmpStatisticsView& v) {
    json j = v.core;
    json kinds = json::object();
    for (size_t k = 0; k < v.rx.by_kind.by_kind.size(); ++k)
        if (v.rx.by_kind.by_kind[k])
            kinds[std::string(packet::to_string(static_cast<packet::DecodeErrorKind>(k)))] =
                v.rx.by_kind.by_kind[k];
    j["wiring"] = {
        {"packets", v.rx.packets}, {"decode_errors", v.rx.decode_errors}, {"decode_errors_by_kind", kinds}};
    j["socket"] = {{"received", v.socket.received},
                   {"truncated", v.socket.truncated},
                   {"malformed", v.socket.malformed},
                   {"filtered", v.socket.filtered},
                   {"receive_errors", v.socket.receive_errors},
                   {"kernel_drops", v.socket.kernel_drops},
                   {"sent", v.socket.sent},
                   {"send_errors", v.socket.send_errors}};
    return j;
}

std::string to_text(const IgmpStatisticsView& v) {
    std::vector<std::vector<std::string>> rows;
    std::set<std::string> kinds;
    for (const auto& [k, n] : v.core.rx)
        kinds.insert(k);
    for (const auto& [k, n] : v.core.tx)
        kinds.insert(k);
    for (const auto& k : kinds) {
        auto rx = v.core.rx.count(k) ? v.core.rx.at(k) : 0;
        auto tx = v.core.tx.count(k) ? v.core.tx.at(k) : 0;
        rows.push_back({k, std::to_string(rx), std::to_string(tx)});
    }
    std::string s = render_table({"Message", "Received", "Sent"}, rows);
    std::vector<std::vector<std::string>> recs;
    for (const auto& [k, n] : v.core.rx_records)
        recs.push_back({k, std::to_string(n)});
    s += "\n" + render_table({"Record", "Received"}, recs);
    std::vector<std::vector<std::string>> drops;
    for (const auto& [k, n] : v.core.drops)
        if (n) drops.push_back({k, std::to_string(n)});
    for (const auto& [k, n] : v.core.decode_errors)
        if (n) drops.push_back({"decode: " + k, std::to_string(n)});
    s += "\n" + (drops.empty() ? std::string("No drops\n") : render_table({"Drop reason", "Count"}, drops));
    s += "\nSocket: " + std::to_string(v.socket.received) + " received, " +
         std::to_string(v.socket.filtered) + " filtered (own), " +
         std::to_string(v.socket.malformed + v.socket.truncated) + " malformed, " +
         std::to_string(v.socket.sent) + " sent, " + std::to_string(v.socket.send_errors) + " send errors\n";
    return s;
}

// ---- proxy ----

IgmpProxyView proxy_view(const IgmpDaemon& d) {
    IgmpProxyView v;
    v.core = igmp::proxy_status(d.core());
    v.mrt_open = d.mrt_open();
    v.table = d.config().kernel_table();
    v.mrt = d.mrt_counters();
    for (const auto& m : v.core.mfc) {
        v.names[m.iif] = d.ifname_of(m.iif);
        for (int o : m.oifs)
            v.names[o] = d.ifname_of(o);
    }
    return v;
}

json to_json(const IgmpProxyView& v) {
    json j = v.core;
    json mfc = json::array();
    for (const auto& m : v.core.mfc) {
        std::vector<std::string> oifs;
        for (int o : m.oifs)
            oifs.push_back(v.names.at(o));
        mfc.push_back({{"source", m.sg.source.to_string()},
                       {"group", m.sg.group.to_string()},
                       {"iif", v.names.at(m.iif)},
                       {"oifs", oifs}});
    }
    j["mfc_named"] = mfc;
    j["kernel"] = {{"open", v.mrt_open},
                   {"table", v.table},
                   {"vif_adds", v.mrt.vif_adds},
                   {"vif_dels", v.mrt.vif_dels},
                   {"mfc_sets", v.mrt.mfc_sets},
                   {"mfc_dels", v.mrt.mfc_dels},
                   {"errors", v.mrt.errors},
                   {"idle_removed", v.mrt.idle_removed},
                   {"last_error", v.mrt.last_error}};
    return j;
}

std::string to_text(const IgmpProxyView& v) {
    if (!v.core.enabled) return "IGMP proxy: not configured\n";
    std::string s = "IGMP proxy (RFC 4605), kernel table " + std::to_string(v.table) +
                    (v.mrt_open ? "" : " (not open)") +
                    "\n  Upstream: " + (v.core.upstream.empty() ? "none active" : v.core.upstream) +
                    " (IGMPv" + std::to_string(v.core.upstream_version) +
                    ")\n  Downstreams: " + join(v.core.downstreams, ", ") + "\n";
    if (!v.mrt.last_error.empty()) s += "  Last kernel error: " + v.mrt.last_error + "\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : v.core.membership)
        rows.push_back({m.group.to_string(), m.mode == "EXCLUDE" ? "EXCL" : "INCL", addrs(m.sources)});
    s += "\n" + (rows.empty() ? std::string("No merged membership\n")
                              : render_table({"Group", "Mode", "Sources"}, rows));
    std::vector<std::vector<std::string>> mfc;
    for (const auto& m : v.core.mfc) {
        std::vector<std::string> oifs;
        for (int o : m.oifs)
            oifs.push_back(v.names.at(o));
        mfc.push_back({m.sg.source.to_string(), m.sg.group.to_string(), v.names.at(m.iif),
                       oifs.empty() ? "(none)" : join(oifs)});
    }
    s += "\n" + (mfc.empty() ? std::string("No forwarding entries\n")
                             : render_table({"Source", "Group", "Iif", "Oifs"}, mfc));
    return s;
}

// ---- running config ----

json to_json(const RunningConfigView& v) {
    return {{"config_file", v.file}, {"yaml", v.yaml}};
}

std::string to_text(const RunningConfigView& v) {
    return v.yaml;
}

// ---- commands ----

namespace {

using sys::ArgSpec;
using sys::ShowOutput;
using DaemonFn = std::function<const IgmpDaemon*()>;
using Reply = Result<ShowOutput, std::string>;

template <typename F>
sys::CommandHandler with_daemon(DaemonFn daemon, F build) {
    return [daemon = std::move(daemon),
            build = std::move(build)](const std::vector<std::string>& args) -> Reply {
        const IgmpDaemon* d = daemon();
        if (!d) return make_err(std::string("igmpd is not running (starting or stopping)"));
        std::string name = args.empty() ? std::string() : args[0];
        if (!name.empty() && !d->interfaces().find(name) && !d->config().igmp.find_interface(name))
            return make_err("unknown interface " + name);
        return build(*d, name);
    };
}

using Baseline = std::shared_ptr<IgmpStatisticsBaseline>;

void register_show(sys::StatusServer& s, const DaemonFn& daemon, const Baseline& baseline) {
    ArgSpec ifname{"IFNAME", sys::kArgInterface, true, "only this interface"};
    s.add({{"show", "interface"},
           "interfaces known from netlink: state, addresses, IGMP socket, proxy role, VIF",
           {}},
          with_daemon(daemon, [](const IgmpDaemon& d, const std::string&) -> Reply {
              return ShowOutput::of(links_view(d));
          }));
    s.add({{"show", "ipc"}, "the link to pimd: connected, records sent, reconnects", {}},
          with_daemon(daemon, [](const IgmpDaemon& d, const std::string&) -> Reply {
              return ShowOutput::of(ipc_view(d));
          }));
    s.add(
        {{"show", "ip", "igmp", "interface"},
         "IGMP interfaces: version, querier, timers, counters (since `clear ip igmp statistics`, if one ran)",
         {ifname}},
        with_daemon(daemon, [baseline](const IgmpDaemon& d, const std::string& n) -> Reply {
            return ShowOutput::of(baseline->display(IgmpInterfacesView{igmp::interface_status(d.core(), n)}));
        }));
    s.add({{"show", "ip", "igmp", "groups"}, "IGMP groups: mode, timer, sources, version, uptime", {ifname}},
          with_daemon(daemon, [](const IgmpDaemon& d, const std::string& n) -> Reply {
              return ShowOutput::of(IgmpGroupsView{igmp::group_status(d.core(), n)});
          }));
    s.add({{"show", "ip", "igmp", "sources"}, "IGMPv3 source records and their timers", {ifname}},
          with_daemon(daemon, [](const IgmpDaemon& d, const std::string& n) -> Reply {
              return ShowOutput::of(IgmpSourcesView{igmp::source_status(d.core(), n)});
          }));
    s.add({{"show", "ip", "igmp", "statistics"},
           "IGMP messages by type, records, drops by reason, errors (since `clear ip igmp statistics`, if "
           "one ran)",
           {}},
          with_daemon(daemon, [baseline](const IgmpDaemon& d, const std::string&) -> Reply {
              return ShowOutput::of(baseline->display(statistics_view(d)));
          }));
    s.add(
        {{"show", "ip", "igmp", "proxy"}, "IGMP proxy: upstream, merged membership, forwarding entries", {}},
        with_daemon(daemon, [](const IgmpDaemon& d, const std::string&) -> Reply {
            return ShowOutput::of(proxy_view(d));
        }));
    s.add({{"show", "running-config"}, "the effective configuration, defaults included (YAML)", {}},
          with_daemon(daemon, [](const IgmpDaemon& d, const std::string&) -> Reply {
              return ShowOutput::of(RunningConfigView{d.config().file, render_running_config(d.config())});
          }));
}

// `clear` commands change state, so they need the running daemon itself: the accessor hands out the const
// view every show command uses, and the object it points to is the (non-const) daemon main owns.
IgmpDaemon* mutable_daemon(const DaemonFn& daemon) {
    return const_cast<IgmpDaemon*>(daemon());
}

void register_clear(sys::StatusServer& s, const DaemonFn& daemon, const Baseline& baseline) {
    s.add({{"clear", "ip", "igmp", "group"},
           "drop the learned (dynamic) state of every group, or of GROUP, on every interface (static groups "
           "stay); where this router is querier a General Query goes out at once so receivers still present "
           "report again within the query response interval",
           {{"GROUP", sys::kArgGroup, true, "only this group"}}},
          [daemon](const std::vector<std::string>& args) -> Reply {
              IgmpDaemon* d = mutable_daemon(daemon);
              if (!d) return make_err(std::string("igmpd is not running (starting or stopping)"));
              std::optional<Ipv4Address> group;
              if (!args.empty()) group = Ipv4Address::parse(args[0]);
              size_t n = d->clear_groups(group);
              std::string what = group ? " for " + group->to_string() : std::string();
              return ShowOutput{json{{"cleared_groups", n}, {"group", group ? json(args[0]) : json(nullptr)}},
                                "Cleared " + std::to_string(n) + " group state(s)" + what + "\n"};
          });
    s.add({{"clear", "ip", "igmp", "statistics"},
           "show ip igmp statistics and the interface counters of show ip igmp interface count from now on "
           "(messages, records, drops, decode errors); show metrics keeps the running totals (Prometheus "
           "counters never go down); socket totals and table state stay",
           {}},
          [daemon, baseline](const std::vector<std::string>&) -> Reply {
              const IgmpDaemon* d = daemon();
              if (!d) return make_err(std::string("igmpd is not running (starting or stopping)"));
              baseline->clear(statistics_view(*d), IgmpInterfacesView{igmp::interface_status(d->core())});
              return ShowOutput{json{{"cleared", "statistics"}}, "IGMP statistics cleared\n"};
          });
}

}  // namespace

void register_igmpd_commands(sys::StatusServer& server, std::function<const IgmpDaemon*()> daemon,
                             std::function<Result<Unit, sys::ConfigError>()> reload) {
    auto baseline = std::make_shared<IgmpStatisticsBaseline>();
    register_show(server, daemon, baseline);
    register_clear(server, daemon, baseline);
    sys::register_control_commands(server, std::move(reload));
    sys::register_metrics_command(server, igmpd_metric_rules(), "igmpd", statistics_totals(daemon));
    server.add_completion(sys::kArgInterface, [daemon] {
        std::set<std::string> names;
        if (const IgmpDaemon* d = daemon()) {
            for (const auto& i : d->interfaces().all())
                names.insert(i.name);
            for (const auto& [n, c] : d->config().igmp.interfaces)
                names.insert(n);
        }
        return std::vector<std::string>(names.begin(), names.end());
    });
    server.add_completion(sys::kArgGroup, [daemon] {
        std::set<std::string> groups;
        if (const IgmpDaemon* d = daemon())
            for (const auto& g : igmp::group_status(d->core()))
                groups.insert(g.group.to_string());
        return std::vector<std::string>(groups.begin(), groups.end());
    });
}

}  // namespace fanout::igmpd
