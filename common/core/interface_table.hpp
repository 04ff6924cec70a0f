// A pure model of the host's interfaces (links and their IPv4 addresses), fed by the system layer (netlink
// RTM_NEWLINK/RTM_DELLINK/RTM_NEWADDR/RTM_DELADDR in common/sys/interface_source) and reusable by the cores.
// Every mutation returns the list of changes it caused (link added/changed/removed, address added/removed),
// with the old and new view of the interface, so callers turn them into InterfaceChanged/AddressChanged
// events. A full snapshot (after a netlink overrun) is applied with replace_all(), which diffs it against the
// model.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/ip.hpp"

namespace fanout {

struct InterfaceAddress {
    Ipv4Address addr;           // the local address (IFA_LOCAL)
    uint8_t prefix_len = 32;    //
    Ipv4Address peer;           // the remote end on a point-to-point link (IFA_ADDRESS != IFA_LOCAL), else 0
    bool secondary = false;     // IFA_F_SECONDARY
    Ipv4Prefix prefix() const;  // the subnet (of the peer on point-to-point links)
    bool same_key(const InterfaceAddress& o) const { return addr == o.addr && prefix_len == o.prefix_len; }
    bool operator==(const InterfaceAddress&) const = default;
    std::string to_string() const;  // "10.0.0.1/24", "10.0.0.1 peer 10.0.0.2/32", "... secondary"
};

struct InterfaceInfo {
    int ifindex = 0;
    std::string name;
    bool admin_up = false;        // IFF_UP
    bool oper_up = false;         // IFF_RUNNING or IFF_LOWER_UP (carrier)
    bool multicast = false;       // IFF_MULTICAST
    bool loopback = false;        // IFF_LOOPBACK
    bool point_to_point = false;  // IFF_POINTOPOINT
    uint32_t mtu = 0;
    std::vector<InterfaceAddress> addrs;  // primaries first, in kernel order

    // The first primary (non-secondary) address, else the first address, else nothing.
    std::optional<InterfaceAddress> primary_address() const;
    // Up (admin and oper) with at least one address: what IGMP and PIM need to run on it.
    bool usable() const { return admin_up && oper_up && !addrs.empty(); }
    // True if addr is one of this interface's local addresses.
    bool has_address(Ipv4Address addr) const;
    // Same link attributes (everything except addrs).
    bool same_link(const InterfaceInfo& o) const;
    bool operator==(const InterfaceInfo&) const = default;
};

enum class InterfaceChangeKind : uint8_t {
    kLinkAdded,
    kLinkChanged,  // name, flags or MTU changed (old_info and new_info differ in link attributes)
    kLinkRemoved,
    kAddressAdded,
    kAddressRemoved,
};
std::string_view to_string(InterfaceChangeKind k);

struct InterfaceChange {
    InterfaceChangeKind kind = InterfaceChangeKind::kLinkAdded;
    int ifindex = 0;
    std::optional<InterfaceInfo> old_info;  // before the change (absent for kLinkAdded)
    std::optional<InterfaceInfo> new_info;  // after the change (absent for kLinkRemoved)
    InterfaceAddress address;               // for kAddressAdded / kAddressRemoved
};

class InterfaceTable {
  public:
    // Adds or updates a link from a link message: `link.addrs` is ignored, the known addresses are kept.
    std::vector<InterfaceChange> upsert_link(const InterfaceInfo& link);
    // Removes a link; its addresses go with it (reported as one kLinkRemoved whose old_info holds them).
    std::vector<InterfaceChange> remove_link(int ifindex);
    // Adds an address, or replaces one with the same address and prefix length whose flags or peer changed
    // (reported as removed then added). An address on an unknown ifindex is ignored and counted.
    std::vector<InterfaceChange> add_address(int ifindex, const InterfaceAddress& a);
    std::vector<InterfaceChange> remove_address(int ifindex, const InterfaceAddress& a);
    // Makes the table equal to `snapshot` (complete links with their addresses), reporting the difference.
    std::vector<InterfaceChange> replace_all(const std::vector<InterfaceInfo>& snapshot);

    const InterfaceInfo* find(int ifindex) const;
    const InterfaceInfo* find(std::string_view name) const;
    // The interface holding addr as a local address, if any.
    const InterfaceInfo* find_by_address(Ipv4Address addr) const;
    // The interface with a connected subnet containing addr (a directly attached neighbor), if any.
    const InterfaceInfo* find_connected(Ipv4Address addr) const;
    std::vector<InterfaceInfo> all() const;  // by ifindex
    size_t size() const { return by_index_.size(); }
    uint64_t orphan_addresses() const { return orphan_addresses_; }

  private:
    std::map<int, InterfaceInfo> by_index_;
    uint64_t orphan_addresses_ = 0;
};

}  // namespace fanout
