// Join/Prune sending, RFC 7761 4.5.4-4.5.7 (what is sent, triggered and periodic) and 4.9.5 (the message):
// entries queued during one event (or one burst of timers at the same instant) are grouped per (interface,
// upstream neighbor) and per group, then packed into as few messages as the interface MTU allows with the
// codec's packer (common/packet/pim_join_prune.hpp split_join_prune: a group carrying a (*,G) Join or
// (S,G,rpt) Prunes is never split across messages when it fits, keeping 4.5.3 End-of-Message semantics).
//
// Messages go to ALL-PIM-ROUTERS with the upstream neighbor in the Upstream Neighbor Address field, Holdtime
// J/P_Holdtime (4.11: 3.5 * t_periodic = 210 s by default), after PimInterface::ensure_hello_sent() (4.3.1).
// A Prune-Echo (4.5.1) is a Prune whose upstream neighbor is our own address on the interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <utility>

#include "common/core/ip.hpp"
#include "common/packet/pim_address.hpp"

namespace fanout::pim {

class PimCore;

struct JoinPruneTxCounters {
    uint64_t messages = 0;
    uint64_t joins = 0;     // source entries in Joined lists
    uint64_t prunes = 0;    // source entries in Pruned lists
    uint64_t not_sent = 0;  // queued for an interface that is down or gone
};

// Encoded-source forms of the four entry kinds (4.9.5.1: S bit always 1 for PIM-SM).
packet::EncodedSource star_g_source(Ipv4Address rp);  // (*,G): the RP, W=1 R=1
packet::EncodedSource sg_source(Ipv4Address s);       // (S,G): W=0 R=0
packet::EncodedSource sg_rpt_source(Ipv4Address s);   // (S,G,rpt): W=0 R=1

class JoinPruneTx {
  public:
    explicit JoinPruneTx(PimCore& core) : core_(core) {}

    void add_join(int ifindex, Ipv4Address upstream, Ipv4Address group, const packet::EncodedSource& s);
    void add_prune(int ifindex, Ipv4Address upstream, Ipv4Address group, const packet::EncodedSource& s);
    bool empty() const { return pending_.empty(); }
    // Sends everything queued; returns the number of messages sent.
    size_t flush();
    const JoinPruneTxCounters& counters() const { return counters_; }

  private:
    struct GroupLists {
        std::set<packet::EncodedSource> joins;
        std::set<packet::EncodedSource> prunes;
    };
    using Target = std::pair<int, Ipv4Address>;  // (ifindex, upstream neighbor)

    PimCore& core_;
    std::map<Target, std::map<Ipv4Address, GroupLists>> pending_;
    JoinPruneTxCounters counters_;
};

}  // namespace fanout::pim
