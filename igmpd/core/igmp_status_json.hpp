// JSON form of the status snapshots (igmp_status.hpp), for nlohmann::json. Header-only templates over the
// JSON type (the pure library cannot include nlohmann/json.hpp: see pimd/core/pim_status_json.hpp):
//   nlohmann::json j = igmp::group_status(core);
#pragma once

#include <vector>

#include "common/core/status_json.hpp"
#include "igmpd/core/igmp_status.hpp"

namespace fanout::igmp {

template <typename Json>
void to_json(Json& j, const InterfaceStatus& s) {
    j = Json{{"ifindex", s.ifindex},
             {"name", s.name},
             {"state", s.state},
             {"proxy_role", s.proxy_role},
             {"address", s.address.to_string()},
             {"version", s.version},
             {"effective_version", s.effective_version},
             {"querier_state", s.querier_state},
             {"querier", s.querier.to_string()},
             {"am_querier", s.am_querier},
             {"general_query_ms", s.general_query_ms},
             {"other_querier_present_ms", s.other_querier_present_ms},
             {"startup_queries_left", s.startup_queries_left},
             {"older_v1_querier_ms", s.older_v1_querier_ms},
             {"older_v2_querier_ms", s.older_v2_querier_ms},
             {"robustness", s.robustness},
             {"query_interval_ms", s.query_interval_ms},
             {"group_membership_interval_ms", s.group_membership_interval_ms},
             {"other_querier_present_interval_ms", s.other_querier_present_interval_ms},
             {"last_member_query_time_ms", s.last_member_query_time_ms},
             {"groups", s.groups},
             {"groups_created", s.groups_created},
             {"groups_deleted", s.groups_deleted},
             {"querier_changes", s.querier_changes},
             {"drops", s.drops},
             {"rx", s.rx},
             {"tx", s.tx}};
}

template <typename Json>
void to_json(Json& j, const SourceStatus& s) {
    j = Json{{"interface", s.interface},       {"group", s.group.to_string()},
             {"source", s.source.to_string()}, {"timer_ms", s.timer_ms},
             {"forwarding", s.forwarding},     {"query_retransmissions", s.query_retransmissions}};
}

template <typename Json>
void to_json(Json& j, const GroupStatus& s) {
    Json sources = Json::array();
    for (const auto& x : s.sources)
        sources.push_back(Json{{"source", x.source.to_string()},
                               {"timer_ms", x.timer_ms},
                               {"forwarding", x.forwarding},
                               {"query_retransmissions", x.query_retransmissions}});
    j = Json{{"interface", s.interface},
             {"ifindex", s.ifindex},
             {"group", s.group.to_string()},
             {"mode", s.mode},
             {"group_timer_ms", s.group_timer_ms},
             {"compat_version", s.compat_version},
             {"v1_host_ms", s.v1_host_ms},
             {"v2_host_ms", s.v2_host_ms},
             {"uptime_ms", s.uptime_ms},
             {"last_reporter", s.last_reporter.to_string()},
             {"static", s.is_static},
             {"dynamic", s.dynamic},
             {"group_query_retransmissions", s.group_query_retransmissions},
             {"sources", sources},
             {"membership", Json{{"mode", s.membership_mode},
                                 {"sources", status_json::addresses<Json>(s.membership_sources)}}}};
}

template <typename Json>
void to_json(Json& j, const StatisticsStatus& s) {
    j = Json{{"rx", s.rx},
             {"tx", s.tx},
             {"rx_records", s.rx_records},
             {"drops", s.drops},
             {"decode_errors", s.decode_errors}};
}

template <typename Json>
void to_json(Json& j, const ProxyStatus& s) {
    Json membership = Json::array();
    for (const auto& m : s.membership)
        membership.push_back(Json{{"group", m.group.to_string()},
                                  {"mode", m.mode},
                                  {"sources", status_json::addresses<Json>(m.sources)}});
    Json mfc = Json::array();
    for (const auto& e : s.mfc)
        mfc.push_back(Json{{"source", e.sg.source.to_string()},
                           {"group", e.sg.group.to_string()},
                           {"iif", e.iif},
                           {"oifs", e.oifs}});
    j = Json{{"enabled", s.enabled},
             {"upstream", s.upstream},
             {"upstream_ifindex", s.upstream_ifindex},
             {"upstream_version", s.upstream_version},
             {"downstreams", s.downstreams},
             {"membership", membership},
             {"vifs", s.vifs},
             {"mfc", mfc}};
}

}  // namespace fanout::igmp
