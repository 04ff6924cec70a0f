// The register path at the DR, RFC 7761 4.4.1 ("Sending Register Messages from the DR"), 4.9.3 (Register),
// 4.9.4 (Register-Stop), 4.11 (Register_Suppression_Time, Register_Probe_Time). The per-(S,G) state machine
// itself is fsm_register_dr.{hpp,cpp}.
//
//   CouldRegister(S,G) = I_am_DR(RPF_interface(S)) AND KeepaliveTimer(S,G) is running
//                        AND DirectlyConnected(S) == TRUE
//                        AND NOT I_am_RP(G)   (ours: a DR that is the RP does not tunnel to itself)
//   DirectlyConnected(S): S is on the subnet of one of our PIM or IGMP interfaces (not "any route": a
//   source reached through a connected route on a non-multicast link is not ours to register).
//
// The register tunnel is the register VIF (VIFF_REGISTER): while (S,G) is in Join (and CouldRegister holds)
// the forwarding computation puts the register VIF in the (S,G) oif list (register_vif_wanted()); the kernel
// then hands every such packet up as a WHOLEPKT upcall and whole_packet() encapsulates it:
//   - TTL decremented first (4.4.1: "The TTL of a forwarded data packet is decremented before it is
//     encapsulated"; Linux reports WHOLEPKT before its own decrement), header checksum fixed;
//   - a data Register (B=0, N=0, checksum over the 8-byte header, codec common/packet/pim_register.hpp)
//     unicast to RP(G);
//   - a per-(S,G) token bucket (configurable, drops counted) because the kernel does not rate-limit WHOLEPKT.
// Outer source: the configured register source when it is one of our addresses, else the primary address of
// the interface the unicast route to the RP leaves by (so the RP can answer it: shared/INTEROP.md "What
// breaks" 2), else 0.0.0.0 (the kernel chooses from the route).
// Unicast sends: PimActions::send_pim(ifindex, src, dst, bytes) with ifindex = the interface of the unicast
// route to dst (RegisterHost::unicast_route: the RPF tracker / RibView), 0 when unknown (kernel routing).
//
// Register-Stop (4.4.1 "Handling Register-Stop(*,G) Messages at the DR"): a Register-Stop(S,G) feeds the
// (S,G) machine; a Register-Stop with source 0.0.0.0 ((*,G), RFC 2362) is applied to every (S,G) machine of
// G that is not in NoInfo (sources that start later are not affected). The sender is not checked against
// RP(G) (anycast-RP peers answer from their own addresses); a Register-Stop for a group whose RP changed
// cannot stick: an RP change moves every machine of the group to Join toward the new RP.
//
// Re-evaluation: reevaluate(S,G) after KAT/RPF changes of an (S,G); group_changed(G) after RP(G) changed;
// interface_changed(I) after DR(I) changed; reevaluate_all() after anything global. Each computes
// CouldRegister and RP(G) afresh and feeds CouldRegister->True/False and RP changed events.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"
#include "common/core/random.hpp"
#include "pimd/core/fsm_register_dr.hpp"
#include "pimd/core/kernel_events.hpp"
#include "pimd/core/macros.hpp"
#include "pimd/core/pim_actions.hpp"
#include "pimd/core/pim_dispatch.hpp"
#include "pimd/core/rib_view.hpp"

namespace fanout::pim {

class PimCore;
class PimInterface;

// What the register code (DR and RP) needs from the PIM-SM subsystem that owns the TIB.
class RegisterHost {
  public:
    virtual ~RegisterHost() = default;
    // Read-only view: TIB (KeepaliveTimer, SPTbit), membership, asserts, and the RouterView (I_am_DR,
    // RP(G), RPF_interface, local addresses).
    virtual MacroInputs macro_inputs() const = 0;
    virtual bool is_ssm(Ipv4Address group) const = 0;
    // DirectlyConnected(S) (see directly_connected() below).
    virtual bool directly_connected(Ipv4Address s) const = 0;
    // The unicast route used to send to dst (RP, DR): its ifindex picks the egress interface.
    virtual std::optional<RpfRoute> unicast_route(Ipv4Address dst) = 0;
    // The primary address of a local interface (nullopt when unknown or unnumbered).
    virtual std::optional<Ipv4Address> interface_address(int ifindex) const = 0;
    // SwitchToSptDesired(S,G) at the RP (4.2.1 policy; the RP switches at once by default).
    virtual bool switch_to_spt_desired(const SGKey&) const { return true; }
    // DR: register_vif_wanted(S,G) may have changed: recompute the (S,G) forwarding entry.
    virtual void register_vif_changed(const SGKey& sg) = 0;
    // RP (4.4.2): a Register for (S,G) was accepted: create (S,G) state, mark it C (register-learned) and N
    // (may notify MSDP), set KeepaliveTimer(S,G) to `keepalive` when given, and re-evaluate JoinDesired(S,G)
    // (the join toward S when inherited_olist(S,G) is not empty).
    virtual void register_learned(const SGKey& sg, std::optional<Duration> keepalive) = 0;
};

// s is on the subnet of one of pif's addresses (not a /32).
bool on_subnet(const PimInterface& pif, Ipv4Address s);
// DirectlyConnected(S): S is inside a subnet of an interface that runs PIM or IGMP.
bool directly_connected(const PimCore& core, Ipv4Address s);

// A token bucket: `rate` tokens per second, at most `burst` stored; rate 0 = unlimited.
class TokenBucket {
  public:
    TokenBucket() = default;
    TokenBucket(uint32_t rate_per_s, uint32_t burst, TimePoint now);
    bool take(TimePoint now);
    uint32_t rate() const { return rate_; }

  private:
    uint32_t rate_ = 0;
    double burst_ = 0;
    double tokens_ = 0;
    TimePoint last_{};
};

struct RegisterDrConfig {
    RegisterTimers timers;
    // Outer source of Registers; used only when it is one of our addresses (else counted and ignored).
    std::optional<Ipv4Address> register_source;
    // Encapsulated data Registers per (S,G): packets per second (0 = unlimited) and burst.
    uint32_t rate_limit_pps = 1000;
    uint32_t rate_limit_burst = 200;
    bool operator==(const RegisterDrConfig&) const = default;
};

enum class RegisterDrDrop : uint8_t {
    kNotJoined,    // WHOLEPKT for an (S,G) not in Join (in flight while the tunnel was being pruned)
    kRateLimited,  // token bucket empty
    kNoRp,         // no RP(G) (SSM or unmapped)
    kBadPacket,    // not an IPv4 packet for (S,G)
    kTtlExpired,   // TTL <= 1 (would not survive the decrement)
    kCount
};
std::string_view to_string(RegisterDrDrop d);

struct RegisterDrSgCounters {
    uint64_t packets_encapsulated = 0;
    uint64_t bytes_encapsulated = 0;  // inner packet bytes
    uint64_t null_registers_sent = 0;
    uint64_t register_stops_received = 0;
    std::array<uint64_t, static_cast<size_t>(RegisterDrDrop::kCount)> drops{};
};

// Per-(S,G) register state at the DR (tib.hpp forward-declares this name for its register slot).
struct SGRegisterState {
    SGKey sg;
    RegisterDrVariant fsm;
    Ipv4Address rp;  // the encapsulation target (RP(G) when the tunnel was last added/updated)
    TimePoint since;
    TokenBucket bucket;
    RegisterDrSgCounters counters;
    RegisterDrState state() const { return state_of(fsm); }
};

struct RegisterDrCounters {
    uint64_t registers_sent = 0;
    uint64_t null_registers_sent = 0;
    uint64_t register_stops_rx = 0;
    uint64_t register_stops_wildcard = 0;    // (*,G) / source 0.0.0.0
    uint64_t register_stops_unknown = 0;     // no (S,G) machine (or none of G) out of NoInfo
    uint64_t register_source_not_local = 0;  // configured register source ignored
    uint64_t upcalls_unknown = 0;            // WHOLEPKT for an (S,G) without register state
    std::array<uint64_t, static_cast<size_t>(RegisterDrDrop::kCount)> drops{};
};

class RegisterDr final : private RegisterDrMachine::Hooks {
  public:
    RegisterDr(RegisterHost& host, TimerService& timers, Random& rng, PimActions& actions,
               RegisterDrConfig cfg = {});
    RegisterDr(const RegisterDr&) = delete;
    RegisterDr& operator=(const RegisterDr&) = delete;

    // Inputs.
    void whole_packet(const KernelUpcall& up);
    RxOutcome receive_register_stop(const PimRxContext& ctx);
    // Re-evaluates CouldRegister and RP(G) for one (S,G), for one group, for the (S,G)s whose RPF
    // interface is ifindex, or for every (S,G) of the TIB and every machine.
    void reevaluate(const SGKey& sg);
    void group_changed(Ipv4Address group);
    void interface_changed(int ifindex);
    void reevaluate_all();
    void set_config(RegisterDrConfig cfg);

    // CouldRegister(S,G) (computed now).
    bool could_register(const SGKey& sg) const;
    // The register VIF belongs in the (S,G) oif list: CouldRegister(S,G) and the machine is in Join.
    bool register_vif_wanted(const SGKey& sg) const;

    const SGRegisterState* find(const SGKey& sg) const;
    const std::map<SGKey, SGRegisterState>& states() const { return states_; }
    const RegisterDrCounters& counters() const { return counters_; }
    const RegisterDrFsmCounters& fsm_counters() const { return machine_.counters(); }
    const RegisterDrConfig& config() const { return cfg_; }
    // The outer source Registers to rp would carry (0.0.0.0: left to the kernel).
    Ipv4Address register_source_for(Ipv4Address rp);

  private:
    // RegisterDrMachine::Hooks
    void register_stop_timer_expired(const SGKey& sg) override;
    void send_null_register(const SGKey& sg) override;
    void tunnel_changed(const SGKey& sg) override;

    void run(const SGKey& sg, RegisterDrEvent ev);
    void drop(SGRegisterState* st, RegisterDrDrop why);
    void send_to_rp(Ipv4Address rp, std::span<const uint8_t> message);
    void register_stop_for(const SGKey& sg);
    std::optional<Ipv4Address> current_rp(Ipv4Address group) const;

    RegisterHost& host_;
    TimerService& timers_;
    PimActions& actions_;
    RegisterDrConfig cfg_;
    RegisterDrMachine machine_;
    std::map<SGKey, SGRegisterState> states_;                        // machines not in NoInfo
    std::map<Ipv4Address, std::set<Ipv4Address>> sources_by_group_;  // states_ by group (group_changed)
    RegisterDrCounters counters_;
};

}  // namespace fanout::pim
