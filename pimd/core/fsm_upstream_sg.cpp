// Upstream (S,G) state machine, RFC 7761 4.5.5 "Sending (S,G) Join/Prune Messages" (Figure 7), and the
// dispatch of "see" events (Join/Prune messages to another router seen on a LAN) and GenID changes to the
// three upstream machines.
//
//   +------------------------------+-------------------------------+--------------------------------+
//   | Event                        | NotJoined                     | Joined                         |
//   +------------------------------+-------------------------------+--------------------------------+
//   | JoinDesired(S,G) -> TRUE     | -> Joined: send Join(S,G) to  | -                              |
//   |                              | RPF'(S,G); JT = t_periodic    |                                |
//   | JoinDesired(S,G) -> FALSE    | -                             | -> NotJoined: send Prune(S,G)  |
//   |                              |                               | to RPF'(S,G); SPTbit = FALSE;  |
//   |                              |                               | cancel JT                      |
//   | Join Timer expires           | -                             | send Join(S,G) to RPF'(S,G);   |
//   |                              |                               | JT = t_periodic                |
//   | See Join(S,G) to RPF'(S,G)   | -                             | JT = max(JT, t_joinsuppress)   |
//   | See Prune(S,G) to RPF'(S,G)  | -                             | JT = min(JT, t_override)       |
//   | See Prune(S,G,rpt) to        | -                             | JT = min(JT, t_override)       |
//   |   RPF'(S,G)                  |                               |                                |
//   | See Prune(*,G) to RPF'(S,G)  | -                             | JT = min(JT, t_override)       |
//   | RPF'(S,G) changes not due to | -                             | send Join(S,G) to new RPF';    |
//   |   an Assert                  |                               | send Prune(S,G) to old RPF';   |
//   |                              |                               | JT = t_periodic                |
//   | RPF'(S,G) GenID changes, or  | -                             | JT = min(JT, t_override)       |
//   |   changes due to an Assert   |                               |                                |
//   +------------------------------+-------------------------------+--------------------------------+
//
// Timer values as in fsm_upstream_star_g.cpp (4.11).
#include "pimd/core/pim_core.hpp"
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pim {

void SparseMode::sg_join_timer_expired(const SGKey& sg) {
    SGEntry* e = tib_.find(sg);
    if (!e || !std::holds_alternative<UpJoined>(e->upstream)) {
        unexpected("upstream(S,G)", sg, 0, "NotJoined", "JoinTimerExpires");
        return;
    }
    if (!e->rpf.neighbor.is_unspecified())
        tx_.add_join(e->rpf.ifindex, e->rpf.neighbor, sg.group, sg_source(sg.source));
    std::get<UpJoined>(e->upstream).join_timer =
        join_timer(core_.config().join_prune_interval, [this, sg] { sg_join_timer_expired(sg); });
    finish_deferred();
}

void SparseMode::update_upstream_sg(const SGKey& sg) {
    SGEntry* e = tib_.find(sg);
    if (!e) return;
    auto in = macro_inputs();
    const bool want = join_desired_sg(in, sg);
    UpstreamTarget target{rpf_interface(sg.source), rpf_prime_sg(in, sg).value_or(Ipv4Address{})};
    const FsmKey key = sg;
    auto rearm = [this, sg] {
        return join_timer(core_.config().join_prune_interval, [this, sg] { sg_join_timer_expired(sg); });
    };
    auto join_to = [&](const UpstreamTarget& t) {
        if (!t.neighbor.is_unspecified()) tx_.add_join(t.ifindex, t.neighbor, sg.group, sg_source(sg.source));
    };
    auto prune_to = [&](const UpstreamTarget& t) {
        if (!t.neighbor.is_unspecified())
            tx_.add_prune(t.ifindex, t.neighbor, sg.group, sg_source(sg.source));
    };
    switch (state_of(e->upstream)) {
        case UpstreamState::kNotJoined:
            e->rpf = target;
            if (!want) return;
            e->upstream = UpJoined{rearm()};
            e->upstream_since = now();
            join_to(target);
            transition("upstream(S,G)", key, target.ifindex, "NotJoined", "Joined", "JoinDesired->TRUE");
            return;
        case UpstreamState::kJoined:
            if (!want) {
                prune_to(e->rpf);
                e->upstream = UpNotJoined{};
                e->upstream_since = now();
                e->spt_bit = false;
                e->rpf = target;
                transition("upstream(S,G)", key, target.ifindex, "Joined", "NotJoined", "JoinDesired->FALSE");
                return;
            }
            if (target == e->rpf) return;
            if (target.ifindex == e->rpf.ifindex && target.ifindex != 0 &&
                asserts_->i_am_assert_loser(sg, target.ifindex)) {
                e->rpf = target;
                decrease_join_timer(e->upstream, target.ifindex, [this, sg] { sg_join_timer_expired(sg); });
                return;
            }
            prune_to(e->rpf);
            join_to(target);
            e->rpf = target;
            std::get<UpJoined>(e->upstream).join_timer = rearm();
            transition("upstream(S,G)", key, target.ifindex, "Joined", "Joined", "RPF'(S,G)changed");
            return;
    }
}

// A Join/Prune to `target` (not us) seen on ifindex: the events of 4.5.4, 4.5.5 and 4.5.7 for every
// entry whose upstream neighbor on that interface is target.
void SparseMode::seen(int ifindex, Ipv4Address target, Ipv4Address group, Ipv4Address source, SeenKind kind,
                      uint16_t holdtime_s) {
    auto star_to_target = [&](StarGEntry& e) { return e.rpf.ifindex == ifindex && e.rpf.neighbor == target; };
    auto sg_to_target = [&](SGEntry& e) { return e.rpf.ifindex == ifindex && e.rpf.neighbor == target; };
    auto sg_timer = [this](SGKey k) { return [this, k] { sg_join_timer_expired(k); }; };
    StarGEntry* star = tib_.find(StarGKey{group});
    const SGKey sg{source, group};
    switch (kind) {
        case SeenKind::kJoinStarG:
            if (star && star_to_target(*star))
                increase_join_timer(star->upstream, ifindex, holdtime_s,
                                    [this, group] { star_g_join_timer_expired(group); });
            return;
        case SeenKind::kPruneStarG:
            if (star && star_to_target(*star))
                decrease_join_timer(star->upstream, ifindex,
                                    [this, group] { star_g_join_timer_expired(group); });
            for (auto s : tib_.sources_of(group))
                if (auto* e = tib_.find(SGKey{s, group}); e && sg_to_target(*e))
                    decrease_join_timer(e->upstream, ifindex, sg_timer(SGKey{s, group}));
            return;
        case SeenKind::kJoinSG:
            if (auto* e = tib_.find(sg); e && sg_to_target(*e))
                increase_join_timer(e->upstream, ifindex, holdtime_s, sg_timer(sg));
            return;
        case SeenKind::kPruneSG:
            if (auto* e = tib_.find(sg); e && sg_to_target(*e))
                decrease_join_timer(e->upstream, ifindex, sg_timer(sg));
            sg_rpt_seen(sg, ifindex, target, kind);
            return;
        case SeenKind::kJoinSGRpt:
            sg_rpt_seen(sg, ifindex, target, kind);
            return;
        case SeenKind::kPruneSGRpt:
            if (auto* e = tib_.find(sg); e && sg_to_target(*e))
                decrease_join_timer(e->upstream, ifindex, sg_timer(sg));
            sg_rpt_seen(sg, ifindex, target, kind);
            return;
    }
}

// 4.3.1 / 4.5.4 / 4.5.5: "RPF'(*,G) GenID changes" / "RPF'(S,G) GenID changes": JT = min(JT, t_override),
// so the restarted neighbor gets our Joins again within the override interval.
void SparseMode::neighbor_restarted(int ifindex, Ipv4Address nbr) {
    for (auto g : tib_.groups()) {
        if (auto* e = tib_.find(StarGKey{g}); e && e->rpf.ifindex == ifindex && e->rpf.neighbor == nbr)
            decrease_join_timer(e->upstream, ifindex, [this, g] { star_g_join_timer_expired(g); });
        for (auto s : tib_.sources_of(g)) {
            SGKey k{s, g};
            if (auto* e = tib_.find(k); e && e->rpf.ifindex == ifindex && e->rpf.neighbor == nbr)
                decrease_join_timer(e->upstream, ifindex, [this, k] { sg_join_timer_expired(k); });
        }
    }
}

}  // namespace fanout::pim
