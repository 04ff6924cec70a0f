// IGMP proxy forwarding, RFC 4605 4.2: "A router forwards packets received on its upstream interface to each
// downstream interface based upon the downstream interface's subscriptions and whether or not this router is
// the IGMP/MLD Querier on each interface. A router forwards packets received on any downstream interface to
// the upstream interface, and to each downstream interface other than the incoming interface based upon the
// downstream interfaces' subscriptions and whether or not this router is the IGMP/MLD Querier on each
// interface."
//
// Decision (see igmp_actions.hpp): in proxy mode igmpd owns the kernel MRT table. The core adds a VIF per
// proxy interface (upstream, alternate upstream, downstreams) and answers NOCACHE upcalls with MFC entries
// whose outgoing set is proxy_oifs(); membership and querier changes re-program only entries whose set
// changed.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <vector>

#include "common/core/ip.hpp"
#include "igmpd/core/igmp_actions.hpp"
#include "igmpd/core/source_set.hpp"

namespace fanout::igmp {

// Linux MAXVIFS.
inline constexpr int kProxyMaxVifs = 32;

struct DownstreamView {
    int ifindex = 0;
    bool querier = false;    // we are the querier there (only the querier forwards onto a link)
    FilterState membership;  // its exported membership for the group
};

// The outgoing interfaces (sorted ifindexes) for (source, group) arriving on iif. upstream = 0 when no
// upstream is active. Link-local groups (224.0.0.0/24) are never forwarded.
std::vector<int> proxy_oifs(Ipv4Address source, Ipv4Address group, int iif, int upstream,
                            std::span<const DownstreamView> downstreams);

// VIF numbers for the proxy's interfaces (lowest free index first).
class ProxyVifTable {
  public:
    // The VIF of ifindex, allocating one; nullopt when all kProxyMaxVifs are in use.
    std::optional<int> allocate(int ifindex);
    // Frees the VIF of ifindex; returns it (nullopt when it had none).
    std::optional<int> release(int ifindex);
    std::optional<int> find(int ifindex) const;
    const std::map<int, int>& by_ifindex() const { return by_ifindex_; }

  private:
    std::map<int, int> by_ifindex_;
};

}  // namespace fanout::igmp
