// RPF answers for the addresses the PIM state depends on (sources S, RP addresses), cached and tracked
// (RFC 7761 4.5: "RPF'(S,G)", "RPF'(*,G)" and the MRIB next hop; 4.6.1/4.6.2: the route's metric_preference
// and route_metric are what spt_assert_metric / rpt_assert_metric advertise).
//
// - track(addr) takes a reference on addr (resolving it on first use through RibView); untrack drops it.
//   Every tracked address has exactly one cached answer.
// - An address whose last reference goes is kept, idle, among the kMaxIdle most recently dropped ones, and
//   its answer is kept up to date like a tracked one's (silently): a receiver that joins again, or a source
//   that starts again, is answered without a RIB lookup (a netlink round trip in the daemon, on the path from
//   the IGMP report to the first packet). Idle addresses are invisible to find(), size() and the changes.
// - route_changed(prefix) re-resolves only the tracked addresses inside prefix and returns those whose answer
//   changed, so the TIB moves only the joins that need moving (an overrun of the route monitor is reported as
//   a change of 0.0.0.0/0: everything is re-resolved).
// - The Linux FIB has no administrative distance: the assert metric preference is taken from a configurable
//   PreferenceTable keyed by route protocol (connected 0, static/kernel/boot 1, eBGP 20 (iBGP would be 200:
//   the kernel cannot tell them apart), EIGRP 90, Babel 100, OSPF 110, IS-IS 115, RIP 120, anything else 255)
//   - the same defaults as common/sys/rib_lookup.hpp's default_metric_preference().
// This is the only caller of RibView.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "common/core/ip.hpp"
#include "pimd/core/rib_view.hpp"

namespace fanout::pim {

struct PreferenceTable {
    uint32_t connected = 0;
    std::map<uint8_t, uint32_t> by_protocol;  // rtprot::* -> preference
    uint32_t other = 255;                     // any protocol not in by_protocol

    static PreferenceTable defaults();
    uint32_t preference_for(const RpfRoute& r) const;
    bool operator==(const PreferenceTable&) const = default;
};

// One tracked address whose answer changed.
struct RpfChange {
    Ipv4Address address;
    std::optional<RpfRoute> old_route;
    std::optional<RpfRoute> new_route;
    // The RPF interface or next hop changed (or reachability): joins must move.
    bool next_hop_changed = false;
    // Only the metric or preference changed: the assert metric changed, joins stay.
    bool metric_changed = false;
};

struct RpfTrackerCounters {
    uint64_t lookups = 0;          // RibView::lookup calls
    uint64_t route_changes = 0;    // route_changed() calls
    uint64_t interfaces_lost = 0;  // interface_lost() calls
    uint64_t re_resolutions = 0;   // addresses re-resolved by route_changed() / interface_lost()
    uint64_t answers_changed = 0;  // RpfChange entries reported
    uint64_t idle_reused = 0;      // track() answered from an idle address (no lookup)
};

class RpfTracker {
  public:
    static constexpr size_t kMaxIdle = 1024;

    explicit RpfTracker(RibView& rib, PreferenceTable prefs = PreferenceTable::defaults());
    RpfTracker(const RpfTracker&) = delete;  // index_ points into entries_
    RpfTracker& operator=(const RpfTracker&) = delete;

    // Takes a reference on addr; resolves it on first use. Returns the current answer (nullopt: unreachable).
    const std::optional<RpfRoute>& track(Ipv4Address addr);
    // Drops one reference (no-op for an untracked address); at zero the address is forgotten.
    void untrack(Ipv4Address addr);

    // The cached answer for a tracked address; nullptr when addr is not tracked.
    const std::optional<RpfRoute>* find(Ipv4Address addr) const;
    // The cached answer (nullopt when unreachable or not tracked).
    std::optional<RpfRoute> route(Ipv4Address addr) const;
    // RPF interface and neighbor (MRIB.next_hop(addr)), when tracked and reachable.
    std::optional<int> rpf_ifindex(Ipv4Address addr) const;
    std::optional<Ipv4Address> rpf_neighbor(Ipv4Address addr) const;

    // A route inside (or covering) the RIB changed: re-resolve the tracked addresses inside prefix.
    std::vector<RpfChange> route_changed(const Ipv4Prefix& prefix);
    // Re-resolves everything (0.0.0.0/0).
    std::vector<RpfChange> refresh_all() { return route_changed(Ipv4Prefix()); }
    // The interface went down, went away or lost an address: re-resolve the addresses routed through it. The
    // kernel removes IPv4 routes through an interface set down (or through a gateway of a removed address)
    // without a route notification, so route_changed() alone would keep their answers.
    std::vector<RpfChange> interface_lost(int ifindex);
    // New preference table: every answer's preference is recomputed; returns the metric changes.
    std::vector<RpfChange> set_preferences(PreferenceTable prefs);
    const PreferenceTable& preferences() const { return prefs_; }

    size_t size() const { return tracked_; }
    size_t idle_size() const { return entries_.size() - tracked_; }
    uint32_t refcount(Ipv4Address addr) const;
    const RpfTrackerCounters& counters() const { return counters_; }

  private:
    struct Entry {
        uint32_t refs = 0;
        std::optional<RpfRoute> route;
        uint64_t idle_since = 0;  // the idle_order_ stamp of its last untrack to zero
    };
    struct IdleSlot {
        Ipv4Address address;
        uint64_t stamp = 0;
    };
    bool live(const IdleSlot& slot) const;
    std::optional<RpfRoute> resolve(Ipv4Address addr);
    // Looks addr up again; a tracked address whose answer changed is added to out.
    void re_resolve(Ipv4Address addr, Entry& e, std::vector<RpfChange>& out);
    Entry* entry(Ipv4Address addr) const;  // tracked or idle (index_)
    const Entry* tracked_entry(Ipv4Address addr) const;

    RibView& rib_;
    PreferenceTable prefs_;
    std::map<Ipv4Address, Entry> entries_;  // tracked and idle; ordered: a prefix is a contiguous range
    // entries_ by hash: every macro evaluation asks for RPF(S) and RPF(RP), several times per new (S,G).
    std::unordered_map<Ipv4Address, Entry*> index_;
    size_t tracked_ = 0;               // entries with refs > 0
    std::deque<IdleSlot> idle_order_;  // when each idle entry went idle, oldest first; stale slots
    uint64_t idle_stamp_ = 0;          // (re-tracked or idle again since) are skipped
    RpfTrackerCounters counters_;
};

}  // namespace fanout::pim
