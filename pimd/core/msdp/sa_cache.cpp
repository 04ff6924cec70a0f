// The MSDP SA cache: RFC 3618 sections 5.2 (SA-State Timer) and 6 (caching SAs).
#include "pimd/core/msdp/sa_cache.hpp"

namespace fanout::msdp {

SaCache::SaCache(TimerService& timers, size_t max_entries, ExpiredFn on_expired)
    : timers_(timers), max_entries_(max_entries), on_expired_(std::move(on_expired)) {}

void SaCache::set_peer(SaCacheEntry& e, Ipv4Address peer) {
    if (e.peer == peer) return;
    if (!e.peer.is_unspecified()) {
        auto it = per_peer_.find(e.peer);
        if (it != per_peer_.end() && --it->second == 0) per_peer_.erase(it);
    }
    e.peer = peer;
    ++per_peer_[peer];
}

SaLearnResult SaCache::learn(SGKey sg, Ipv4Address rp, Ipv4Address peer, Duration sa_state,
                             size_t peer_limit) {
    auto it = entries_.find(sg);
    const bool exists = it != entries_.end();
    const bool moves_peer = !exists || it->second.peer != peer;
    if (moves_peer && peer_limit != 0 && count_from(peer) >= peer_limit) return SaLearnResult::kPeerLimit;
    if (!exists) {
        if (entries_.size() >= max_entries_) return SaLearnResult::kCacheFull;
        it = entries_.emplace(sg, SaCacheEntry{}).first;
        it->second.sg = sg;
        it->second.learned_at = timers_.now();
    }
    SaCacheEntry& e = it->second;
    e.rp = rp;
    set_peer(e, peer);
    e.sa_state = TimerHandle(timers_, sa_state, [this, sg] { expire(sg); });
    return exists ? SaLearnResult::kRefreshed : SaLearnResult::kNew;
}

void SaCache::expire(SGKey sg) {
    auto it = entries_.find(sg);
    if (it == entries_.end()) return;
    on_expired_(it->second);
    set_peer(it->second, Ipv4Address());  // drop from the per-peer count
    per_peer_.erase(Ipv4Address());
    entries_.erase(it);
}

void SaCache::remove_peer(Ipv4Address peer, const std::function<void(const SaCacheEntry&)>& on_removed) {
    for (auto it = entries_.begin(); it != entries_.end();) {
        if (it->second.peer == peer) {
            on_removed(it->second);
            it = entries_.erase(it);
        } else {
            ++it;
        }
    }
    per_peer_.erase(peer);
}

SaCacheEntry* SaCache::find(SGKey sg) {
    auto it = entries_.find(sg);
    return it == entries_.end() ? nullptr : &it->second;
}

const SaCacheEntry* SaCache::find(SGKey sg) const {
    auto it = entries_.find(sg);
    return it == entries_.end() ? nullptr : &it->second;
}

std::vector<SaCacheEntry*> SaCache::entries_for_group(Ipv4Address group) {
    std::vector<SaCacheEntry*> out;
    for (auto& [sg, e] : entries_)
        if (sg.group == group) out.push_back(&e);
    return out;
}

size_t SaCache::count_from(Ipv4Address peer) const {
    auto it = per_peer_.find(peer);
    return it == per_peer_.end() ? 0 : it->second;
}

}  // namespace fanout::msdp
