// The PIM-SM subsystem (RFC 7761 4.1-4.2, 4.5, 4.7, 4.8), owned by PimCore: the TIB, local membership, the
// join/prune state machines, RP mapping / SSM, RPF tracking and the kernel forwarding entries.
//
// How it runs: every input (a received Join/Prune, a membership record, a route change, a kernel upcall, a
// neighbor event, a timer) changes some per-entry state through the state machine that owns it (one file per
// machine: fsm_downstream_star_g.cpp 4.5.1, fsm_downstream_sg.cpp 4.5.2, fsm_downstream_sg_rpt.cpp 4.5.3,
// fsm_upstream_star_g.cpp 4.5.4, fsm_upstream_sg.cpp 4.5.5, fsm_upstream_sg_rpt.cpp 4.5.6/4.5.7), then the
// group it touched is re-evaluated (recompute_group): the macros (macros.hpp) decide JoinDesired /
// PruneDesired / RPF' and the upstream machines take the resulting transitions, the forwarding entries (4.2)
// are recomputed and handed to MfcSync, and idle entries are collected. Messages queued by the machines are
// packed and sent at the end of the input (JoinPruneTx).
//
// Assert (4.6): the Assert module (assert.hpp) is a member; SparseMode gives it the 4.6.1/4.6.2 macros
// (AssertMacros: CouldAssert, AssertTrackingDesired, RP(G)) and hears its changes (AssertListener): a changed
// winner / lost_assert / I_Am_Assert_Loser re-evaluates the group (olists, RPF', the MFC), and A6 sets the
// SPTbit. The macros read assert state through AssertQueryView (set_asserts). The other direction: WRONGVIF
// upcalls go to Assert::handle_upcall, a Join received on I while I am Assert Loser goes to
// Assert::join_received, and every re-evaluation of a group re-evaluates its assert entries (route, RP and
// neighbor changes: all of them). Assert changes that happen while a group is being re-evaluated are queued
// and handled once it is done (no re-entrant recompute), at the latest by finish().
//
// Register (4.4, sparse_mode_register.cpp): RegisterDr and RegisterRp are members and SparseMode is their
// RegisterHost. Every re-evaluation of a group re-evaluates the DR register machines of the group (KAT
// start/expiry, RP, DR and RPF changes all re-evaluate groups) before the forwarding entries are computed:
// desired_entry() adds the register VIF to the (S,G) olist while register_vif_wanted(S,G). At the RP the
// (S,G) entry's iif is the register VIF (the kernel re-injects decapsulated Registers there) until the
// SPTbit is set. WHOLEPKT upcalls go to RegisterDr::whole_packet. The register VIF is added when the first
// PIM interface comes up.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"
#include "common/packet/pim_join_prune.hpp"
#include "pimd/core/assert.hpp"
#include "pimd/core/assert_query.hpp"
#include "pimd/core/join_prune_tx.hpp"
#include "pimd/core/keepalive.hpp"
#include "pimd/core/kernel_events.hpp"
#include "pimd/core/local_membership.hpp"
#include "pimd/core/macros.hpp"
#include "pimd/core/mfc_sync.hpp"
#include "pimd/core/pim_dispatch.hpp"
#include "pimd/core/pim_observer.hpp"
#include "pimd/core/register_dr.hpp"
#include "pimd/core/register_rp.hpp"
#include "pimd/core/rib_view.hpp"
#include "pimd/core/rp_set.hpp"
#include "pimd/core/rpf_tracker.hpp"
#include "pimd/core/tib.hpp"

namespace fanout::pim {

class PimCore;

// A unicast route changed (RibLookup's route monitor): RPF answers inside prefix may have moved.
struct RouteChanged {
    Ipv4Prefix prefix;
};

// How long a negative kernel entry (an (S,G) nobody wants) stays before it is re-checked / removed.
inline constexpr Duration kNegativeEntryLifetime = std::chrono::seconds(30);
// MfcSync budget per input; the rest is flushed on later timer turns.
inline constexpr size_t kMfcFlushBudget = 1000;
// Work of one turn of a full re-evaluation (a neighbor, the DR, an interface or the config changed), counted
// in groups plus their (S,G) entries and kernel flows: beyond it the remaining groups are re-evaluated on
// later loop turns, so hellos, Join/Prunes and upcalls are served in between (about 10-20 ms of work).
inline constexpr size_t kRecomputeBudget = 2000;

struct SparseModeCounters {
    uint64_t jp_rx = 0;              // Join/Prune messages processed
    uint64_t jp_rx_for_us = 0;       // ... whose upstream neighbor is us
    uint64_t jp_rx_seen = 0;         // ... addressed to another router (suppression / override)
    uint64_t jp_rx_ignored = 0;      // entries ignored (SSM (*,G), bad group, wrong flags)
    uint64_t transitions = 0;        // state machine transitions
    uint64_t unexpected_events = 0;  // (state, event) pairs the RFC tables do not list
    uint64_t upcalls_nocache = 0;
    uint64_t upcalls_wrongvif = 0;
    uint64_t negative_entries = 0;  // negative MFC entries installed
    uint64_t spt_switches = 0;      // SPTbit set
    uint64_t sg_limit_drops = 0;    // (S,G), (S,G,rpt) or kernel flow not created: max_sg_entries reached
    uint64_t rpt_discoveries = 0;   // sources learned from the (*,G) kernel entry (its WHOLEPKT / WRONGVIF)
    uint64_t rpt_copies = 0;        // later WHOLEPKT copies from it, before the source's own entry was in
};

// One (S,G) the kernel asked about (NOCACHE) or forwards: the forwarding computation covers it.
struct KernelFlow {
    int arrival_vif = -1;
    TimePoint since;
    TimerHandle recheck;  // negative entries: removed when it fires
};

// The register modules' settings out of the router configuration (sparse_mode_register.cpp).
RegisterDrConfig register_dr_config(const PimConfig& c);
RegisterRpConfig register_rp_config(const PimConfig& c);

// What a state machine line in the debug log is about: (S,G) or (*,G), formatted only when the line is
// written (the machines run for every re-evaluated entry; the log is usually off).
struct FsmKey {
    FsmKey(const SGKey& k) : sg(k) {}  // NOLINT(google-explicit-constructor): call sites pass the key itself
    FsmKey(StarGKey k) : sg{Ipv4Address{}, k.group}, star_g(true) {}  // NOLINT(google-explicit-constructor)
    std::string to_string() const { return star_g ? StarGKey{sg.group}.to_string() : sg.to_string(); }
    SGKey sg;
    bool star_g = false;
};

class SparseMode final : public PimObserver,
                         private RouterView,
                         private AssertMacros,
                         private AssertListener,
                         private RegisterHost {
  public:
    explicit SparseMode(PimCore& core);
    ~SparseMode() override;
    SparseMode(const SparseMode&) = delete;
    SparseMode& operator=(const SparseMode&) = delete;

    // Inputs.
    RxOutcome receive_join_prune(const PimRxContext& ctx);
    void handle(const MembershipChanged& ev);
    void handle(const RouteChanged& ev);
    // An interface went down or away, or lost an address: RPF answers through it are looked up again.
    void interface_lost(int ifindex);
    void handle(const KernelUpcall& ev);
    // Upcalls read together (one mroute socket read): each affected group is re-evaluated once, at the end.
    void handle(std::span<const KernelUpcall> batch);
    void config_changed();
    // Register (4.4.1 Register-Stop at the DR, 4.4.2 Register at the RP).
    RxOutcome receive_register(const PimRxContext& ctx);
    RxOutcome receive_register_stop(const PimRxContext& ctx);
    // Samples the kernel counters of every forwarded (S,G) (KAT, SPT threshold). Runs every
    // kTrafficSampleInterval once a counter source is set (set_counter_source), or when called.
    void sample_traffic();
    // MSDP (RFC 3618 section 6, sparse_mode_msdp.cpp): an SA-learned (S,G) for a group with (*,G) receivers:
    // create (S,G) marked M with its KeepaliveTimer running, so JoinDesired(S,G) joins toward S; active =
    // false when the SA left the cache (the mark is cleared; the KAT then runs out unless data keeps it).
    void msdp_sa_learned(const SGKey& sg, bool active);
    // `clear ip mroute [G]` (pim_events.hpp ClearMroutes, sparse_mode_forwarding.cpp): returns the number of
    // kernel entries deleted.
    size_t clear_mroutes(std::optional<Ipv4Address> group);
    static constexpr Duration kTrafficSampleInterval = std::chrono::seconds(2);

    // Wiring.
    void set_rib(RibView* rib) { rib_proxy_.target = rib; }
    void set_counter_source(CounterSource* c);
    void set_asserts(const AssertQuery* a) { asserts_ = a ? a : &no_asserts_; }
    size_t flush_mfc(size_t budget) { return mfc_.flush(budget); }

    // PimObserver.
    void on_interface_up(const PimInterface& i) override;
    void on_interface_down(const PimInterface& i) override;
    void on_neighbor_up(const PimInterface& i, const Neighbor& n) override;
    void on_neighbor_down(const PimInterface& i, Ipv4Address primary, NeighborDownReason r) override;
    void on_neighbor_restarted(const PimInterface& i, const Neighbor& n) override;
    void on_dr_changed(const PimInterface& i, Ipv4Address old_dr, Ipv4Address new_dr) override;

    // State.
    const Tib& tib() const { return tib_; }
    const LocalMembership& membership() const { return members_; }
    const RpSet& rp_set() const { return rp_set_; }
    const RpfTracker& rpf() const { return tracker_; }
    const MfcSync& mfc() const { return mfc_; }
    const std::map<SGKey, KernelFlow>& flows() const { return flows_; }
    const SparseModeCounters& counters() const { return counters_; }
    const Assert& asserts() const { return assert_; }
    const JoinPruneTxCounters& tx_counters() const { return tx_.counters(); }
    const RegisterDr& register_dr() const { return register_dr_; }
    const RegisterRp& register_rp() const { return register_rp_; }
    MacroInputs macro_inputs() const override { return MacroInputs{tib_, members_, *asserts_, *this}; }
    const RouterView& router_view() const { return *this; }
    TimePoint now() const;

    // Downstream machine events (4.5.1-4.5.3).
    enum class DsEvent : uint8_t {
        kReceiveJoin,
        kReceivePrune,
        kPrunePendingTimerExpires,
        kExpiryTimerExpires
    };
    enum class RptEvent : uint8_t {
        kReceiveJoinStarG,
        kReceiveJoinSGRpt,
        kReceivePruneSGRpt,
        kEndOfMessage,
        kPrunePendingTimerExpires,
        kExpiryTimerExpires,
    };
    // Upstream "see" events on a LAN (4.5.4-4.5.7): a J/P to another router seen on interface I.
    enum class SeenKind : uint8_t { kJoinStarG, kPruneStarG, kJoinSG, kPruneSG, kJoinSGRpt, kPruneSGRpt };

  private:
    // RouterView.
    bool i_am_dr(int ifindex) const override;
    std::optional<Ipv4Address> rp(Ipv4Address group) const override;
    bool is_local_address(Ipv4Address a) const override;
    int rpf_interface(Ipv4Address x) const override;
    std::optional<Ipv4Address> mrib_neighbor(Ipv4Address x) const override;
    bool directly_connected(Ipv4Address s) const override;  // RouterView and RegisterHost

    // RegisterHost (sparse_mode_register.cpp).
    std::optional<RpfRoute> unicast_route(Ipv4Address dst) override;
    std::optional<Ipv4Address> interface_address(int ifindex) const override;
    void register_vif_changed(const SGKey& sg) override;
    void register_learned(const SGKey& sg, std::optional<Duration> keepalive) override;
    void apply_register_config();
    void ensure_register_vif();
    bool i_am_rp(Ipv4Address group) const;

    // AssertMacros (4.6.1, 4.6.2; rp() above serves both).
    bool could_assert(const SGKey& sg, int ifindex) const override;
    bool assert_tracking_desired(const SGKey& sg, int ifindex) const override;
    bool could_assert(const StarGKey& g, int ifindex) const override;
    bool assert_tracking_desired(const StarGKey& g, int ifindex) const override;
    // AssertListener.
    void on_assert_changed(const SGKey& sg, int ifindex) override;
    void on_assert_changed(const StarGKey& g, int ifindex) override;
    void on_assert_a6(const SGKey& sg, int ifindex) override;
    void assert_changed(Ipv4Address group);
    void drain_assert_changes();
    void reevaluate_asserts(Ipv4Address group, const std::set<Ipv4Address>& sources);

    // fsm_downstream_*.cpp
    void ds_star_g(Ipv4Address group, int ifindex, DsEvent ev, uint16_t holdtime_s);
    void ds_sg(const SGKey& sg, int ifindex, DsEvent ev, uint16_t holdtime_s);
    void ds_sg_rpt(const SGKey& sg, int ifindex, RptEvent ev, uint16_t holdtime_s);
    // The shared (*,G)/(S,G) table (they are identical): returns the new state's name for the log.
    void ds_transition(DownstreamJP& st, FsmKey what, Ipv4Address group, const SGKey* sg, int ifindex,
                       DsEvent ev, uint16_t holdtime_s);
    TimerHandle expiry_timer(uint16_t holdtime_s, TimerService::Callback cb);
    Duration prune_pending_value(int ifindex) const;
    void send_prune_echo(int ifindex, Ipv4Address group, const packet::EncodedSource& s);

    // fsm_upstream_*.cpp
    void update_upstream_star_g(Ipv4Address group);
    void update_upstream_sg(const SGKey& sg);
    void update_upstream_sg_rpt(const SGKey& sg);
    void star_g_join_timer_expired(Ipv4Address group);
    void sg_join_timer_expired(const SGKey& sg);
    void sg_rpt_override_expired(const SGKey& sg);
    void send_star_g_join(StarGEntry& e);  // Join(*,G) + the (S,G,rpt) prunes of 4.5.6
    bool rpt_prune_in_join(const SGKey& sg);
    void seen(int ifindex, Ipv4Address target, Ipv4Address group, Ipv4Address source, SeenKind kind,
              uint16_t holdtime_s);
    void increase_join_timer(UpstreamJP& up, int ifindex, uint16_t holdtime_s, TimerService::Callback cb);
    void decrease_join_timer(UpstreamJP& up, int ifindex, TimerService::Callback cb);
    void sg_rpt_seen(const SGKey& sg, int ifindex, Ipv4Address target, SeenKind kind);
    void neighbor_restarted(int ifindex, Ipv4Address nbr);
    TimerHandle join_timer(Duration after, TimerService::Callback cb);
    Duration t_override(int ifindex) const;

    // join_prune_rx.cpp
    void process_group_for_us(int ifindex, uint16_t holdtime, const packet::JoinPruneGroup& g,
                              std::set<SGKey>& eom);
    void process_group_seen(int ifindex, Ipv4Address target, uint16_t holdtime,
                            const packet::JoinPruneGroup& g);

    // sparse_mode_forwarding.cpp (4.2)
    void update_forwarding(Ipv4Address group);
    void update_forwarding(Ipv4Address group, const std::set<Ipv4Address>& only);
    void forward_source(const SGKey& sg);
    std::optional<MfcEntry> desired_entry(const SGKey& sg) const;
    // The (*,G) kernel entry (4.2 for sources without source-specific state; see sparse_mode_forwarding.cpp).
    std::optional<MfcEntry> desired_star_entry(Ipv4Address group) const;
    bool needs_source_entry(const SGKey& sg, bool star, const std::set<Ipv4Address>& excluded) const;
    // What an upcall caused by the (*,G) kernel entry means: a new source (its NOCACHE, with the arrival
    // VIF), a later copy of one already learned, or nothing to do with it.
    enum class RptUpcall : uint8_t { kOther, kDiscovery, kCopy };
    RptUpcall classify_rpt_upcall(const KernelUpcall& ev, int& arrival_vif) const;
    void handle_one(const KernelUpcall& ev);
    void handle_upcalls(std::span<const KernelUpcall> batch);  // after the (*,G) ones were converted
    void update_sptbit(const SGKey& sg, int iif);
    void sptbit_for_flows(Ipv4Address group);
    void restart_keepalive(SGEntry& e);
    void restart_keepalive(SGEntry& e, Duration period);
    void schedule_sampling();
    void keepalive_expired(const SGKey& sg);
    // NOCACHE (4.2, 4.2.1) in two halves: the flow, KeepaliveTimer and Update_SPTbit, then (after the (S,G)
    // was re-evaluated) Update_SPTbit once more for data that arrived on RPF_interface(S).
    struct PendingNoCache {
        SGKey sg;
        int arrival = 0;
        bool on_spt_path = false;
    };
    std::optional<PendingNoCache> nocache_begin(const KernelUpcall& ev);
    bool nocache_sptbit(const PendingNoCache& p);
    void nocache(const KernelUpcall& ev);
    void nocache_batch(std::span<const KernelUpcall> run);
    KernelFlow& add_flow(const SGKey& sg);
    void erase_flow(const SGKey& sg);
    const std::set<Ipv4Address>& flow_sources(Ipv4Address group) const;
    void wrongvif(const KernelUpcall& ev);
    void flush_mfc_now();
    void rpf_changed(const std::vector<RpfChange>& changes);

    // sparse_mode.cpp
    // JoinsFirst::kYes: the Join/Prune and the kernel entries are sent (finish()) before the group's RPF
    // tracking and assert work (handle(MembershipChanged), sparse_mode.cpp).
    enum class JoinsFirst { kNo, kYes };
    void recompute_group(Ipv4Address group, JoinsFirst joins_first = JoinsFirst::kNo);
    void recompute_group_once(Ipv4Address group, JoinsFirst joins_first = JoinsFirst::kNo);
    void recompute_groups(const std::set<Ipv4Address>& groups);
    // Every group with state is re-evaluated: up to kRecomputeBudget now, the rest on later turns.
    void recompute_all();
    void continue_recompute_all();
    // Find or create an entry within PimConfig::max_sg_entries (nullptr, counted, when the table is full).
    SGEntry* sg_entry(const SGKey& sg);
    SGRptEntry* sg_rpt_entry(const SGKey& sg);
    bool room_for(size_t size);
    void recompute_sources(const std::map<Ipv4Address, std::set<Ipv4Address>>& by_group);
    void recompute_sources_once(Ipv4Address group, const std::set<Ipv4Address>& sources);
    // One source's (S,G) and (S,G,rpt) only, after inputs no other source's macros read: its downstream
    // Expiry and Prune-Pending Timers, its KeepaliveTimer, its SPTbit, a Register or an MSDP SA for it.
    void recompute_source(const SGKey& sg);
    void sync_tracking(Ipv4Address group);
    void track_sources(Ipv4Address group, const std::set<Ipv4Address>& sources);
    void untrack_idle_sources(Ipv4Address group, const std::set<Ipv4Address>& sources);
    void collect_group(Ipv4Address group);
    // End of an input: answer the NOCACHE upcalls (their packets wait in the kernel), send the queued J/Ps,
    // then program the rest of the kernel diff (sparse_mode.cpp).
    void finish();
    void finish_deferred();  // end of a timer callback: same, at the end of this instant
    void transition(const char* machine, FsmKey key, int ifindex, std::string_view from, std::string_view to,
                    std::string_view event);
    void unexpected(const char* machine, FsmKey key, int ifindex, std::string_view state,
                    std::string_view event);
    bool is_ssm(Ipv4Address group) const override { return rp_set_.is_ssm(group); }
    uint16_t holdtime() const;

    struct RibProxy final : RibView {
        RibView* target = nullptr;
        std::optional<RpfRoute> lookup(Ipv4Address a) override {
            return target ? target->lookup(a) : std::nullopt;
        }
    };

    PimCore& core_;
    RibProxy rib_proxy_;
    RpSet rp_set_;
    RpfTracker tracker_;
    MfcSync mfc_;
    JoinPruneTx tx_;
    Tib tib_;
    LocalMembership members_;
    NoAssertState no_asserts_;
    const AssertQuery* asserts_ = &no_asserts_;
    CounterSource* counters_source_ = nullptr;
    TrafficMonitor traffic_;
    std::map<SGKey, KernelFlow> flows_;
    std::map<Ipv4Address, std::set<Ipv4Address>> flows_by_group_;    // group -> sources in flows_
    std::map<Ipv4Address, std::set<Ipv4Address>> programmed_;        // group -> (S,G) handed to MfcSync
    std::map<Ipv4Address, std::set<Ipv4Address>> tracked_by_group_;  // group -> addresses it tracks
    TimerHandle deferred_finish_;
    std::set<Ipv4Address> recompute_pending_;  // groups recompute_all has not reached yet
    Ipv4Address recompute_cursor_;             // the last group it re-evaluated
    TimerHandle recompute_timer_;
    TimerHandle sample_timer_;
    SparseModeCounters counters_;
    // Assert (4.6), after everything it reads; destroyed first.
    Assert assert_;
    AssertQueryView assert_view_{assert_};
    // Register (4.4): after the TIB they read; destroyed before it.
    RegisterDr register_dr_;
    RegisterRp register_rp_;
    int busy_ = 0;  // > 0 while groups are being re-evaluated
    // RP(G) of the group being re-evaluated (the RP set does not change during a re-evaluation).
    struct RpCache {
        bool valid = false;
        Ipv4Address group;
        std::optional<Ipv4Address> rp;
    };
    mutable RpCache rp_cache_;
    std::set<Ipv4Address> assert_changed_groups_;  // queued by AssertListener while busy
};

}  // namespace fanout::pim
