// Downstream per-interface (S,G) state machine, RFC 7761 4.5.2 "Receiving (S,G) Join/Prune Messages"
// (Figure 4). The table is the (*,G) one of 4.5.1 with (S,G) messages; the transitions themselves are
// SparseMode::ds_transition (fsm_downstream_star_g.cpp).
//
//   +------------+------------------+----------------------------+---------------------------+
//   | Event      | NoInfo (NI)      | Join (J)                   | Prune-Pending (PP)        |
//   +------------+------------------+----------------------------+---------------------------+
//   | Receive    | -> J state       | -> J state                 | -> J state                |
//   | Join(S,G)  | start Expiry     | Expiry Timer = max(ET,     | Expiry Timer = max(ET,    |
//   |            | Timer (HoldTime) |   HoldTime)                |   HoldTime); stop PPT     |
//   +------------+------------------+----------------------------+---------------------------+
//   | Receive    | -> NI state      | -> PP state                | -> PP state               |
//   | Prune(S,G) |                  | start Prune-Pending Timer  |                           |
//   +------------+------------------+----------------------------+---------------------------+
//   | Prune-     | -                | -                          | -> NI state               |
//   | Pending    |                  |                            | send Prune-Echo(S,G) if   |
//   | Timer exp. |                  |                            | more than one neighbor    |
//   +------------+------------------+----------------------------+---------------------------+
//   | Expiry     | -                | -> NI state                | -> NI state               |
//   | Timer exp. |                  |                            |                           |
//   +------------+------------------+----------------------------+---------------------------+
//
// 4.8: (S,G) Joins are accepted for SSM groups too (that is how SSM trees are built).
#include "pimd/core/pim_core.hpp"
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pim {

void SparseMode::ds_sg(const SGKey& sg, int ifindex, DsEvent ev, uint16_t holdtime_s) {
    SGEntry* e = tib_.find(sg);
    if (!e) {
        if (ev != DsEvent::kReceiveJoin) return;  // NoInfo: prunes and timers change nothing
        e = sg_entry(sg);
        if (!e) return;
    }
    auto [it, fresh] = e->downstream.try_emplace(ifindex);
    ds_transition(it->second, sg, sg.group, &sg, ifindex, ev, holdtime_s);
    if (std::holds_alternative<DsNoInfo>(it->second)) e->downstream.erase(it);
    // Pruning 10,000 (S,G) of 100 groups expires 10,000 timers: each re-evaluates its own source only.
    if (ev == DsEvent::kPrunePendingTimerExpires || ev == DsEvent::kExpiryTimerExpires) recompute_source(sg);
}

}  // namespace fanout::pim
