// pimd status snapshots and their JSON/text renderings (see pimd_status.hpp).
#include "pimd/pimd_status.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "common/core/log.hpp"
#include "pimd/core/pim_status_json.hpp"
#include "pimd/pimd_sm_status.hpp"

namespace fanout::pimd {

using nlohmann::json;

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
}  // namespace

// ---- links ----

LinksView links_view(const PimDaemon& d) {
    LinksView v;
    for (const InterfaceInfo& i : d.interfaces().all()) {
        LinkStatus l;
        l.name = i.name;
        l.ifindex = i.ifindex;
        l.up = i.admin_up && i.oper_up;
        l.multicast = i.multicast;
        l.loopback = i.loopback;
        l.mtu = i.mtu;
        for (const auto& a : i.addrs)
            l.addresses.push_back(a.addr.to_string() + "/" + std::to_string(a.prefix_len));
        if (auto vif = d.vif_of(i.name)) l.vif = *vif;
        if (const auto* c = d.config().pim.find_interface(i.name)) {
            l.pim_configured = true;
            l.pim_enabled = c->enabled;
            l.igmp = c->igmp;
        }
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
                     {"loopback", l.loopback},
                     {"mtu", l.mtu},
                     {"addresses", l.addresses},
                     {"vif", l.vif ? json(*l.vif) : json(nullptr)},
                     {"configured", l.pim_configured},
                     {"pim", l.pim_enabled},
                     {"igmp", l.igmp}});
    return {{"interfaces", a}};
}

std::string to_text(const LinksView& v) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& l : v.links)
        rows.push_back({l.name, std::to_string(l.ifindex), l.up ? "up" : "down", yes_no(l.multicast),
                        std::to_string(l.mtu), l.vif ? std::to_string(*l.vif) : "-",
                        l.pim_configured ? (l.pim_enabled ? "yes" : "no") : "-",
                        l.pim_configured ? yes_no(l.igmp) : "-",
                        l.addresses.empty() ? "-" : join(l.addresses)});
    return render_table(
        {"Interface", "Ifindex", "State", "Multicast", "MTU", "VIF", "PIM", "IGMP", "Addresses"}, rows);
}

// ---- PIM interfaces / neighbors / statistics ----

PimInterfacesView pim_interfaces_view(const PimDaemon& d, const std::string& name) {
    return {pim::interface_status(d.core(), name)};
}

json to_json(const PimInterfacesView& v) {
    return {{"interfaces", json(v.interfaces)}};
}

std::string to_text(const PimInterfacesView& v) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& i : v.interfaces)
        rows.push_back({i.name, i.state + (i.down_reason.empty() ? "" : " (" + i.down_reason + ")"),
                        i.address.to_string(), std::to_string(i.neighbor_count),
                        i.i_am_dr ? "local" : (i.dr.is_unspecified() ? "-" : i.dr.to_string()),
                        std::to_string(i.dr_priority), std::to_string(i.hello_interval_ms / 1000) + "s",
                        std::to_string(i.hello_holdtime_s) + "s",
                        i.vif ? std::to_string(*i.vif) : (i.vif_error.empty() ? "-" : i.vif_error)});
    return render_table({"Interface", "State", "Address", "Nbrs", "DR", "DR Pri", "Hello", "Holdtime", "VIF"},
                        rows);
}

PimNeighborsView pim_neighbors_view(const PimDaemon& d, const std::string& name) {
    return {pim::neighbor_status(d.core(), name)};
}

json to_json(const PimNeighborsView& v) {
    return {{"neighbors", json(v.neighbors)}};
}

std::string to_text(const PimNeighborsView& v) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& n : v.neighbors)
        rows.push_back({n.interface, n.address.to_string(), format_hms(n.uptime_ms),
                        format_hms(n.expires_ms) + (n.expires_ms ? "" : " (never)"),
                        n.dr_priority ? std::to_string(*n.dr_priority) : "-", n.is_dr ? "yes" : ""});
    return render_table({"Interface", "Neighbor", "Uptime", "Holdtime", "DR Pri", "DR"}, rows);
}

PimStatisticsView pim_statistics_view(const PimDaemon& d) {
    return {pim::statistics_status(d.core()),
            d.socket().counters(),
            d.rx_counters(),
            d.actions().counters(),
            d.mrt().upcall_counters(),
            d.upcall_backlog(),
            d.static_mroutes().counters(),
            d.reloads(),
            d.core().sparse().counters(),
            d.rib_counters(),
            d.core().sparse().rpf().counters()};
}

json to_json(const PimStatisticsView& v) {
    const auto& s = v.socket;
    const auto& u = v.upcalls;
    const auto& a = v.actions;
    return {{"pim", json(v.core)},
            {"socket",
             {{"received", s.received},
              {"truncated", s.truncated},
              {"malformed", s.malformed},
              {"filtered", s.filtered},
              {"receive_errors", s.receive_errors},
              {"sent", s.sent},
              {"send_errors", s.send_errors},
              {"ip_decode_errors", v.rx.ip_decode_errors},
              {"fragments", v.rx.fragments},
              {"not_pim", v.rx.not_pim},
              {"to_core", v.rx.packets}}},
            {"kernel",
             {{"vif_adds", a.vif_adds},
              {"vif_dels", a.vif_dels},
              {"vif_errors", a.vif_errors},
              {"mfc_sets", a.mfc_sets},
              {"mfc_dels", a.mfc_dels},
              {"mfc_errors", a.mfc_errors},
              {"pim_sent", a.pim_sent},
              {"pim_send_errors", a.pim_send_errors}}},
            {"upcalls",
             {{"nocache", u.nocache},
              {"wrongvif", u.wrongvif},
              {"wholepkt", u.wholepkt},
              {"wrvifwhole", u.wrvifwhole},
              {"malformed", u.malformed},
              {"overruns", u.overruns},
              {"receive_errors", u.receive_errors}}},
            {"upcall_backlog",
             {{"waiting", v.upcall_backlog.waiting},
              {"peak", v.upcall_backlog.peak},
              {"limit", v.upcall_backlog.limit},
              {"newest_first_chunks", v.upcall_backlog.newest_first},
              {"oldest_first_chunks", v.upcall_backlog.oldest_first},
              {"refused", v.upcall_backlog.refused}}},
            {"static_mroutes",
             {{"installs", v.static_mroutes.installs},
              {"updates", v.static_mroutes.updates},
              {"removals", v.static_mroutes.removals},
              {"failures", v.static_mroutes.failures}}},
            {"reloads", v.reloads},
            {"sparse",
             {{"jp_rx", v.sparse.jp_rx},
              {"jp_rx_for_us", v.sparse.jp_rx_for_us},
              {"jp_rx_seen", v.sparse.jp_rx_seen},
              {"jp_rx_ignored", v.sparse.jp_rx_ignored},
              {"transitions", v.sparse.transitions},
              {"unexpected_events", v.sparse.unexpected_events},
              {"upcalls_nocache", v.sparse.upcalls_nocache},
              {"upcalls_wrongvif", v.sparse.upcalls_wrongvif},
              {"negative_entries", v.sparse.negative_entries},
              {"spt_switches", v.sparse.spt_switches},
              {"sg_limit_drops", v.sparse.sg_limit_drops},
              {"rpt_discoveries", v.sparse.rpt_discoveries},
              {"rpt_copies", v.sparse.rpt_copies}}},
            {"rib",
             {{"lookups", v.rib.lookups},
              {"lookup_failures", v.rib.lookup_failures},
              {"route_notifications", v.rib.route_notifications},
              {"ignored_notifications", v.rib.ignored_notifications},
              {"notify_batches", v.rib.notify_batches},
              {"monitor_overruns", v.rib.overruns}}},
            {"rpf",
             {{"lookups", v.rpf.lookups},
              {"route_changes", v.rpf.route_changes},
              {"interfaces_lost", v.rpf.interfaces_lost},
              {"re_resolutions", v.rpf.re_resolutions},
              {"answers_changed", v.rpf.answers_changed},
              {"idle_reused", v.rpf.idle_reused}}}};
}

std::string to_text(const PimStatisticsView& v) {
    std::ostringstream os;
    std::vector<std::string> types;
    for (const auto& [t, n] : v.core.rx)
        types.push_back(t);
    for (const auto& [t, n] : v.core.tx)
        if (!v.core.rx.count(t)) types.push_back(t);
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : types) {
        auto rx = v.core.rx.count(t) ? v.core.rx.at(t) : 0;
        auto tx = v.core.tx.count(t) ? v.core.tx.at(t) : 0;
        rows.push_back({t, std::to_string(rx), std::to_string(tx)});
    }
    os << render_table({"PIM message", "Received", "Sent"}, rows) << "\n";
    rows.clear();
    for (const auto& [r, n] : v.core.drops)
        if (n) rows.push_back({r, std::to_string(n)});
    for (const auto& [k, n] : v.core.decode_errors)
        if (n) rows.push_back({"decode: " + k, std::to_string(n)});
    if (v.rx.ip_decode_errors) rows.push_back({"bad IPv4 header", std::to_string(v.rx.ip_decode_errors)});
    if (v.rx.fragments) rows.push_back({"fragment", std::to_string(v.rx.fragments)});
    os << (rows.empty() ? std::string("No drops\n") : render_table({"Drop reason", "Count"}, rows)) << "\n";
    os << "Socket: received " << v.socket.received << ", sent " << v.socket.sent << ", send errors "
       << v.socket.send_errors << ", filtered " << v.socket.filtered << ", malformed " << v.socket.malformed
       << "\n";
    os << "Kernel: VIF adds " << v.actions.vif_adds << ", VIF deletes " << v.actions.vif_dels
       << ", VIF errors " << v.actions.vif_errors << ", MFC sets " << v.actions.mfc_sets << ", MFC errors "
       << v.actions.mfc_errors << "\n";
    os << "Upcalls: NOCACHE " << v.upcalls.nocache << ", WRONGVIF " << v.upcalls.wrongvif << ", WHOLEPKT "
       << v.upcalls.wholepkt << ", WRVIFWHOLE " << v.upcalls.wrvifwhole << ", malformed "
       << v.upcalls.malformed << ", overruns " << v.upcalls.overruns << "\n";
    os << "Upcall backlog: waiting " << v.upcall_backlog.waiting << " (peak " << v.upcall_backlog.peak
       << ", limit " << v.upcall_backlog.limit << "), chunks served newest first "
       << v.upcall_backlog.newest_first << ", oldest first " << v.upcall_backlog.oldest_first
       << ", left in the socket when full " << v.upcall_backlog.refused << "\n";
    os << "Static mroutes: installs " << v.static_mroutes.installs << ", updates " << v.static_mroutes.updates
       << ", removals " << v.static_mroutes.removals << ", failures " << v.static_mroutes.failures << "\n";
    os << "Sparse mode: J/P received " << v.sparse.jp_rx << " (for us " << v.sparse.jp_rx_for_us << ", seen "
       << v.sparse.jp_rx_seen << ", entries ignored " << v.sparse.jp_rx_ignored << "), transitions "
       << v.sparse.transitions << ", unexpected events " << v.sparse.unexpected_events
       << ", negative entries " << v.sparse.negative_entries << ", SPT switches " << v.sparse.spt_switches
       << ", refused by max-sg-entries " << v.sparse.sg_limit_drops << "\n";
    os << "Shared-tree (*,G) kernel entries: sources learned from them " << v.sparse.rpt_discoveries
       << ", later copies dropped " << v.sparse.rpt_copies << "\n";
    os << "Routes (netlink): lookups " << v.rib.lookups << " (failed " << v.rib.lookup_failures
       << "), route notifications " << v.rib.route_notifications << " (ignored "
       << v.rib.ignored_notifications << ", batches " << v.rib.notify_batches << "), monitor overruns "
       << v.rib.overruns << "\n";
    os << "RPF: lookups " << v.rpf.lookups << " (answered from idle " << v.rpf.idle_reused
       << "), route changes " << v.rpf.route_changes << ", interfaces lost " << v.rpf.interfaces_lost
       << ", re-resolved " << v.rpf.re_resolutions << ", answers changed " << v.rpf.answers_changed << "\n";
    os << "Reloads: " << v.reloads << "\n";
    return os.str();
}

// ---- mroutes and VIFs ----

namespace {
std::string vif_name(const PimDaemon& d, sys::VifIndex vif) {
    auto it = d.mrt().vifs().find(vif);
    if (it == d.mrt().vifs().end()) return "vif" + std::to_string(vif);
    if (it->second.register_vif) return "pimreg";
    return d.ifname_of(it->second.ifindex);
}

// "*" for the (*,G) kernel entry (source 0.0.0.0), as show ip pim upstream names (*,G) state.
std::string mroute_source_text(Ipv4Address source) {
    return source == Ipv4Address() ? "*" : source.to_string();
}
}  // namespace

MroutesView mroutes_view(const PimDaemon& d) {
    MroutesView v;
    v.table = d.config().kernel_table();
    const std::map<SGKey, std::string> core_flags = core_mroute_flags(d);
    for (const auto& [key, e] : d.mrt().mfcs()) {
        MrouteRow r;
        r.source = e.source;
        r.group = e.group;
        r.iif_vif = e.iif;
        r.iif = vif_name(d, e.iif);
        for (const auto& [vif, ttl] : e.oifs)
            r.oifs.push_back({vif_name(d, vif), vif, ttl});
        r.protocol = "kernel";
        if (d.static_mroutes().is_static(key)) {
            r.flags = "S";
            r.protocol = "static";
        } else if (auto f = core_flags.find(SGKey{e.source, e.group}); f != core_flags.end()) {
            r.flags = f->second;
            r.protocol = "pim";
        }
        r.installed = true;
        r.state = "installed";
        if (auto c = d.mrt().get_sg_counters(e.source, e.group)) {
            r.packets = c->packets;
            r.bytes = c->bytes;
            r.wrong_if = c->wrong_if;
        }
        v.routes.push_back(std::move(r));
    }
    for (const auto& st : d.static_mroutes().states()) {
        if (st.installed) continue;
        MrouteRow r;
        r.source = st.route.source;
        r.group = st.route.group;
        r.iif = st.route.iif;
        r.flags = "S";
        r.protocol = "static";
        r.state = st.error;
        for (const auto& o : st.route.oifs)
            r.oifs.push_back({o, -1, 0});
        v.routes.push_back(std::move(r));
    }
    return v;
}

json to_json(const MroutesView& v) {
    json a = json::array();
    for (const auto& r : v.routes) {
        json oifs = json::array();
        for (const auto& o : r.oifs)
            oifs.push_back(
                {{"interface", o.name}, {"vif", o.vif < 0 ? json(nullptr) : json(o.vif)}, {"ttl", o.ttl}});
        a.push_back({{"source", mroute_source_text(r.source)},
                     {"group", r.group.to_string()},
                     {"iif", r.iif},
                     {"iif_vif", r.iif_vif ? json(*r.iif_vif) : json(nullptr)},
                     {"oifs", oifs},
                     {"flags", r.flags},
                     {"protocol", r.protocol},
                     {"installed", r.installed},
                     {"state", r.state},
                     {"packets", r.packets},
                     {"bytes", r.bytes},
                     {"wrong_if", r.wrong_if}});
    }
    return {{"table", v.table}, {"routes", a}};
}

std::string to_text(const MroutesView& v) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : v.routes) {
        std::vector<std::string> oifs;
        for (const auto& o : r.oifs)
            oifs.push_back(o.name);
        rows.push_back({mroute_source_text(r.source), r.group.to_string(), r.protocol,
                        r.flags.empty() ? "-" : r.flags, r.iif, oifs.empty() ? "-" : join(oifs),
                        r.installed ? std::to_string(r.packets) : "-",
                        r.installed ? std::to_string(r.bytes) : "-", r.installed ? "" : r.state});
    }
    std::string out =
        "Flags: S - static (Proto static) or sparse (Proto pim), C - connected receivers, P - pruned,\n"
        "       R - rpt pruned, "
        "F - first hop, T - SPT bit, J - joined upstream, N - learned from a Register\n\n";
    if (rows.empty()) return out + "No multicast routes\n";
    return out + render_table(
                     {"Source", "Group", "Proto", "Flags", "Iif", "Oifs", "Packets", "Bytes", "State"}, rows);
}

VifsView vifs_view(const PimDaemon& d) {
    VifsView v;
    for (const auto& [index, info] : d.mrt().vifs()) {
        VifRow r;
        r.vif = index;
        r.ifindex = info.ifindex;
        r.register_vif = info.register_vif;
        r.name = info.register_vif ? "pimreg" : d.ifname_of(info.ifindex);
        // The interface's current primary address (the one at VIF creation may have been none yet).
        if (const InterfaceInfo* i = d.interfaces().find(info.ifindex); i && !info.register_vif) {
            if (auto p = i->primary_address()) r.local_address = p->addr;
        }
        if (auto c = d.mrt().get_vif_counters(index)) {
            r.in_packets = c->in_packets;
            r.out_packets = c->out_packets;
            r.in_bytes = c->in_bytes;
            r.out_bytes = c->out_bytes;
        }
        v.vifs.push_back(r);
    }
    for (const auto& [ifindex, pif] : d.core().interfaces()) {
        auto err = d.core().vif_error(ifindex);
        if (!err.empty()) v.errors.emplace_back(pif->name(), std::string(err));
    }
    for (const auto& [vif, err] : d.actions().vif_errors()) {
        const pim::VifAdd* a = d.core().vifs().at(vif);
        v.errors.emplace_back(a ? a->name : "vif" + std::to_string(vif), err);
    }
    return v;
}

json to_json(const VifsView& v) {
    json a = json::array();
    for (const auto& r : v.vifs)
        a.push_back({{"vif", r.vif},
                     {"interface", r.name},
                     {"ifindex", r.ifindex},
                     {"register", r.register_vif},
                     {"local_address", r.local_address.to_string()},
                     {"in_packets", r.in_packets},
                     {"out_packets", r.out_packets},
                     {"in_bytes", r.in_bytes},
                     {"out_bytes", r.out_bytes}});
    json e = json::array();
    for (const auto& [name, why] : v.errors)
        e.push_back({{"interface", name}, {"error", why}});
    return {{"vifs", a}, {"errors", e}};
}

std::string to_text(const VifsView& v) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : v.vifs)
        rows.push_back({std::to_string(r.vif), r.name, std::to_string(r.ifindex), r.local_address.to_string(),
                        std::to_string(r.in_packets), std::to_string(r.out_packets),
                        std::to_string(r.in_bytes), std::to_string(r.out_bytes)});
    std::string out = render_table(
        {"VIF", "Interface", "Ifindex", "Local address", "Pkts in", "Pkts out", "Bytes in", "Bytes out"},
        rows);
    for (const auto& [name, why] : v.errors)
        out += "% no VIF for " + name + ": " + why + "\n";
    return out;
}

// ---- IPC and membership ----

IpcView ipc_view(const PimDaemon& d) {
    IpcView v;
    v.socket = d.config().daemon.ipc_socket;
    v.listen_error = d.ipc_error();
    v.listening = d.ipc() != nullptr;
    v.server = d.ipc() ? d.ipc()->to_json() : json::object();
    v.records = d.membership().size();
    v.stale = d.membership().stale_count();
    v.in_snapshot = d.membership().in_snapshot();
    v.table = d.membership().counters();
    return v;
}

json to_json(const IpcView& v) {
    const auto& t = v.table;
    json peer = v.server.contains("peer") ? v.server["peer"] : json(nullptr);
    return {{"socket", v.socket},
            {"listening", v.listening},
            {"listen_error", v.listen_error},
            {"connected", v.server.value("connected", false)},
            {"peer", peer},
            {"records", v.records},
            {"stale", v.stale},
            {"in_snapshot", v.in_snapshot},
            {"link_counters", v.server.value("counters", json::object())},
            {"table_counters",
             {{"added", t.added},
              {"updated", t.updated},
              {"removed", t.removed},
              {"refreshed", t.refreshed},
              {"snapshots", t.snapshots},
              {"snapshot_count_mismatches", t.snapshot_count_mismatches},
              {"peer_losses", t.peer_losses},
              {"stale_expired", t.stale_expired},
              {"table_full_drops", t.table_full_drops}}}};
}

std::string to_text(const IpcView& v) {
    std::ostringstream os;
    os << "IPC socket: " << v.socket
       << (v.listening ? " (listening)" : " (not listening: " + v.listen_error + ")") << "\n";
    bool connected = v.server.value("connected", false);
    os << "igmpd: " << (connected ? "connected" : "not connected");
    if (v.server.contains("peer"))
        os << " (" << v.server["peer"].value("name", "") << ", session "
           << v.server["peer"].value("session", "") << ")";
    os << "\nMembership records: " << v.records << " (" << v.stale << " stale)"
       << (v.in_snapshot ? ", snapshot in progress" : "") << "\n";
    os << "Snapshots: " << v.table.snapshots << ", peer losses: " << v.table.peer_losses
       << ", stale expired: " << v.table.stale_expired << "\n";
    return os.str();
}

MembershipView membership_view(const PimDaemon& d) {
    MembershipView v;
    for (const auto& [k, e] : d.membership().entries())
        v.entries.push_back(e);
    return v;
}

json to_json(const MembershipView& v) {
    json a = json::array();
    for (const auto& e : v.entries) {
        std::vector<std::string> srcs;
        for (auto s : e.sources)
            srcs.push_back(s.to_string());
        a.push_back({{"interface", e.ifname},
                     {"ifindex", e.ifindex},
                     {"group", e.group.to_string()},
                     {"mode", std::string(sys::ipc::to_string(e.mode))},
                     {"sources", srcs},
                     {"stale", e.stale}});
    }
    return {{"memberships", a}};
}

std::string to_text(const MembershipView& v) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : v.entries) {
        std::vector<std::string> srcs;
        for (auto s : e.sources)
            srcs.push_back(s.to_string());
        rows.push_back({e.ifname, e.group.to_string(), std::string(sys::ipc::to_string(e.mode)),
                        srcs.empty() ? "-" : join(srcs), e.stale ? "stale" : ""});
    }
    if (rows.empty()) return "No membership from igmpd\n";
    return render_table({"Interface", "Group", "Mode", "Sources", "State"}, rows);
}

// ---- logging and config ----

RunningConfigView running_config_view(const PimdConfig& c) {
    return {c.file, render_running_config(c)};
}

json to_json(const RunningConfigView& v) {
    return {{"config_file", v.file}, {"yaml", v.yaml}};
}

std::string to_text(const RunningConfigView& v) {
    return v.yaml;
}

}  // namespace fanout::pimd
