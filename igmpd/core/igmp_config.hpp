// igmpd configuration as the core sees it: a plain, immutable value (the YAML loader in the wiring fills it;
// a reload hands the core a whole new IgmpConfig through ConfigChanged). Every default is the RFC's.
//
// RFC 3376 section 8 (timers, counters and their defaults):
//   8.1  Robustness Variable                 2
//   8.2  Query Interval (QI)                 125 s
//   8.3  Query Response Interval (QRI)       10 s (the Max Resp Code of general queries)
//   8.4  Group Membership Interval (GMI)     RV * QI + QRI
//   8.5  Other Querier Present Interval      RV * QI + QRI / 2
//   8.6  Startup Query Interval              QI / 4
//   8.7  Startup Query Count                 RV
//   8.8  Last Member Query Interval (LMQI)   1 s
//   8.9  Last Member Query Count (LMQC)      RV
//   8.10 Last Member Query Time (LMQT)       LMQI * LMQC
//   8.11 Unsolicited Report Interval         1 s (v3 hosts); RFC 2236 8.10: 10 s for v1/v2 hosts
//   8.12 Older Version Querier Present Timeout  RV * QI + QRI
//   8.13 Older Host Present Interval         RV * QI + QRI
// RFC 4604 sections 2/3: the SSM range (232/8 by default) takes INCLUDE-mode (source-specific) records only.
// RFC 4605 section 4: proxy roles (one upstream interface, any number of downstream interfaces).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"

namespace fanout::igmp {

inline constexpr Duration kDefaultQueryInterval = std::chrono::seconds(125);
inline constexpr Duration kDefaultQueryResponseInterval = std::chrono::seconds(10);
inline constexpr Duration kDefaultLastMemberQueryInterval = std::chrono::seconds(1);
inline constexpr uint32_t kDefaultRobustness = 2;
inline constexpr Duration kUnsolicitedReportIntervalV3 = std::chrono::seconds(1);   // RFC 3376 8.11
inline constexpr Duration kUnsolicitedReportIntervalV2 = std::chrono::seconds(10);  // RFC 2236 8.10

enum class ProxyRole : uint8_t {
    kNone,        // an ordinary IGMP router interface (membership exported to pimd)
    kUpstream,    // RFC 4605: the host side runs here; no router side, no queries
    kDownstream,  // RFC 4605: the router side runs here; its membership is merged and proxied upstream
};
const char* to_string(ProxyRole r);

struct IgmpInterfaceConfig {
    // Run IGMP on this interface at all (a disabled interface ignores everything it receives, counted).
    bool enabled = true;
    // Router compatibility mode (RFC 3376 7.2.1: "administratively assured"): 1, 2 or 3.
    uint8_t version = 3;
    uint32_t robustness = kDefaultRobustness;
    Duration query_interval = kDefaultQueryInterval;
    Duration query_response_interval = kDefaultQueryResponseInterval;
    // Unset: QI / 4 and RV.
    std::optional<Duration> startup_query_interval;
    std::optional<uint32_t> startup_query_count;
    Duration last_member_query_interval = kDefaultLastMemberQueryInterval;
    std::optional<uint32_t> last_member_query_count;  // unset: RV
    // Unset: RV * QI + QRI / 2 (computed from the values in use, including those adopted from the querier).
    std::optional<Duration> other_querier_present_interval;
    // Fast leave: every "Send Q(G)" / "Send Q(G,X)" action of RFC 3376 6.4.2 expires the group / the sources
    // at once instead of querying (only right when one host sits on the link).
    bool immediate_leave = false;
    // Bounds: records that would create more groups or sources are cut, counted and logged once per burst.
    size_t max_groups = 4096;
    size_t max_sources_per_group = 512;
    // Permanent receivers: (*,G) (EXCLUDE {}) and (S,G) (INCLUDE {S}); exported as membership, never expire.
    std::vector<Ipv4Address> static_groups;
    std::vector<SGKey> static_sources;
    ProxyRole proxy_role = ProxyRole::kNone;
    // RFC 3376 7.2.1 asks for the oldest version on the link to be configured; with this set the router also
    // falls back on its own to v1/v2 while it hears v1/v2 queries (Older Version Querier Present Timeout,
    // 8.12), and returns to `version` when they stop.
    bool follow_older_querier = true;

    uint32_t effective_startup_query_count() const { return startup_query_count.value_or(robustness); }
    Duration effective_startup_query_interval() const {
        return startup_query_interval.value_or(query_interval / 4);
    }
    bool operator==(const IgmpInterfaceConfig&) const = default;
};

struct IgmpConfig {
    // Interfaces by name. An interface not listed does not run IGMP.
    std::map<std::string, IgmpInterfaceConfig> interfaces;
    // RFC 4607/4604 SSM ranges.
    std::vector<Ipv4Prefix> ssm_ranges{addr::kDefaultSsm};
    // RFC 4605 proxy: the interface used as upstream while the one with role upstream is down ("" = none).
    std::string proxy_alternate_upstream;

    const IgmpInterfaceConfig* find_interface(const std::string& name) const {
        auto it = interfaces.find(name);
        return it == interfaces.end() ? nullptr : &it->second;
    }
    bool is_ssm(Ipv4Address group) const {
        for (const auto& p : ssm_ranges)
            if (p.contains(group)) return true;
        return false;
    }
    bool operator==(const IgmpConfig&) const = default;
};

// The timer values an interface uses at one moment: the configured ones, or (QRV, QQI) adopted from the
// querier's v3 queries while it is not the querier (RFC 3376 4.1.6, 4.1.7).
struct EffectiveTimers {
    uint32_t robustness = kDefaultRobustness;
    Duration query_interval = kDefaultQueryInterval;
    Duration query_response_interval = kDefaultQueryResponseInterval;
    Duration last_member_query_interval = kDefaultLastMemberQueryInterval;
    uint32_t last_member_query_count = kDefaultRobustness;
    std::optional<Duration> configured_oqpi;

    // 8.4 GMI = RV * QI + QRI.
    Duration group_membership_interval() const {
        return query_interval * robustness + query_response_interval;
    }
    // 8.5 OQPI = RV * QI + QRI / 2 (unless configured).
    Duration other_querier_present_interval() const {
        return configured_oqpi.value_or(query_interval * robustness + query_response_interval / 2);
    }
    // 8.10 LMQT = LMQI * LMQC.
    Duration last_member_query_time() const { return last_member_query_interval * last_member_query_count; }
    // 8.12 / 8.13: RV * QI + QRI.
    Duration older_host_present_interval() const { return group_membership_interval(); }
    Duration older_querier_present_timeout() const { return group_membership_interval(); }
};

}  // namespace fanout::igmp
