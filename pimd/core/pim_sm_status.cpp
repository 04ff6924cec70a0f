// PIM-SM status snapshots (see pim_sm_status.hpp).
#include "pimd/core/pim_sm_status.hpp"

#include "pimd/core/pim_core.hpp"
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pim {

namespace {
std::optional<int64_t> ms_left(const TimerHandle& t) {
    if (!t.armed()) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.remaining()).count();
}
// An Expiry Timer of a live downstream state that is not armed is an infinite holdtime.
std::optional<int64_t> expiry_ms(const TimerHandle& t) {
    return t.armed() ? ms_left(t) : std::optional<int64_t>(-1);
}
int64_t ms_since(TimePoint now, TimePoint then) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now - then).count();
}
std::string if_name(const PimCore& core, int ifindex) {
    if (ifindex == 0) return "";
    const PimInterface* p = core.find_interface(ifindex);
    return p ? p->name() : "ifindex" + std::to_string(ifindex);
}
std::string addr_or_empty(Ipv4Address a) {
    return a.is_unspecified() ? std::string() : a.to_string();
}

void add_ds(std::vector<JoinStatus>& out, const PimCore& core, int ifindex, const std::string& src,
            const std::string& group, const char* kind, const DownstreamJP& s) {
    JoinStatus j{if_name(core, ifindex), src, group, kind, std::string(to_string(state_of(s))), {}, {}};
    if (const auto* jn = std::get_if<DsJoin>(&s)) j.expiry_ms = expiry_ms(jn->expiry);
    if (const auto* pp = std::get_if<DsPrunePending>(&s)) {
        j.expiry_ms = expiry_ms(pp->expiry);
        j.prune_pending_ms = ms_left(pp->prune_pending);
    }
    out.push_back(std::move(j));
}

void add_rpt(std::vector<JoinStatus>& out, const PimCore& core, int ifindex, const SGKey& k,
             const DownstreamRpt& s) {
    JoinStatus j{if_name(core, ifindex),
                 k.source.to_string(),
                 k.group.to_string(),
                 "(S,G,rpt)",
                 std::string(to_string(state_of(s))),
                 {},
                 {}};
    std::visit(
        [&](const auto& st) {
            using T = std::decay_t<decltype(st)>;
            if constexpr (!std::is_same_v<T, RptNoInfo>) j.expiry_ms = expiry_ms(st.expiry);
            if constexpr (std::is_same_v<T, RptPrunePending> || std::is_same_v<T, RptPrunePendingTmp>)
                j.prune_pending_ms = ms_left(st.prune_pending);
        },
        s);
    out.push_back(std::move(j));
}

std::optional<int64_t> join_timer_ms(const UpstreamJP& up) {
    if (const auto* j = std::get_if<UpJoined>(&up)) return ms_left(j->join_timer);
    return std::nullopt;
}
}  // namespace

std::vector<JoinStatus> join_status(const PimCore& core) {
    std::vector<JoinStatus> out;
    const Tib& tib = core.sparse().tib();
    for (const auto& [g, e] : tib.star_g())
        for (const auto& [i, s] : e.downstream)
            add_ds(out, core, i, "*", g.to_string(), "(*,G)", s);
    for (const auto& [k, e] : tib.sg())
        for (const auto& [i, s] : e.downstream)
            add_ds(out, core, i, k.source.to_string(), k.group.to_string(), "(S,G)", s);
    for (const auto& [k, e] : tib.sg_rpt())
        for (const auto& [i, s] : e.downstream)
            add_rpt(out, core, i, k, s);
    return out;
}

std::vector<UpstreamStatus> upstream_status(const PimCore& core) {
    std::vector<UpstreamStatus> out;
    const Tib& tib = core.sparse().tib();
    const TimePoint now = core.now();
    for (const auto& [g, e] : tib.star_g()) {
        UpstreamStatus u{"*",
                         g.to_string(),
                         "(*,G)",
                         std::string(to_string(state_of(e.upstream))),
                         join_timer_ms(e.upstream),
                         if_name(core, e.rpf.ifindex),
                         addr_or_empty(e.rpf.neighbor),
                         false,
                         {},
                         ms_since(now, e.created)};
        out.push_back(std::move(u));
    }
    for (const auto& [k, e] : tib.sg()) {
        UpstreamStatus u{k.source.to_string(),
                         k.group.to_string(),
                         "(S,G)",
                         std::string(to_string(state_of(e.upstream))),
                         join_timer_ms(e.upstream),
                         if_name(core, e.rpf.ifindex),
                         addr_or_empty(e.rpf.neighbor),
                         e.spt_bit,
                         ms_left(e.keepalive),
                         ms_since(now, e.created)};
        out.push_back(std::move(u));
    }
    for (const auto& [k, e] : tib.sg_rpt()) {
        UpstreamStatus u{k.source.to_string(),
                         k.group.to_string(),
                         "(S,G,rpt)",
                         std::string(to_string(state_of(e.upstream))),
                         {},
                         "",
                         "",
                         false,
                         {},
                         ms_since(now, e.created)};
        if (const auto* np = std::get_if<RptUpNotPruned>(&e.upstream))
            u.join_timer_ms = ms_left(np->override_timer);
        out.push_back(std::move(u));
    }
    return out;
}

std::vector<MrouteStatus> mroute_status(const PimCore& core) {
    std::vector<MrouteStatus> out;
    const SparseMode& sm = core.sparse();
    const Tib& tib = sm.tib();
    auto in = sm.macro_inputs();
    const TimePoint now = core.now();
    for (const auto& [g, e] : tib.star_g()) {
        MrouteStatus m{"*", g.to_string(), "SW", if_name(core, e.rpf.ifindex), {}, ms_since(now, e.created)};
        auto olist = immediate_olist_star_g(in, g);
        if (!pim_include_star_g(in, g).empty()) m.flags += "C";
        if (olist.empty()) m.flags += "P";
        if (state_of(e.upstream) == UpstreamState::kJoined) m.flags += "J";
        for (int i : olist)
            m.oifs.push_back(if_name(core, i));
        out.push_back(std::move(m));
    }
    // (S,G): what the kernel is told (the forwarding computation), with the TIB's flags.
    std::vector<SGKey> keys;
    for (const auto& [k, e] : tib.sg())
        keys.push_back(k);
    for (const auto& [k, f] : sm.flows())
        if (!tib.find(k)) keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    for (const auto& k : keys) {
        const MfcEntry* d = sm.mfc().desired(k);
        const SGEntry* e = tib.find(k);
        const SGRptEntry* r = tib.find_rpt(k);
        auto f = sm.flows().find(k);
        TimePoint since = e ? e->created : f->second.since;
        MrouteStatus m{k.source.to_string(), k.group.to_string(), "S", "", {}, ms_since(now, since)};
        if (!pim_include_sg(in, k).empty() || !pim_include_star_g(in, k.group).empty()) m.flags += "C";
        if (!d || d->oifs.none()) m.flags += "P";
        if (r && state_of(r->upstream) == UpstreamRptState::kPruned) m.flags += "R";
        if (e && sm.router_view().directly_connected(k.source) &&
            sm.router_view().i_am_dr(sm.router_view().rpf_interface(k.source)))
            m.flags += "F";
        if (e && e->spt_bit) m.flags += "T";
        if (e && state_of(e->upstream) == UpstreamState::kJoined) m.flags += "J";
        if (e && e->flags.msdp_notify) m.flags += "N";  // learned from a DR's Register at the RP (4.4.2)
        if (d) {
            if (const VifAdd* v = core.vifs().at(d->iif_vif)) m.iif = v->name;
            for (int i = 0; i < kMaxVifs; ++i)
                if (d->oifs.test(static_cast<size_t>(i)))
                    if (const VifAdd* v = core.vifs().at(i)) m.oifs.push_back(v->name);
        }
        out.push_back(std::move(m));
    }
    return out;
}

std::vector<RpfStatus> rpf_status(const PimCore& core) {
    std::vector<RpfStatus> out;
    const SparseMode& sm = core.sparse();
    std::set<Ipv4Address> addrs;
    for (const auto& [g, e] : sm.tib().star_g())
        if (!e.rp.is_unspecified()) addrs.insert(e.rp);
    for (const auto& [k, e] : sm.tib().sg())
        addrs.insert(k.source);
    for (auto a : addrs) {
        RpfStatus r{a.to_string(), "", "", "", false};
        if (auto route = sm.rpf().route(a)) {
            r.reachable = true;
            r.interface = if_name(core, route->ifindex);
            r.next_hop = route->next_hop(a).to_string();
            r.rpf_neighbor = addr_or_empty(sm.router_view().mrib_neighbor(a).value_or(Ipv4Address{}));
        }
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace fanout::pim
