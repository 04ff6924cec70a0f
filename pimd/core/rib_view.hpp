// The pure core's view of the unicast RIB for RPF (RFC 7761 4.5 "RPF'(S,G)" / MRIB.next_hop(), 4.6 assert
// metrics: "metric_preference" and "route_metric" of the route to S or RP). The daemon wiring implements
// RibView with netlink (common/sys/rib_lookup.hpp: RTM_GETROUTE with RTM_F_FIB_MATCH); tests use a map.
//
// Only RpfTracker (rpf_tracker.hpp) calls RibView: everything else asks the tracker, which caches answers
// and re-resolves them when a route changes.
#pragma once

#include <cstdint>
#include <optional>

#include "common/core/ip.hpp"

namespace fanout::pim {

// RTPROT_* values of linux/rtnetlink.h (the kernel's route "protocol"), for the preference table.
namespace rtprot {
inline constexpr uint8_t kUnspec = 0;
inline constexpr uint8_t kRedirect = 1;
inline constexpr uint8_t kKernel = 2;
inline constexpr uint8_t kBoot = 3;
inline constexpr uint8_t kStatic = 4;
inline constexpr uint8_t kZebra = 11;
inline constexpr uint8_t kBabel = 42;
inline constexpr uint8_t kBgp = 186;
inline constexpr uint8_t kIsis = 187;
inline constexpr uint8_t kOspf = 188;
inline constexpr uint8_t kRip = 189;
inline constexpr uint8_t kEigrp = 192;
}  // namespace rtprot

// The route the RIB uses to reach an address.
struct RpfRoute {
    Ipv4Prefix prefix;       // the matching route
    int ifindex = 0;         // outgoing interface (the RPF interface)
    Ipv4Address gateway;     // next hop; 0.0.0.0 when the address is directly connected through ifindex
    uint8_t protocol = 0;    // rtprot::*
    bool connected = false;  // a connected (interface subnet) route
    uint32_t metric = 0;     // route metric (RTA_PRIORITY); the assert route_metric
    // Assert metric_preference (lower wins). RibView implementations may leave it 0: RpfTracker fills it
    // from its PreferenceTable.
    uint32_t preference = 0;

    // The RPF neighbor address: the gateway, or `dest` itself when directly connected (MRIB.next_hop).
    Ipv4Address next_hop(Ipv4Address dest) const { return gateway.is_unspecified() ? dest : gateway; }
    bool operator==(const RpfRoute&) const = default;
};

class RibView {
  public:
    virtual ~RibView() = default;
    // The route to addr, or nothing when unreachable (no route, unreachable/prohibit/blackhole route).
    virtual std::optional<RpfRoute> lookup(Ipv4Address addr) = 0;
};

}  // namespace fanout::pim
