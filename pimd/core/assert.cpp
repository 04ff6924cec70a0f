// RFC 7761 4.6: assert inputs (received Asserts, WRONGVIF upcalls, neighbors), sending, 4.6.5 query macros.
// The two state machines are in fsm_assert_sg.cpp (4.6.1) and fsm_assert_star_g.cpp (4.6.2).
//
// Received Asserts (4.9.6; bytes after the Metric are accepted by the codec):
//  - RPT bit clear: an (S,G) assert -> the (S,G,I) machine.
//  - RPT bit set: an (*,G) assert -> the (*,G,I) machine (except an AssertCancel(S,G), whose source is S:
//    it cancels only the (S,G) assert); and when its source is not 0.0.0.0 (a data-triggered Assert(*,G)
//    or an AssertCancel(S,G)) also the (S,G,I) machine, which sees it as "Inferior Assert with RPTbit set"
//    (NoInfo) or "AssertCancel from Current Winner" (Loser).
// Data on an oif (WRONGVIF): the (S,G,I) machine when CouldAssert(S,G,I), else the (*,G,I) machine when
// CouldAssert(*,G,I) (its Assert(*,G) carries S, as 4.9.6 allows for data-triggered asserts).
#include "pimd/core/assert.hpp"

#include <spdlog/fmt/fmt.h>

#include <climits>

#include "common/core/log.hpp"
#include "common/packet/pim_assert.hpp"
#include "pimd/core/pim_core.hpp"

namespace fanout::pim {

std::string_view to_string(AssertState s) {
    switch (s) {
        case AssertState::kNoInfo:
            return "NoInfo";
        case AssertState::kWinner:
            return "Winner";
        case AssertState::kLoser:
            return "Loser";
    }
    return "?";
}

std::string_view to_string(AssertEvent e) {
    switch (e) {
        case AssertEvent::kDataArrived:
            return "data-arrived";
        case AssertEvent::kRecvInferiorAssertRptSet:
            return "recv-inferior-assert-rpt-set";
        case AssertEvent::kRecvAcceptableAssert:
            return "recv-acceptable-assert";
        case AssertEvent::kRecvInferiorAssert:
            return "recv-inferior-assert";
        case AssertEvent::kRecvPreferredAssert:
            return "recv-preferred-assert";
        case AssertEvent::kRecvAcceptableAssertFromWinner:
            return "recv-acceptable-assert-from-winner";
        case AssertEvent::kRecvInferiorAssertFromWinner:
            return "recv-inferior-assert-or-cancel-from-winner";
        case AssertEvent::kTimerExpired:
            return "assert-timer-expired";
        case AssertEvent::kCouldAssertFalse:
            return "could-assert-false";
        case AssertEvent::kWinnerNeighborGone:
            return "winner-nlt-expired-or-genid-changed";
        case AssertEvent::kTrackingDesiredFalse:
            return "assert-tracking-desired-false";
        case AssertEvent::kMyMetricBetter:
            return "my-metric-better-than-winner";
        case AssertEvent::kRpfInterfaceChanged:
            return "rpf-interface-stops-being-i";
        case AssertEvent::kJoinReceived:
            return "join-received";
    }
    return "?";
}

Assert::Assert(PimCore& core, RpfTracker& rpf, AssertMacros& macros, AssertListener& listener)
    : core_(core), rpf_(rpf), macros_(macros), listener_(listener) {
    core_.handlers().set(packet::PimType::kAssert, [this](const PimRxContext& c) { return receive(c); });
    core_.add_observer(this);
}

Assert::~Assert() {
    core_.handlers().set(packet::PimType::kAssert, PimMessageHandler{});
    core_.remove_observer(this);
}

void Assert::ignored(std::string_view what, AssertState s, AssertEvent ev) {
    ++counters_.ignored_events;
    FANOUT_LOG_DEBUG(LogCategory::kAssert, "assert {}: no transition for {} in {}", what, to_string(ev),
                     to_string(s));
}

RxOutcome Assert::receive(const PimRxContext& ctx) {
    auto a = packet::decode_assert_body(ctx.body);
    if (!a) {
        ++counters_.bad_asserts;
        return RxOutcome::decode_error(a.error());
    }
    const Ipv4Address group = a->group.group;
    if (!group.is_multicast() || group.is_link_local_multicast() || a->group.mask_len != 32 || !ctx.iface) {
        ++counters_.bad_asserts;
        return RxOutcome::decode_error(
            packet::DecodeError{packet::DecodeErrorKind::kBadAddress, "assert group"});
    }
    ++counters_.asserts_rx;
    const int ifindex = ctx.iface->ifindex();
    const AssertMetric m = assert_metric_of(*a, ctx.rx.src);
    const bool cancel = a->is_cancel();
    FANOUT_LOG_DEBUG(LogCategory::kAssert, "assert rx on {} from {}: G {} S {} {}{}", ctx.iface->name(),
                     ctx.rx.src.to_string(), group.to_string(), a->source.to_string(), m.to_string(),
                     cancel ? " (cancel)" : "");
    if (!a->rpt) {
        sg_receive(SGKey{a->source, group}, ifindex, m, cancel);
        return RxOutcome::accepted();
    }
    if (!cancel || a->source.is_unspecified()) star_g_receive(StarGKey{group}, ifindex, m, cancel);
    if (!a->source.is_unspecified()) sg_receive(SGKey{a->source, group}, ifindex, m, cancel);
    return RxOutcome::accepted();
}

bool Assert::handle_upcall(const KernelUpcall& up) {
    switch (up.type) {
        case KernelUpcallType::kWrongVif:
        case KernelUpcallType::kWrongVifWhole:
            break;
        case KernelUpcallType::kNoCache:
        case KernelUpcallType::kWholePacket:
            return false;
    }
    ++counters_.wrongvif_upcalls;
    if (up.vif < 0 || up.vif >= kMaxVifs) return false;
    const VifAdd* vif = core_.vifs().at(up.vif);
    if (!vif || vif->kind != VifKind::kInterface) return false;
    const int ifindex = vif->ifindex;
    const SGKey sg = up.key();
    if (macros_.could_assert(sg, ifindex)) {
        sg_event(sg, ifindex, AssertEvent::kDataArrived);
    } else if (macros_.could_assert(StarGKey{sg.group}, ifindex)) {
        star_g_event(StarGKey{sg.group}, ifindex, AssertEvent::kDataArrived, nullptr, sg.source);
    } else {
        ignored("data on " + std::to_string(ifindex), AssertState::kNoInfo, AssertEvent::kDataArrived);
    }
    return true;
}

void Assert::reevaluate(const SGKey& sg) {
    std::vector<int> ifs;
    for (auto it = sg_.lower_bound({sg, INT_MIN}); it != sg_.end() && it->first.first == sg; ++it)
        ifs.push_back(it->first.second);
    for (int i : ifs)
        sg_reevaluate(sg, i);
}

void Assert::reevaluate(const StarGKey& g) {
    std::vector<int> ifs;
    for (auto it = star_g_.lower_bound({g, INT_MIN}); it != star_g_.end() && it->first.first == g; ++it)
        ifs.push_back(it->first.second);
    for (int i : ifs)
        star_g_reevaluate(g, i);
}

void Assert::reevaluate_all() {
    std::vector<SgIf> sgs;
    for (const auto& [k, v] : sg_)
        sgs.push_back(k);
    std::vector<StarGIf> gs;
    for (const auto& [k, v] : star_g_)
        gs.push_back(k);
    for (const auto& [sg, i] : sgs)
        sg_reevaluate(sg, i);
    for (const auto& [g, i] : gs)
        star_g_reevaluate(g, i);
}

void Assert::join_received(const SGKey& sg, int ifindex) {
    if (state(sg, ifindex) == AssertState::kLoser) sg_event(sg, ifindex, AssertEvent::kJoinReceived);
}

void Assert::join_received(const StarGKey& g, int ifindex) {
    if (state(g, ifindex) == AssertState::kLoser) star_g_event(g, ifindex, AssertEvent::kJoinReceived);
}

void Assert::winner_gone(int ifindex, Ipv4Address neighbor) {
    std::vector<SGKey> sgs;
    for (const auto& [k, st] : sg_)
        if (k.second == ifindex && std::holds_alternative<Loser>(st) &&
            std::get<Loser>(st).winner.address == neighbor)
            sgs.push_back(k.first);
    std::vector<StarGKey> gs;
    for (const auto& [k, st] : star_g_)
        if (k.second == ifindex && std::holds_alternative<Loser>(st) &&
            std::get<Loser>(st).winner.address == neighbor)
            gs.push_back(k.first);
    for (const auto& sg : sgs)
        sg_event(sg, ifindex, AssertEvent::kWinnerNeighborGone);
    for (const auto& g : gs)
        star_g_event(g, ifindex, AssertEvent::kWinnerNeighborGone);
}

void Assert::on_neighbor_down(const PimInterface& i, Ipv4Address primary, NeighborDownReason) {
    winner_gone(i.ifindex(), primary);
}

void Assert::on_neighbor_restarted(const PimInterface& i, const Neighbor& n) {
    winner_gone(i.ifindex(), n.primary_address);
}

// PIM stopped on the interface: its assert state goes with it (no AssertCancel can be sent any more).
void Assert::on_interface_down(const PimInterface& i) {
    std::vector<SGKey> sgs;
    for (const auto& [k, st] : sg_)
        if (k.second == i.ifindex()) sgs.push_back(k.first);
    std::vector<StarGKey> gs;
    for (const auto& [k, st] : star_g_)
        if (k.second == i.ifindex()) gs.push_back(k.first);
    for (const auto& sg : sgs) {
        sg_.erase({sg, i.ifindex()});
        listener_.on_assert_changed(sg, i.ifindex());
    }
    for (const auto& g : gs) {
        star_g_.erase({g, i.ifindex()});
        listener_.on_assert_changed(g, i.ifindex());
    }
}

void Assert::send_assert(int ifindex, Ipv4Address group, Ipv4Address source, const AssertMetric& m) {
    PimInterface* pif = core_.find_interface(ifindex);
    if (!pif || !pif->is_up()) return;
    pif->ensure_hello_sent();
    packet::Assert a{packet::EncodedGroup{group}, source, m.rpt_bit, m.preference, m.metric};
    pif->send(addr::kAllPimRouters, packet::encode_assert(a));
    ++counters_.asserts_tx;
}

Ipv4Address Assert::my_address(int ifindex) const {
    const PimInterface* pif = core_.find_interface(ifindex);
    return pif ? pif->primary_address() : Ipv4Address{};
}

std::optional<int> Assert::rpf_ifindex(Ipv4Address addr) const {
    return rpf_.rpf_ifindex(addr);
}

std::optional<int> Assert::rpf_ifindex_rp(Ipv4Address group) const {
    auto rp = macros_.rp(group);
    if (!rp) return std::nullopt;
    return rpf_ifindex(*rp);
}

std::optional<Ipv4Address> Assert::assert_winner(const SGKey& sg, int ifindex) const {
    auto it = sg_.find({sg, ifindex});
    if (it == sg_.end()) return std::nullopt;
    if (const auto* l = std::get_if<Loser>(&it->second)) return l->winner.address;
    return my_address(ifindex);
}

std::optional<Ipv4Address> Assert::assert_winner(const StarGKey& g, int ifindex) const {
    auto it = star_g_.find({g, ifindex});
    if (it == star_g_.end()) return std::nullopt;
    if (const auto* l = std::get_if<Loser>(&it->second)) return l->winner.address;
    return my_address(ifindex);
}

std::optional<AssertMetric> Assert::assert_winner_metric(const SGKey& sg, int ifindex) const {
    auto it = sg_.find({sg, ifindex});
    if (it == sg_.end()) return std::nullopt;
    if (const auto* l = std::get_if<Loser>(&it->second)) return l->winner;
    return my_assert_metric(sg, ifindex);
}

std::optional<AssertMetric> Assert::assert_winner_metric(const StarGKey& g, int ifindex) const {
    auto it = star_g_.find({g, ifindex});
    if (it == star_g_.end()) return std::nullopt;
    if (const auto* l = std::get_if<Loser>(&it->second)) return l->winner;
    return my_assert_metric(g, ifindex);
}

bool Assert::i_am_assert_loser(const SGKey& sg, int ifindex) const {
    return state(sg, ifindex) == AssertState::kLoser;
}

bool Assert::i_am_assert_loser(const StarGKey& g, int ifindex) const {
    return state(g, ifindex) == AssertState::kLoser;
}

bool Assert::lost_assert(const SGKey& sg, int ifindex) const {
    if (rpf_ifindex(sg.source) == ifindex) return false;
    auto it = sg_.find({sg, ifindex});
    if (it == sg_.end()) return false;
    const auto* l = std::get_if<Loser>(&it->second);
    if (!l || l->winner.address == my_address(ifindex)) return false;
    return assert_metric_better(l->winner, spt_assert_metric(rpf_.route(sg.source), my_address(ifindex)));
}

bool Assert::winner_metric_better_than_spt(const SGKey& sg, int ifindex) const {
    auto m = assert_winner_metric(sg, ifindex);
    return m && assert_metric_better(*m, spt_assert_metric(rpf_.route(sg.source), my_address(ifindex)));
}

bool Assert::lost_assert(const StarGKey& g, int ifindex) const {
    if (rpf_ifindex_rp(g.group) == ifindex) return false;
    auto w = assert_winner(g, ifindex);
    return w && *w != my_address(ifindex);
}

bool Assert::lost_assert_rpt(const SGKey& sg, int ifindex, bool spt_bit) const {
    if (rpf_ifindex_rp(sg.group) == ifindex || (rpf_ifindex(sg.source) == ifindex && spt_bit)) return false;
    auto w = assert_winner(sg, ifindex);
    return w && *w != my_address(ifindex);
}

std::vector<AssertEntryStatus> Assert::status() const {
    std::vector<AssertEntryStatus> out;
    auto fill = [this](AssertEntryStatus& s, const EntryState& st) {
        if (const auto* l = std::get_if<Loser>(&st)) {
            s.state = AssertState::kLoser;
            s.winner = l->winner.address;
            s.winner_metric = l->winner;
            s.timer_remaining = l->timer.remaining();
        } else {
            s.state = AssertState::kWinner;
            s.winner = my_address(s.ifindex);
            s.timer_remaining = std::get<Winner>(st).timer.remaining();
        }
    };
    for (const auto& [k, st] : sg_) {
        AssertEntryStatus s;
        s.source = k.first.source;
        s.group = k.first.group;
        s.ifindex = k.second;
        fill(s, st);
        if (s.state == AssertState::kWinner) s.winner_metric = my_assert_metric(k.first, k.second);
        out.push_back(s);
    }
    for (const auto& [k, st] : star_g_) {
        AssertEntryStatus s;
        s.group = k.first.group;
        s.star_g = true;
        s.ifindex = k.second;
        fill(s, st);
        if (s.state == AssertState::kWinner) s.winner_metric = my_assert_metric(k.first, k.second);
        out.push_back(s);
    }
    return out;
}

}  // namespace fanout::pim
