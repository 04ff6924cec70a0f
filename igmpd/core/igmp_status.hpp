// Typed status snapshots of the IGMP core (`show ip igmp interface|groups|sources|statistics|proxy`), built
// from the core's state at one instant and rendered separately: to JSON in igmp_status_json.hpp (header-only,
// nlohmann cannot be included in the pure library), to text by the daemon. Times are milliseconds remaining
// (or since, for uptimes) at the snapshot instant; 0 means "not running".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/core/ip.hpp"
#include "igmpd/core/igmp_counters.hpp"
#include "igmpd/core/source_set.hpp"

namespace fanout::igmp {

class IgmpCore;

struct InterfaceStatus {
    int ifindex = 0;
    std::string name;
    std::string state;  // "up" | "down" | "disabled" | "upstream"
    std::string proxy_role;
    Ipv4Address address;
    uint8_t version = 3;            // configured
    uint8_t effective_version = 3;  // after an older querier fallback
    std::string querier_state;      // "querier" | "non-querier" | "stopped"
    Ipv4Address querier;
    bool am_querier = false;
    int64_t general_query_ms = 0;
    int64_t other_querier_present_ms = 0;
    uint32_t startup_queries_left = 0;
    int64_t older_v1_querier_ms = 0;
    int64_t older_v2_querier_ms = 0;
    uint32_t robustness = 0;  // effective (adopted from the querier when non-querier)
    int64_t query_interval_ms = 0;
    int64_t group_membership_interval_ms = 0;
    int64_t other_querier_present_interval_ms = 0;
    int64_t last_member_query_time_ms = 0;
    size_t groups = 0;
    uint64_t groups_created = 0;
    uint64_t groups_deleted = 0;
    uint64_t querier_changes = 0;
    uint64_t drops = 0;
    std::map<std::string, uint64_t> rx;
    std::map<std::string, uint64_t> tx;
};

struct SourceStatus {
    std::string interface;
    Ipv4Address group;
    Ipv4Address source;
    int64_t timer_ms = 0;  // 0 in EXCLUDE mode: the source is blocked (Y)
    bool forwarding = false;
    uint32_t query_retransmissions = 0;
};

struct GroupStatus {
    std::string interface;
    int ifindex = 0;
    Ipv4Address group;
    std::string mode;  // "INCLUDE" | "EXCLUDE" (router state; the exported membership is "membership")
    int64_t group_timer_ms = 0;
    uint8_t compat_version = 3;
    int64_t v1_host_ms = 0;
    int64_t v2_host_ms = 0;
    int64_t uptime_ms = 0;
    Ipv4Address last_reporter;
    bool is_static = false;
    bool dynamic = true;  // false: only static configuration holds it
    uint32_t group_query_retransmissions = 0;
    std::vector<SourceStatus> sources;
    std::string membership_mode;  // exported
    SourceSet membership_sources;
};

struct StatisticsStatus {
    std::map<std::string, uint64_t> rx;  // by message kind ("v3_report") and record type ("rx_records")
    std::map<std::string, uint64_t> tx;
    std::map<std::string, uint64_t> rx_records;
    std::map<std::string, uint64_t> drops;
    std::map<std::string, uint64_t> decode_errors;
};

struct ProxyGroupStatus {
    Ipv4Address group;
    std::string mode;
    SourceSet sources;
};

struct ProxyMfcStatus {
    SGKey sg;
    int iif = 0;
    std::vector<int> oifs;
};

struct ProxyStatus {
    bool enabled = false;
    std::string upstream;  // "" when none active
    int upstream_ifindex = 0;
    uint8_t upstream_version = 3;
    std::vector<std::string> downstreams;
    std::vector<ProxyGroupStatus> membership;
    std::map<std::string, int> vifs;  // interface name -> VIF
    std::vector<ProxyMfcStatus> mfc;
};

// An empty name means every interface.
std::vector<InterfaceStatus> interface_status(const IgmpCore& core, const std::string& name = {});
std::vector<GroupStatus> group_status(const IgmpCore& core, const std::string& name = {});
std::vector<SourceStatus> source_status(const IgmpCore& core, const std::string& name = {});
StatisticsStatus statistics_status(const IgmpCore& core);
ProxyStatus proxy_status(const IgmpCore& core);

}  // namespace fanout::igmp
