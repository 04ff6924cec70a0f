// Join/Prune sending and packing, RFC 7761 4.5 / 4.9.5 (see join_prune_tx.hpp).
#include "pimd/core/join_prune_tx.hpp"

#include "common/core/log.hpp"
#include "common/packet/pim_join_prune.hpp"
#include "pimd/core/pim_core.hpp"

namespace fanout::pim {

namespace {
constexpr size_t kIpHeaderSize = 20;
}

packet::EncodedSource star_g_source(Ipv4Address rp) {
    return packet::EncodedSource{rp, 32, true, true, true};
}
packet::EncodedSource sg_source(Ipv4Address s) {
    return packet::EncodedSource{s, 32, true, false, false};
}
packet::EncodedSource sg_rpt_source(Ipv4Address s) {
    return packet::EncodedSource{s, 32, true, false, true};
}

void JoinPruneTx::add_join(int ifindex, Ipv4Address upstream, Ipv4Address group,
                           const packet::EncodedSource& s) {
    auto& g = pending_[{ifindex, upstream}][group];
    g.prunes.erase(s);  // the latest decision wins
    g.joins.insert(s);
}

void JoinPruneTx::add_prune(int ifindex, Ipv4Address upstream, Ipv4Address group,
                            const packet::EncodedSource& s) {
    auto& g = pending_[{ifindex, upstream}][group];
    g.joins.erase(s);
    g.prunes.insert(s);
}

size_t JoinPruneTx::flush() {
    size_t sent = 0;
    auto pending = std::move(pending_);
    pending_.clear();
    const uint16_t holdtime = core_.config().join_prune_holdtime_s();
    for (auto& [target, groups] : pending) {
        PimInterface* pif = core_.find_interface(target.first);
        if (!pif || !pif->is_up()) {
            ++counters_.not_sent;
            continue;
        }
        packet::JoinPrune jp;
        jp.upstream_neighbor = target.second;
        jp.holdtime_s = holdtime;
        for (auto& [group, lists] : groups) {
            packet::JoinPruneGroup rec;
            rec.group = packet::EncodedGroup{group, 32, false, false};
            rec.joins.assign(lists.joins.begin(), lists.joins.end());
            rec.prunes.assign(lists.prunes.begin(), lists.prunes.end());
            counters_.joins += rec.joins.size();
            counters_.prunes += rec.prunes.size();
            jp.groups.push_back(std::move(rec));
        }
        const size_t mtu = pif->link().mtu > kIpHeaderSize ? pif->link().mtu - kIpHeaderSize : 0;
        auto messages = packet::encode_join_prune_packed(jp, mtu);
        pif->ensure_hello_sent();
        for (const auto& m : messages) {
            pif->send(addr::kAllPimRouters, m);
            ++counters_.messages;
            ++sent;
        }
        FANOUT_LOG_DEBUG(LogCategory::kJoinPrune, "pim: J/P to {} on {}: {} group(s) in {} message(s)",
                         target.second.to_string(), pif->name(), jp.groups.size(), messages.size());
    }
    return sent;
}

}  // namespace fanout::pim
