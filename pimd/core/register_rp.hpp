// The register path at the RP, RFC 7761 4.4.2 ("Receiving Register Messages at the RP"), 4.9.3 / 4.9.4,
// 4.11 (Keepalive_Period, RP_Keepalive_Period = 3 x Register_Suppression_Time + Register_Probe_Time).
//
// packet_arrives_on_rp_tunnel(pkt), as implemented by receive_register():
//   if (outer.dst is not one of my addresses) drop silently             -> counted "not-my-address"
//   [local policy, before the RFC's logic: per-DR rate limit (drop, no Register-Stop: a rate limit must
//    not suppress the DR for a minute), accept filter (drop; Register-Stop when configured, as IOS does)]
//   if (I_am_RP(G) AND outer.dst == RP(G)) {
//       sentRegisterStop = FALSE
//       if (register.borderbit == TRUE) {
//           if (PMBR(S,G) == unknown) PMBR(S,G) = outer.src
//           else if (outer.src != PMBR(S,G)) { send Register-Stop(S,G) to outer.src; drop }
//       }
//       if (SPTbit(S,G) OR (SwitchToSptDesired(S,G) AND inherited_olist(S,G) == NULL)) {
//           send Register-Stop(S,G) to outer.src; sentRegisterStop = TRUE
//       }
//       if (SPTbit(S,G) OR SwitchToSptDesired(S,G)) {
//           KeepaliveTimer(S,G) = sentRegisterStop ? RP_Keepalive_Period : Keepalive_Period
//       }
//       if (!SPTbit(S,G) AND !pkt.NullRegisterBit)
//           decapsulate and forward the inner packet to inherited_olist(S,G,rpt)
//   } else {
//       send Register-Stop(S,G) to outer.src      (SSM groups and groups we are not RP for; counted apart)
//   }
// (Quoted from a public copy of the RFC 4601 / RFC 7761 4.4.2 pseudocode; the pages corpus held only the
// RFC's front page.)
//
// Decapsulation is the kernel's (shared/LINUX-MROUTE.md "Register VIF"): a valid data Register to a local
// address re-enters on the register VIF. The core's part is the (S,G) state: RegisterHost::register_learned
// creates it, marks it C and N, sets the KAT, and JoinDesired(S,G) (KAT running AND inherited_olist(S,G) !=
// NULL) then joins toward S; once native data sets SPTbit(S,G), the next Register (data or null) gets the
// Register-Stop. A Null-Register runs the same logic without the forwarding: it refreshes the KAT and is
// answered with a Register-Stop unless receivers still want the data and the SPT is not established (no
// answer lets the DR's Join-Pending expire into Join: data Registers resume).
// The forwarding computation must not install decapsulated traffic of sources the accept filter refuses:
// it asks accepts(S,G).
//
// Anycast-RP (RFC 4610 section 3, with RegisterRpConfig::anycast set and RP(G) the set's address): the RP
// logic above also runs for a Register that another member forwarded to our own member address (steps 7-12:
// the member learns (S,G), decapsulates, answers the member with a Register-Stop); a Register from a DR
// that the logic processed (it reached the I_am_RP branch and was not dropped for a PMBR mismatch) is then
// copied, unchanged, to every other member from our member address (steps 4-5); a member's Register is
// never forwarded again. A Register that this RP drops (not my address, rate limit, bad inner, filter,
// SSM, not RP for G, PMBR) is not forwarded either: step 2, only a Register the RP would process goes on.
// The decision itself is anycast_rp.hpp's decide_register.
//
// A Register whose outer source is one of our own addresses is the MSDP service handing the data packet
// of an SA to the kernel's decapsulation (pimd/msdp_service.hpp, RFC 3618 section 14): the kernel has
// already forwarded its inner packet; the RP logic must not run for it (counted "own-source").
//
// Register-Stop destination and egress: outer.src, out of the interface of the unicast route to it
// (RegisterHost::unicast_route, 0 = kernel routing); its source address is outer.dst (the RP address the DR
// registered to, which is what the DR expects to hear from).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"
#include "pimd/core/anycast_rp.hpp"
#include "pimd/core/pim_actions.hpp"
#include "pimd/core/pim_dispatch.hpp"
#include "pimd/core/register_dr.hpp"

namespace fanout::pim {

struct RegisterRpConfig {
    RegisterTimers timers;                                  // for RP_Keepalive_Period
    Duration keepalive_period = std::chrono::seconds(210);  // Keepalive_Period
    // Accept filter: a Register is accepted only when its inner source is inside one of accept_sources and
    // its group inside one of accept_groups (an empty list accepts everything).
    std::vector<Ipv4Prefix> accept_sources;
    std::vector<Ipv4Prefix> accept_groups;
    bool register_stop_on_filtered = true;
    // Registers accepted per register sender (outer source) per second; 0 = unlimited.
    uint32_t rate_limit_pps = 0;
    uint32_t rate_limit_burst = 100;
    std::optional<AnycastRpConfig> anycast;  // RFC 4610 set: register forwarding between its members
    bool operator==(const RegisterRpConfig&) const = default;
};

enum class RegisterRpDrop : uint8_t {
    kNotMyAddress,  // outer destination is not one of our addresses (silently dropped, 4.4.2)
    kFiltered,      // refused by the accept filter
    kRateLimited,   // per-sender rate limit
    kBadInner,      // inner destination not a routable multicast group
    kPmbrMismatch,  // border bit from another PMBR than the one recorded
    kOwnSource,     // outer source is one of our addresses (MSDP data handed to the kernel's decapsulation)
    kCount
};
std::string_view to_string(RegisterRpDrop d);

enum class RegisterStopReason : uint8_t {
    kNotRp,         // not I_am_RP(G) or outer.dst != RP(G)
    kSsm,           // G in the SSM range (no RP)
    kFiltered,      // accept filter
    kPmbr,          // border bit from another PMBR
    kSptOrNoOlist,  // SPTbit(S,G) OR (SwitchToSptDesired AND inherited_olist(S,G) == NULL)
    kCount
};
std::string_view to_string(RegisterStopReason r);

// Per-(S,G) record at the RP (kept RP_Keepalive_Period after the last Register).
struct RegisterRpSgState {
    SGKey sg;
    Ipv4Address last_sender;          // outer.src of the last Register (the DR, or an anycast peer)
    std::optional<Ipv4Address> pmbr;  // PMBR(S,G)
    TimePoint first_seen;
    TimePoint last_seen;
    uint64_t registers = 0;       // data Registers accepted
    uint64_t bytes = 0;           // inner bytes of accepted data Registers
    uint64_t null_registers = 0;  // Null-Registers accepted
    uint64_t register_stops_sent = 0;
    bool forwarded_last = false;  // the last data Register was left for decapsulation
    // The inner packet of the first data Register (at most kMaxKeptPacket octets; larger ones are not
    // kept): MSDP may carry it in the source's first SA (RFC 3618 section 14, msdp_service.hpp).
    std::vector<uint8_t> first_packet;
    TimerHandle expiry;
};

struct RegisterRpCounters {
    uint64_t registers_rx = 0;
    uint64_t null_registers_rx = 0;
    uint64_t forwarded = 0;  // data Registers the kernel decapsulates into inherited_olist(S,G,rpt)
    std::array<uint64_t, static_cast<size_t>(RegisterRpDrop::kCount)> drops{};
    std::array<uint64_t, static_cast<size_t>(RegisterStopReason::kCount)> register_stops_sent{};
    AnycastRpCounters anycast;  // RFC 4610 register forwarding
};

class RegisterRp {
  public:
    static constexpr size_t kMaxKeptPacket = 1500;
    RegisterRp(RegisterHost& host, TimerService& timers, PimActions& actions, RegisterRpConfig cfg = {});
    RegisterRp(const RegisterRp&) = delete;
    RegisterRp& operator=(const RegisterRp&) = delete;

    RxOutcome receive_register(const PimRxContext& ctx);
    void set_config(RegisterRpConfig cfg);

    // The accept filter allows (S,G) (for the forwarding computation of decapsulated traffic).
    bool accepts(const SGKey& sg) const;
    Duration rp_keepalive_period() const { return 3 * cfg_.timers.suppression_time + cfg_.timers.probe_time; }

    const RegisterRpSgState* find(const SGKey& sg) const;
    const std::map<SGKey, RegisterRpSgState>& states() const { return states_; }
    const RegisterRpCounters& counters() const { return counters_; }
    const RegisterRpConfig& config() const { return cfg_; }

  private:
    void send_register_stop(Ipv4Address from, Ipv4Address to, const SGKey& sg, RegisterStopReason why,
                            RegisterRpSgState* st);
    RegisterRpSgState& record(const SGKey& sg);
    void drop(RegisterRpDrop d) { ++counters_.drops[static_cast<size_t>(d)]; }
    bool rate_ok(Ipv4Address sender);
    AnycastRegisterDecision anycast_decision(const RouterView& router, std::optional<Ipv4Address> rp,
                                             Ipv4Address outer_src, Ipv4Address outer_dst) const;
    void forward_to_members(const AnycastRegisterDecision& d, const PimRxContext& ctx);

    RegisterHost& host_;
    TimerService& timers_;
    PimActions& actions_;
    RegisterRpConfig cfg_;
    std::map<SGKey, RegisterRpSgState> states_;
    std::map<Ipv4Address, TokenBucket> buckets_;  // per register sender
    RegisterRpCounters counters_;
};

}  // namespace fanout::pim
