// pimd's consistent view of igmpd's local membership (fed by IpcServer, see ipc_link.hpp): one entry per
// (ifindex, group) holding the router-side filter state of RFC 3376 6.4, from which RFC 7761 4.1.6's
//   local_receiver_include(*,G,I)  = EXCLUDE mode (any source, possibly with exclusions)
//   local_receiver_include(S,G,I)  = INCLUDE mode and S in the source list
//   local_receiver_exclude(S,G,I)  = EXCLUDE mode and S in the source list
// are read.
//
// Session rules:
// - SnapshotBegin .. SnapshotEnd replaces the table: entries re-sent with the same state are refreshed
// silently
//   (no remove/add flap), changed ones are reported as updated, and at SnapshotEnd the entries the snapshot
//   did not contain are removed.
// - When the peer is lost, every entry is marked stale and kept for stale_timeout (default 260 s: longer than
//   IGMP's Group Membership Interval of 260 s = 2 * 125 s + 10 s, so hosts re-reporting after an igmpd
//   restart never cause a prune). The deadline is set at the first loss after a completed snapshot; a
//   flapping peer does not extend it. Stale entries still count as receivers until they expire.
// - The table is bounded (max_entries); a new entry beyond the bound is dropped and counted.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"
#include "common/sys/ipc_messages.hpp"

namespace fanout::sys {

struct MembershipKey {
    uint32_t ifindex = 0;
    Ipv4Address group;
    auto operator<=>(const MembershipKey&) const = default;
};

struct MembershipEntry {
    std::string ifname;
    uint32_t ifindex = 0;
    Ipv4Address group;
    ipc::FilterMode mode = ipc::FilterMode::kExclude;
    std::vector<Ipv4Address> sources;  // sorted, unique
    bool stale = false;

    // RFC 7761 4.1.6 local_receiver_include(*,G,I).
    bool receiver_include_star_g() const { return mode == ipc::FilterMode::kExclude; }
    // RFC 7761 4.1.6 local_receiver_include(S,G,I).
    bool receiver_include_sg(Ipv4Address s) const {
        return mode == ipc::FilterMode::kInclude && has_source(s);
    }
    // RFC 7761 4.1.6 local_receiver_exclude(S,G,I).
    bool receiver_exclude_sg(Ipv4Address s) const {
        return mode == ipc::FilterMode::kExclude && has_source(s);
    }
    bool has_source(Ipv4Address s) const;
    // Same membership state (ignores staleness).
    bool same_state(const MembershipEntry& o) const {
        return ifname == o.ifname && mode == o.mode && sources == o.sources;
    }
};

enum class MembershipChange { kAdded, kUpdated, kRemoved };
std::string_view to_string(MembershipChange c);

using MembershipListener = std::function<void(MembershipChange, const MembershipEntry&)>;

struct MembershipTableOptions {
    Duration stale_timeout = 260s;
    size_t max_entries = 100000;
};

struct MembershipTableCounters {
    uint64_t added = 0;
    uint64_t updated = 0;
    uint64_t removed = 0;
    uint64_t refreshed = 0;  // re-sent unchanged in a snapshot
    uint64_t snapshots = 0;  // completed
    uint64_t snapshot_count_mismatches = 0;
    uint64_t peer_losses = 0;
    uint64_t stale_expired = 0;  // entries removed by the stale timeout
    uint64_t table_full_drops = 0;
};

class MembershipTable {
  public:
    explicit MembershipTable(TimerService& timers, MembershipTableOptions options = {});

    void set_listener(MembershipListener l) { listener_ = std::move(l); }

    // Inputs (from the IPC server).
    void snapshot_begin();
    void apply(const ipc::Membership& m);
    void apply(const ipc::MembershipRemoved& m);
    void snapshot_end(uint32_t count);
    void peer_lost();

    const MembershipEntry* find(uint32_t ifindex, Ipv4Address group) const;
    const std::map<MembershipKey, MembershipEntry>& entries() const { return entries_; }
    size_t size() const { return entries_.size(); }
    size_t stale_count() const;
    bool in_snapshot() const { return in_snapshot_; }
    bool stale_timer_armed() const { return stale_timer_.armed(); }
    const MembershipTableCounters& counters() const { return counters_; }
    nlohmann::json to_json() const;

  private:
    void remove_key(const MembershipKey& k);
    void notify(MembershipChange c, const MembershipEntry& e);
    void expire_stale();

    TimerService& timers_;
    MembershipTableOptions options_;
    MembershipListener listener_;
    std::map<MembershipKey, MembershipEntry> entries_;
    std::map<MembershipKey, uint64_t> generation_;  // snapshot generation that last confirmed each entry
    uint64_t current_generation_ = 0;
    bool in_snapshot_ = false;
    uint32_t snapshot_received_ = 0;
    TimerHandle stale_timer_;
    MembershipTableCounters counters_;
};

}  // namespace fanout::sys
