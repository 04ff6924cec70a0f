// Outputs of the IGMP core: a narrow southbound interface. The daemon wiring implements it with the IGMP raw
// socket, the IPC link to pimd and (proxy mode only) the kernel MRT socket; tests record the calls.
//
// Who owns the kernel multicast routing table: pimd in routing mode (ARCHITECTURE.md). In RFC 4605 proxy mode
// pimd does not run on the proxy's interfaces, so igmpd itself owns the MRT table: it adds a VIF for the
// upstream and for every downstream interface, and answers each NOCACHE upcall with an MFC entry whose
// outgoing interfaces come from proxy_forwarding.hpp (proxy_oifs). Membership changes re-program only the
// entries whose outgoing set changed.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/core/ip.hpp"
#include "igmpd/core/source_set.hpp"

namespace fanout::igmp {

// The full membership of one (interface, group): RFC 7761 4.1's local_receiver_include(*,G,I) (EXCLUDE),
// local_receiver_include(S,G,I) (INCLUDE {S...}) and local_receiver_exclude(S,G,I) (the EXCLUDE list), from
// the router-side state of RFC 3376 6.4 merged with the static configuration. INCLUDE {} = no receivers.
struct MembershipRecord {
    int ifindex = 0;
    std::string ifname;
    Ipv4Address group;
    FilterMode mode = FilterMode::kInclude;
    SourceSet sources;
    bool empty() const { return mode == FilterMode::kInclude && sources.empty(); }
    bool operator==(const MembershipRecord&) const = default;
};

struct ProxyVif {
    int vif_index = -1;
    int ifindex = 0;
    Ipv4Address local_address;
    std::string name;
    bool operator==(const ProxyVif&) const = default;
};

// MRT_ADD_MFC for (S,G) arriving on iif, forwarded out of oifs (ifindexes and their VIFs, sorted by ifindex).
// An empty oif list is a negative entry (stops further upcalls).
struct ProxyMfc {
    SGKey sg;
    int iif = 0;
    int iif_vif = -1;
    std::vector<int> oifs;
    std::vector<int> oif_vifs;
    bool operator==(const ProxyMfc&) const = default;
};

class IgmpActions {
  public:
    virtual ~IgmpActions() = default;
    // One encoded IGMP message (checksum included, no IP header) to send out of ifindex from src to dst with
    // TTL 1, TOS 0xc0 and Router Alert (packet::encode_igmp_packet builds that IP packet). Bytes are valid
    // only during the call.
    virtual void send_igmp(int ifindex, Ipv4Address src, Ipv4Address dst,
                           std::span<const uint8_t> message) = 0;
    // The membership of (interface, group) changed: the complete new record (INCLUDE {} when it ended).
    virtual void membership_changed(const MembershipRecord& record) = 0;
    // Proxy mode only.
    virtual void vif_add(const ProxyVif&) {}
    virtual void vif_del(const ProxyVif&) {}
    virtual void mfc_set(const ProxyMfc&) {}
    virtual void mfc_del(const SGKey&) {}
};

}  // namespace fanout::igmp
