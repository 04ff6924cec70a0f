// PIM-SM Assert (RFC 7761 4.6): per-interface (S,G) and (*,G) assert state, AssertTimer, AssertCancel.
//  4.6.1 (S,G) Assert Message State Machine      -> fsm_assert_sg.cpp (transition table at its top)
//  4.6.2 (*,G) Assert Message State Machine      -> fsm_assert_star_g.cpp
//  4.6.3 Assert Metrics                          -> assert_metric.hpp
//  4.6.4 AssertCancel Messages: sent on W -> NI when CouldAssert becomes false (A4)
//  4.6.5 Assert State Macros: lost_assert(S,G,I), lost_assert(*,G,I), lost_assert(S,G,rpt,I), AssertWinner
//  4.11 Assert_Time 180 s, Assert_Override_Interval 3 s.
// (The RFC text was not available in the local corpus; the sections are quoted from RFC 7761 as known.)
//
// Inputs: received Assert messages (handler for PimType::kAssert, registered by the constructor; bytes after
// the Metric are accepted), WRONGVIF / WRVIFWHOLE kernel upcalls (data arriving on an interface of the
// olist), neighbor loss / GenID change (PimObserver), and the TIB's changes through reevaluate_*() and
// join_received_*(). The TIB's macros come through AssertMacros (implemented by A's sparse mode); assert
// changes go back through AssertListener so the TIB recomputes olists, RPF' and the MFC.
//
// State "NoInfo" is the absence of an entry: entering it erases the entry and with it the state's timer.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"
#include "pimd/core/assert_metric.hpp"
#include "pimd/core/kernel_events.hpp"
#include "pimd/core/pim_dispatch.hpp"
#include "pimd/core/pim_observer.hpp"
#include "pimd/core/rpf_tracker.hpp"

namespace fanout::pim {

class PimCore;

inline constexpr Duration kAssertTime = std::chrono::seconds(180);
inline constexpr Duration kAssertOverrideInterval = std::chrono::seconds(3);

// The TIB macros the assert machines read (RFC 7761 4.1.6 / 4.6.x). Implemented by the sparse-mode TIB.
class AssertMacros {
  public:
    virtual ~AssertMacros() = default;
    // CouldAssert(S,G,I) = SPTbit(S,G)==TRUE AND RPF_interface(S) != I AND I in (joins(*,*,RP(G)) (+)
    //   joins(*,G) (-) prunes(S,G,rpt)) (+) (pim_include(*,G) (-) pim_exclude(S,G)) (-) lost_assert(*,G)
    //   (+) joins(S,G) (+) pim_include(S,G)
    virtual bool could_assert(const SGKey& sg, int ifindex) const = 0;
    // AssertTrackingDesired(S,G,I) (4.6.1).
    virtual bool assert_tracking_desired(const SGKey& sg, int ifindex) const = 0;
    // CouldAssert(*,G,I) = I in (joins(*,*,RP(G)) (+) joins(*,G) (+) pim_include(*,G)) AND
    //   RPF_interface(RP(G)) != I
    virtual bool could_assert(const StarGKey& g, int ifindex) const = 0;
    // AssertTrackingDesired(*,G,I) (4.6.2).
    virtual bool assert_tracking_desired(const StarGKey& g, int ifindex) const = 0;
    // RP(G) (nothing for SSM or unmapped groups).
    virtual std::optional<Ipv4Address> rp(Ipv4Address group) const = 0;
};

// What the assert machines tell the TIB.
class AssertListener {
  public:
    virtual ~AssertListener() = default;
    // The (S,G,I) / (*,G,I) assert state or winner changed: lost_assert(), RPF' may have changed.
    virtual void on_assert_changed(const SGKey& sg, int ifindex) = 0;
    virtual void on_assert_changed(const StarGKey& g, int ifindex) = 0;
    // (S,G) action A6: "If (I is RPF_interface(S)) AND (UpstreamJPState(S,G) == Joined) set SPTbit(S,G) to
    // TRUE". Called on every A6; the TIB checks the condition.
    virtual void on_assert_a6(const SGKey& sg, int ifindex) = 0;
};

enum class AssertState : uint8_t { kNoInfo, kWinner, kLoser };
std::string_view to_string(AssertState s);

// The RFC's (S,G) and (*,G) assert events (4.6.1, 4.6.2).
enum class AssertEvent : uint8_t {
    kDataArrived,               // data from S to G (for G) on I AND CouldAssert
    kRecvInferiorAssertRptSet,  // NI: inferior assert with RPTbit set AND CouldAssert
    kRecvAcceptableAssert,      // NI: acceptable assert (RPT clear for (S,G), set for (*,G)) AND tracking
    kRecvInferiorAssert,        // W: a worse assert than mine
    kRecvPreferredAssert,       // W/L: a better assert than mine / than the winner's
    kRecvAcceptableAssertFromWinner,  // L
    kRecvInferiorAssertFromWinner,    // L: an inferior assert or an AssertCancel from the current winner
    kTimerExpired,
    kCouldAssertFalse,      // W
    kWinnerNeighborGone,    // L: the current winner's NLT expired or its GenID changed
    kTrackingDesiredFalse,  // L
    kMyMetricBetter,        // L: my_assert_metric became better than the winner's
    kRpfInterfaceChanged,   // L: RPF_interface(S) (or RP(G)) stops being I
    kJoinReceived,          // L: Join(S,G) / Join(*,G) received on I
};
std::string_view to_string(AssertEvent e);

struct AssertCounters {
    uint64_t asserts_rx = 0;
    uint64_t asserts_tx = 0;
    uint64_t cancels_tx = 0;
    uint64_t transitions = 0;
    uint64_t ignored_events = 0;  // (state, event) pairs the tables do not list, logged and counted
    uint64_t bad_asserts = 0;     // undecodable or not for a multicast group
    uint64_t wrongvif_upcalls = 0;
};

// Status of one (S,G,I) or (*,G,I) assert entry (source 0.0.0.0 for (*,G)).
struct AssertEntryStatus {
    Ipv4Address source;
    Ipv4Address group;
    bool star_g = false;
    int ifindex = 0;
    AssertState state = AssertState::kNoInfo;
    Ipv4Address winner;
    AssertMetric winner_metric;
    Duration timer_remaining{};
};

class Assert final : public PimObserver {
  public:
    Assert(PimCore& core, RpfTracker& rpf, AssertMacros& macros, AssertListener& listener);
    ~Assert() override;
    Assert(const Assert&) = delete;
    Assert& operator=(const Assert&) = delete;

    // Inputs.
    RxOutcome receive(const PimRxContext& ctx);
    // WRONGVIF / WRVIFWHOLE upcalls; other types are ignored (returns false).
    bool handle_upcall(const KernelUpcall& up);
    // Re-reads CouldAssert, AssertTrackingDesired, my metric and the RPF interface for the given entry on
    // every interface with assert state (call after TIB/RPF changes affecting it).
    void reevaluate(const SGKey& sg);
    void reevaluate(const StarGKey& g);
    // Re-evaluates everything (after a route/RP change touching many entries).
    void reevaluate_all();
    void join_received(const SGKey& sg, int ifindex);
    void join_received(const StarGKey& g, int ifindex);

    // PimObserver.
    void on_neighbor_down(const PimInterface& i, Ipv4Address primary, NeighborDownReason r) override;
    void on_neighbor_restarted(const PimInterface& i, const Neighbor& n) override;
    void on_interface_down(const PimInterface& i) override;

    // Queries (RFC 7761 4.6.5 macros and 4.5 RPF').
    AssertState state(const SGKey& sg, int ifindex) const;
    AssertState state(const StarGKey& g, int ifindex) const;
    // AssertWinner(S,G,I): nothing in NoInfo (NULL); my own address when I am the winner.
    std::optional<Ipv4Address> assert_winner(const SGKey& sg, int ifindex) const;
    std::optional<Ipv4Address> assert_winner(const StarGKey& g, int ifindex) const;
    std::optional<AssertMetric> assert_winner_metric(const SGKey& sg, int ifindex) const;
    std::optional<AssertMetric> assert_winner_metric(const StarGKey& g, int ifindex) const;
    bool i_am_assert_loser(const SGKey& sg, int ifindex) const;
    bool i_am_assert_loser(const StarGKey& g, int ifindex) const;
    // lost_assert(S,G,I): RPF_interface(S) != I AND AssertWinner(S,G,I) != NULL, != me, AND
    //   AssertWinnerMetric(S,G,I) is better than spt_assert_metric(S,I).
    bool lost_assert(const SGKey& sg, int ifindex) const;
    // lost_assert(*,G,I): RPF_interface(RP(G)) != I AND AssertWinner(*,G,I) != NULL AND != me.
    bool lost_assert(const StarGKey& g, int ifindex) const;
    // lost_assert(S,G,rpt,I): FALSE if RPF_interface(RP(G)) == I OR (RPF_interface(S) == I AND SPTbit);
    //   else AssertWinner(S,G,I) != NULL AND != me.
    bool lost_assert_rpt(const SGKey& sg, int ifindex, bool spt_bit) const;
    // AssertWinnerMetric(S,G,I) is better than spt_assert_metric(S,I) (false without assert state).
    bool winner_metric_better_than_spt(const SGKey& sg, int ifindex) const;
    // my_assert_metric(S,G,I) and the (*,G) counterpart (4.6.3).
    AssertMetric my_assert_metric(const SGKey& sg, int ifindex) const;
    AssertMetric my_assert_metric(const StarGKey& g, int ifindex) const;

    std::vector<AssertEntryStatus> status() const;
    const AssertCounters& counters() const { return counters_; }
    size_t size() const { return sg_.size() + star_g_.size(); }

  private:
    // Per-state data; the timer belongs to the state.
    struct Winner {
        TimerHandle timer;
    };
    struct Loser {
        TimerHandle timer;
        AssertMetric winner;  // AssertWinner(...) is winner.address
        // I was RPF_interface(S) (or RPF_interface(RP(G))) when the loss began: "stops being I" is tracked.
        bool on_rpf_interface = false;
    };
    using EntryState = std::variant<Winner, Loser>;
    using SgIf = std::pair<SGKey, int>;
    using StarGIf = std::pair<StarGKey, int>;

    // fsm_assert_sg.cpp
    void sg_event(const SGKey& sg, int ifindex, AssertEvent ev, const AssertMetric* received = nullptr);
    void sg_receive(const SGKey& sg, int ifindex, const AssertMetric& m, bool cancel);
    void sg_reevaluate(const SGKey& sg, int ifindex);
    void sg_to_winner(const SGKey& sg, int ifindex, bool send);                           // A1 / A3
    void sg_to_loser(const SGKey& sg, int ifindex, const AssertMetric& winner, bool a6);  // A2 / A6
    void sg_to_noinfo(const SGKey& sg, int ifindex, bool send_cancel);                    // A4 / A5
    void sg_transition(const SGKey& sg, int ifindex, AssertState from, AssertState to, AssertEvent ev);
    // fsm_assert_star_g.cpp
    void star_g_event(const StarGKey& g, int ifindex, AssertEvent ev, const AssertMetric* received = nullptr,
                      Ipv4Address data_source = {});
    void star_g_receive(const StarGKey& g, int ifindex, const AssertMetric& m, bool cancel);
    void star_g_reevaluate(const StarGKey& g, int ifindex);
    void star_g_to_winner(const StarGKey& g, int ifindex, bool send, Ipv4Address data_source);
    void star_g_to_loser(const StarGKey& g, int ifindex, const AssertMetric& winner);
    void star_g_to_noinfo(const StarGKey& g, int ifindex, bool send_cancel);
    void star_g_transition(const StarGKey& g, int ifindex, AssertState from, AssertState to, AssertEvent ev);
    // assert.cpp
    void ignored(std::string_view what, AssertState s, AssertEvent ev);
    void send_assert(int ifindex, Ipv4Address group, Ipv4Address source, const AssertMetric& m);
    Ipv4Address my_address(int ifindex) const;
    std::optional<int> rpf_ifindex(Ipv4Address addr) const;
    std::optional<int> rpf_ifindex_rp(Ipv4Address group) const;
    void winner_gone(int ifindex, Ipv4Address neighbor);

    PimCore& core_;
    RpfTracker& rpf_;
    AssertMacros& macros_;
    AssertListener& listener_;
    std::map<SgIf, EntryState> sg_;
    std::map<StarGIf, EntryState> star_g_;
    AssertCounters counters_;
};

}  // namespace fanout::pim
