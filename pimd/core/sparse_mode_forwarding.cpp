// Data forwarding, RFC 7761 4.2 ("Data Packet Forwarding Rules"), 4.2.1 (last-hop switchover to the SPT),
// 4.2.2 (Setting and Clearing the (S,G) SPTbit), as kernel MFC entries.
//
// The kernel forwards; we tell it, per (S,G), the incoming VIF and the outgoing VIFs that the RFC's
// per-packet rule would pick:
//     if( iif == RPF_interface(S) AND SPTbit(S,G) == TRUE ) oiflist = inherited_olist(S,G)
//     else if( iif == RPF_interface(RP(G)) AND SPTbit(S,G) == FALSE ) oiflist = inherited_olist(S,G,rpt)
//     oiflist = oiflist (-) iif
// so the entry's iif is RPF_interface(S) once SPTbit(S,G) is set (or for SSM groups and sources without
// shared-tree state, which have only the SPT), else RPF_interface(RP(G)). Which (S,G) get an entry: every
// (S,G) entry of the TIB and every (S,G) the kernel asked about (NOCACHE upcall). An (S,G) nobody wants gets
// a negative entry (no oifs: the kernel stops upcalling and drops the traffic) that is removed after
// kNegativeEntryLifetime, so a later packet re-asks.
//
// Events: NOCACHE (first packet): "DirectlyConnected(S) AND iif == RPF_interface(S)" restarts the
// KeepaliveTimer; on the shared tree CheckSwitchToSpt(S,G) with the SwitchToSptDesired policy
// (config spt_threshold: immediate, kbit/s via counter samples, never) restarts it too, which makes
// JoinDesired(S,G) true: the (S,G) Join toward S. WRONGVIF: data arrived on another interface; when it is
// RPF_interface(S), Update_SPTbit(S,G,iif) may set the SPTbit, which switches the iif and makes
// PruneDesired(S,G,rpt) true: the (S,G,rpt) Prune toward the RP.
//
// Register (4.4): at the DR, while register_vif_wanted(S,G) (CouldRegister and the register machine in
// Join) the entry's iif is RPF_interface(S) and the register VIF is an oif, so the kernel hands each packet
// up as WHOLEPKT (RegisterDr::whole_packet encapsulates it). At the RP (RP(G) is one of our addresses) the
// shared-tree iif is the register VIF: the kernel decapsulates data Registers and re-injects the inner
// packet there (shared/LINUX-MROUTE.md); sources the accept filter refuses get a negative entry. Native
// traffic on RPF_interface(S) is then a WRONGVIF upcall that sets the SPTbit (Update_SPTbit), which moves
// the iif to RPF_interface(S); the next Register is answered with a Register-Stop (register_rp.hpp).
//
// The shared tree as one (*,G) kernel entry. Away from the RP, a source without source-specific state that
// arrives on RPF_interface(RP(G)) is forwarded to inherited_olist(S,G,rpt), which for such a source is
// immediate_olist(*,G) (4.1.6): one entry serves them all, and the first packets of a new source on the
// shared tree are forwarded by the kernel at once, instead of waiting in its unresolved queue for a NOCACHE
// answer (a whole wake-up and turn of pimd at every router of the tree). The kernel looks a (*,G) entry up
// only when no (S,G) matches and only for an arrival VIF listed among its oifs, and never forwards a packet
// back out of its arrival VIF (ipmr.c ipmr_cache_find_any, ip_mr_forward), so the entry lists
// RPF_interface(RP(G)) as well. Sources are still learned, for CheckSwitchToSpt (4.2.1), the KeepaliveTimer
// and per-source counters: the register VIF is an oif too, so the kernel hands each packet it forwards this
// way up as WHOLEPKT, which stands for the source's NOCACHE (the source then gets its own entry and later
// packets no longer reach the (*,G) entry). Sources with state of their own ((S,G), (S,G,rpt) prunes,
// IGMPv3 EXCLUDE) get their own entries while the (*,G) entry exists, so it never carries a packet
// somewhere that source's rules would not. A packet of a directly connected source on one of the entry's
// oifs (a sender on a receiver LAN) fails the kernel's iif check and comes up as WRONGVIF, at most once in
// 3 s per entry: it stands for that source's NOCACHE too, and the (*,G) entry is renewed (deleted and added)
// so that the next new sender on that LAN is reported at once. At the RP (its iif would be the register
// VIF) and for SSM groups there is no (*,G) entry.
#include "common/core/log.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pim {

namespace {
int ifindex_of_vif(const VifTable& vifs, int vif) {
    if (vif < 0 || vif >= kMaxVifs) return 0;
    const VifAdd* v = vifs.at(vif);
    return v && v->kind == VifKind::kInterface ? v->ifindex : 0;
}
}  // namespace

std::optional<MfcEntry> SparseMode::desired_entry(const SGKey& sg) const {
    auto in = macro_inputs();
    const SGEntry* e = tib_.find(sg);
    const auto rp_addr = rp(sg.group);
    const bool rpt_state =
        !is_ssm(sg.group) && rp_addr && (tib_.find(StarGKey{sg.group}) || tib_.find_rpt(sg));
    const bool registering = e && register_dr_.register_vif_wanted(sg);
    const auto register_vif = core_.vifs().register_vif();
    int iif = 0;
    std::optional<int> iif_vif;
    IfSet oifs;
    if (e && (e->spt_bit || !rpt_state || registering)) {
        iif = rpf_interface(sg.source);
        oifs = inherited_olist_sg(in, sg);
    } else if (rpt_state) {
        oifs = inherited_olist_sg_rpt(in, sg);
        if (!is_local_address(*rp_addr))
            iif = rpf_interface(*rp_addr);
        else if (register_rp_.accepts(sg))
            iif_vif = register_vif;  // 4.4.2: decapsulated data enter on the register VIF
    }
    MfcEntry m;
    m.source = sg.source;
    m.group = sg.group;
    if (iif) iif_vif = core_.vifs().vif_of(iif);
    if (!iif_vif) {
        auto f = flows_.find(sg);
        if (f == flows_.end()) return std::nullopt;
        m.iif_vif = f->second.arrival_vif;  // negative entry
        return m;
    }
    m.iif_vif = *iif_vif;
    for (int i : oifs) {
        if (i == iif) continue;
        if (auto v = core_.vifs().vif_of(i)) m.set_oif(*v);
    }
    if (registering && register_vif && *register_vif != m.iif_vif) m.set_oif(*register_vif);  // 4.4.1
    return m;
}

// The kernel flows (KernelFlow) of a group, by source: the per-group walks cost O(entries of the group).
KernelFlow& SparseMode::add_flow(const SGKey& sg) {
    auto [it, fresh] = flows_.try_emplace(sg);
    if (fresh) {
        it->second.since = now();
        flows_by_group_[sg.group].insert(sg.source);
    }
    return it->second;
}

void SparseMode::erase_flow(const SGKey& sg) {
    if (flows_.erase(sg) == 0) return;
    auto it = flows_by_group_.find(sg.group);
    if (it == flows_by_group_.end()) return;
    it->second.erase(sg.source);
    if (it->second.empty()) flows_by_group_.erase(it);
}

const std::set<Ipv4Address>& SparseMode::flow_sources(Ipv4Address group) const {
    static const std::set<Ipv4Address> kNone;
    auto it = flows_by_group_.find(group);
    return it == flows_by_group_.end() ? kNone : it->second;
}

// The (*,G) kernel entry: its iif is RPF_interface(RP(G)), which is also listed as an oif (the kernel finds
// the entry only for arrival VIFs among its oifs), its oifs are immediate_olist(*,G) and the register VIF
// (source discovery). None at the RP, for SSM groups, without (*,G) state or a register VIF, or when nothing
// is left to forward to.
std::optional<MfcEntry> SparseMode::desired_star_entry(Ipv4Address group) const {
    if (is_ssm(group) || !tib_.find(StarGKey{group})) return std::nullopt;
    const auto rp_addr = rp(group);
    const auto register_vif = core_.vifs().register_vif();
    if (!rp_addr || is_local_address(*rp_addr) || !register_vif) return std::nullopt;
    const int iif = rpf_interface(*rp_addr);
    const auto iif_vif = iif ? core_.vifs().vif_of(iif) : std::nullopt;
    if (!iif_vif) return std::nullopt;
    MfcEntry m;
    m.source = Ipv4Address();
    m.group = group;
    m.iif_vif = *iif_vif;
    for (int i : immediate_olist_star_g(macro_inputs(), group)) {
        if (i == iif) continue;
        if (auto v = core_.vifs().vif_of(i)) m.set_oif(*v);
    }
    if (m.oifs.none()) return std::nullopt;
    m.set_oif(*iif_vif);
    m.set_oif(*register_vif);
    return m;
}

// Which (S,G) get a kernel entry of their own: every (S,G) entry of the TIB and every flow; while the
// (*,G) entry exists (`star`), also every source with (S,G,rpt) state or in `excluded` (named in an IGMPv3
// EXCLUDE record of the group), whose packets the (*,G) entry must not carry.
bool SparseMode::needs_source_entry(const SGKey& sg, bool star, const std::set<Ipv4Address>& excluded) const {
    if (tib_.find(sg) || flows_.count(sg)) return true;
    return star && (tib_.find_rpt(sg) || excluded.count(sg.source));
}

void SparseMode::update_forwarding(Ipv4Address group) {
    const std::optional<MfcEntry> star = desired_star_entry(group);
    const std::set<Ipv4Address> excluded = star ? members_.excluded_sources(group) : std::set<Ipv4Address>{};
    // The (S,G) of the group that get a kernel entry (or lose theirs): the excluded sources among them.
    std::set<Ipv4Address> sources(excluded);
    for (auto s : tib_.sources_of(group))
        if (needs_source_entry(SGKey{s, group}, star.has_value(), excluded)) sources.insert(s);
    const auto& flowing = flow_sources(group);
    sources.insert(flowing.begin(), flowing.end());
    for (auto s : sources)
        forward_source(SGKey{s, group});
    if (star)
        mfc_.set_desired(*star);
    else
        mfc_.remove_desired(SGKey{Ipv4Address(), group});
    // (S,G) entries that went away: their kernel entries go too, unless a flow keeps them.
    if (auto it = programmed_.find(group); it != programmed_.end())
        for (auto s : it->second)
            if (!sources.count(s)) mfc_.remove_desired(SGKey{s, group});
    if (sources.empty())
        programmed_.erase(group);
    else
        programmed_[group] = std::move(sources);
}

// The kernel entries of some sources of a group only (recompute_sources): O(sources given).
void SparseMode::update_forwarding(Ipv4Address group, const std::set<Ipv4Address>& only) {
    auto& programmed = programmed_[group];
    // Whether the group has its (*,G) kernel entry, as update_forwarding(group) left it.
    const bool star = mfc_.desired(SGKey{Ipv4Address(), group}) != nullptr;
    const std::set<Ipv4Address> excluded = star ? members_.excluded_sources(group) : std::set<Ipv4Address>{};
    for (auto s : only) {
        const SGKey sg{s, group};
        if (needs_source_entry(sg, star, excluded)) {
            forward_source(sg);
            programmed.insert(s);
        } else if (programmed.erase(s) > 0) {
            mfc_.remove_desired(sg);
        }
    }
    if (programmed.empty()) programmed_.erase(group);
}

// One (S,G)'s kernel entry: the desired one, or none. A flow nobody wants gets a negative entry (no oifs)
// and a recheck timer that removes it after kNegativeEntryLifetime unless it became wanted.
void SparseMode::forward_source(const SGKey& sg) {
    auto d = desired_entry(sg);
    if (!d) {
        mfc_.remove_desired(sg);
        return;
    }
    mfc_.set_desired(*d);
    auto f = flows_.find(sg);
    if (f == flows_.end()) return;
    if (d->oifs.none() && !f->second.recheck.armed()) {
        ++counters_.negative_entries;
        f->second.recheck = TimerHandle(core_.timers(), kNegativeEntryLifetime, [this, sg] {
            auto d2 = desired_entry(sg);
            if (d2 && d2->oifs.any()) return;
            erase_flow(sg);
            if (tib_.find(sg)) {
                if (d2) mfc_.set_desired(*d2);
            } else {
                mfc_.remove_desired(sg);
            }
            sync_tracking(sg.group);
            finish_deferred();
        });
    } else if (d->oifs.any()) {
        f->second.recheck.cancel();
    }
}

// The operator's clear: MfcSync deletes the kernel entries at once; flows without TIB state are forgotten (a
// packet still arriving is a NOCACHE upcall again, which re-learns its flow), and finish() installs what the
// TIB still wants (MfcSync marked those keys dirty).
size_t SparseMode::clear_mroutes(std::optional<Ipv4Address> group) {
    const size_t deleted = mfc_.clear_installed(group);
    std::set<Ipv4Address> groups;
    std::vector<SGKey> data_only;
    for (const auto& [sg, f] : flows_) {
        if (group && sg.group != *group) continue;
        groups.insert(sg.group);
        if (!tib_.find(sg)) data_only.push_back(sg);
    }
    for (const auto& sg : data_only)
        erase_flow(sg);
    recompute_groups(groups);
    finish();
    return deleted;
}

void SparseMode::restart_keepalive(SGEntry& e) {
    restart_keepalive(e, core_.config().keepalive_period);
}

void SparseMode::restart_keepalive(SGEntry& e, Duration period) {
    const SGKey k = e.key;
    e.keepalive = TimerHandle(core_.timers(), period, [this, k] { keepalive_expired(k); });
}

void SparseMode::keepalive_expired(const SGKey& sg) {
    FANOUT_LOG_DEBUG(LogCategory::kJoinPrune, "pim: KeepaliveTimer{} expired", sg.to_string());
    erase_flow(sg);
    // Its own source only: the KeepaliveTimers of a burst's sources expire together, 210 s after they stop.
    recompute_source(sg);
    if (!tib_.find(sg)) mfc_.remove_desired(sg);
    finish_deferred();
}

// 4.2.2 Update_SPTbit runs "on receipt of data from S to G on interface iif", but the kernel reports only a
// flow's first packet (NOCACHE) and later ones only when they arrive on the wrong interface. A flow the
// kernel reported on RPF_interface(S) whose KeepaliveTimer runs is still receiving there, so the condition is
// re-checked when the group's state changes (JoinDesired(S,G) may just have become TRUE): at an RP that is
// also the DR of a directly connected source, a (*,G) Join would otherwise move the (S,G) entry's iif to
// the register VIF and drop the native packets until a WRONGVIF upcall set the SPTbit.
void SparseMode::sptbit_for_flows(Ipv4Address group) {
    for (auto s : flow_sources(group)) {
        const SGKey sg{s, group};
        const SGEntry* e = tib_.find(sg);
        if (!e || e->spt_bit || !e->keepalive_running()) continue;
        const int rpf = rpf_interface(s);
        auto f = flows_.find(sg);
        if (rpf != 0 && f != flows_.end() && ifindex_of_vif(core_.vifs(), f->second.arrival_vif) == rpf)
            update_sptbit(sg, rpf);
    }
}

void SparseMode::update_sptbit(const SGKey& sg, int iif) {
    SGEntry* e = tib_.find(sg);
    if (!e || e->spt_bit) return;
    if (!update_sptbit_condition(macro_inputs(), sg, iif)) return;
    e->spt_bit = true;
    ++counters_.spt_switches;
    transition("SPTbit", sg, iif, "FALSE", "TRUE", "Update_SPTbit");
}

std::optional<SparseMode::PendingNoCache> SparseMode::nocache_begin(const KernelUpcall& ev) {
    ++counters_.upcalls_nocache;
    const SGKey sg = ev.key();
    if (!sg.group.is_multicast() || sg.group.is_link_local_multicast() || !sg.source.is_unicast())
        return std::nullopt;
    const int arrival = ifindex_of_vif(core_.vifs(), ev.vif);
    if (!flows_.count(sg) && !room_for(flows_.size())) return std::nullopt;
    add_flow(sg).arrival_vif = ev.vif;
    track_sources(sg.group, {sg.source});
    auto in = macro_inputs();
    const bool on_spt_path = arrival != 0 && arrival == rpf_interface(sg.source);
    const auto rp_addr = rp(sg.group);
    const bool on_rpt_path = arrival != 0 && rp_addr && arrival == rpf_interface(*rp_addr);
    if (directly_connected(sg.source) && on_spt_path) {
        if (SGEntry* e = sg_entry(sg)) restart_keepalive(*e);  // 4.2: DirectlyConnected(S) at the first hop
    } else if (on_rpt_path && tib_.find(StarGKey{sg.group}) &&
               check_switch_to_spt(in, sg,
                                   core_.config().spt_threshold.mode == SptThresholdMode::kImmediate)) {
        if (SGEntry* e = sg_entry(sg)) restart_keepalive(*e);  // 4.2.1 CheckSwitchToSpt
    }
    if (on_spt_path) update_sptbit(sg, arrival);  // 4.2: Update_SPTbit before the forwarding decision
    return PendingNoCache{sg, arrival, on_spt_path};
}

// After the (S,G)'s re-evaluation: if its state changed what Update_SPTbit (4.2.2) sees, data on
// RPF_interface(S) may set the SPTbit now; true when it did (the (S,G) is re-evaluated again).
bool SparseMode::nocache_sptbit(const PendingNoCache& p) {
    SGEntry* e = tib_.find(p.sg);
    if (!e || !p.on_spt_path || e->spt_bit) return false;
    update_sptbit(p.sg, p.arrival);
    return e->spt_bit;
}

void SparseMode::nocache(const KernelUpcall& ev) {
    nocache_batch(std::span<const KernelUpcall>(&ev, 1));
}

// NOCACHE upcalls (one, or consecutive ones of one socket read): each flow is noted with its KeepaliveTimer
// and SPTbit (nocache_begin, the order of 4.2's "on receipt of data"), then the new (S,G) are re-evaluated
// (once more those whose SPTbit only that re-evaluation set), and the kernel entries go out together
// (finish). A new flow changes nothing group-wide (recompute_sources), so a burst of new sources costs O(new
// sources) instead of O(sources of the group) per upcall, and the kernel's unresolved entries are resolved
// within the same turn, newest first.
void SparseMode::nocache_batch(std::span<const KernelUpcall> run) {
    std::vector<PendingNoCache> pending;
    pending.reserve(run.size());
    std::map<Ipv4Address, std::set<Ipv4Address>> fresh;
    for (const auto& ev : run)
        if (auto p = nocache_begin(ev)) {
            fresh[p->sg.group].insert(p->sg.source);
            pending.push_back(*p);
        }
    if (pending.empty()) return;
    recompute_sources(fresh);
    std::map<Ipv4Address, std::set<Ipv4Address>> again;
    for (const auto& p : pending)
        if (nocache_sptbit(p)) again[p.sg.group].insert(p.sg.source);
    recompute_sources(again);
    // Newest first: the kernel finds the newest unresolved entry at the head of its list (mfc_sync.hpp).
    std::vector<SGKey> newest_first;
    newest_first.reserve(pending.size());
    for (auto it = pending.rbegin(); it != pending.rend(); ++it)
        newest_first.push_back(it->sg);
    mfc_.expedite(newest_first);
    finish();
}

void SparseMode::wrongvif(const KernelUpcall& ev) {
    ++counters_.upcalls_wrongvif;
    const SGKey sg = ev.key();
    const int arrival = ifindex_of_vif(core_.vifs(), ev.vif);
    SGEntry* e = tib_.find(sg);
    if (!e || e->spt_bit || arrival == 0) return;
    update_sptbit(sg, arrival);
    if (e->spt_bit) {
        recompute_source(sg);  // SPTbit(S,G) reaches only this source's (S,G,rpt) (4.5.6 PruneDesired)
        finish();
    }
}

// An upcall the (*,G) kernel entry caused (see the top comment). WHOLEPKT: the kernel forwarded a packet of a
// source without an entry of its own through the (*,G) entry, whose register-VIF oif handed it up; the
// packet arrived on the entry's iif; more of them may come before the source's own entry is in (copies). A
// source whose own entry lists the register VIF is the DR's (4.4.1): its WHOLEPKT is a Register's. WRONGVIF:
// a packet of a sender on the subnet of one of the entry's oifs (other routers' traffic there is the assert
// machines', 4.6).
SparseMode::RptUpcall SparseMode::classify_rpt_upcall(const KernelUpcall& ev, int& arrival_vif) const {
    const MfcEntry* star = mfc_.installed(SGKey{Ipv4Address(), ev.group});
    if (!star || !star->has_oif(ev.vif)) return RptUpcall::kOther;
    const MfcEntry* own = mfc_.installed(ev.key());
    if (ev.type == KernelUpcallType::kWholePacket) {
        if (own && own->has_oif(ev.vif)) return RptUpcall::kOther;  // the source's own entry registers it
        if (own || flows_.count(ev.key())) return RptUpcall::kCopy;
        arrival_vif = star->iif_vif;
        return RptUpcall::kDiscovery;
    }
    if (own || ev.vif == star->iif_vif) return RptUpcall::kOther;
    // A sender on the arrival interface's own subnet, not a router forwarding onto it.
    const PimInterface* pif = core_.find_interface(ifindex_of_vif(core_.vifs(), ev.vif));
    if (!pif || !on_subnet(*pif, ev.source)) return RptUpcall::kOther;
    arrival_vif = ev.vif;
    return RptUpcall::kDiscovery;
}

void SparseMode::handle(const KernelUpcall& ev) {
    handle(std::span<const KernelUpcall>(&ev, 1));
}

void SparseMode::handle_one(const KernelUpcall& ev) {
    switch (ev.type) {
        case KernelUpcallType::kNoCache:
            nocache(ev);
            return;
        case KernelUpcallType::kWrongVif:
        case KernelUpcallType::kWrongVifWhole:
            wrongvif(ev);               // data on RPF_interface(S): Update_SPTbit (4.2.2)
            assert_.handle_upcall(ev);  // data on an outgoing interface: the assert machines (4.6)
            finish();
            return;
        case KernelUpcallType::kWholePacket:
            register_dr_.whole_packet(ev);  // 4.4.1: encapsulate into a Register to RP(G)
            return;
    }
}

// Upcalls of the (*,G) kernel entries become the NOCACHE of their sources, or are dropped as copies. The
// read is copied only from the first such upcall on: the DR's WHOLEPKT upcalls carry whole packets, at the
// data rate, and pass through as they are.
void SparseMode::handle(std::span<const KernelUpcall> upcalls) {
    int arrival_vif = -1;
    auto kind_of = [&](const KernelUpcall& ev) {
        return ev.type == KernelUpcallType::kNoCache ? RptUpcall::kOther
                                                     : classify_rpt_upcall(ev, arrival_vif);
    };
    size_t k = 0;
    while (k < upcalls.size() && kind_of(upcalls[k]) == RptUpcall::kOther)
        ++k;
    if (k == upcalls.size()) return handle_upcalls(upcalls);
    std::vector<KernelUpcall> batch(upcalls.begin(), upcalls.begin() + static_cast<std::ptrdiff_t>(k));
    std::set<SGKey> learned;  // in this read: the flows only exist once the batch has been handled
    for (; k < upcalls.size(); ++k) {
        const KernelUpcall& ev = upcalls[k];
        RptUpcall kind = kind_of(ev);
        if (kind == RptUpcall::kDiscovery && !learned.insert(ev.key()).second) kind = RptUpcall::kCopy;
        switch (kind) {
            case RptUpcall::kOther:
                batch.push_back(ev);
                break;
            case RptUpcall::kCopy:
                ++counters_.rpt_copies;
                break;
            case RptUpcall::kDiscovery:
                ++counters_.rpt_discoveries;
                if (ev.type != KernelUpcallType::kWholePacket) mfc_.renew(SGKey{Ipv4Address(), ev.group});
                batch.push_back(
                    KernelUpcall{KernelUpcallType::kNoCache, arrival_vif, ev.source, ev.group, {}});
                break;
        }
    }
    handle_upcalls(batch);
}

// Runs of NOCACHE upcalls are batched; any other upcall is handled on its own, in order.
void SparseMode::handle_upcalls(std::span<const KernelUpcall> batch) {
    size_t i = 0;
    while (i < batch.size()) {
        size_t j = i;
        while (j < batch.size() && batch[j].type == KernelUpcallType::kNoCache)
            ++j;
        if (j - i > 1) {
            nocache_batch(batch.subspan(i, j - i));
            i = j;
        } else {
            handle_one(batch[i]);
            ++i;
        }
    }
}

// Counter samples (keepalive.hpp): traffic keeps the KAT running where 4.2 restarts it, and the kbit/s SPT
// threshold decides CheckSwitchToSpt on the shared tree.
void SparseMode::set_counter_source(CounterSource* c) {
    counters_source_ = c;
    schedule_sampling();
}

void SparseMode::schedule_sampling() {
    if (!counters_source_) {
        sample_timer_.cancel();
        return;
    }
    sample_timer_ = TimerHandle(core_.timers(), kTrafficSampleInterval, [this] {
        sample_traffic();
        schedule_sampling();
    });
}

void SparseMode::sample_traffic() {
    if (!counters_source_) return;
    std::vector<SGKey> keys;
    for (const auto& [k, f] : flows_)
        keys.push_back(k);
    // An (S,G) installed before its first packet (an SSM join, or a Join that came first) never makes a
    // NOCACHE upcall: only its counters show data arriving on RPF_interface(S) (4.2 KAT, 4.2.2 SPTbit).
    for (const auto& [g, sources] : programmed_)
        for (auto s : sources)
            if (!flows_.count(SGKey{s, g})) keys.push_back(SGKey{s, g});
    auto obs = traffic_.sample(*counters_source_, keys, now());
    std::set<Ipv4Address> groups;
    for (const auto& [sg, o] : obs) {
        if (!o.traffic_seen) continue;
        auto in = macro_inputs();
        SGEntry* e = tib_.find(sg);
        const auto* installed = mfc_.installed(sg);
        const int iif = installed ? ifindex_of_vif(core_.vifs(), installed->iif_vif) : 0;
        const bool on_spt_path = iif != 0 && iif == rpf_interface(sg.source);
        if (e && on_spt_path &&
            (directly_connected(sg.source) ||
             (std::holds_alternative<UpJoined>(e->upstream) && !inherited_olist_sg(in, sg).empty()))) {
            // Only a KAT that starts or an SPTbit that changes moves a macro (JoinDesired(S,G),
            // CouldRegister, the olists): a flow that keeps sending re-evaluates nothing.
            const bool kat_was_running = e->keepalive_running(), had_sptbit = e->spt_bit;
            restart_keepalive(*e);
            update_sptbit(sg, iif);
            if (!kat_was_running || e->spt_bit != had_sptbit) groups.insert(sg.group);
        } else if (!on_spt_path && tib_.find(StarGKey{sg.group}) &&
                   check_switch_to_spt(in, sg, core_.config().spt_threshold.switch_desired(o))) {
            if (SGEntry* created = sg_entry(sg)) {
                restart_keepalive(*created);
                groups.insert(sg.group);
            }
        }
    }
    for (auto g : groups)
        recompute_group(g);
    finish();
}

}  // namespace fanout::pim
