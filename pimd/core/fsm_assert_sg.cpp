// RFC 7761 4.6.1 "(S,G) Assert Message State Machine", per (S,G) and interface I.
// (The RFC text was not available in the local corpus; the table is RFC 7761's as known.)
//
// State        | Event                                                   | Next | Actions
// -------------+---------------------------------------------------------+------+--------
// NoInfo (NI)  | Receive Inferior Assert with RPTbit set AND             | W    | A1
//              |   CouldAssert(S,G,I)                                    |      |
//              | Data arrives from S to G on I AND CouldAssert(S,G,I)    | W    | A1
//              | Receive Acceptable Assert with RPTbit clear AND         | L    | A6
//              |   AssertTrackingDesired(S,G,I)                          |      |
// I am Assert  | AssertTimer expires                                     | W    | A3
// Winner (W)   | Receive Inferior Assert                                 | W    | A3
//              | Receive Preferred Assert                                | L    | A2
//              | CouldAssert(S,G,I) -> FALSE                             | NI   | A4
// I am Assert  | Receive Preferred Assert                                | L    | A2
// Loser (L)    | Receive Acceptable Assert from Current Winner           | L    | A2
//              | Receive Inferior Assert or AssertCancel from Current    | NI   | A5
//              |   Winner                                                |      |
//              | AssertTimer expires                                     | NI   | A5
//              | Current Winner's GenID changes or NLT expires           | NI   | A5
//              | AssertTrackingDesired(S,G,I) -> FALSE                   | NI   | A5
//              | my_metric becomes better than the winner's metric       | NI   | A5
//              | RPF_interface(S) stops being I                          | NI   | A5
//              | Receive Join(S,G) on interface I                        | NI   | A5
//
// A1: Send Assert(S,G); set AssertTimer to (Assert_Time - Assert_Override_Interval); store self as
//     AssertWinner(S,G,I) and spt_assert_metric(S,I) as AssertWinnerMetric(S,G,I).
// A2: Store the new assert winner and its metric; set AssertTimer to Assert_Time.
// A3: Send Assert(S,G); set AssertTimer to (Assert_Time - Assert_Override_Interval).
// A4: Send AssertCancel(S,G); delete the assert information (AssertWinner(S,G,I) -> NULL).
// A5: Delete the assert information.
// A6: A2, and if I is RPF_interface(S) AND UpstreamJPState(S,G) == Joined, set SPTbit(S,G) (the TIB does this
//     on AssertListener::on_assert_a6).
// "Preferred": better than the current winner's metric (in W: than my_assert_metric(S,G,I)). "Inferior":
// worse than my_assert_metric(S,G,I). "Acceptable": not inferior.
#include <spdlog/fmt/fmt.h>

#include "common/core/log.hpp"
#include "common/packet/pim_assert.hpp"
#include "pimd/core/assert.hpp"
#include "pimd/core/pim_core.hpp"

namespace fanout::pim {

AssertState Assert::state(const SGKey& sg, int ifindex) const {
    auto it = sg_.find({sg, ifindex});
    if (it == sg_.end()) return AssertState::kNoInfo;
    return std::holds_alternative<Winner>(it->second) ? AssertState::kWinner : AssertState::kLoser;
}

AssertMetric Assert::my_assert_metric(const SGKey& sg, int ifindex) const {
    if (macros_.could_assert(sg, ifindex))
        return spt_assert_metric(rpf_.route(sg.source), my_address(ifindex));
    if (macros_.could_assert(StarGKey{sg.group}, ifindex))
        return my_assert_metric(StarGKey{sg.group}, ifindex);
    return infinite_assert_metric();
}

void Assert::sg_transition(const SGKey& sg, int ifindex, AssertState from, AssertState to, AssertEvent ev) {
    ++counters_.transitions;
    FANOUT_LOG_DEBUG(LogCategory::kAssert, "assert {} if {}: {} -> {} on {}", sg.to_string(), ifindex,
                     to_string(from), to_string(to), to_string(ev));
}

// A1 (from NI) / A3 (in W).
void Assert::sg_to_winner(const SGKey& sg, int ifindex, bool send) {
    auto& st = sg_[{sg, ifindex}];
    st = Winner{TimerHandle(core_.timers(), kAssertTime - kAssertOverrideInterval,
                            [this, sg, ifindex] { sg_event(sg, ifindex, AssertEvent::kTimerExpired); })};
    if (send) send_assert(ifindex, sg.group, sg.source, my_assert_metric(sg, ifindex));
}

// A2 / A6.
void Assert::sg_to_loser(const SGKey& sg, int ifindex, const AssertMetric& winner, bool a6) {
    sg_[{sg, ifindex}] =
        Loser{TimerHandle(core_.timers(), kAssertTime,
                          [this, sg, ifindex] { sg_event(sg, ifindex, AssertEvent::kTimerExpired); }),
              winner, rpf_ifindex(sg.source) == ifindex};
    if (a6) listener_.on_assert_a6(sg, ifindex);
}

// A4 / A5.
void Assert::sg_to_noinfo(const SGKey& sg, int ifindex, bool send_cancel) {
    sg_.erase({sg, ifindex});
    if (send_cancel) {
        auto cancel = packet::make_assert_cancel(packet::EncodedGroup{sg.group}, sg.source);
        send_assert(ifindex, sg.group, sg.source, assert_metric_of(cancel, my_address(ifindex)));
        ++counters_.cancels_tx;
    }
}

void Assert::sg_event(const SGKey& sg, int ifindex, AssertEvent ev, const AssertMetric* received) {
    const AssertState from = state(sg, ifindex);
    std::optional<Ipv4Address> old_winner = assert_winner(sg, ifindex);
    AssertState to = from;
    switch (from) {
        case AssertState::kNoInfo:
            switch (ev) {
                case AssertEvent::kDataArrived:
                case AssertEvent::kRecvInferiorAssertRptSet:
                    to = AssertState::kWinner;
                    sg_to_winner(sg, ifindex, true);  // A1
                    break;
                case AssertEvent::kRecvAcceptableAssert:
                    to = AssertState::kLoser;
                    sg_to_loser(sg, ifindex, *received, true);  // A6
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
                    return ignored("(S,G)", from, ev);
            }
            break;
        case AssertState::kWinner:
            switch (ev) {
                case AssertEvent::kTimerExpired:
                case AssertEvent::kRecvInferiorAssert:
                    sg_to_winner(sg, ifindex, true);  // A3
                    break;
                case AssertEvent::kRecvPreferredAssert:
                    to = AssertState::kLoser;
                    sg_to_loser(sg, ifindex, *received, false);  // A2
                    break;
                case AssertEvent::kCouldAssertFalse:
                    to = AssertState::kNoInfo;
                    sg_to_noinfo(sg, ifindex, true);  // A4
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
                    return ignored("(S,G)", from, ev);
            }
            break;
        case AssertState::kLoser:
            switch (ev) {
                case AssertEvent::kRecvPreferredAssert:
                case AssertEvent::kRecvAcceptableAssertFromWinner:
                    sg_to_loser(sg, ifindex, *received, false);  // A2
                    break;
                case AssertEvent::kRecvInferiorAssertFromWinner:
                case AssertEvent::kTimerExpired:
                case AssertEvent::kWinnerNeighborGone:
                case AssertEvent::kTrackingDesiredFalse:
                case AssertEvent::kMyMetricBetter:
                case AssertEvent::kRpfInterfaceChanged:
                case AssertEvent::kJoinReceived:
                    to = AssertState::kNoInfo;
                    sg_to_noinfo(sg, ifindex, false);  // A5
                    break;
                case AssertEvent::kDataArrived:
                case AssertEvent::kRecvInferiorAssertRptSet:
                case AssertEvent::kRecvAcceptableAssert:
                case AssertEvent::kRecvInferiorAssert:
                case AssertEvent::kCouldAssertFalse:
                    return ignored("(S,G)", from, ev);
            }
            break;
    }
    sg_transition(sg, ifindex, from, to, ev);
    if (to != from || assert_winner(sg, ifindex) != old_winner) listener_.on_assert_changed(sg, ifindex);
}

// Classifies a received Assert for (S,G) on I into the table's events.
void Assert::sg_receive(const SGKey& sg, int ifindex, const AssertMetric& m, bool cancel) {
    const AssertMetric mine = my_assert_metric(sg, ifindex);
    const bool inferior = cancel || assert_metric_better(mine, m);
    switch (state(sg, ifindex)) {
        case AssertState::kNoInfo:
            if (m.rpt_bit) {
                if (inferior && macros_.could_assert(sg, ifindex))
                    return sg_event(sg, ifindex, AssertEvent::kRecvInferiorAssertRptSet, &m);
            } else if (!inferior && macros_.assert_tracking_desired(sg, ifindex)) {
                return sg_event(sg, ifindex, AssertEvent::kRecvAcceptableAssert, &m);
            }
            return ignored("(S,G) assert in NoInfo", AssertState::kNoInfo, AssertEvent::kRecvInferiorAssert);
        case AssertState::kWinner:
            return sg_event(sg, ifindex,
                            inferior ? AssertEvent::kRecvInferiorAssert : AssertEvent::kRecvPreferredAssert,
                            &m);
        case AssertState::kLoser: {
            const auto& loser = std::get<Loser>(sg_.at({sg, ifindex}));
            if (m.address == loser.winner.address)
                return sg_event(sg, ifindex,
                                inferior ? AssertEvent::kRecvInferiorAssertFromWinner
                                         : AssertEvent::kRecvAcceptableAssertFromWinner,
                                &m);
            if (!cancel && assert_metric_better(m, loser.winner))
                return sg_event(sg, ifindex, AssertEvent::kRecvPreferredAssert, &m);
            return ignored("(S,G) inferior assert from a non-winner", AssertState::kLoser,
                           AssertEvent::kRecvInferiorAssert);
        }
    }
}

// The condition-driven transitions (CouldAssert -> FALSE in W; tracking / metric / RPF changes in L).
void Assert::sg_reevaluate(const SGKey& sg, int ifindex) {
    switch (state(sg, ifindex)) {
        case AssertState::kNoInfo:
            return;
        case AssertState::kWinner:
            if (!macros_.could_assert(sg, ifindex)) sg_event(sg, ifindex, AssertEvent::kCouldAssertFalse);
            return;
        case AssertState::kLoser: {
            const AssertMetric winner = std::get<Loser>(sg_.at({sg, ifindex})).winner;
            if (!macros_.assert_tracking_desired(sg, ifindex))
                sg_event(sg, ifindex, AssertEvent::kTrackingDesiredFalse);
            else if (assert_metric_better(my_assert_metric(sg, ifindex), winner))
                sg_event(sg, ifindex, AssertEvent::kMyMetricBetter);
            else if (std::get<Loser>(sg_.at({sg, ifindex})).on_rpf_interface &&
                     rpf_ifindex(sg.source) != ifindex)
                sg_event(sg, ifindex, AssertEvent::kRpfInterfaceChanged);
            return;
        }
    }
}

}  // namespace fanout::pim
