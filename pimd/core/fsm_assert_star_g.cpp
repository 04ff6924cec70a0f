// RFC 7761 4.6.2 "(*,G) Assert Message State Machine", per group G and interface I.
// (The RFC text was not available in the local corpus; the table is RFC 7761's as known.)
//
// State        | Event                                                   | Next | Actions
// -------------+---------------------------------------------------------+------+--------
// NoInfo (NI)  | Receive Inferior Assert with RPTbit set AND             | W    | A1
//              |   CouldAssert(*,G,I)                                    |      |
//              | Data arrives for G on I AND CouldAssert(*,G,I)          | W    | A1
//              | Receive Acceptable Assert with RPTbit set AND           | L    | A2
//              |   AssertTrackingDesired(*,G,I)                          |      |
// I am Assert  | AssertTimer expires                                     | W    | A3
// Winner (W)   | Receive Inferior Assert                                 | W    | A3
//              | Receive Preferred Assert                                | L    | A2
//              | CouldAssert(*,G,I) -> FALSE                             | NI   | A4
// I am Assert  | Receive Preferred Assert with RPTbit set                | L    | A2
// Loser (L)    | Receive Acceptable Assert from Current Winner with      | L    | A2
//              |   RPTbit set                                            |      |
//              | Receive Inferior Assert or AssertCancel from Current    | NI   | A5
//              |   Winner                                                |      |
//              | AssertTimer expires                                     | NI   | A5
//              | Current Winner's GenID changes or NLT expires           | NI   | A5
//              | AssertTrackingDesired(*,G,I) -> FALSE                   | NI   | A5
//              | my_metric becomes better than the winner's metric       | NI   | A5
//              | RPF_interface(RP(G)) stops being I                      | NI   | A5
//              | Receive Join(*,G) on interface I                        | NI   | A5
//
// A1: Send Assert(*,G); set AssertTimer to (Assert_Time - Assert_Override_Interval); store self as
//     AssertWinner(*,G,I) and rpt_assert_metric(G,I) as AssertWinnerMetric(*,G,I).
// A2: Store the new assert winner and its metric; set AssertTimer to Assert_Time.
// A3: Send Assert(*,G); set AssertTimer to (Assert_Time - Assert_Override_Interval).
// A4: Send AssertCancel(*,G); delete the assert information.
// A5: Delete the assert information.
// Only Asserts with the RPT bit set reach this machine (assert.cpp).
#include <spdlog/fmt/fmt.h>

#include "common/core/log.hpp"
#include "common/packet/pim_assert.hpp"
#include "pimd/core/assert.hpp"
#include "pimd/core/pim_core.hpp"

namespace fanout::pim {

AssertState Assert::state(const StarGKey& g, int ifindex) const {
    auto it = star_g_.find({g, ifindex});
    if (it == star_g_.end()) return AssertState::kNoInfo;
    return std::holds_alternative<Winner>(it->second) ? AssertState::kWinner : AssertState::kLoser;
}

AssertMetric Assert::my_assert_metric(const StarGKey& g, int ifindex) const {
    if (!macros_.could_assert(g, ifindex)) return infinite_assert_metric();
    auto rp = macros_.rp(g.group);
    return rpt_assert_metric(rp ? rpf_.route(*rp) : std::nullopt, my_address(ifindex));
}

void Assert::star_g_transition(const StarGKey& g, int ifindex, AssertState from, AssertState to,
                               AssertEvent ev) {
    ++counters_.transitions;
    FANOUT_LOG_DEBUG(LogCategory::kAssert, "assert {} if {}: {} -> {} on {}", g.to_string(), ifindex,
                     to_string(from), to_string(to), to_string(ev));
}

// A1 / A3. data_source: S of the data that triggered A1 (0.0.0.0 otherwise).
void Assert::star_g_to_winner(const StarGKey& g, int ifindex, bool send, Ipv4Address data_source) {
    star_g_[{g, ifindex}] =
        Winner{TimerHandle(core_.timers(), kAssertTime - kAssertOverrideInterval,
                           [this, g, ifindex] { star_g_event(g, ifindex, AssertEvent::kTimerExpired); })};
    if (send) send_assert(ifindex, g.group, data_source, my_assert_metric(g, ifindex));
}

// A2.
void Assert::star_g_to_loser(const StarGKey& g, int ifindex, const AssertMetric& winner) {
    star_g_[{g, ifindex}] =
        Loser{TimerHandle(core_.timers(), kAssertTime,
                          [this, g, ifindex] { star_g_event(g, ifindex, AssertEvent::kTimerExpired); }),
              winner, rpf_ifindex_rp(g.group) == ifindex};
}

// A4 / A5.
void Assert::star_g_to_noinfo(const StarGKey& g, int ifindex, bool send_cancel) {
    star_g_.erase({g, ifindex});
    if (send_cancel) {
        auto cancel = packet::make_assert_cancel(packet::EncodedGroup{g.group}, Ipv4Address{});
        send_assert(ifindex, g.group, Ipv4Address{}, assert_metric_of(cancel, my_address(ifindex)));
        ++counters_.cancels_tx;
    }
}

void Assert::star_g_event(const StarGKey& g, int ifindex, AssertEvent ev, const AssertMetric* received,
                          Ipv4Address data_source) {
    const AssertState from = state(g, ifindex);
    std::optional<Ipv4Address> old_winner = assert_winner(g, ifindex);
    AssertState to = from;
    switch (from) {
        case AssertState::kNoInfo:
            switch (ev) {
                case AssertEvent::kDataArrived:
                case AssertEvent::kRecvInferiorAssertRptSet:
                    to = AssertState::kWinner;
                    star_g_to_winner(g, ifindex, true, data_source);  // A1
                    break;
                case AssertEvent::kRecvAcceptableAssert:
                    to = AssertState::kLoser;
                    star_g_to_loser(g, ifindex, *received);  // A2
                    break;
                case AssertEvent::kRecvInferiorAssert:
                case AssertEvent::kRecvPreferredAssert:
                case AssertEvent::kRecvAcceptableAssertFromWinner:
                case AssertEvent::kRecvInferiorAssertFromWinner:
                case AssertEvent::kTimerExpired:
                case AssertEvent::kCouldAssertFalse:
                case AssertEvent::kWinnerNeighborGone:
                case AssertEvent::kTrackingDesiredFalse:
                case AssertEvent::kMyMetricBetter:
                case AssertEvent::kRpfInterfaceChanged:
                case AssertEvent::kJoinReceived:
                    return ignored("(*,G)", from, ev);
            }
            break;
        case AssertState::kWinner:
            switch (ev) {
                case AssertEvent::kTimerExpired:
                case AssertEvent::kRecvInferiorAssert:
                    star_g_to_winner(g, ifindex, true, Ipv4Address{});  // A3
                    break;
                case AssertEvent::kRecvPreferredAssert:
                    to = AssertState::kLoser;
                    star_g_to_loser(g, ifindex, *received);  // A2
                    break;
                case AssertEvent::kCouldAssertFalse:
                    to = AssertState::kNoInfo;
                    star_g_to_noinfo(g, ifindex, true);  // A4
                    break;
                case AssertEvent::kDataArrived:
                case AssertEvent::kRecvInferiorAssertRptSet:
                case AssertEvent::kRecvAcceptableAssert:
                case AssertEvent::kRecvAcceptableAssertFromWinner:
                case AssertEvent::kRecvInferiorAssertFromWinner:
                case AssertEvent::kWinnerNeighborGone:
                case AssertEvent::kTrackingDesiredFalse:
                case AssertEvent::kMyMetricBetter:
                case AssertEvent::kRpfInterfaceChanged:
                case AssertEvent::kJoinReceived:
                    return ignored("(*,G)", from, ev);
            }
            break;
        case AssertState::kLoser:
            switch (ev) {
                case AssertEvent::kRecvPreferredAssert:
                case AssertEvent::kRecvAcceptableAssertFromWinner:
                    star_g_to_loser(g, ifindex, *received);  // A2
                    break;
                case AssertEvent::kRecvInferiorAssertFromWinner:
                case AssertEvent::kTimerExpired:
                case AssertEvent::kWinnerNeighborGone:
                case AssertEvent::kTrackingDesiredFalse:
                case AssertEvent::kMyMetricBetter:
                case AssertEvent::kRpfInterfaceChanged:
                case AssertEvent::kJoinReceived:
                    to = AssertState::kNoInfo;
                    star_g_to_noinfo(g, ifindex, false);  // A5
                    break;
                case AssertEvent::kDataArrived:
                case AssertEvent::kRecvInferiorAssertRptSet:
                case AssertEvent::kRecvAcceptableAssert:
                case AssertEvent::kRecvInferiorAssert:
                case AssertEvent::kCouldAssertFalse:
                    return ignored("(*,G)", from, ev);
            }
            break;
    }
    star_g_transition(g, ifindex, from, to, ev);
    if (to != from || assert_winner(g, ifindex) != old_winner) listener_.on_assert_changed(g, ifindex);
}

// Classifies a received RPT-bit Assert for (*,G) on I.
void Assert::star_g_receive(const StarGKey& g, int ifindex, const AssertMetric& m, bool cancel) {
    const AssertMetric mine = my_assert_metric(g, ifindex);
    const bool inferior = cancel || assert_metric_better(mine, m);
    switch (state(g, ifindex)) {
        case AssertState::kNoInfo:
            if (inferior && macros_.could_assert(g, ifindex))
                return star_g_event(g, ifindex, AssertEvent::kRecvInferiorAssertRptSet, &m);
            if (!inferior && macros_.assert_tracking_desired(g, ifindex))
                return star_g_event(g, ifindex, AssertEvent::kRecvAcceptableAssert, &m);
            return ignored("(*,G) assert in NoInfo", AssertState::kNoInfo, AssertEvent::kRecvInferiorAssert);
        case AssertState::kWinner:
            return star_g_event(
                g, ifindex, inferior ? AssertEvent::kRecvInferiorAssert : AssertEvent::kRecvPreferredAssert,
                &m);
        case AssertState::kLoser: {
            const auto& loser = std::get<Loser>(star_g_.at({g, ifindex}));
            if (m.address == loser.winner.address)
                return star_g_event(g, ifindex,
                                    inferior ? AssertEvent::kRecvInferiorAssertFromWinner
                                             : AssertEvent::kRecvAcceptableAssertFromWinner,
                                    &m);
            if (!cancel && assert_metric_better(m, loser.winner))
                return star_g_event(g, ifindex, AssertEvent::kRecvPreferredAssert, &m);
            return ignored("(*,G) inferior assert from a non-winner", AssertState::kLoser,
                           AssertEvent::kRecvInferiorAssert);
        }
    }
}

void Assert::star_g_reevaluate(const StarGKey& g, int ifindex) {
    switch (state(g, ifindex)) {
        case AssertState::kNoInfo:
            return;
        case AssertState::kWinner:
            if (!macros_.could_assert(g, ifindex)) star_g_event(g, ifindex, AssertEvent::kCouldAssertFalse);
            return;
        case AssertState::kLoser: {
            const auto& loser = std::get<Loser>(star_g_.at({g, ifindex}));
            const AssertMetric winner = loser.winner;
            const bool was_rpf = loser.on_rpf_interface;
            if (!macros_.assert_tracking_desired(g, ifindex))
                star_g_event(g, ifindex, AssertEvent::kTrackingDesiredFalse);
            else if (assert_metric_better(my_assert_metric(g, ifindex), winner))
                star_g_event(g, ifindex, AssertEvent::kMyMetricBetter);
            else if (was_rpf && rpf_ifindex_rp(g.group) != ifindex)
                star_g_event(g, ifindex, AssertEvent::kRpfInterfaceChanged);
            return;
        }
    }
}

}  // namespace fanout::pim
