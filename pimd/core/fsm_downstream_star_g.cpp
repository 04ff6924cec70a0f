// Downstream per-interface (*,G) state machine, RFC 7761 4.5.1 "Receiving (*,G) Join/Prune Messages"
// (Figure 3). The same table drives the (S,G) machine of 4.5.2 (fsm_downstream_sg.cpp): ds_transition is
// shared.
//
//   +------------+------------------+----------------------------+---------------------------+
//   | Event      | NoInfo (NI)      | Join (J)                   | Prune-Pending (PP)        |
//   +------------+------------------+----------------------------+---------------------------+
//   | Receive    | -> J state       | -> J state                 | -> J state                |
//   | Join(*,G)  | start Expiry     | Expiry Timer = max(ET,     | Expiry Timer = max(ET,    |
//   |            | Timer (HoldTime) |   HoldTime)                |   HoldTime); stop PPT     |
//   +------------+------------------+----------------------------+---------------------------+
//   | Receive    | -> NI state      | -> PP state                | -> PP state               |
//   | Prune(*,G) |                  | start Prune-Pending Timer  |                           |
//   +------------+------------------+----------------------------+---------------------------+
//   | Prune-     | -                | -                          | -> NI state               |
//   | Pending    |                  |                            | send Prune-Echo(*,G) if   |
//   | Timer exp. |                  |                            | more than one neighbor    |
//   +------------+------------------+----------------------------+---------------------------+
//   | Expiry     | -                | -> NI state                | -> NI state               |
//   | Timer exp. |                  |                            |                           |
//   +------------+------------------+----------------------------+---------------------------+
//
// The Prune-Pending Timer is J/P_Override_Interval(I) (4.11: Effective_Propagation_Delay(I) +
// Effective_Override_Interval(I), from the hello machinery's LAN Prune Delay values) when the router has
// more than one neighbor on I, else 0 (it expires at once). A Join/Prune Holdtime of 0xffff is "infinity"
// (4.9.5): no Expiry Timer runs. A Prune-Echo is a Prune(*,G) whose upstream neighbor field is our own
// address on I, so that downstream routers that did not see the original Prune can override it.
#include "common/core/log.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pim {

namespace {
std::string_view to_string(SparseMode::DsEvent ev) {
    switch (ev) {
        case SparseMode::DsEvent::kReceiveJoin:
            return "ReceiveJoin";
        case SparseMode::DsEvent::kReceivePrune:
            return "ReceivePrune";
        case SparseMode::DsEvent::kPrunePendingTimerExpires:
            return "PrunePendingTimerExpires";
        case SparseMode::DsEvent::kExpiryTimerExpires:
            return "ExpiryTimerExpires";
    }
    return "?";
}

// ET = max(ET, holdtime). In Join/Prune-Pending an Expiry Timer that is not armed is an infinite one
// (holdtime 0xffff): it outlasts any other.
TimerHandle keep_longer(TimerHandle old_et, TimerHandle fresh) {
    if (!old_et.armed()) return old_et;
    if (!fresh.armed()) return fresh;
    return old_et.deadline() >= fresh.deadline() ? std::move(old_et) : std::move(fresh);
}
}  // namespace

TimerHandle SparseMode::expiry_timer(uint16_t holdtime_s, TimerService::Callback cb) {
    if (holdtime_s == kHoldtimeForever) return TimerHandle{};
    return TimerHandle(core_.timers(), std::chrono::seconds(holdtime_s), std::move(cb));
}

Duration SparseMode::prune_pending_value(int ifindex) const {
    const PimInterface* pif = core_.find_interface(ifindex);
    if (!pif || pif->neighbor_count() <= 1) return Duration::zero();
    return pif->jp_override_interval();
}

void SparseMode::send_prune_echo(int ifindex, Ipv4Address group, const packet::EncodedSource& s) {
    const PimInterface* pif = core_.find_interface(ifindex);
    if (!pif || pif->neighbor_count() <= 1) return;
    tx_.add_prune(ifindex, pif->primary_address(), group, s);
}

void SparseMode::ds_transition(DownstreamJP& st, FsmKey what, Ipv4Address group, const SGKey* sg, int ifindex,
                               DsEvent ev, uint16_t holdtime_s) {
    const char* machine = sg ? "downstream(S,G)" : "downstream(*,G)";
    const auto from = state_of(st);
    auto on_expiry = [this, group, sg_copy = sg ? *sg : SGKey{}, is_sg = sg != nullptr, ifindex] {
        if (is_sg)
            ds_sg(sg_copy, ifindex, DsEvent::kExpiryTimerExpires, 0);
        else
            ds_star_g(group, ifindex, DsEvent::kExpiryTimerExpires, 0);
        finish_deferred();
    };
    auto on_pp = [this, group, sg_copy = sg ? *sg : SGKey{}, is_sg = sg != nullptr, ifindex] {
        if (is_sg)
            ds_sg(sg_copy, ifindex, DsEvent::kPrunePendingTimerExpires, 0);
        else
            ds_star_g(group, ifindex, DsEvent::kPrunePendingTimerExpires, 0);
        finish_deferred();
    };
    switch (ev) {
        case DsEvent::kReceiveJoin: {
            TimerHandle fresh = expiry_timer(holdtime_s, on_expiry);
            if (auto* j = std::get_if<DsJoin>(&st)) {
                j->expiry = keep_longer(std::move(j->expiry), std::move(fresh));
            } else if (auto* pp = std::get_if<DsPrunePending>(&st)) {
                TimerHandle et = keep_longer(std::move(pp->expiry), std::move(fresh));
                st = DsJoin{std::move(et)};  // the Prune-Pending Timer stops with the state
            } else {
                st = DsJoin{std::move(fresh)};
            }
            break;
        }
        case DsEvent::kReceivePrune:
            if (auto* j = std::get_if<DsJoin>(&st)) {
                TimerHandle et = std::move(j->expiry);
                TimerHandle ppt(core_.timers(), prune_pending_value(ifindex), on_pp);
                st = DsPrunePending{std::move(et), std::move(ppt)};
            }
            break;  // NoInfo stays NoInfo; Prune-Pending stays Prune-Pending
        case DsEvent::kPrunePendingTimerExpires:
            if (!std::holds_alternative<DsPrunePending>(st)) {
                unexpected(machine, what, ifindex, to_string(from), to_string(ev));
                return;
            }
            st = DsNoInfo{};
            send_prune_echo(ifindex, group,
                            sg ? sg_source(sg->source) : star_g_source(rp(group).value_or(Ipv4Address{})));
            break;
        case DsEvent::kExpiryTimerExpires:
            if (std::holds_alternative<DsNoInfo>(st)) {
                unexpected(machine, what, ifindex, to_string(from), to_string(ev));
                return;
            }
            st = DsNoInfo{};
            break;
    }
    if (state_of(st) != from)
        transition(machine, what, ifindex, to_string(from), to_string(state_of(st)), to_string(ev));
}

void SparseMode::ds_star_g(Ipv4Address group, int ifindex, DsEvent ev, uint16_t holdtime_s) {
    StarGEntry* e = tib_.find(StarGKey{group});
    if (!e) {
        if (ev != DsEvent::kReceiveJoin) return;  // NoInfo: prunes and timers change nothing
        e = &tib_.get_or_create(StarGKey{group}, now());
    }
    auto [it, fresh] = e->downstream.try_emplace(ifindex);
    ds_transition(it->second, StarGKey{group}, group, nullptr, ifindex, ev, holdtime_s);
    if (std::holds_alternative<DsNoInfo>(it->second)) e->downstream.erase(it);
    if (ev == DsEvent::kPrunePendingTimerExpires || ev == DsEvent::kExpiryTimerExpires)
        recompute_group(group);
}

}  // namespace fanout::pim
