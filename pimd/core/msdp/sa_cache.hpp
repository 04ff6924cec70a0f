// The MSDP SA cache: RFC 3618 section 5.2 (SA-State Timer: an entry lives [SG-State-Period] after the last SA
// that carried it) and section 6 ("an RP that receives an SA ... caches it"). Entries are keyed by (S,G); a
// later SA for the same (S,G) refreshes the entry and records the RP and peer it last came from.
//
// Bounds: max_entries for the whole cache and a per-peer limit (EOS `sa-limit`), so one peer cannot fill the
// cache; both refusals are reported to the caller, who counts them.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"

namespace fanout::msdp {

struct SaCacheEntry {
    SGKey sg;
    Ipv4Address rp;    // originating RP (the RP field of the last SA)
    Ipv4Address peer;  // the MSDP peer it was last accepted from
    TimePoint learned_at{};
    TimerHandle sa_state;    // expiry
    bool announced = false;  // told to PIM with on_sa_learned (and not yet expired)
};

enum class SaLearnResult : uint8_t { kNew, kRefreshed, kPeerLimit, kCacheFull };

class SaCache {
  public:
    using ExpiredFn = std::function<void(const SaCacheEntry&)>;
    SaCache(TimerService& timers, size_t max_entries, ExpiredFn on_expired);
    SaCache(const SaCache&) = delete;
    SaCache& operator=(const SaCache&) = delete;

    // Creates or refreshes (S,G) as learned from peer, expiring after sa_state. peer_limit 0 = no limit.
    SaLearnResult learn(SGKey sg, Ipv4Address rp, Ipv4Address peer, Duration sa_state, size_t peer_limit);
    // Removes every entry learned from peer, calling on_removed for each (before it is destroyed).
    void remove_peer(Ipv4Address peer, const std::function<void(const SaCacheEntry&)>& on_removed);

    SaCacheEntry* find(SGKey sg);
    const SaCacheEntry* find(SGKey sg) const;
    std::vector<SaCacheEntry*> entries_for_group(Ipv4Address group);
    size_t count_from(Ipv4Address peer) const;
    size_t size() const { return entries_.size(); }
    size_t max_entries() const { return max_entries_; }
    // A new bound (reload): entries above it stay until they expire; new ones are refused meanwhile.
    void set_max_entries(size_t n) { max_entries_ = n; }
    const std::map<SGKey, SaCacheEntry>& entries() const { return entries_; }

  private:
    void expire(SGKey sg);
    void set_peer(SaCacheEntry& e, Ipv4Address peer);

    TimerService& timers_;
    size_t max_entries_;
    ExpiredFn on_expired_;
    std::map<SGKey, SaCacheEntry> entries_;
    std::map<Ipv4Address, size_t> per_peer_;
};

}  // namespace fanout::msdp
