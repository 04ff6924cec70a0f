// pimd configuration as the core sees it: a plain, immutable value. The YAML loader (pimd wiring) fills it
// and validates it; a reload hands the core a whole new PimConfig (ConfigChanged) and the core applies the
// difference. Every default below is the RFC's.
//
// RFC 7761 4.11 (timer values): Hello_Period 30 s, Triggered_Hello_Delay 5 s, Default_Hello_Holdtime
// 3.5 * Hello_Period, Propagation_Delay default 0.5 s, t_override default 2.5 s, t_periodic 60 s,
// J/P_Holdtime 3.5 * t_periodic, Assert_Time 180 s, Assert_Override_Interval 3 s, Keepalive_Period 210 s,
// Register_Suppression_Time 60 s, Register_Probe_Time 5 s.
// RFC 7761 4.3.1 (Hello options sent), 4.3.3 (LAN Prune Delay: Propagation_Delay, Override_Interval, T bit),
// 4.9.2 (Hello option formats).
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
#include "pimd/core/anycast_rp.hpp"
#include "pimd/core/keepalive.hpp"
#include "pimd/core/rp_set.hpp"

namespace fanout::pim {

// RFC 7761 4.11 constants and defaults.
inline constexpr Duration kDefaultHelloPeriod = std::chrono::seconds(30);
inline constexpr Duration kTriggeredHelloDelay = std::chrono::seconds(5);
inline constexpr Duration kDefaultPropagationDelay =
    std::chrono::milliseconds(500);  // Propagation_delay_default
inline constexpr Duration kDefaultOverrideInterval = std::chrono::milliseconds(2500);  // t_override_default
inline constexpr uint16_t kHoldtimeForever = 0xffff;  // 4.9.2: "never times out the neighbor"
inline constexpr uint32_t kDefaultDrPriority = 1;

// Hello holdtime in seconds for a hello period: 3.5 x period (Default_Hello_Holdtime), capped below 0xffff
// (which would mean "forever").
constexpr uint16_t default_hello_holdtime_s(Duration hello_period) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(hello_period).count() * 7 / 2;
    auto s = (ms + 999) / 1000;
    return static_cast<uint16_t>(s >= kHoldtimeForever ? kHoldtimeForever - 1 : s);
}

// Per-interface PIM settings.
struct PimInterfaceConfig {
    // Run PIM (hellos, neighbors, DR, join/prune...) on this interface.
    bool enabled = true;
    // The interface has local receivers managed by igmpd: it needs a VIF even when PIM is not enabled on it.
    bool igmp = false;
    // Hello_Period (4.11). Hellos are sent every period after a first one at rand(0, Triggered_Hello_Delay).
    Duration hello_interval = kDefaultHelloPeriod;
    // Holdtime option value in seconds; unset = 3.5 x hello_interval (Default_Hello_Holdtime).
    std::optional<uint16_t> hello_holdtime_s;
    // Triggered_Hello_Delay (4.11): upper bound of the random delay of the first and of triggered hellos.
    Duration triggered_hello_delay = kTriggeredHelloDelay;
    // DR Priority option value (4.3.2). Larger wins.
    uint32_t dr_priority = kDefaultDrPriority;
    // LAN Prune Delay option (4.3.3): Propagation_Delay(I) (15 bits of ms on the wire) and
    // Override_Interval(I).
    Duration propagation_delay = kDefaultPropagationDelay;
    Duration override_interval = kDefaultOverrideInterval;
    // The T bit of the LAN Prune Delay option: we can track joins, i.e. neighbors may disable join
    // suppression. Off by default: setting it is a promise of explicit tracking (RFC 7761 4.3.3).
    bool tracking_support = false;
    // Send the LAN Prune Delay option at all (RFC: SHOULD on multi-access LANs).
    bool send_lan_prune_delay = true;
    // Announce the interface's secondary addresses in the Address List option (24) (4.3.1: MUST when any).
    bool announce_secondary_addresses = true;
    // Neighbor filter: when non-empty, only hellos from sources inside one of these prefixes form neighbors;
    // others are dropped and counted ("neighbor-filtered").
    std::vector<Ipv4Prefix> neighbor_filter;
    // Bound on neighbors on this interface; hellos from further new neighbors are dropped and counted.
    size_t max_neighbors = 256;

    uint16_t effective_holdtime_s() const {
        return hello_holdtime_s ? *hello_holdtime_s : default_hello_holdtime_s(hello_interval);
    }
    // True when source may form a neighbor under neighbor_filter.
    bool neighbor_allowed(Ipv4Address source) const {
        if (neighbor_filter.empty()) return true;
        for (const auto& p : neighbor_filter)
            if (p.contains(source)) return true;
        return false;
    }
    bool operator==(const PimInterfaceConfig&) const = default;
};

// Whole-router settings.
struct PimConfig {
    // Interfaces by name. An interface not listed runs neither PIM nor gets a VIF.
    std::map<std::string, PimInterfaceConfig> interfaces;

    // t_periodic (4.11): period of Join/Prune messages, and J/P_Holdtime = 3.5 x t_periodic.
    Duration join_prune_interval = std::chrono::seconds(60);
    // Assert_Time and Assert_Override_Interval (4.11).
    Duration assert_time = std::chrono::seconds(180);
    Duration assert_override_interval = std::chrono::seconds(3);
    // Keepalive_Period (4.11).
    Duration keepalive_period = std::chrono::seconds(210);
    // Bound on the TIB's (S,G) and (S,G,rpt) entries and on the kernel flows (each): a new entry beyond it is
    // not created (a Join, a Register, an SA, a first packet) and is counted (sg_limit_drops); existing
    // entries are never refused. About 1 KB per (S,G).
    size_t max_sg_entries = 200000;
    // Register_Suppression_Time and Register_Probe_Time (4.11).
    Duration register_suppression_time = std::chrono::seconds(60);
    Duration register_probe_time = std::chrono::seconds(5);
    // Register path (4.4.1 / 4.4.2, register_dr.hpp / register_rp.hpp): the outer source of Registers (used
    // only when it is one of our addresses), the DR's per-(S,G) limit on encapsulated Registers (pps 0 =
    // unlimited), the RP's accept filter (empty = everything) and its per-sender rate limit.
    std::optional<Ipv4Address> register_source;
    uint32_t register_rate_limit_pps = 1000;
    uint32_t register_rate_limit_burst = 200;
    std::vector<Ipv4Prefix> accept_register_sources;
    std::vector<Ipv4Prefix> accept_register_groups;
    uint32_t register_rp_rate_limit_pps = 0;
    uint32_t register_rp_rate_limit_burst = 100;
    // RFC 4610 anycast-RP set (anycast_rp.hpp): the RP forwards the DRs' Registers to the other members.
    std::optional<AnycastRpConfig> anycast_rp;

    // PIM-SM (RFC 7761 4.7, 4.8): static RPs and the SSM range.
    RpSetConfig rp_set;
    // SwitchToSptDesired(S,G) policy at last-hop routers (4.2.1): immediate (default), kbit/s, never.
    SptThreshold spt_threshold;

    uint16_t join_prune_holdtime_s() const {
        return default_hello_holdtime_s(join_prune_interval);  // same 3.5x rule as hellos
    }
    // The settings of interface `name`, or nullptr when it is not configured.
    const PimInterfaceConfig* find_interface(const std::string& name) const {
        auto it = interfaces.find(name);
        return it == interfaces.end() ? nullptr : &it->second;
    }
    bool operator==(const PimConfig&) const = default;
};

}  // namespace fanout::pim
