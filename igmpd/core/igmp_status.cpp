// Status snapshots; see igmp_status.hpp.
#include "igmpd/core/igmp_status.hpp"

#include "common/packet/igmp_report.hpp"
#include "igmpd/core/igmp_core.hpp"

namespace fanout::igmp {

namespace {

int64_t ms(Duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

std::map<std::string, uint64_t> kinds(const IgmpMessageCounters& c) {
    std::map<std::string, uint64_t> out;
    for (size_t i = 0; i < kIgmpMessageKinds; ++i)
        if (c.by_kind[i]) out[std::string(igmp_message_kind_name(i))] = c.by_kind[i];
    return out;
}

std::string state_of(const IgmpInterface& i) {
    if (!i.config().enabled) return "disabled";
    if (i.config().proxy_role == ProxyRole::kUpstream) return "upstream";
    return i.running() ? "up" : "down";
}

void add_sources(const IgmpInterface& i, const GroupState& g, std::vector<SourceStatus>& out) {
    for (const auto& [s, r] : g.sources())
        out.push_back({i.name(), g.group(), s, ms(r.timer.remaining()), g.forwards(s), r.retransmissions});
}

}  // namespace

std::vector<InterfaceStatus> interface_status(const IgmpCore& core, const std::string& name) {
    std::vector<InterfaceStatus> out;
    for (const auto& [ifindex, ip] : core.interfaces()) {
        const IgmpInterface& i = *ip;
        if (!name.empty() && i.name() != name) continue;
        const auto t = i.effective_timers();
        InterfaceStatus s;
        s.ifindex = ifindex;
        s.name = i.name();
        s.state = state_of(i);
        s.proxy_role = to_string(i.config().proxy_role);
        s.address = i.address();
        s.version = i.config().version;
        s.effective_version = i.effective_version();
        s.querier_state = to_string(i.querier().state());
        s.querier = i.querier().querier_address();
        s.am_querier = i.querier().is_querier();
        s.general_query_ms = ms(i.querier().general_query_remaining());
        s.other_querier_present_ms = ms(i.querier().other_querier_present_remaining());
        s.startup_queries_left = i.querier().startup_queries_left();
        s.older_v1_querier_ms = ms(i.older_querier_remaining(1));
        s.older_v2_querier_ms = ms(i.older_querier_remaining(2));
        s.robustness = t.robustness;
        s.query_interval_ms = ms(t.query_interval);
        s.group_membership_interval_ms = ms(t.group_membership_interval());
        s.other_querier_present_interval_ms = ms(t.other_querier_present_interval());
        s.last_member_query_time_ms = ms(t.last_member_query_time());
        s.groups = i.groups().size();
        s.groups_created = i.counters().groups_created;
        s.groups_deleted = i.counters().groups_deleted;
        s.querier_changes = i.counters().querier_changes;
        s.drops = i.counters().drops;
        s.rx = kinds(i.counters().rx);
        s.tx = kinds(i.counters().tx);
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<GroupStatus> group_status(const IgmpCore& core, const std::string& name) {
    std::vector<GroupStatus> out;
    const auto now = core.now();
    for (const auto& [ifindex, ip] : core.interfaces()) {
        const IgmpInterface& i = *ip;
        if (!name.empty() && i.name() != name) continue;
        std::vector<Ipv4Address> groups;
        for (const auto& [g, st] : i.groups())
            groups.push_back(g);
        for (const auto& [g, st] : i.memberships())
            groups.push_back(g);
        for (auto group : make_source_set(std::move(groups))) {
            GroupStatus s;
            s.interface = i.name();
            s.ifindex = ifindex;
            s.group = group;
            s.is_static = i.is_static_group(group);
            const auto m = i.membership(group);
            s.membership_mode = to_string(m.mode);
            s.membership_sources = m.sources;
            auto it = i.groups().find(group);
            if (it == i.groups().end()) {
                s.dynamic = false;
                s.mode = s.membership_mode;
                s.uptime_ms = ms(now - i.started_at());
                out.push_back(std::move(s));
                continue;
            }
            const GroupState& g = *it->second;
            s.mode = to_string(g.mode());
            s.group_timer_ms = ms(g.group_timer_remaining());
            s.compat_version = static_cast<uint8_t>(g.compat_mode());
            s.v1_host_ms = ms(g.v1_host_timer_remaining());
            s.v2_host_ms = ms(g.v2_host_timer_remaining());
            s.uptime_ms = ms(now - g.created());
            s.last_reporter = g.last_reporter();
            s.group_query_retransmissions = g.group_query_retransmissions();
            add_sources(i, g, s.sources);
            out.push_back(std::move(s));
        }
    }
    return out;
}

std::vector<SourceStatus> source_status(const IgmpCore& core, const std::string& name) {
    std::vector<SourceStatus> out;
    for (const auto& [ifindex, ip] : core.interfaces()) {
        if (!name.empty() && ip->name() != name) continue;
        for (const auto& [g, st] : ip->groups())
            add_sources(*ip, *st, out);
    }
    return out;
}

StatisticsStatus statistics_status(const IgmpCore& core) {
    const auto& c = core.counters();
    StatisticsStatus s;
    s.rx = kinds(c.rx);
    s.tx = kinds(c.tx);
    for (size_t i = 0; i < kIgmpRecordTypes; ++i)
        if (c.rx.records[i])
            s.rx_records[packet::to_string(static_cast<packet::IgmpRecordType>(i + 1))] = c.rx.records[i];
    for (size_t i = 0; i < c.drops.size(); ++i)
        if (c.drops[i]) s.drops[std::string(to_string(static_cast<IgmpDropReason>(i)))] = c.drops[i];
    for (size_t i = 0; i < c.decode_errors.by_kind.size(); ++i)
        if (c.decode_errors.by_kind[i])
            s.decode_errors[std::string(packet::to_string(static_cast<packet::DecodeErrorKind>(i)))] =
                c.decode_errors.by_kind[i];
    return s;
}

ProxyStatus proxy_status(const IgmpCore& core) {
    ProxyStatus s;
    s.enabled = core.proxy_mode();
    if (const auto* up = core.find_interface(core.active_upstream())) {
        s.upstream = up->name();
        s.upstream_ifindex = up->ifindex();
    }
    s.upstream_version = core.proxy_host().compat_version();
    for (const auto& [ifindex, i] : core.interfaces()) {
        if (i->config().proxy_role == ProxyRole::kDownstream) s.downstreams.push_back(i->name());
        if (auto v = core.proxy_vifs().find(ifindex)) s.vifs[i->name()] = *v;
    }
    for (const auto& [g, st] : core.proxy_host().database())
        s.membership.push_back({g, to_string(st.mode), st.sources});
    for (const auto& [sg, e] : core.proxy_mfc())
        s.mfc.push_back({sg, e.iif, e.oifs});
    return s;
}

}  // namespace fanout::igmp
