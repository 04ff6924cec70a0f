// Join/Prune receive processing, RFC 7761 4.5 (see join_prune_rx.hpp for the order of processing).
#include "pimd/core/join_prune_rx.hpp"

#include "common/core/latency_probe.hpp"
#include "common/core/log.hpp"
#include "common/packet/pim_join_prune.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/sparse_mode.hpp"

namespace fanout::pim {

std::string_view to_string(JpEntryKind k) {
    switch (k) {
        case JpEntryKind::kStarG:
            return "(*,G)";
        case JpEntryKind::kSG:
            return "(S,G)";
        case JpEntryKind::kSGRpt:
            return "(S,G,rpt)";
        case JpEntryKind::kInvalid:
            return "invalid";
    }
    return "?";
}

JpEntryKind classify_jp_source(const packet::EncodedSource& s) {
    if (s.wildcard) return s.rpt ? JpEntryKind::kStarG : JpEntryKind::kInvalid;
    if (s.mask_len != 32) return JpEntryKind::kInvalid;
    return s.rpt ? JpEntryKind::kSGRpt : JpEntryKind::kSG;
}

bool jp_group_acceptable(const packet::EncodedGroup& g) {
    return g.mask_len == 32 && g.group.is_multicast() && !g.group.is_link_local_multicast();
}

// The sources of a group record whose Joins and Prunes are all (S,G) entries; nullopt when it names (*,G) or
// (S,G,rpt) (or nothing valid). An (S,G) Join or Prune changes only that (S,G)'s downstream state, so only
// its own macros move: immediate_olist(S,G), JoinDesired(S,G), inherited_olist(S,G) (4.1.6); (*,G) and
// (S,G,rpt) state, which the other sources read, stay as they are.
std::optional<std::set<Ipv4Address>> sg_sources_only(const packet::JoinPruneGroup& g) {
    std::set<Ipv4Address> sources;
    for (const auto* list : {&g.joins, &g.prunes})
        for (const auto& s : *list) {
            if (classify_jp_source(s) != JpEntryKind::kSG) return std::nullopt;
            sources.insert(s.source);
        }
    if (sources.empty()) return std::nullopt;
    return sources;
}

RxOutcome SparseMode::receive_join_prune(const PimRxContext& ctx) {
    FANOUT_PROBE(kPimJpReceived);
    auto jp = packet::decode_join_prune_body(ctx.body);
    if (!jp) return RxOutcome::decode_error(jp.error());
    ++counters_.jp_rx;
    ++busy_;  // assert changes from join_received are handled once the message is processed
    const int ifindex = ctx.iface->ifindex();
    const bool for_us = ctx.iface->is_local_address(jp->upstream_neighbor);
    std::set<SGKey> eom;           // (S,G,rpt) entries touched by a (*,G) Join: End of Message for them
    std::set<Ipv4Address> groups;  // re-evaluated whole
    std::map<Ipv4Address, std::set<Ipv4Address>> sg_only;  // records naming only (S,G): their sources
    if (for_us)
        ++counters_.jp_rx_for_us;
    else
        ++counters_.jp_rx_seen;
    for (const auto& g : jp->groups) {
        if (!jp_group_acceptable(g.group)) {
            counters_.jp_rx_ignored += g.joins.size() + g.prunes.size();
            continue;
        }
        if (auto sources = sg_sources_only(g))
            sg_only[g.group.group].insert(sources->begin(), sources->end());
        else
            groups.insert(g.group.group);
        if (for_us)
            process_group_for_us(ifindex, jp->holdtime_s, g, eom);
        else
            process_group_seen(ifindex, jp->upstream_neighbor, jp->holdtime_s, g);
    }
    for (const auto& sg : eom)
        ds_sg_rpt(sg, ifindex, RptEvent::kEndOfMessage, 0);
    for (auto g : groups) {
        recompute_group(g);
        sg_only.erase(g);
    }
    recompute_sources(sg_only);
    FANOUT_PROBE(kPimJpProcessed);
    --busy_;
    finish();
    return RxOutcome::accepted();
}

void SparseMode::process_group_for_us(int ifindex, uint16_t holdtime, const packet::JoinPruneGroup& g,
                                      std::set<SGKey>& eom) {
    const Ipv4Address group = g.group.group;
    const bool ssm = is_ssm(group);
    auto acceptable = [&](JpEntryKind k) {
        if (k == JpEntryKind::kInvalid || (ssm && k != JpEntryKind::kSG)) {
            ++counters_.jp_rx_ignored;
            return false;
        }
        return true;
    };
    // 1. The (*,G) Join first.
    for (const auto& s : g.joins) {
        if (classify_jp_source(s) != JpEntryKind::kStarG || !acceptable(JpEntryKind::kStarG)) continue;
        ds_star_g(group, ifindex, DsEvent::kReceiveJoin, holdtime);
        assert_.join_received(StarGKey{group}, ifindex);  // 4.6.2 L: Receive Join(*,G) on I -> NI
        for (auto src : tib_.sources_of(group)) {
            SGKey sg{src, group};
            ds_sg_rpt(sg, ifindex, RptEvent::kReceiveJoinStarG, holdtime);
            eom.insert(sg);
        }
    }
    // 2. (S,G) and (S,G,rpt) Joins.
    for (const auto& s : g.joins) {
        const auto k = classify_jp_source(s);
        if (k == JpEntryKind::kStarG || !acceptable(k)) continue;
        if (k == JpEntryKind::kSG) {
            ds_sg(SGKey{s.source, group}, ifindex, DsEvent::kReceiveJoin, holdtime);
            assert_.join_received(SGKey{s.source, group}, ifindex);  // 4.6.1 L: Receive Join(S,G) on I -> NI
        }
        if (k == JpEntryKind::kSGRpt)
            ds_sg_rpt(SGKey{s.source, group}, ifindex, RptEvent::kReceiveJoinSGRpt, holdtime);
    }
    // 3. Prunes.
    for (const auto& s : g.prunes) {
        const auto k = classify_jp_source(s);
        if (!acceptable(k)) continue;
        switch (k) {
            case JpEntryKind::kStarG:
                ds_star_g(group, ifindex, DsEvent::kReceivePrune, holdtime);
                break;
            case JpEntryKind::kSG:
                ds_sg(SGKey{s.source, group}, ifindex, DsEvent::kReceivePrune, holdtime);
                break;
            case JpEntryKind::kSGRpt:
                ds_sg_rpt(SGKey{s.source, group}, ifindex, RptEvent::kReceivePruneSGRpt, holdtime);
                break;
            case JpEntryKind::kInvalid:
                break;
        }
    }
}

void SparseMode::process_group_seen(int ifindex, Ipv4Address target, uint16_t holdtime,
                                    const packet::JoinPruneGroup& g) {
    const Ipv4Address group = g.group.group;
    for (const auto& s : g.joins) {
        switch (classify_jp_source(s)) {
            case JpEntryKind::kStarG:
                seen(ifindex, target, group, s.source, SeenKind::kJoinStarG, holdtime);
                break;
            case JpEntryKind::kSG:
                seen(ifindex, target, group, s.source, SeenKind::kJoinSG, holdtime);
                break;
            case JpEntryKind::kSGRpt:
                seen(ifindex, target, group, s.source, SeenKind::kJoinSGRpt, holdtime);
                break;
            case JpEntryKind::kInvalid:
                ++counters_.jp_rx_ignored;
                break;
        }
    }
    for (const auto& s : g.prunes) {
        switch (classify_jp_source(s)) {
            case JpEntryKind::kStarG:
                seen(ifindex, target, group, s.source, SeenKind::kPruneStarG, holdtime);
                break;
            case JpEntryKind::kSG:
                seen(ifindex, target, group, s.source, SeenKind::kPruneSG, holdtime);
                break;
            case JpEntryKind::kSGRpt:
                seen(ifindex, target, group, s.source, SeenKind::kPruneSGRpt, holdtime);
                break;
            case JpEntryKind::kInvalid:
                ++counters_.jp_rx_ignored;
                break;
        }
    }
}

}  // namespace fanout::pim
