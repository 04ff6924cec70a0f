// Downstream per-interface (S,G,rpt) state machine, RFC 7761 4.5.3 "Receiving (S,G,rpt) Join/Prune
// Messages" (Figure 5).
//
//   +--------------+-----------+------------+---------------+------------+------------------+
//   | Event        | NoInfo    | Prune (P)  | Prune-Pending | PruneTmp   | Prune-Pending-   |
//   |              | (NI)      |            | (PP)          | (P')       | Tmp (PP')        |
//   +--------------+-----------+------------+---------------+------------+------------------+
//   | Receive      | -         | -> P'      | -> PP'        | -          | -                |
//   | Join(*,G)    |           |            |               |            |                  |
//   +--------------+-----------+------------+---------------+------------+------------------+
//   | Receive      | -         | -> NI      | -> NI         | -          | -                |
//   | Join(S,G,rpt)|           |            |               |            |                  |
//   +--------------+-----------+------------+---------------+------------+------------------+
//   | Receive      | -> PP     | -> P       | -             | -> P       | -> PP            |
//   | Prune(S,G,   | start PPT,| ET = max(  |               | ET = max(  |                  |
//   | rpt)         | start ET  | ET, HT)    |               | ET, HT)    |                  |
//   +--------------+-----------+------------+---------------+------------+------------------+
//   | End of       | -         | -          | -             | -> NI      | -> NI            |
//   | Message      |           |            |               |            |                  |
//   +--------------+-----------+------------+---------------+------------+------------------+
//   | PPT expires  | -         | -          | -> P          | -          | -> P'            |
//   +--------------+-----------+------------+---------------+------------+------------------+
//   | ET expires   | -         | -> NI      | -> NI         | -> NI      | -> NI            |
//   +--------------+-----------+------------+---------------+------------+------------------+
//
// The temporary states exist only while one message is processed: a (*,G) Join puts every (S,G,rpt) prune
// of I into P'/PP'; the (S,G,rpt) Prunes in the same message bring them back; End of Message (after the
// whole message) removes the rest: a (*,G) Join without a repeated Prune(S,G,rpt) un-prunes S. PPT: as for
// (*,G), J/P_Override_Interval(I) with more than one neighbor on I, else 0.
#include "pimd/core/pim_core.hpp"
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pim {

namespace {
std::string_view to_string(SparseMode::RptEvent ev) {
    switch (ev) {
        case SparseMode::RptEvent::kReceiveJoinStarG:
            return "ReceiveJoin(*,G)";
        case SparseMode::RptEvent::kReceiveJoinSGRpt:
            return "ReceiveJoin(S,G,rpt)";
        case SparseMode::RptEvent::kReceivePruneSGRpt:
            return "ReceivePrune(S,G,rpt)";
        case SparseMode::RptEvent::kEndOfMessage:
            return "EndOfMessage";
        case SparseMode::RptEvent::kPrunePendingTimerExpires:
            return "PrunePendingTimerExpires";
        case SparseMode::RptEvent::kExpiryTimerExpires:
            return "ExpiryTimerExpires";
    }
    return "?";
}

TimerHandle later(TimerHandle a, TimerHandle b) {
    if (!a.armed()) return a;  // infinite
    if (!b.armed()) return b;
    return a.deadline() >= b.deadline() ? std::move(a) : std::move(b);
}
}  // namespace

void SparseMode::ds_sg_rpt(const SGKey& sg, int ifindex, RptEvent ev, uint16_t holdtime_s) {
    SGRptEntry* e = tib_.find_rpt(sg);
    if (!e) {
        if (ev != RptEvent::kReceivePruneSGRpt) return;  // only a prune leaves NoInfo
        e = sg_rpt_entry(sg);
        if (!e) return;
    }
    auto [it, created] = e->downstream.try_emplace(ifindex);
    DownstreamRpt& st = it->second;
    const auto from = state_of(st);
    auto on_et = [this, sg, ifindex] {
        ds_sg_rpt(sg, ifindex, RptEvent::kExpiryTimerExpires, 0);
        recompute_source(sg);
        finish_deferred();
    };
    auto on_pp = [this, sg, ifindex] {
        ds_sg_rpt(sg, ifindex, RptEvent::kPrunePendingTimerExpires, 0);
        recompute_source(sg);
        finish_deferred();
    };
    bool listed = true;
    switch (ev) {
        case RptEvent::kReceiveJoinStarG:
            if (auto* p = std::get_if<RptPruned>(&st))
                st = RptPruneTmp{std::move(p->expiry)};
            else if (auto* pp = std::get_if<RptPrunePending>(&st))
                st = RptPrunePendingTmp{std::move(pp->expiry), std::move(pp->prune_pending)};
            break;
        case RptEvent::kReceiveJoinSGRpt:
            if (std::holds_alternative<RptPruned>(st) || std::holds_alternative<RptPrunePending>(st))
                st = RptNoInfo{};
            break;
        case RptEvent::kReceivePruneSGRpt: {
            TimerHandle fresh = expiry_timer(holdtime_s, on_et);
            if (std::holds_alternative<RptNoInfo>(st)) {
                TimerHandle ppt(core_.timers(), prune_pending_value(ifindex), on_pp);
                st = RptPrunePending{std::move(fresh), std::move(ppt)};
            } else if (auto* p = std::get_if<RptPruned>(&st)) {
                p->expiry = later(std::move(p->expiry), std::move(fresh));
            } else if (auto* t = std::get_if<RptPruneTmp>(&st)) {
                st = RptPruned{later(std::move(t->expiry), std::move(fresh))};
            } else if (auto* ppt = std::get_if<RptPrunePendingTmp>(&st)) {
                st = RptPrunePending{std::move(ppt->expiry), std::move(ppt->prune_pending)};
            }
            break;
        }
        case RptEvent::kEndOfMessage:
            if (std::holds_alternative<RptPruneTmp>(st) || std::holds_alternative<RptPrunePendingTmp>(st))
                st = RptNoInfo{};
            break;
        case RptEvent::kPrunePendingTimerExpires:
            if (auto* pp = std::get_if<RptPrunePending>(&st))
                st = RptPruned{std::move(pp->expiry)};
            else if (auto* ppt = std::get_if<RptPrunePendingTmp>(&st))
                st = RptPruneTmp{std::move(ppt->expiry)};
            else
                listed = false;
            break;
        case RptEvent::kExpiryTimerExpires:
            if (std::holds_alternative<RptNoInfo>(st))
                listed = false;
            else
                st = RptNoInfo{};
            break;
    }
    if (!listed) unexpected("downstream(S,G,rpt)", sg, ifindex, to_string(from), to_string(ev));
    if (state_of(st) != from)
        transition("downstream(S,G,rpt)", sg, ifindex, to_string(from), to_string(state_of(st)),
                   to_string(ev));
    if (std::holds_alternative<RptNoInfo>(st)) e->downstream.erase(it);
}

}  // namespace fanout::pim
