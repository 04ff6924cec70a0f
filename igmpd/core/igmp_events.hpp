// Inputs of the IGMP core (shared/ARCHITECTURE.md: "core.handle(event)"). Timer expiries are not events: they
// arrive as TimerService callbacks owned by the state that armed them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/core/ip.hpp"
#include "common/packet/igmp.hpp"
#include "igmpd/core/igmp_config.hpp"

namespace fanout::igmp {

// One local address with its prefix length ("198.19.2.1/24": addr keeps its host bits).
struct IfAddress {
    Ipv4Address addr;
    uint8_t prefix_len = 32;
    Ipv4Prefix subnet() const { return Ipv4Prefix(addr, prefix_len); }
    bool operator==(const IfAddress&) const = default;
};

// A link appeared or changed (flags, addresses). addresses[0] is the primary address: the source of our
// queries and reports, and our identity in the querier election (RFC 3376 6.6.2).
struct InterfaceChanged {
    int ifindex = 0;
    std::string name;
    bool up = false;  // admin up and carrier
    bool multicast = true;
    uint32_t mtu = 1500;
    std::vector<IfAddress> addresses;
};

struct InterfaceRemoved {
    int ifindex = 0;
};

struct ConfigChanged {
    IgmpConfig config;
};

// A received IGMP message, decoded by the wiring with packet::decode_igmp_packet (decode failures are counted
// by the wiring, which reports them with RxDecodeError).
struct RxIgmp {
    int ifindex = 0;
    Ipv4Address src;
    Ipv4Address dst;
    packet::IgmpMessage message;
    bool router_alert = true;
};

// A packet on ifindex that did not decode (counted under its kind in the statistics).
struct RxDecodeError {
    int ifindex = 0;
    packet::DecodeErrorKind kind = packet::DecodeErrorKind::kTruncated;
};

// Proxy mode (RFC 4605 4.2): the kernel has no MFC entry for (source, group) arriving on iif
// (IGMPMSG_NOCACHE).
struct KernelNoCache {
    int iif = 0;
    Ipv4Address source;
    Ipv4Address group;
};

// Proxy mode: the wiring saw no traffic on (S,G) for a while (SIOCGETSGCNT): the entry may go.
struct MfcIdle {
    SGKey sg;
};

// Operator `clear ip igmp group [G]`: drop the dynamic state of group (every group when unset) on interface
// (every interface when empty); static groups stay. The membership export withdraws what went, and where
// this router is querier a General Query goes out at once so receivers that are still there report again
// (within Query Response Interval) and their state comes back.
struct ClearGroups {
    std::optional<Ipv4Address> group;
    std::string interface;
};

}  // namespace fanout::igmp
