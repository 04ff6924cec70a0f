// The DR's per-(S,G) Register state machine, RFC 7761 4.4.1 ("Sending Register Messages from the DR"),
// with the timer values of 4.11 (Register_Suppression_Time 60 s, Register_Probe_Time 5 s).
// The transition table is at the top of fsm_register_dr.cpp.
//
// The machine only decides states and timers; what a transition means for the outside world (the register
// tunnel joined or pruned, a Null-Register to send) is reported through RegisterDrMachine::Hooks, which the
// register module (register_dr.hpp) implements. Timers belong to states (shared/ARCHITECTURE.md): the
// Register-Stop Timer (RST) lives in the Join-Pending and Prune alternatives, so leaving them cancels it.
// (RFC 7761 keeps the RST "if the state machine is not in the NoInfo state"; in Join it is never running.)
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"
#include "common/core/random.hpp"

namespace fanout::pim {

enum class RegisterDrState : uint8_t { kNoInfo, kJoin, kJoinPending, kPrune };
std::string_view to_string(RegisterDrState s);

enum class RegisterDrEvent : uint8_t {
    kRegisterStopTimerExpires,
    kCouldRegisterTrue,   // CouldRegister(S,G) -> True
    kCouldRegisterFalse,  // CouldRegister(S,G) -> False
    kRegisterStopReceived,
    kRpChanged,  // RP(G) changed
};
std::string_view to_string(RegisterDrEvent e);

struct RegNoInfo {};
struct RegJoin {};
struct RegJoinPending {
    TimerHandle register_stop;  // RST = Register_Probe_Time
};
struct RegPrune {
    TimerHandle register_stop;  // RST = rand(0.5, 1.5) x Register_Suppression_Time - Register_Probe_Time
};
using RegisterDrVariant = std::variant<RegNoInfo, RegJoin, RegJoinPending, RegPrune>;
RegisterDrState state_of(const RegisterDrVariant& v);

struct RegisterTimers {
    Duration suppression_time = std::chrono::seconds(60);  // Register_Suppression_Time
    Duration probe_time = std::chrono::seconds(5);         // Register_Probe_Time
    bool operator==(const RegisterTimers&) const = default;
};

struct RegisterDrFsmCounters {
    uint64_t transitions = 0;
    uint64_t ignored = 0;     // "-" cells that are normal traffic (see fsm_register_dr.cpp)
    uint64_t unexpected = 0;  // other "-" cells (logged)
};

class RegisterDrMachine {
  public:
    class Hooks {
      public:
        virtual ~Hooks() = default;
        // The RST of (S,G) fired: the owner feeds kRegisterStopTimerExpires back (after re-checking
        // CouldRegister, so that a stale entry goes to NoInfo instead of probing).
        virtual void register_stop_timer_expired(const SGKey& sg) = 0;
        // Action "send Null-Register" (Prune -> Join-Pending).
        virtual void send_null_register(const SGKey& sg) = 0;
        // The register tunnel was added, removed or retargeted (Join entered or left, or RP changed in
        // Join): the forwarding entry of (S,G) must be recomputed (register_vif_wanted changed).
        virtual void tunnel_changed(const SGKey& sg) = 0;
    };

    RegisterDrMachine(TimerService& timers, Random& rng, Hooks& hooks, RegisterTimers t = {});

    // Runs one event on the state of sg. Returns true when the event was a listed transition.
    bool handle(const SGKey& sg, RegisterDrVariant& st, RegisterDrEvent ev);

    // The RST value on entering Prune (note (*) of 4.4.1): uniform in
    // [0.5 x Register_Suppression_Time, 1.5 x Register_Suppression_Time] - Register_Probe_Time, never
    // negative.
    Duration register_stop_delay();

    void set_timers(RegisterTimers t) { timers_cfg_ = t; }
    const RegisterTimers& timers() const { return timers_cfg_; }
    const RegisterDrFsmCounters& counters() const { return counters_; }

  private:
    void go(const SGKey& sg, RegisterDrVariant& st, RegisterDrVariant next, RegisterDrEvent ev);
    TimerHandle rst(const SGKey& sg, Duration after);

    TimerService& timers_;
    Random& rng_;
    Hooks& hooks_;
    RegisterTimers timers_cfg_;
    RegisterDrFsmCounters counters_;
};

}  // namespace fanout::pim
