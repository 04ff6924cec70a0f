// The Tree Information Base (TIB), RFC 7761 4.1: the PIM-SM multicast routing state of this router.
//
// RFC 7761 4.1.3 ((*,G) state), 4.1.4 ((S,G) state), 4.1.5 ((S,G,rpt) state) list what a router keeps per
// entry; local membership (4.1.2 "Local Membership: State: { NoInfo, Include }") is not stored here but in
// LocalMembership (local_membership.hpp), and assert state belongs to the assert module. Kept here:
//
//   (*,G):      per interface I: Downstream J/P state (NoInfo, Join, Prune-Pending) with Prune-Pending Timer
//               and Join/Prune Expiry Timer; not interface-specific: Upstream J/P state (NotJoined, Joined)
//               with the Join Timer, and the last RP(G) / RPF'(*,G) used (4.5.4 "RPF'(*,G) changes").
//   (S,G):      the same, plus SPTbit, the KeepaliveTimer, a slot for the register state (issue #6) and
//   status
//               flags (C: learned from a Register, N: may notify MSDP, M: learned from MSDP).
//   (S,G,rpt):  per interface I: Downstream (S,G,rpt) state (NoInfo, Pruned, Prune-Pending, PruneTmp,
//               Prune-Pending-Tmp) with Prune-Pending and Expiry Timers; Upstream (S,G,rpt) state
//               (RPTNotJoined(G), Pruned(S,G,rpt), NotPruned(S,G,rpt)) with the Override Timer.
//
// Every per-interface or upstream state is a std::variant whose alternatives own their timers (RAII
// TimerHandles, shared/ARCHITECTURE.md "Timers belong to states"): a transition assigns a new alternative and
// the old one's timers are cancelled with it. Downstream maps hold only interfaces whose state is not NoInfo.
//
// Creation and garbage collection: entries are created by get_or_create() when an event needs state, and
// removed by collect() when nothing is left in them: every downstream state NoInfo, the upstream machine in
// its idle state (NotJoined / RPTNotJoined or NotPruned without a running Override Timer), no KeepaliveTimer,
// no register state and no status flags. The sparse-mode object calls collect() after every event that
// touched an entry, so no stale entry survives a prune or an expiry (shared/INTEROP.md "What breaks" 6).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"
#include "pimd/core/last_lookup.hpp"

namespace fanout::pim {

// ---- downstream per-interface (*,G) and (S,G) state, 4.5.1 / 4.5.2 ----
struct DsNoInfo {};
struct DsJoin {
    TimerHandle expiry;  // Join/Prune Expiry Timer
};
struct DsPrunePending {
    TimerHandle expiry;
    TimerHandle prune_pending;  // Prune-Pending Timer
};
using DownstreamJP = std::variant<DsNoInfo, DsJoin, DsPrunePending>;

enum class DownstreamState : uint8_t { kNoInfo, kJoin, kPrunePending };
std::string_view to_string(DownstreamState s);
DownstreamState state_of(const DownstreamJP& s);

// ---- downstream per-interface (S,G,rpt) state, 4.5.3 ----
struct RptNoInfo {};
struct RptPruned {
    TimerHandle expiry;
};
struct RptPrunePending {
    TimerHandle expiry;
    TimerHandle prune_pending;
};
// The temporary states exist only while a received message is being processed (between a (*,G) Join and
// the End of Message event); they keep the timers of the state they came from.
struct RptPruneTmp {
    TimerHandle expiry;
};
struct RptPrunePendingTmp {
    TimerHandle expiry;
    TimerHandle prune_pending;
};
using DownstreamRpt = std::variant<RptNoInfo, RptPruned, RptPrunePending, RptPruneTmp, RptPrunePendingTmp>;

enum class DownstreamRptState : uint8_t { kNoInfo, kPruned, kPrunePending, kPruneTmp, kPrunePendingTmp };
std::string_view to_string(DownstreamRptState s);
DownstreamRptState state_of(const DownstreamRpt& s);

// ---- upstream (*,G) and (S,G) state, 4.5.4 / 4.5.5 ----
struct UpNotJoined {};
struct UpJoined {
    TimerHandle join_timer;  // Join Timer (JT)
};
using UpstreamJP = std::variant<UpNotJoined, UpJoined>;

enum class UpstreamState : uint8_t { kNotJoined, kJoined };
std::string_view to_string(UpstreamState s);
UpstreamState state_of(const UpstreamJP& s);

// ---- upstream (S,G,rpt) state, 4.5.7 ----
struct RptUpNotJoined {};        // RPTNotJoined(G)
struct RptUpPruned {};           // Pruned(S,G,rpt)
struct RptUpNotPruned {          // NotPruned(S,G,rpt)
    TimerHandle override_timer;  // OT(S,G,rpt); not armed = stopped
};
using UpstreamRpt = std::variant<RptUpNotJoined, RptUpPruned, RptUpNotPruned>;

enum class UpstreamRptState : uint8_t { kRptNotJoined, kPruned, kNotPruned };
std::string_view to_string(UpstreamRptState s);
UpstreamRptState state_of(const UpstreamRpt& s);

// Where an entry's upstream points: RPF_interface and RPF' (0.0.0.0 = NULL: no neighbor).
struct UpstreamTarget {
    int ifindex = 0;  // 0: no route
    Ipv4Address neighbor;
    bool operator==(const UpstreamTarget&) const = default;
};

// ---- entries ----
struct StarGEntry {
    Ipv4Address group;
    TimePoint created;
    std::map<int, DownstreamJP> downstream;  // interfaces not in NoInfo
    UpstreamJP upstream;
    Ipv4Address rp;            // RP(G) the upstream state was computed for (0: none)
    UpstreamTarget rpf;        // RPF_interface(RP(G)), RPF'(*,G) last used
    TimePoint upstream_since;  // when Upstream entered its current state

    StarGKey key() const { return StarGKey{group}; }
    DownstreamState downstream_state(int ifindex) const;
    const DownstreamJP* find_downstream(int ifindex) const;
    bool idle() const;
};

// Opaque register state of an (S,G) (the DR register machine, issue #6): defined by the register module.
struct SGRegisterState;

struct SGFlags {
    bool register_learned = false;  // C: (S,G) learned from a Register at the RP
    bool msdp_notify = false;       // N: may notify MSDP (an SA may be originated)
    bool msdp_learned = false;      // M: learned through an MSDP SA
    bool any() const { return register_learned || msdp_notify || msdp_learned; }
    bool operator==(const SGFlags&) const = default;
};

struct SGEntry {
    SGKey key;
    TimePoint created;
    std::map<int, DownstreamJP> downstream;
    UpstreamJP upstream;
    bool spt_bit = false;                             // SPTbit(S,G)
    TimerHandle keepalive;                            // KeepaliveTimer(S,G); not armed = not running
    std::shared_ptr<SGRegisterState> register_state;  // issue #6; null = none
    SGFlags flags;
    UpstreamTarget rpf;  // RPF_interface(S), RPF'(S,G) last used
    TimePoint upstream_since;

    DownstreamState downstream_state(int ifindex) const;
    const DownstreamJP* find_downstream(int ifindex) const;
    bool keepalive_running() const { return keepalive.armed(); }
    bool idle() const;
};

struct SGRptEntry {
    SGKey key;
    TimePoint created;
    std::map<int, DownstreamRpt> downstream;  // interfaces not in NoInfo
    UpstreamRpt upstream;

    DownstreamRptState downstream_state(int ifindex) const;
    bool idle() const;
};

class Tib {
  public:
    Tib() = default;
    Tib(const Tib&) = delete;  // the lookup memos and sg_index_ point into this object's maps
    Tib& operator=(const Tib&) = delete;

    // Lookups (nullptr when absent).
    StarGEntry* find(StarGKey k);
    const StarGEntry* find(StarGKey k) const;
    SGEntry* find(const SGKey& k);
    const SGEntry* find(const SGKey& k) const;
    SGRptEntry* find_rpt(const SGKey& k);
    const SGRptEntry* find_rpt(const SGKey& k) const;

    StarGEntry& get_or_create(StarGKey k, TimePoint now);
    SGEntry& get_or_create(const SGKey& k, TimePoint now);
    SGRptEntry& get_or_create_rpt(const SGKey& k, TimePoint now);

    // Every source S with an (S,G) or (S,G,rpt) entry for group g, ascending; and how many there are.
    std::vector<Ipv4Address> sources_of(Ipv4Address group) const;
    size_t source_count(Ipv4Address group) const;
    // Every group with an (S,G) or (S,G,rpt) entry for source s, ascending.
    std::vector<Ipv4Address> groups_of(Ipv4Address source) const;
    // Every group with any entry ((*,G), (S,G) or (S,G,rpt)), ascending.
    std::vector<Ipv4Address> groups() const;

    // Removes the entry if idle(); true when removed.
    bool collect(StarGKey k);
    bool collect(const SGKey& k);
    bool collect_rpt(const SGKey& k);
    // Collects every idle entry of group g (all three kinds); returns how many were removed.
    size_t collect_group(Ipv4Address group);

    const std::map<Ipv4Address, StarGEntry>& star_g() const { return star_g_; }
    const std::map<SGKey, SGEntry>& sg() const { return sg_; }
    const std::map<SGKey, SGRptEntry>& sg_rpt() const { return sg_rpt_; }
    size_t size() const { return star_g_.size() + sg_.size() + sg_rpt_.size(); }
    bool empty() const { return size() == 0; }

  private:
    void index_add(const SGKey& k);
    void index_remove(const SGKey& k);  // when neither (S,G) nor (S,G,rpt) remains

    std::map<Ipv4Address, StarGEntry> star_g_;
    std::map<SGKey, SGEntry> sg_;  // ordered by (source, group): a source's entries are one range
    // find(SGKey) by hash: a burst of new sources looks up every new (S,G) several times, and a tree walk
    // over 10k entries was the core's costliest lookup. Map nodes are stable; insert and erase maintain it.
    std::unordered_map<SGKey, SGEntry*> sg_index_;
    std::map<SGKey, SGRptEntry> sg_rpt_;
    std::map<Ipv4Address, std::set<Ipv4Address>> sources_by_group_;
    // The macros' repeated lookups (last_lookup.hpp), forgotten on every insert and erase of their map.
    mutable LastLookup<Ipv4Address, StarGEntry> last_star_g_;
    mutable LastLookup<SGKey, SGRptEntry> last_sg_rpt_;
};

}  // namespace fanout::pim
