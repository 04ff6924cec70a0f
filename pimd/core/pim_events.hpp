// Inputs of the PIM core (see shared/ARCHITECTURE.md: "core.handle(event)"). Timer expiries are not events
// here: they arrive as TimerService callbacks owned by the state that armed them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/core/ip.hpp"
#include "pimd/core/pim_config.hpp"

namespace fanout::pim {

// One local address with its prefix length ("198.19.12.1/24": addr keeps its host bits).
struct IfAddress {
    Ipv4Address addr;
    uint8_t prefix_len = 32;
    Ipv4Prefix subnet() const { return Ipv4Prefix(addr, prefix_len); }
    bool operator==(const IfAddress&) const = default;
};

// A received PIM message: the IP payload (PIM header onwards) with the IP source/destination and the
// interface it arrived on. The core verifies and decodes it.
struct RxPim {
    int ifindex = 0;
    Ipv4Address src;
    Ipv4Address dst;
    std::span<const uint8_t> payload;
};

// A link appeared or changed (flags, MTU, addresses). addresses[0] is the primary address (the source of
// every PIM message on the link); the rest are secondaries (announced in the Hello Address List option).
struct InterfaceChanged {
    int ifindex = 0;
    std::string name;
    bool up = false;  // admin up and carrier
    bool multicast = true;
    bool loopback = false;
    uint32_t mtu = 1500;
    std::vector<IfAddress> addresses;
};

struct InterfaceRemoved {
    int ifindex = 0;
};

// A new configuration (reload). The core diffs it against the current one.
struct ConfigChanged {
    PimConfig config;
};

// Operator `clear ip mroute [G]`: the kernel MFC entries PIM installed for group (every group when unset) are
// deleted, and what the PIM state still wants is installed again within the same input; an (S,G) known only
// from data (a NOCACHE flow without TIB state) comes back with its next packet. Static mroutes stay.
struct ClearMroutes {
    std::optional<Ipv4Address> group;
};

}  // namespace fanout::pim
