// The PIM-SM subsystem: inputs, the router view the macros read, per-group re-evaluation and collection
// (RFC 7761 4.1, 4.5, 4.7, 4.8; see sparse_mode.hpp).
#include "pimd/core/sparse_mode.hpp"

#include "common/core/latency_probe.hpp"
#include "common/core/log.hpp"
#include "pimd/core/pim_core.hpp"

namespace fanout::pim {

SparseMode::SparseMode(PimCore& core)
    : core_(core),
      rp_set_(core.config().rp_set),
      tracker_(rib_proxy_),
      mfc_(core.actions()),
      tx_(core),
      assert_(core, tracker_, static_cast<AssertMacros&>(*this), static_cast<AssertListener&>(*this)),
      register_dr_(static_cast<RegisterHost&>(*this), core.timers(), core.rng(), core.actions(),
                   register_dr_config(core.config())),
      register_rp_(static_cast<RegisterHost&>(*this), core.timers(), core.actions(),
                   register_rp_config(core.config())) {
    set_asserts(&assert_view_);
}

SparseMode::~SparseMode() = default;

TimePoint SparseMode::now() const {
    return core_.now();
}

uint16_t SparseMode::holdtime() const {
    return core_.config().join_prune_holdtime_s();
}

// ---- RouterView ----

bool SparseMode::i_am_dr(int ifindex) const {
    const PimInterface* pif = core_.find_interface(ifindex);
    if (!pif) return false;
    // An IGMP-only interface (no PIM on it) has no other PIM router to elect: we act for its receivers.
    if (!pif->config().enabled) return pif->config().igmp;
    return pif->i_am_dr();
}

std::optional<Ipv4Address> SparseMode::rp(Ipv4Address group) const {
    if (rp_cache_.valid && rp_cache_.group == group) return rp_cache_.rp;
    return rp_set_.rp_for(group);
}

bool SparseMode::is_local_address(Ipv4Address a) const {
    return core_.is_local_address(a);
}

int SparseMode::rpf_interface(Ipv4Address x) const {
    return tracker_.rpf_ifindex(x).value_or(0);
}

// MRIB.next_hop(X) is X itself when X is directly connected (RpfRoute::next_hop): an RP on a neighbor's link
// address (troglobit pimd cannot put its RP on a loopback) is reached through that neighbor, so NBR() of it
// is that neighbor (4.1.6 RPF'(*,G); 4.3.4 maps a secondary address to its neighbor). A directly connected
// source that is not a PIM neighbor still has no RPF neighbor: we are its first hop.
std::optional<Ipv4Address> SparseMode::mrib_neighbor(Ipv4Address x) const {
    auto route = tracker_.route(x);
    if (!route) return std::nullopt;
    const PimInterface* pif = core_.find_interface(route->ifindex);
    if (!pif) return std::nullopt;
    const Neighbor* n = pif->find_neighbor(route->next_hop(x));
    if (!n) return std::nullopt;
    return n->primary_address;
}

// DirectlyConnected(S): on the subnet of a PIM or IGMP interface (register_dr.hpp), for 4.2 and 4.4 alike.
bool SparseMode::directly_connected(Ipv4Address s) const {
    return pim::directly_connected(core_, s);
}

// ---- AssertMacros (RFC 7761 4.6.1, 4.6.2; the formulas are quoted in macros.cpp) ----

bool SparseMode::could_assert(const SGKey& sg, int ifindex) const {
    return could_assert_sg(macro_inputs(), sg, ifindex);
}

bool SparseMode::assert_tracking_desired(const SGKey& sg, int ifindex) const {
    return assert_tracking_desired_sg(macro_inputs(), sg, ifindex);
}

bool SparseMode::could_assert(const StarGKey& g, int ifindex) const {
    return could_assert_star_g(macro_inputs(), g.group, ifindex);
}

bool SparseMode::assert_tracking_desired(const StarGKey& g, int ifindex) const {
    return assert_tracking_desired_star_g(macro_inputs(), g.group, ifindex);
}

// ---- AssertListener ----

void SparseMode::on_assert_changed(const SGKey& sg, int) {
    assert_changed(sg.group);
}

void SparseMode::on_assert_changed(const StarGKey& g, int) {
    assert_changed(g.group);
}

// 4.6.1 A6: "If (I is RPF_interface(S)) AND (UpstreamJPState(S,G) == Joined) set SPTbit(S,G) to TRUE."
void SparseMode::on_assert_a6(const SGKey& sg, int ifindex) {
    SGEntry* e = tib_.find(sg);
    if (!e || e->spt_bit || rpf_interface(sg.source) != ifindex) return;
    if (!std::holds_alternative<UpJoined>(e->upstream)) return;
    e->spt_bit = true;
    ++counters_.spt_switches;
    transition("SPTbit", sg, ifindex, "FALSE", "TRUE", "assert A6");
    assert_changed(sg.group);
}

// lost_assert / AssertWinner / I_Am_Assert_Loser changed for the group: olists, RPF' and the MFC follow.
// While a group is being re-evaluated the change is queued (drain_assert_changes picks it up); otherwise this
// is an input of its own (a received Assert, an assert timer) and ends like one.
void SparseMode::assert_changed(Ipv4Address group) {
    assert_changed_groups_.insert(group);
    if (busy_ == 0) finish();
}

void SparseMode::drain_assert_changes() {
    if (busy_ > 0) return;
    // Each pass can change assert state again (CouldAssert -> FALSE ...); the machines settle in a few.
    for (int pass = 0; pass < 8 && !assert_changed_groups_.empty(); ++pass) {
        auto groups = std::move(assert_changed_groups_);
        assert_changed_groups_.clear();
        ++busy_;
        for (auto g : groups)
            recompute_group_once(g);
        --busy_;
    }
    if (!assert_changed_groups_.empty())
        FANOUT_LOG_DEBUG(LogCategory::kAssert, "pim: {} group(s) still changing after assert passes",
                         assert_changed_groups_.size());
}

void SparseMode::reevaluate_asserts(Ipv4Address group, const std::set<Ipv4Address>& sources) {
    assert_.reevaluate(StarGKey{group});
    for (auto s : sources)
        assert_.reevaluate(SGKey{s, group});
}

// ---- inputs ----

void SparseMode::handle(const MembershipChanged& ev) {
    FANOUT_PROBE(kPimMembership);
    if (!ev.group.is_multicast() || ev.group.is_link_local_multicast()) return;
    bool changed = false;
    members_.apply(ev, now(), changed);
    if (!changed) return;
    FANOUT_LOG_DEBUG(LogCategory::kJoinPrune, "pim: membership {} on ifindex {}: {} {} source(s)",
                     ev.group.to_string(), ev.ifindex, to_string(ev.mode), ev.sources.size());
    // A receiver waits for the data its Join asks for, which comes back one round trip after the Join leaves:
    // the Join and the kernel entry that will carry the answer go before the rest of the group's work.
    recompute_group(ev.group, JoinsFirst::kYes);
    finish();
}

void SparseMode::handle(const RouteChanged& ev) {
    rpf_changed(tracker_.route_changed(ev.prefix));
}

void SparseMode::interface_lost(int ifindex) {
    rpf_changed(tracker_.interface_lost(ifindex));
}

// RPF answers changed: the groups whose S or RP moved re-evaluate their joins (4.5.5-4.5.7: RPF'(S,G) /
// RPF'(*,G) changes) and the assert machines their RPF interfaces.
void SparseMode::rpf_changed(const std::vector<RpfChange>& changes) {
    std::set<Ipv4Address> groups;
    for (const auto& c : changes) {
        if (!c.next_hop_changed) continue;
        for (const auto& [g, addrs] : tracked_by_group_)
            if (addrs.count(c.address)) groups.insert(g);
    }
    ++busy_;
    for (auto g : groups)
        recompute_group(g);
    assert_.reevaluate_all();  // RPF_interface(S) / RPF_interface(RP(G)) may have stopped being I
    --busy_;
    finish();
}

void SparseMode::config_changed() {
    RpSet before = rp_set_;
    rp_set_.set_config(core_.config().rp_set);
    apply_register_config();
    recompute_all();
    finish();
}

// ---- observers ----

void SparseMode::on_interface_up(const PimInterface&) {
    ensure_register_vif();
    recompute_all();
    finish();
}

void SparseMode::on_interface_down(const PimInterface& i) {
    const int ifindex = i.ifindex();
    std::set<Ipv4Address> groups;
    for (auto& [g, e] : tib_.star_g())
        if (e.downstream.count(ifindex)) groups.insert(g);
    for (auto& [k, e] : tib_.sg())
        if (e.downstream.count(ifindex)) groups.insert(k.group);
    for (auto& [k, e] : tib_.sg_rpt())
        if (e.downstream.count(ifindex)) groups.insert(k.group);
    // Downstream state of a stopped interface is gone (its timers with it).
    for (auto g : groups) {
        if (auto* e = tib_.find(StarGKey{g})) e->downstream.erase(ifindex);
        for (auto s : tib_.sources_of(g)) {
            if (auto* e = tib_.find(SGKey{s, g})) e->downstream.erase(ifindex);
            if (auto* e = tib_.find_rpt(SGKey{s, g})) e->downstream.erase(ifindex);
        }
    }
    recompute_all();
    finish();
}

void SparseMode::on_neighbor_up(const PimInterface&, const Neighbor&) {
    recompute_all();  // a next hop may have become a PIM neighbor: RPF' non-NULL
    finish();
}

void SparseMode::on_neighbor_down(const PimInterface&, Ipv4Address, NeighborDownReason) {
    recompute_all();  // RPF' through that neighbor is NULL now
    finish();
}

void SparseMode::on_neighbor_restarted(const PimInterface& i, const Neighbor& n) {
    neighbor_restarted(i.ifindex(), n.primary_address);
    finish();
}

void SparseMode::on_dr_changed(const PimInterface&, Ipv4Address, Ipv4Address) {
    recompute_all();  // I_am_DR(I) changes pim_include
    finish();
}

// ---- re-evaluation ----

void SparseMode::recompute_all() {
    for (auto g : tib_.groups())
        recompute_pending_.insert(g);
    for (auto g : members_.groups())
        recompute_pending_.insert(g);
    for (const auto& [g, sources] : flows_by_group_)
        recompute_pending_.insert(g);
    continue_recompute_all();
}

// Large changes are spread across loop turns (ARCHITECTURE.md): groups are re-evaluated in address order
// until kRecomputeBudget is used, and a zero-delay timer continues after the event loop has served what
// arrived meanwhile. Each turn starts where the last one stopped (wrapping around), so a change that comes
// again before the sweep ends does not starve the higher groups. A group re-evaluated by another input in
// between is simply re-evaluated again; the assert sweep runs once the last group is done.
void SparseMode::continue_recompute_all() {
    ++busy_;
    size_t work = 0;
    while (!recompute_pending_.empty() && work < kRecomputeBudget) {
        auto it = recompute_pending_.lower_bound(recompute_cursor_);
        if (it == recompute_pending_.end()) it = recompute_pending_.begin();
        const Ipv4Address g = *it;
        recompute_pending_.erase(it);
        recompute_cursor_ = g;
        work += 1 + tib_.source_count(g) + flow_sources(g).size();
        recompute_group_once(g);
    }
    if (recompute_pending_.empty()) assert_.reevaluate_all();
    --busy_;
    drain_assert_changes();
    if (!recompute_pending_.empty() && !recompute_timer_.armed())
        recompute_timer_ = TimerHandle(core_.timers(), Duration::zero(), [this] {
            continue_recompute_all();
            finish();
        });
}

void SparseMode::sync_tracking(Ipv4Address group) {
    std::set<Ipv4Address> want;
    const auto rp_addr = rp(group);
    const auto tib_sources = tib_.sources_of(group);
    const bool has_state =
        tib_.find(StarGKey{group}) || !tib_sources.empty() || !members_.interfaces_of(group).empty();
    if (has_state) {
        if (rp_addr) want.insert(*rp_addr);
        want.insert(tib_sources.begin(), tib_sources.end());
        for (auto s : members_.included_sources(group))
            want.insert(s);
    }
    if (const auto& flowing = flow_sources(group); !flowing.empty()) {
        want.insert(flowing.begin(), flowing.end());
        if (rp_addr) want.insert(*rp_addr);
    }
    auto& have = tracked_by_group_[group];
    for (auto a : want)
        if (!have.count(a)) tracker_.track(a);
    for (auto a : have)
        if (!want.count(a)) tracker_.untrack(a);
    have = std::move(want);
    if (have.empty()) tracked_by_group_.erase(group);
}

void SparseMode::recompute_group(Ipv4Address group, JoinsFirst joins_first) {
    ++busy_;
    recompute_group_once(group, joins_first);
    --busy_;
    drain_assert_changes();
}

// Re-evaluates several groups as one input (recompute_all without the assert sweep): a batch of upcalls.
void SparseMode::recompute_groups(const std::set<Ipv4Address>& groups) {
    ++busy_;
    for (auto g : groups)
        recompute_group_once(g);
    --busy_;
    drain_assert_changes();
}

// Cost: O(entries of the group): the TIB, the flows and the programmed entries are indexed by group, and
// RP(G) is computed once (rp_cache_). The addresses the group needs are tracked before the macros read RPF
// (sync_tracking), and untracked after collection; the (S,G) created below for included sources track
// nothing new (their sources are among the included ones tracked already).
void SparseMode::recompute_group_once(Ipv4Address group, JoinsFirst joins_first) {
    const RpCache saved_rp = rp_cache_;
    rp_cache_ = RpCache{true, group, rp_set_.rp_for(group)};
    std::set<Ipv4Address> sources;  // every (S,G) that may have assert state: before and after collection
    for (auto s : tib_.sources_of(group))
        sources.insert(s);
    sync_tracking(group);
    auto in = macro_inputs();
    // Sources local receivers ask for by name (IGMPv3 INCLUDE, SSM or ASM): pim_include(S,G) (4.1.6, 4.8).
    for (auto s : members_.included_sources(group)) {
        SGKey sg{s, group};
        if (!tib_.find(sg) && !pim_include_sg(in, sg).empty()) sg_entry(sg);
    }
    // No (*,G) state for SSM groups (4.8) nor without an RP.
    if (!is_ssm(group) && rp(group) && !tib_.find(StarGKey{group}) && join_desired_star_g(in, group))
        tib_.get_or_create(StarGKey{group}, now());
    sptbit_for_flows(group);
    update_upstream_star_g(group);
    for (auto s : tib_.sources_of(group)) {
        update_upstream_sg(SGKey{s, group});
        update_upstream_sg_rpt(SGKey{s, group});
    }
    // The upstream machines have queued every Join/Prune this input asks for; nothing below queues one
    // (collection, the register machines and the kernel diff read the upstream state, they do not change it).
    // So the Join/Prune leaves now, ahead of the group's kernel diff, and the kernel entries follow in
    // finish() ahead of the tracking and assert work further below. That work cannot change what was decided
    // for this input, only add to it (which the caller's finish() sends): RPF' moves only with an assert
    // winner, and a membership change never makes this router an assert loser on its RPF interface (4.6.1:
    // AssertTrackingDesired changing only ends loser state).
    FANOUT_PROBE(kPimJoinsQueued);
    if (joins_first == JoinsFirst::kYes) tx_.flush();
    tib_.collect_group(group);
    register_dr_.group_changed(group);  // CouldRegister / RP(G) after KAT, RP, DR, RPF changes (4.4.1)
    update_forwarding(group);
    if (joins_first == JoinsFirst::kYes) finish();
    sync_tracking(group);
    for (auto s : tib_.sources_of(group))
        sources.insert(s);
    const auto& flowing = flow_sources(group);
    sources.insert(flowing.begin(), flowing.end());
    reevaluate_asserts(group, sources);
    rp_cache_ = saved_rp;
}

// Some (S,G) of groups whose group-wide state did not change: new kernel flows (NOCACHE) and the SPTbits
// they set. Nothing group-wide reads another source's (S,G) state: JoinDesired(*,G), RPF'(*,G) and
// inherited_olist(S',G) / (S',G,rpt) of the other sources stay as they are (4.1.6, 4.5.4-4.5.7), so only
// the given sources' upstream machines, collection, register machines (4.4.1), kernel entries (4.2) and
// assert machines (4.6) are re-evaluated: O(sources given), whatever the size of the group.
void SparseMode::recompute_sources(const std::map<Ipv4Address, std::set<Ipv4Address>>& by_group) {
    ++busy_;
    for (const auto& [group, sources] : by_group)
        recompute_sources_once(group, sources);
    --busy_;
    drain_assert_changes();
}

void SparseMode::recompute_source(const SGKey& sg) {
    recompute_sources({{sg.group, {sg.source}}});
}

void SparseMode::recompute_sources_once(Ipv4Address group, const std::set<Ipv4Address>& sources) {
    const RpCache saved_rp = rp_cache_;
    rp_cache_ = RpCache{true, group, rp_set_.rp_for(group)};
    track_sources(group, sources);
    for (auto s : sources) {
        const SGKey sg{s, group};
        if (!tib_.find(sg) && !tib_.find_rpt(sg)) continue;
        update_upstream_sg(sg);
        update_upstream_sg_rpt(sg);
        tib_.collect(sg);
        tib_.collect_rpt(sg);
    }
    for (auto s : sources)
        register_dr_.reevaluate(SGKey{s, group});
    update_forwarding(group, sources);
    for (auto s : sources)
        assert_.reevaluate(SGKey{s, group});
    untrack_idle_sources(group, sources);
    rp_cache_ = saved_rp;
}

// The given sources that ended with no state (a Prune for an (S,G) we never had, a collected entry): what
// sync_tracking would stop tracking, found without walking the group.
void SparseMode::untrack_idle_sources(Ipv4Address group, const std::set<Ipv4Address>& sources) {
    auto it = tracked_by_group_.find(group);
    if (it == tracked_by_group_.end()) return;
    const auto rp_addr = rp(group);
    std::optional<std::set<Ipv4Address>> included;
    for (auto s : sources) {
        const SGKey sg{s, group};
        if (tib_.find(sg) || tib_.find_rpt(sg) || flows_.count(sg) || rp_addr == s) continue;
        if (!included) included = members_.included_sources(group);
        if (included->count(s) || it->second.erase(s) == 0) continue;
        tracker_.untrack(s);
    }
    if (it->second.size() <= 1) sync_tracking(group);  // only RP(G) left: the group may have no state at all
}

// Adds the sources of new flows and RP(G) to what the group tracks (sync_tracking without its O(group) walk:
// a flow's source is always wanted while the flow lasts).
void SparseMode::track_sources(Ipv4Address group, const std::set<Ipv4Address>& sources) {
    auto& have = tracked_by_group_[group];
    auto add = [&](Ipv4Address a) {
        if (have.insert(a).second) tracker_.track(a);
    };
    if (auto r = rp(group)) add(*r);
    for (auto s : sources)
        add(s);
}

// Every long-lived table has a bound (max_sg_entries): state an input would create beyond it is not created,
// and counted; what exists is never refused.
bool SparseMode::room_for(size_t size) {
    if (size < core_.config().max_sg_entries) return true;
    ++counters_.sg_limit_drops;
    return false;
}

SGEntry* SparseMode::sg_entry(const SGKey& sg) {
    if (SGEntry* e = tib_.find(sg)) return e;
    return room_for(tib_.sg().size()) ? &tib_.get_or_create(sg, now()) : nullptr;
}

SGRptEntry* SparseMode::sg_rpt_entry(const SGKey& sg) {
    if (SGRptEntry* e = tib_.find_rpt(sg)) return e;
    return room_for(tib_.sg_rpt().size()) ? &tib_.get_or_create_rpt(sg, now()) : nullptr;
}

void SparseMode::collect_group(Ipv4Address group) {
    tib_.collect_group(group);
    sync_tracking(group);
}

// The order is the order of what waits downstream of each output. The kernel holds the packets of the
// (S,G) named by NOCACHE upcalls until their entries arrive (expedited). A Join/Prune is awaited by the
// upstream router, and traffic that a Join asks for comes back no sooner than one round trip later, so it
// goes before the rest of the kernel diff: at a last-hop router a new receiver's Join leaves before the
// kernel entry that will carry the answer (an MRT_ADD_MFC costs 10-15 us a call).
void SparseMode::finish() {
    drain_assert_changes();
    mfc_.flush_expedited();
    tx_.flush();
    flush_mfc_now();
}

void SparseMode::finish_deferred() {
    if (deferred_finish_.armed()) return;
    deferred_finish_ = TimerHandle(core_.timers(), Duration::zero(), [this] { finish(); });
}

void SparseMode::flush_mfc_now() {
    if (mfc_.flush(kMfcFlushBudget) > 0) finish_deferred();
}

void SparseMode::transition(const char* machine, FsmKey key, int ifindex, std::string_view from,
                            std::string_view to, std::string_view event) {
    ++counters_.transitions;
    FANOUT_LOG_DEBUG(LogCategory::kFsm, "pim: {} {} if {}: {} -> {} on {}", machine, key.to_string(), ifindex,
                     from, to, event);
}

void SparseMode::unexpected(const char* machine, FsmKey key, int ifindex, std::string_view state,
                            std::string_view event) {
    ++counters_.unexpected_events;
    FANOUT_LOG_DEBUG(LogCategory::kFsm, "pim: {} {} if {}: unexpected {} in {}", machine, key.to_string(),
                     ifindex, event, state);
}

}  // namespace fanout::pim
