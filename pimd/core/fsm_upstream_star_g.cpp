// Upstream (*,G) state machine, RFC 7761 4.5.4 "Sending (*,G) Join/Prune Messages" (Figure 6), and the
// LAN "see" events shared with the (S,G) and (S,G,rpt) machines.
//
//   +------------------------------+-------------------------------+--------------------------------+
//   | Event                        | NotJoined                     | Joined                         |
//   +------------------------------+-------------------------------+--------------------------------+
//   | JoinDesired(*,G) -> TRUE     | -> Joined: send Join(*,G) to  | -                              |
//   |                              | RPF'(*,G); JT = t_periodic    |                                |
//   | JoinDesired(*,G) -> FALSE    | -                             | -> NotJoined: send Prune(*,G)  |
//   |                              |                               | to RPF'(*,G); cancel JT        |
//   | Join Timer expires           | -                             | send Join(*,G) to RPF'(*,G);   |
//   |                              |                               | JT = t_periodic                |
//   | See Join(*,G) to RPF'(*,G)   | -                             | JT = max(JT, t_joinsuppress)   |
//   | See Prune(*,G) to RPF'(*,G)  | -                             | JT = min(JT, t_override)       |
//   | RPF'(*,G) changes due to an  | -                             | JT = min(JT, t_override)       |
//   |   Assert                     |                               |                                |
//   | RPF'(*,G) changes not due to | -                             | send Join(*,G) to new RPF';    |
//   |   an Assert                  |                               | send Prune(*,G) to old RPF';   |
//   |                              |                               | JT = t_periodic                |
//   | RPF'(*,G) GenID changes      | -                             | JT = min(JT, t_override)       |
//   +------------------------------+-------------------------------+--------------------------------+
//
// Timers (4.11): t_periodic = J/P interval (60 s); t_suppressed = rand(1.1 * t_periodic, 1.4 *
// t_periodic) when Suppression_Enabled(I), else 0; t_joinsuppress = min(t_suppressed, HoldTime of the seen
// message); t_override = rand(0, Effective_Override_Interval(I)). Join(*,G) carries the RP address with the
// W and R bits (4.9.5.1); every Join(*,G) we send, triggered or periodic, also carries the Prune(S,G,rpt)
// entries of 4.5.6 (rpt_prune_in_join, fsm_upstream_sg_rpt.cpp). A NULL RPF'(*,G) (no RP, no route, next
// hop not a PIM neighbor) sends nothing; the machine still follows JoinDesired so a later RPF' change
// sends the Join.
#include "common/core/log.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pim {

TimerHandle SparseMode::join_timer(Duration after, TimerService::Callback cb) {
    return TimerHandle(core_.timers(), after, std::move(cb));
}

Duration SparseMode::t_override(int ifindex) const {
    const PimInterface* pif = core_.find_interface(ifindex);
    Duration eoi = pif ? pif->effective_override_interval() : kDefaultOverrideInterval;
    return core_.rng().uniform(Duration::zero(), eoi);
}

void SparseMode::increase_join_timer(UpstreamJP& up, int ifindex, uint16_t holdtime_s,
                                     TimerService::Callback on_expiry) {
    auto* j = std::get_if<UpJoined>(&up);
    if (!j) return;
    const PimInterface* pif = core_.find_interface(ifindex);
    if (pif && !pif->suppression_enabled()) return;  // t_suppressed = 0: no suppression
    const Duration period = core_.config().join_prune_interval;
    const Duration t_suppressed = core_.rng().uniform(period * 11 / 10, period * 14 / 10);
    const Duration t_joinsuppress = std::min<Duration>(t_suppressed, std::chrono::seconds(holdtime_s));
    if (j->join_timer.armed() && j->join_timer.remaining() >= t_joinsuppress) return;
    j->join_timer = join_timer(t_joinsuppress, std::move(on_expiry));
}

void SparseMode::decrease_join_timer(UpstreamJP& up, int ifindex, TimerService::Callback on_expiry) {
    auto* j = std::get_if<UpJoined>(&up);
    if (!j) return;
    const Duration t = t_override(ifindex);
    if (j->join_timer.armed() && j->join_timer.remaining() <= t) return;
    j->join_timer = join_timer(t, std::move(on_expiry));
}

void SparseMode::send_star_g_join(StarGEntry& e) {
    if (e.rp.is_unspecified() || e.rpf.neighbor.is_unspecified() || e.rpf.ifindex == 0) return;
    tx_.add_join(e.rpf.ifindex, e.rpf.neighbor, e.group, star_g_source(e.rp));
    for (auto s : tib_.sources_of(e.group))
        if (rpt_prune_in_join(SGKey{s, e.group}))
            tx_.add_prune(e.rpf.ifindex, e.rpf.neighbor, e.group, sg_rpt_source(s));
}

void SparseMode::star_g_join_timer_expired(Ipv4Address group) {
    StarGEntry* e = tib_.find(StarGKey{group});
    if (!e || !std::holds_alternative<UpJoined>(e->upstream)) {
        unexpected("upstream(*,G)", StarGKey{group}, 0, "NotJoined", "JoinTimerExpires");
        return;
    }
    send_star_g_join(*e);
    std::get<UpJoined>(e->upstream).join_timer =
        join_timer(core_.config().join_prune_interval, [this, group] { star_g_join_timer_expired(group); });
    finish_deferred();
}

void SparseMode::update_upstream_star_g(Ipv4Address group) {
    StarGEntry* e = tib_.find(StarGKey{group});
    if (!e) return;
    auto in = macro_inputs();
    const bool want = join_desired_star_g(in, group);
    const Ipv4Address new_rp = rp(group).value_or(Ipv4Address{});
    UpstreamTarget target{new_rp.is_unspecified() ? 0 : rpf_interface(new_rp),
                          rpf_prime_star_g(in, group).value_or(Ipv4Address{})};
    const FsmKey key = StarGKey{group};
    auto rearm = [this, group] {
        return join_timer(core_.config().join_prune_interval,
                          [this, group] { star_g_join_timer_expired(group); });
    };
    switch (state_of(e->upstream)) {
        case UpstreamState::kNotJoined:
            e->rp = new_rp;
            e->rpf = target;
            if (!want) return;
            e->upstream = UpJoined{rearm()};
            e->upstream_since = now();
            send_star_g_join(*e);
            transition("upstream(*,G)", key, target.ifindex, "NotJoined", "Joined", "JoinDesired->TRUE");
            return;
        case UpstreamState::kJoined:
            if (!want) {
                if (!e->rpf.neighbor.is_unspecified())
                    tx_.add_prune(e->rpf.ifindex, e->rpf.neighbor, group, star_g_source(e->rp));
                e->upstream = UpNotJoined{};
                e->upstream_since = now();
                e->rp = new_rp;
                e->rpf = target;
                transition("upstream(*,G)", key, target.ifindex, "Joined", "NotJoined", "JoinDesired->FALSE");
                return;
            }
            if (target == e->rpf && new_rp == e->rp) return;
            const bool by_assert = target.ifindex == e->rpf.ifindex && new_rp == e->rp &&
                                   target.ifindex != 0 &&
                                   asserts_->i_am_assert_loser_star_g(group, target.ifindex);
            if (by_assert) {
                e->rpf = target;
                decrease_join_timer(e->upstream, target.ifindex,
                                    [this, group] { star_g_join_timer_expired(group); });
                return;
            }
            if (!e->rpf.neighbor.is_unspecified())
                tx_.add_prune(e->rpf.ifindex, e->rpf.neighbor, group, star_g_source(e->rp));
            e->rp = new_rp;
            e->rpf = target;
            send_star_g_join(*e);
            std::get<UpJoined>(e->upstream).join_timer = rearm();
            transition("upstream(*,G)", key, target.ifindex, "Joined", "Joined", "RPF'(*,G)changed");
            return;
    }
}

}  // namespace fanout::pim
