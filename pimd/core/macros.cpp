// RFC 7761 state summarization macros (4.1.6, 4.2, 4.5, 4.6.5); see macros.hpp.
#include "pimd/core/macros.hpp"

namespace fanout::pim {

namespace {
// Interfaces that matter for a group: downstream state or local membership (everything else is empty for
// every macro below).
IfSet candidate_interfaces(const MacroInputs& in, Ipv4Address group, const SGKey* sg) {
    IfSet out;
    for (int i : in.members.interfaces_of(group))
        out.insert(i);
    if (const auto* e = in.tib.find(StarGKey{group}))
        for (const auto& [i, s] : e->downstream)
            out.insert(i);
    if (sg) {
        if (const auto* e = in.tib.find(*sg))
            for (const auto& [i, s] : e->downstream)
                out.insert(i);
        if (const auto* e = in.tib.find_rpt(*sg))
            for (const auto& [i, s] : e->downstream)
                out.insert(i);
    }
    return out;
}
bool spt_bit(const MacroInputs& in, const SGKey& sg) {
    const auto* e = in.tib.find(sg);
    return e && e->spt_bit;
}
}  // namespace

bool i_am_dr(const MacroInputs& in, int ifindex) {
    return in.router.i_am_dr(ifindex);
}

bool i_am_rp(const MacroInputs& in, Ipv4Address group) {
    auto rp = in.router.rp(group);
    return rp && in.router.is_local_address(*rp);
}

bool local_receiver_include(const MacroInputs& in, Ipv4Address group, int ifindex) {
    return in.members.receiver_include(group, ifindex);
}
bool local_receiver_include(const MacroInputs& in, const SGKey& sg, int ifindex) {
    return in.members.receiver_include(sg.source, sg.group, ifindex);
}
bool local_receiver_exclude(const MacroInputs& in, const SGKey& sg, int ifindex) {
    return in.members.receiver_exclude(sg.source, sg.group, ifindex);
}

// bool lost_assert(*,G,I) {
//      if ( RPF_interface(RP(G)) == I ) {
//         return FALSE
//      } else {
//         return ( AssertWinner(*,G,I) != NULL AND
//                  AssertWinner(*,G,I) != me )
//      }
// }
bool lost_assert_star_g(const MacroInputs& in, Ipv4Address group, int ifindex) {
    auto rp = in.router.rp(group);
    if (rp && in.router.rpf_interface(*rp) == ifindex) return false;
    auto w = in.asserts.assert_winner_star_g(group, ifindex);
    return !w.is_null() && !w.is_me();
}

// bool lost_assert(S,G,I) {
//      if ( RPF_interface(S) == I ) {
//         return FALSE
//      } else {
//         return ( AssertWinner(S,G,I) != NULL AND
//                  AssertWinner(S,G,I) != me  AND
//                  (AssertWinnerMetric(S,G,I) is better
//                   than spt_assert_metric(S,I) )
//      }
// }
bool lost_assert_sg(const MacroInputs& in, const SGKey& sg, int ifindex) {
    if (in.router.rpf_interface(sg.source) == ifindex) return false;
    auto w = in.asserts.assert_winner(sg, ifindex);
    return !w.is_null() && !w.is_me() && in.asserts.winner_metric_better_than_spt(sg, ifindex);
}

// bool lost_assert(S,G,rpt,I) {
//      if ( RPF_interface(RP(G)) == I  OR
//          ( RPF_interface(S) == I AND SPTbit(S,G) == TRUE ) ) {
//         return FALSE
//      } else {
//         return ( AssertWinner(S,G,I) != NULL AND
//                  AssertWinner(S,G,I) != me )
//      }
// }
bool lost_assert_sg_rpt(const MacroInputs& in, const SGKey& sg, int ifindex) {
    auto rp = in.router.rp(sg.group);
    if (rp && in.router.rpf_interface(*rp) == ifindex) return false;
    if (in.router.rpf_interface(sg.source) == ifindex && spt_bit(in, sg)) return false;
    auto w = in.asserts.assert_winner(sg, ifindex);
    return !w.is_null() && !w.is_me();
}

// pim_include(*,G) =
//     { all interfaces I such that:
//       ( ( I_am_DR( I ) AND lost_assert(*,G,I) == FALSE )
//         OR AssertWinner(*,G,I) == me )
//        AND  local_receiver_include(*,G,I) }
IfSet pim_include_star_g(const MacroInputs& in, Ipv4Address group) {
    IfSet out;
    for (int i : in.members.interfaces_of(group)) {
        if (!local_receiver_include(in, group, i)) continue;
        if ((i_am_dr(in, i) && !lost_assert_star_g(in, group, i)) ||
            in.asserts.assert_winner_star_g(group, i).is_me())
            out.insert(i);
    }
    return out;
}

// pim_include(S,G) =
//     { all interfaces I such that:
//       ( (I_am_DR( I ) AND lost_assert(S,G,I) == FALSE )
//         OR AssertWinner(S,G,I) == me )
//        AND  local_receiver_include(S,G,I) }
IfSet pim_include_sg(const MacroInputs& in, const SGKey& sg) {
    IfSet out;
    for (int i : in.members.interfaces_of(sg.group)) {
        if (!local_receiver_include(in, sg, i)) continue;
        if ((i_am_dr(in, i) && !lost_assert_sg(in, sg, i)) || in.asserts.assert_winner(sg, i).is_me())
            out.insert(i);
    }
    return out;
}

// pim_exclude(S,G) =
//     { all interfaces I such that:
//       ( (I_am_DR( I ) AND lost_assert(*,G,I) == FALSE )
//         OR AssertWinner(*,G,I) == me )
//        AND  local_receiver_exclude(S,G,I) }
IfSet pim_exclude_sg(const MacroInputs& in, const SGKey& sg) {
    IfSet out;
    for (int i : in.members.interfaces_of(sg.group)) {
        if (!local_receiver_exclude(in, sg, i)) continue;
        if ((i_am_dr(in, i) && !lost_assert_star_g(in, sg.group, i)) ||
            in.asserts.assert_winner_star_g(sg.group, i).is_me())
            out.insert(i);
    }
    return out;
}

// joins(*,G) = { all interfaces I such that DownstreamJPState(*,G,I) is either Join or Prune-Pending }
IfSet joins_star_g(const MacroInputs& in, Ipv4Address group) {
    IfSet out;
    if (const auto* e = in.tib.find(StarGKey{group}))
        for (const auto& [i, s] : e->downstream)
            if (state_of(s) != DownstreamState::kNoInfo) out.insert(i);
    return out;
}

// joins(S,G) = { all interfaces I such that DownstreamJPState(S,G,I) is either Join or Prune-Pending }
IfSet joins_sg(const MacroInputs& in, const SGKey& sg) {
    IfSet out;
    if (const auto* e = in.tib.find(sg))
        for (const auto& [i, s] : e->downstream)
            if (state_of(s) != DownstreamState::kNoInfo) out.insert(i);
    return out;
}

// prunes(S,G,rpt) = { all interfaces I such that DownstreamJPState(S,G,rpt,I) is Prune or PruneTmp }
IfSet prunes_sg_rpt(const MacroInputs& in, const SGKey& sg) {
    IfSet out;
    if (const auto* e = in.tib.find_rpt(sg))
        for (const auto& [i, s] : e->downstream) {
            auto st = state_of(s);
            if (st == DownstreamRptState::kPruned || st == DownstreamRptState::kPruneTmp) out.insert(i);
        }
    return out;
}

// lost_assert(*,G) = { all interfaces I such that lost_assert(*,G,I) == TRUE } (and likewise below).
IfSet lost_assert_star_g_set(const MacroInputs& in, Ipv4Address group) {
    IfSet out;
    for (int i : candidate_interfaces(in, group, nullptr))
        if (lost_assert_star_g(in, group, i)) out.insert(i);
    return out;
}
IfSet lost_assert_sg_set(const MacroInputs& in, const SGKey& sg) {
    IfSet out;
    for (int i : candidate_interfaces(in, sg.group, &sg))
        if (lost_assert_sg(in, sg, i)) out.insert(i);
    return out;
}
IfSet lost_assert_sg_rpt_set(const MacroInputs& in, const SGKey& sg) {
    IfSet out;
    for (int i : candidate_interfaces(in, sg.group, &sg))
        if (lost_assert_sg_rpt(in, sg, i)) out.insert(i);
    return out;
}

// immediate_olist(*,G) = joins(*,G) (+) pim_include(*,G) (-) lost_assert(*,G)
IfSet immediate_olist_star_g(const MacroInputs& in, Ipv4Address group) {
    return joins_star_g(in, group) + pim_include_star_g(in, group) - lost_assert_star_g_set(in, group);
}

// immediate_olist(S,G) = joins(S,G) (+) pim_include(S,G) (-) lost_assert(S,G)
IfSet immediate_olist_sg(const MacroInputs& in, const SGKey& sg) {
    return joins_sg(in, sg) + pim_include_sg(in, sg) - lost_assert_sg_set(in, sg);
}

// inherited_olist(S,G,rpt) =
//        ( joins(*,G) (-) prunes(S,G,rpt) )
//    (+) ( pim_include(*,G) (-) pim_exclude(S,G))
//    (-) ( lost_assert(*,G) (+) lost_assert(S,G,rpt) )
IfSet inherited_olist_sg_rpt(const MacroInputs& in, const SGKey& sg) {
    const IfSet a = joins_star_g(in, sg.group) - prunes_sg_rpt(in, sg);
    const IfSet b = pim_include_star_g(in, sg.group) - pim_exclude_sg(in, sg);
    const IfSet lost = lost_assert_star_g_set(in, sg.group) + lost_assert_sg_rpt_set(in, sg);
    return a + b - lost;
}

// inherited_olist(S,G) = inherited_olist(S,G,rpt) (+) immediate_olist(S,G)
IfSet inherited_olist_sg(const MacroInputs& in, const SGKey& sg) {
    return inherited_olist_sg_rpt(in, sg) + immediate_olist_sg(in, sg);
}

// bool JoinDesired(*,G) {
//     if (immediate_olist(*,G) != NULL)
//         return TRUE
//     else
//         return FALSE
// }
bool join_desired_star_g(const MacroInputs& in, Ipv4Address group) {
    return !immediate_olist_star_g(in, group).empty();
}

// bool JoinDesired(S,G) {
//     return( immediate_olist(S,G) != NULL
//             OR ( KeepaliveTimer(S,G) is running
//                  AND inherited_olist(S,G) != NULL ) )
// }
bool join_desired_sg(const MacroInputs& in, const SGKey& sg) {
    if (!immediate_olist_sg(in, sg).empty()) return true;
    const auto* e = in.tib.find(sg);
    return e && e->keepalive_running() && !inherited_olist_sg(in, sg).empty();
}

// bool RPTJoinDesired(G) {
//     return JoinDesired(*,G)
// }
bool rpt_join_desired(const MacroInputs& in, Ipv4Address group) {
    return join_desired_star_g(in, group);
}

// bool PruneDesired(S,G,rpt) {
//     return ( RPTJoinDesired(G) AND
//              ( inherited_olist(S,G,rpt) == NULL
//                OR (SPTbit(S,G)==TRUE
//                    AND (RPF'(*,G) != RPF'(S,G)) )))
// }
bool prune_desired_sg_rpt(const MacroInputs& in, const SGKey& sg) {
    if (!rpt_join_desired(in, sg.group)) return false;
    if (inherited_olist_sg_rpt(in, sg).empty()) return true;
    return spt_bit(in, sg) && rpf_prime_star_g(in, sg.group) != rpf_prime_sg(in, sg);
}

// neighbor RPF'(*,G) {
//     if ( I_Am_Assert_Loser(*, G, RPF_interface(RP(G))) ) {
//         return AssertWinner(*, G, RPF_interface(RP(G)) )
//     } else {
//         return NBR( RPF_interface(RP(G)), MRIB.next_hop( RP(G) ) )
//     }
// }
std::optional<Ipv4Address> rpf_prime_star_g(const MacroInputs& in, Ipv4Address group) {
    auto rp = in.router.rp(group);
    if (!rp) return std::nullopt;
    int iif = in.router.rpf_interface(*rp);
    if (iif == 0) return std::nullopt;
    if (in.asserts.i_am_assert_loser_star_g(group, iif))
        return in.asserts.assert_winner_star_g(group, iif).address;
    return in.router.mrib_neighbor(*rp);
}

// neighbor RPF'(S,G) {
//     if ( I_Am_Assert_Loser(S, G, RPF_interface(S) )) {
//         return AssertWinner(S, G, RPF_interface(S) )
//     } else {
//         return NBR( RPF_interface(S), MRIB.next_hop( S ) )
//     }
// }
std::optional<Ipv4Address> rpf_prime_sg(const MacroInputs& in, const SGKey& sg) {
    int iif = in.router.rpf_interface(sg.source);
    if (iif == 0) return std::nullopt;
    if (in.asserts.i_am_assert_loser(sg, iif)) return in.asserts.assert_winner(sg, iif).address;
    return in.router.mrib_neighbor(sg.source);
}

// neighbor RPF'(S,G,rpt) {
//     if( I_Am_Assert_Loser(S, G, RPF_interface(RP(G)) ) ) {
//         return AssertWinner(S, G, RPF_interface(RP(G)) )
//     } else {
//         return RPF'(*,G)
//     }
// }
std::optional<Ipv4Address> rpf_prime_sg_rpt(const MacroInputs& in, const SGKey& sg) {
    auto rp = in.router.rp(sg.group);
    if (!rp) return std::nullopt;
    int iif = in.router.rpf_interface(*rp);
    if (iif != 0 && in.asserts.i_am_assert_loser(sg, iif)) return in.asserts.assert_winner(sg, iif).address;
    return rpf_prime_star_g(in, sg.group);
}

// void CheckSwitchToSpt(S,G) {
//     if ( ( pim_include(*,G) (-) pim_exclude(S,G)
//            (+) pim_include(S,G) != NULL )
//          AND SwitchToSptDesired(S,G) ) {
//         # Note: Restarting the KAT will result in the SPT switch
//         set KeepaliveTimer(S,G) to Keepalive_Period
//     }
// }
bool check_switch_to_spt(const MacroInputs& in, const SGKey& sg, bool switch_to_spt_desired) {
    if (!switch_to_spt_desired) return false;
    return !(pim_include_star_g(in, sg.group) - pim_exclude_sg(in, sg) + pim_include_sg(in, sg)).empty();
}

// void Update_SPTbit(S,G,iif) {
//   if ( iif == RPF_interface(S)
//         AND JoinDesired(S,G) == TRUE
//         AND ( DirectlyConnected(S) == TRUE
//               OR RPF_interface(S) != RPF_interface(RP(G))
//               OR inherited_olist(S,G,rpt) == NULL
//               OR ( ( RPF'(S,G) == RPF'(*,G) ) AND
//                    ( RPF'(S,G) != NULL ) )
//               OR ( I_Am_Assert_Loser(S,G,iif) ) ) ) {
//      Set SPTbit(S,G) to TRUE
//   }
// }
bool update_sptbit_condition(const MacroInputs& in, const SGKey& sg, int iif) {
    const int rpf_s = in.router.rpf_interface(sg.source);
    if (iif == 0 || iif != rpf_s || !join_desired_sg(in, sg)) return false;
    if (in.router.directly_connected(sg.source)) return true;
    auto rp = in.router.rp(sg.group);
    const int rpf_rp = rp ? in.router.rpf_interface(*rp) : 0;
    if (rpf_s != rpf_rp) return true;
    if (inherited_olist_sg_rpt(in, sg).empty()) return true;
    auto a = rpf_prime_sg(in, sg);
    if (a && a == rpf_prime_star_g(in, sg.group)) return true;
    return in.asserts.i_am_assert_loser(sg, iif);
}

// The part of CouldAssert(S,G,I) and AssertTrackingDesired(S,G,I) they share (RFC 7761 removed (*,*,RP)):
//     ( joins(*,G) (-) prunes(S,G,rpt) )
//     (+) ( pim_include(*,G) (-) pim_exclude(S,G) )
//     (-) lost_assert(*,G)
//     (+) joins(S,G)
namespace {
IfSet assert_sg_olist(const MacroInputs& in, const SGKey& sg) {
    const IfSet a = joins_star_g(in, sg.group) - prunes_sg_rpt(in, sg);
    const IfSet b = pim_include_star_g(in, sg.group) - pim_exclude_sg(in, sg);
    return a + b - lost_assert_star_g_set(in, sg.group) + joins_sg(in, sg);
}
}  // namespace

// bool CouldAssert(S,G,I) {
//    return ( SPTbit(S,G)==TRUE
//             AND (RPF_interface(S) != I)
//             AND (I in ( ( joins(*,G) (-) prunes(S,G,rpt) )
//                         (+) ( pim_include(*,G) (-) pim_exclude(S,G) )
//                         (-) lost_assert(*,G)
//                         (+) joins(S,G) (+) pim_include(S,G) ) ) )
// }
bool could_assert_sg(const MacroInputs& in, const SGKey& sg, int ifindex) {
    if (!spt_bit(in, sg) || in.router.rpf_interface(sg.source) == ifindex) return false;
    return assert_sg_olist(in, sg).count(ifindex) > 0 || pim_include_sg(in, sg).count(ifindex) > 0;
}

// bool AssertTrackingDesired(S,G,I) {
//    return ( I in ( ( joins(*,G) (-) prunes(S,G,rpt) )
//                    (+) ( pim_include(*,G) (-) pim_exclude(S,G) )
//                    (-) lost_assert(*,G)
//                    (+) joins(S,G) ) )
//       OR (local_receiver_include(S,G,I) == TRUE
//           AND (I_am_DR(I) OR (AssertWinner(S,G,I) == me)))
//       OR ((RPF_interface(S) == I) AND (JoinDesired(S,G) == TRUE))
//       OR ((RPF_interface(RP(G)) == I) AND (JoinDesired(*,G) == TRUE)
//           AND (SPTbit(S,G) == FALSE))
// }
bool assert_tracking_desired_sg(const MacroInputs& in, const SGKey& sg, int ifindex) {
    if (assert_sg_olist(in, sg).count(ifindex)) return true;
    if (local_receiver_include(in, sg, ifindex) &&
        (i_am_dr(in, ifindex) || in.asserts.assert_winner(sg, ifindex).is_me()))
        return true;
    if (in.router.rpf_interface(sg.source) == ifindex && join_desired_sg(in, sg)) return true;
    auto rp = in.router.rp(sg.group);
    return rp && in.router.rpf_interface(*rp) == ifindex && join_desired_star_g(in, sg.group) &&
           !spt_bit(in, sg);
}

// bool CouldAssert(*,G,I) =
//    ( I in ( joins(*,G) (+) pim_include(*,G)) )
//    AND (RPF_interface(RP(G)) != I)
bool could_assert_star_g(const MacroInputs& in, Ipv4Address group, int ifindex) {
    auto rp = in.router.rp(group);
    if (!rp || in.router.rpf_interface(*rp) == ifindex) return false;
    return joins_star_g(in, group).count(ifindex) > 0 || pim_include_star_g(in, group).count(ifindex) > 0;
}

// bool AssertTrackingDesired(*,G,I) =
//    CouldAssert(*,G,I)
//    OR (local_receiver_include(*,G,I)==TRUE
//        AND (I_am_DR(I) OR AssertWinner(*,G,I) == me))
//    OR (RPF_interface(RP(G)) == I AND RPTJoinDesired(G))
bool assert_tracking_desired_star_g(const MacroInputs& in, Ipv4Address group, int ifindex) {
    if (could_assert_star_g(in, group, ifindex)) return true;
    if (local_receiver_include(in, group, ifindex) &&
        (i_am_dr(in, ifindex) || in.asserts.assert_winner_star_g(group, ifindex).is_me()))
        return true;
    auto rp = in.router.rp(group);
    return rp && in.router.rpf_interface(*rp) == ifindex && rpt_join_desired(in, group);
}

}  // namespace fanout::pim
