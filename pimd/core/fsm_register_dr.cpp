// RFC 7761 4.4.1 "Sending Register Messages from the DR": the per-(S,G) Register state machine.
// (The RFC pages corpus returned only the front page of the RFC's part 3; the table below was checked
// against a public copy of the RFC 4601 text, which RFC 7761 4.4.1 repeats unchanged, and the RFC itself.)
//
//   States: NoInfo (NI), Join (J: tunnel joined), Join-Pending (JP: tunnel pruned, the DR is about to add
//   it back), Prune (P: tunnel pruned after a Register-Stop).
//
//   +-------------++------------+-----------+------------+-------------+-------------+
//   |             || RST        | Could     | Could      | Register-   | RP changed  |
//   |             || expires    | Register  | Register   | Stop        |             |
//   |             ||            | -> True   | -> False   | received    |             |
//   +-------------++------------+-----------+------------+-------------+-------------+
//   | NoInfo      || -          | -> J      | -          | -           | -           |
//   |             ||            | add tunnel|            |             |             |
//   | Join        || -          | -         | -> NI      | -> P        | -> J        |
//   |             ||            |           | remove     | remove      | update      |
//   |             ||            |           | tunnel     | tunnel,     | tunnel      |
//   |             ||            |           |            | set RST (*) |             |
//   | Join-Pending|| -> J       | -         | -> NI      | -> P        | -> J        |
//   |             || add tunnel|           |            | set RST (*) | add tunnel, |
//   |             ||            |           |            |             | cancel RST  |
//   | Prune       || -> JP      | -         | -> NI      | -           | -> J        |
//   |             || set RST(**)|           |            |             | add tunnel, |
//   |             || send Null- |           |            |             | cancel RST  |
//   |             || Register   |           |            |             |             |
//   +-------------++------------+-----------+------------+-------------+-------------+
//   (*)  RST = uniform(0.5 x Register_Suppression_Time, 1.5 x Register_Suppression_Time)
//        - Register_Probe_Time.
//   (**) RST = Register_Probe_Time.
//
// Cells marked "-" change nothing. Two of them are normal traffic (a Register-Stop arriving in Prune for
// Registers that were in flight; CouldRegister -> True re-reported while already registering) and are
// counted as `ignored`; "RST expires" outside JP/P cannot happen (the timer dies with its state) and, like
// any other "-" cell, is logged and counted.
#include "pimd/core/fsm_register_dr.hpp"

#include "common/core/log.hpp"

namespace fanout::pim {

std::string_view to_string(RegisterDrState s) {
    switch (s) {
        case RegisterDrState::kNoInfo:
            return "NoInfo";
        case RegisterDrState::kJoin:
            return "Join";
        case RegisterDrState::kJoinPending:
            return "JoinPending";
        case RegisterDrState::kPrune:
            return "Prune";
    }
    return "?";
}

std::string_view to_string(RegisterDrEvent e) {
    switch (e) {
        case RegisterDrEvent::kRegisterStopTimerExpires:
            return "RegisterStopTimerExpires";
        case RegisterDrEvent::kCouldRegisterTrue:
            return "CouldRegister->True";
        case RegisterDrEvent::kCouldRegisterFalse:
            return "CouldRegister->False";
        case RegisterDrEvent::kRegisterStopReceived:
            return "RegisterStopReceived";
        case RegisterDrEvent::kRpChanged:
            return "RPChanged";
    }
    return "?";
}

RegisterDrState state_of(const RegisterDrVariant& v) {
    return static_cast<RegisterDrState>(v.index());
}

RegisterDrMachine::RegisterDrMachine(TimerService& timers, Random& rng, Hooks& hooks, RegisterTimers t)
    : timers_(timers), rng_(rng), hooks_(hooks), timers_cfg_(t) {}

Duration RegisterDrMachine::register_stop_delay() {
    Duration lo = timers_cfg_.suppression_time / 2;
    Duration hi = timers_cfg_.suppression_time + timers_cfg_.suppression_time / 2;
    Duration d = rng_.uniform(lo, hi) - timers_cfg_.probe_time;
    return d < Duration::zero() ? Duration::zero() : d;
}

TimerHandle RegisterDrMachine::rst(const SGKey& sg, Duration after) {
    return TimerHandle(timers_, after, [this, sg] { hooks_.register_stop_timer_expired(sg); });
}

void RegisterDrMachine::go(const SGKey& sg, RegisterDrVariant& st, RegisterDrVariant next,
                           RegisterDrEvent ev) {
    RegisterDrState from = state_of(st);
    st = std::move(next);
    ++counters_.transitions;
    FANOUT_LOG_DEBUG(LogCategory::kFsm, "register-dr {}: {} -> {} on {}", sg.to_string(), to_string(from),
                     to_string(state_of(st)), to_string(ev));
}

bool RegisterDrMachine::handle(const SGKey& sg, RegisterDrVariant& st, RegisterDrEvent ev) {
    const RegisterDrState s = state_of(st);
    switch (ev) {
        case RegisterDrEvent::kCouldRegisterTrue:
            if (s != RegisterDrState::kNoInfo) break;
            go(sg, st, RegJoin{}, ev);
            hooks_.tunnel_changed(sg);  // add reg tunnel
            return true;
        case RegisterDrEvent::kCouldRegisterFalse:
            if (s == RegisterDrState::kNoInfo) break;
            go(sg, st, RegNoInfo{}, ev);
            if (s == RegisterDrState::kJoin) hooks_.tunnel_changed(sg);  // remove reg tunnel
            return true;
        case RegisterDrEvent::kRegisterStopReceived:
            if (s != RegisterDrState::kJoin && s != RegisterDrState::kJoinPending) break;
            go(sg, st, RegPrune{rst(sg, register_stop_delay())}, ev);
            if (s == RegisterDrState::kJoin) hooks_.tunnel_changed(sg);  // remove reg tunnel
            return true;
        case RegisterDrEvent::kRegisterStopTimerExpires:
            if (s == RegisterDrState::kJoinPending) {
                go(sg, st, RegJoin{}, ev);
                hooks_.tunnel_changed(sg);  // add reg tunnel
                return true;
            }
            if (s == RegisterDrState::kPrune) {
                go(sg, st, RegJoinPending{rst(sg, timers_cfg_.probe_time)}, ev);
                hooks_.send_null_register(sg);
                return true;
            }
            break;
        case RegisterDrEvent::kRpChanged:
            if (s == RegisterDrState::kNoInfo) break;
            go(sg, st, RegJoin{}, ev);  // JP/P: the RST dies with the old state ("cancel RST")
            hooks_.tunnel_changed(sg);  // add / update reg tunnel (the new encapsulation target)
            return true;
    }
    const bool normal = (s == RegisterDrState::kPrune && ev == RegisterDrEvent::kRegisterStopReceived) ||
                        ev == RegisterDrEvent::kCouldRegisterTrue ||
                        ev == RegisterDrEvent::kCouldRegisterFalse;
    if (normal) {
        ++counters_.ignored;
    } else {
        ++counters_.unexpected;
        FANOUT_LOG_DEBUG(LogCategory::kFsm, "register-dr {}: no transition for {} in {}", sg.to_string(),
                         to_string(ev), to_string(s));
    }
    return false;
}

}  // namespace fanout::pim
