// The PIM-SM summarisation macros, RFC 7761 4.1.6 ("State Summarization Macros"), 4.3.2 (I_am_DR), 4.5
// (JoinDesired, PruneDesired, RPTJoinDesired, RPF'), 4.2.1 (CheckSwitchToSpt) and 4.6 (lost_assert), as pure
// named functions over a read-only view of the router (MacroInputs). Each quotes its formula; each is tested
// row by row in tests/unit/pimd/macros_test.cpp. RFC 7761 removed (*,*,RP) state: the (*,*,RP) terms of RFC
// 4601 are gone from every formula below.
//
// Set notation: (+) union, (-) set difference (IfSet's + and -, left to right as in the RFC). An "olist" is a
// set of ifindexes (IfSet). NULL neighbors are std::nullopt.
//
// Assert state comes from the assert module (engineer B) through AssertQuery; NoAssertState is the "no
// assert state anywhere" answer used until it is plugged in.
#pragma once

#include <cstdint>
#include <optional>

#include "common/core/ip.hpp"
#include "pimd/core/if_set.hpp"
#include "pimd/core/local_membership.hpp"
#include "pimd/core/tib.hpp"

namespace fanout::pim {

// AssertWinner(S,G,I) / AssertWinner(*,G,I): NULL, this router, or another router.
struct AssertWinner {
    enum class Kind : uint8_t { kNone, kMe, kOther };
    Kind kind = Kind::kNone;
    Ipv4Address address;  // kOther (and kMe: our address on I)
    bool is_null() const { return kind == Kind::kNone; }
    bool is_me() const { return kind == Kind::kMe; }
    bool operator==(const AssertWinner&) const = default;
};

// The assert module's answers (RFC 7761 4.6). Defaults: no assert state.
class AssertQuery {
  public:
    virtual ~AssertQuery() = default;
    virtual AssertWinner assert_winner(const SGKey&, int /*ifindex*/) const { return {}; }
    virtual AssertWinner assert_winner_star_g(Ipv4Address /*group*/, int /*ifindex*/) const { return {}; }
    // AssertWinnerMetric(S,G,I) is better than spt_assert_metric(S,I) (used by lost_assert(S,G,I)).
    virtual bool winner_metric_better_than_spt(const SGKey&, int /*ifindex*/) const { return false; }
    // I_Am_Assert_Loser(S,G,I) / I_Am_Assert_Loser(*,G,I): the assert FSM is in "I am Assert Loser".
    virtual bool i_am_assert_loser(const SGKey& sg, int ifindex) const {
        return assert_winner(sg, ifindex).kind == AssertWinner::Kind::kOther;
    }
    virtual bool i_am_assert_loser_star_g(Ipv4Address group, int ifindex) const {
        return assert_winner_star_g(group, ifindex).kind == AssertWinner::Kind::kOther;
    }
};

class NoAssertState final : public AssertQuery {};

// What the macros need to know about the router beyond the TIB and local membership.
class RouterView {
  public:
    virtual ~RouterView() = default;
    // I_am_DR(I) (4.3.2): this router is the DR on interface I.
    virtual bool i_am_dr(int ifindex) const = 0;
    // RP(G) (4.7): nullopt when G has none (SSM range, unmapped).
    virtual std::optional<Ipv4Address> rp(Ipv4Address group) const = 0;
    virtual bool is_local_address(Ipv4Address a) const = 0;
    // RPF_interface(X): the interface the MRIB uses to reach X; 0 when unreachable.
    virtual int rpf_interface(Ipv4Address x) const = 0;
    // NBR(RPF_interface(X), MRIB.next_hop(X)): the PIM neighbor (primary address) that is the next hop to X;
    // nullopt (NULL) when there is none (unreachable, or the next hop is not a PIM neighbor, as for a
    // directly connected source). MRIB.next_hop(X) is X itself when X is directly connected: a neighbor's own
    // address.
    virtual std::optional<Ipv4Address> mrib_neighbor(Ipv4Address x) const = 0;
    // DirectlyConnected(S) (4.2): S is on the subnet of one of our interfaces.
    virtual bool directly_connected(Ipv4Address s) const = 0;
};

struct MacroInputs {
    const Tib& tib;
    const LocalMembership& members;
    const AssertQuery& asserts;
    const RouterView& router;
};

// I_am_DR(I) (4.3.2).
bool i_am_dr(const MacroInputs& in, int ifindex);
// I_am_RP(G) (4.1.6: "true if the router is the RP for G"): RP(G) is one of our addresses.
bool i_am_rp(const MacroInputs& in, Ipv4Address group);

// local_receiver_include(*,G,I), local_receiver_include(S,G,I), local_receiver_exclude(S,G,I) (4.1.6).
bool local_receiver_include(const MacroInputs& in, Ipv4Address group, int ifindex);
bool local_receiver_include(const MacroInputs& in, const SGKey& sg, int ifindex);
bool local_receiver_exclude(const MacroInputs& in, const SGKey& sg, int ifindex);

// lost_assert(*,G,I), lost_assert(S,G,I), lost_assert(S,G,rpt,I) (4.6.5 assert macros, quoted in .cpp).
bool lost_assert_star_g(const MacroInputs& in, Ipv4Address group, int ifindex);
bool lost_assert_sg(const MacroInputs& in, const SGKey& sg, int ifindex);
bool lost_assert_sg_rpt(const MacroInputs& in, const SGKey& sg, int ifindex);

IfSet pim_include_star_g(const MacroInputs& in, Ipv4Address group);
IfSet pim_include_sg(const MacroInputs& in, const SGKey& sg);
IfSet pim_exclude_sg(const MacroInputs& in, const SGKey& sg);
IfSet joins_star_g(const MacroInputs& in, Ipv4Address group);
IfSet joins_sg(const MacroInputs& in, const SGKey& sg);
IfSet prunes_sg_rpt(const MacroInputs& in, const SGKey& sg);
IfSet lost_assert_star_g_set(const MacroInputs& in, Ipv4Address group);
IfSet lost_assert_sg_set(const MacroInputs& in, const SGKey& sg);
IfSet lost_assert_sg_rpt_set(const MacroInputs& in, const SGKey& sg);

IfSet immediate_olist_star_g(const MacroInputs& in, Ipv4Address group);
IfSet immediate_olist_sg(const MacroInputs& in, const SGKey& sg);
IfSet inherited_olist_sg_rpt(const MacroInputs& in, const SGKey& sg);
IfSet inherited_olist_sg(const MacroInputs& in, const SGKey& sg);

bool join_desired_star_g(const MacroInputs& in, Ipv4Address group);
bool join_desired_sg(const MacroInputs& in, const SGKey& sg);
bool rpt_join_desired(const MacroInputs& in, Ipv4Address group);
bool prune_desired_sg_rpt(const MacroInputs& in, const SGKey& sg);

// RPF'(*,G), RPF'(S,G), RPF'(S,G,rpt) (4.5.4, 4.5.5, 4.5.7). nullopt = NULL.
std::optional<Ipv4Address> rpf_prime_star_g(const MacroInputs& in, Ipv4Address group);
std::optional<Ipv4Address> rpf_prime_sg(const MacroInputs& in, const SGKey& sg);
std::optional<Ipv4Address> rpf_prime_sg_rpt(const MacroInputs& in, const SGKey& sg);

// CheckSwitchToSpt(S,G) condition (4.2.1): local receivers want S via G here AND SwitchToSptDesired(S,G)
// (the policy input, e.g. keepalive.hpp SptThreshold::switch_desired).
bool check_switch_to_spt(const MacroInputs& in, const SGKey& sg, bool switch_to_spt_desired);

// CouldAssert(S,G,I), CouldAssert(*,G,I), AssertTrackingDesired(S,G,I), AssertTrackingDesired(*,G,I)
// (4.6.1, 4.6.2; formulas quoted in macros.cpp). The assert module reads them through AssertMacros.
bool could_assert_sg(const MacroInputs& in, const SGKey& sg, int ifindex);
bool could_assert_star_g(const MacroInputs& in, Ipv4Address group, int ifindex);
bool assert_tracking_desired_sg(const MacroInputs& in, const SGKey& sg, int ifindex);
bool assert_tracking_desired_star_g(const MacroInputs& in, Ipv4Address group, int ifindex);

// Update_SPTbit(S,G,iif) condition (4.2.2): true when SPTbit(S,G) must be set on data arriving on iif.
bool update_sptbit_condition(const MacroInputs& in, const SGKey& sg, int iif);

}  // namespace fanout::pim
