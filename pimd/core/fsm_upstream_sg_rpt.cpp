// Upstream (S,G,rpt): RFC 7761 4.5.6 "(S,G,rpt) Periodic Messages" and 4.5.7 "State Machine for (S,G,rpt)
// Triggered Messages" (Figure 8).
//
//   +-------------------------+----------------------+----------------------+-----------------------------+
//   | Event                   | RPTNotJoined(G) (NJ) | Pruned(S,G,rpt) (P)  | NotPruned(S,G,rpt) (NP)     |
//   +-------------------------+----------------------+----------------------+-----------------------------+
//   | PruneDesired(S,G,rpt)   | -> P                 | -                    | -> P: send Prune(S,G,rpt);  |
//   |   -> TRUE               |                      |                      | cancel OT                   |
//   | PruneDesired(S,G,rpt)   | -                    | -> NP: send          | -                           |
//   |   -> FALSE              |                      | Join(S,G,rpt)        |                             |
//   | RPTJoinDesired(G)       | -                    | -> NJ                | -> NJ: cancel OT            |
//   |   -> FALSE              |                      |                      |                             |
//   | inherited_olist(S,G,rpt)| -> NP                | -                    | -                           |
//   |   -> non-NULL           |                      |                      |                             |
//   | See Prune(S,G,rpt) to   | -                    | -                    | OT = min(OT, t_override)    |
//   |   RPF'(S,G,rpt)         |                      |                      |                             |
//   | See Join(S,G,rpt) to    | -                    | -                    | cancel OT                   |
//   |   RPF'(S,G,rpt)         |                      |                      |                             |
//   | See Prune(S,G) to       | -                    | -                    | OT = min(OT, t_override)    |
//   |   RPF'(S,G,rpt)         |                      |                      |                             |
//   | RPF'(S,G,rpt) ->        | -                    | -                    | OT = min(OT, t_override)    |
//   |   RPF'(*,G)             |                      |                      |                             |
//   | Override Timer expires  | -                    | -                    | send Join(S,G,rpt) to       |
//   |                         |                      |                      | RPF'(S,G,rpt); stop OT      |
//   +-------------------------+----------------------+----------------------+-----------------------------+
//
// "See Prune(S,G,rpt)" in NP is the LAN prune override: another downstream router pruned S off the shared
// tree on our upstream LAN while we still want it; our Join(S,G,rpt) (after t_override) cancels the prune.
//
// 4.5.6: every Join(*,G) we send carries Prune(S,G,rpt) for each S where (rpt_prune_in_join)
//     if SPTbit(S,G): RPF'(*,G) != RPF'(S,G)   (on the SPT, prune off the RPT only if the paths differ)
//     else if inherited_olist(S,G,rpt) == NULL  (all (*,G) olist interfaces pruned S)
//     else if RPF'(*,G) != RPF'(S,G,rpt)        (an (S,G) assert moved the RPT neighbor)
// A NJ -> P transition sends nothing itself: the Join(*,G) that follows RPTJoinDesired(G) carries the prune.
// NotPruned with no Override Timer running is the idle state: the TIB does not keep such entries.
#include "pimd/core/pim_core.hpp"
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pim {

bool SparseMode::rpt_prune_in_join(const SGKey& sg) {
    auto in = macro_inputs();
    const SGEntry* e = tib_.find(sg);
    auto rpf_star = rpf_prime_star_g(in, sg.group);
    if (e && e->spt_bit) return rpf_star != rpf_prime_sg(in, sg);
    if (inherited_olist_sg_rpt(in, sg).empty()) return true;
    return rpf_star != rpf_prime_sg_rpt(in, sg);
}

void SparseMode::sg_rpt_override_expired(const SGKey& sg) {
    SGRptEntry* e = tib_.find_rpt(sg);
    if (!e || !std::holds_alternative<RptUpNotPruned>(e->upstream)) {
        unexpected("upstream(S,G,rpt)", sg, 0, e ? to_string(state_of(e->upstream)) : "none",
                   "OverrideTimerExpires");
        return;
    }
    auto in = macro_inputs();
    auto nbr = rpf_prime_sg_rpt(in, sg);
    auto rp_addr = rp(sg.group);
    if (nbr && rp_addr) tx_.add_join(rpf_interface(*rp_addr), *nbr, sg.group, sg_rpt_source(sg.source));
    e->upstream = RptUpNotPruned{};  // OT stopped
    collect_group(sg.group);
    finish_deferred();
}

void SparseMode::update_upstream_sg_rpt(const SGKey& sg) {
    auto in = macro_inputs();
    const bool rjd = rpt_join_desired(in, sg.group);
    SGRptEntry* e = tib_.find_rpt(sg);
    const UpstreamRptState st =
        e ? state_of(e->upstream) : (rjd ? UpstreamRptState::kNotPruned : UpstreamRptState::kRptNotJoined);
    const FsmKey key = sg;
    if (!rjd) {
        if (e && st != UpstreamRptState::kRptNotJoined) {
            e->upstream = RptUpNotJoined{};
            transition("upstream(S,G,rpt)", key, 0, to_string(st), "RPTNotJoined", "RPTJoinDesired->FALSE");
        }
        return;
    }
    const bool pd = prune_desired_sg_rpt(in, sg);
    auto rp_addr = rp(sg.group);
    const int iif = rp_addr ? rpf_interface(*rp_addr) : 0;
    auto nbr = rpf_prime_sg_rpt(in, sg);
    if (pd && st != UpstreamRptState::kPruned) {
        if (!e) e = &tib_.get_or_create_rpt(sg, now());
        e->upstream = RptUpPruned{};
        if (st == UpstreamRptState::kNotPruned && nbr && iif)
            tx_.add_prune(iif, *nbr, sg.group, sg_rpt_source(sg.source));
        transition("upstream(S,G,rpt)", key, iif, to_string(st), "Pruned", "PruneDesired->TRUE");
    } else if (!pd && st == UpstreamRptState::kPruned) {
        e->upstream = RptUpNotPruned{};
        if (nbr && iif) tx_.add_join(iif, *nbr, sg.group, sg_rpt_source(sg.source));
        transition("upstream(S,G,rpt)", key, iif, "Pruned", "NotPruned", "PruneDesired->FALSE");
    } else if (!pd && st == UpstreamRptState::kRptNotJoined && e) {
        e->upstream = RptUpNotPruned{};
        transition("upstream(S,G,rpt)", key, iif, "RPTNotJoined", "NotPruned", "inherited_olist->non-NULL");
    }
}

// See events for the (S,G,rpt) machine: only NotPruned reacts.
void SparseMode::sg_rpt_seen(const SGKey& sg, int ifindex, Ipv4Address target, SeenKind kind) {
    auto in = macro_inputs();
    if (!rpt_join_desired(in, sg.group) || prune_desired_sg_rpt(in, sg)) return;  // not NotPruned
    auto nbr = rpf_prime_sg_rpt(in, sg);
    auto rp_addr = rp(sg.group);
    if (!nbr || *nbr != target || !rp_addr || rpf_interface(*rp_addr) != ifindex) return;
    SGRptEntry* e = tib_.find_rpt(sg);
    if (e && !std::holds_alternative<RptUpNotPruned>(e->upstream)) return;
    if (kind == SeenKind::kJoinSGRpt) {
        if (e) e->upstream = RptUpNotPruned{};  // cancel OT
        return;
    }
    if (!e) e = sg_rpt_entry(sg);
    if (!e) return;
    if (!std::holds_alternative<RptUpNotPruned>(e->upstream)) e->upstream = RptUpNotPruned{};
    auto& ot = std::get<RptUpNotPruned>(e->upstream).override_timer;
    const Duration t = t_override(ifindex);
    if (ot.armed() && ot.remaining() <= t) return;
    ot = TimerHandle(core_.timers(), t, [this, sg] { sg_rpt_override_expired(sg); });
}

}  // namespace fanout::pim
