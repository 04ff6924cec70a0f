// The PIM neighbors of one interface: RFC 7761 4.3.1, 4.3.2, 4.3.4, 4.9.2 (see neighbor_table.hpp).
#include "pimd/core/neighbor_table.hpp"

#include <algorithm>

namespace fanout::pim {

NeighborHello NeighborHello::from(const packet::Hello& h) {
    NeighborHello n;
    n.holdtime_present = h.holdtime_s.has_value();
    n.holdtime_s = h.holdtime_s.value_or(kDefaultHelloHoldtimeS);
    n.dr_priority = h.dr_priority;
    n.generation_id = h.generation_id;
    n.lan_prune_delay = h.lan_prune_delay;
    n.state_refresh = h.state_refresh;
    n.secondary_addresses = h.address_list;
    using T = packet::HelloOptionType;
    auto seen = [&](bool present, T t) {
        if (present) n.options_seen.push_back(static_cast<uint16_t>(t));
    };
    seen(h.holdtime_s.has_value(), T::kHoldtime);
    seen(h.lan_prune_delay.has_value(), T::kLanPruneDelay);
    seen(h.dr_priority.has_value(), T::kDrPriority);
    seen(h.generation_id.has_value(), T::kGenerationId);
    seen(h.state_refresh.has_value(), T::kStateRefreshCapable);
    seen(!h.address_list.empty(), T::kAddressList);
    for (const auto& u : h.unknown_options)
        n.options_seen.push_back(u.type);
    return n;
}

NeighborTable::NeighborTable(TimerService& timers, size_t max_neighbors, ExpiredFn on_expired)
    : timers_(timers), max_neighbors_(max_neighbors), on_expired_(std::move(on_expired)) {}

HelloUpdate NeighborTable::apply_hello(Ipv4Address source, const NeighborHello& hello) {
    HelloUpdate out;
    auto it = by_primary_.find(source);
    if (hello.holdtime_s == 0) {
        // 4.9.2: a goodbye; "the receiving routers should immediately time out the neighbor information".
        if (it == by_primary_.end()) {
            out.verdict = HelloVerdict::kUnknownGoodbye;
        } else {
            by_primary_.erase(it);
            out.verdict = HelloVerdict::kGoodbye;
        }
        return out;
    }
    const TimePoint now = timers_.now();
    if (it == by_primary_.end()) {
        if (by_primary_.size() >= max_neighbors_) {
            out.verdict = HelloVerdict::kLimit;
            return out;
        }
        it = by_primary_.emplace(source, Neighbor{}).first;
        it->second.primary_address = source;
        it->second.up_since = now;
        out.verdict = HelloVerdict::kNew;
    } else {
        const auto& old = it->second.hello.generation_id;
        bool restarted = old && hello.generation_id && *old != *hello.generation_id;
        if (restarted) it->second.up_since = now;
        out.verdict = restarted ? HelloVerdict::kRestarted : HelloVerdict::kRefreshed;
    }
    Neighbor& n = it->second;
    n.hello = hello;
    n.last_hello = now;
    set_secondaries(n, hello.secondary_addresses, out);
    arm_liveness(n);
    return out;
}

void NeighborTable::set_secondaries(Neighbor& n, const std::vector<Ipv4Address>& wanted, HelloUpdate& out) {
    std::set<Ipv4Address> next;
    for (auto a : wanted)
        if (a != n.primary_address) next.insert(a);
    for (auto& [primary, other] : by_primary_) {
        if (primary == n.primary_address) continue;
        for (auto a : next) {
            // The most recent mapping wins: take the address away from the other neighbor.
            if (other.secondary_addresses.erase(a) != 0) out.conflicts.emplace_back(a, primary);
        }
    }
    out.secondaries_changed = next != n.secondary_addresses;
    n.secondary_addresses = std::move(next);
}

void NeighborTable::arm_liveness(Neighbor& n) {
    if (n.never_expires()) {
        n.liveness.cancel();
        return;
    }
    Ipv4Address primary = n.primary_address;
    n.liveness = TimerHandle(timers_, std::chrono::seconds(n.hello.holdtime_s), [this, primary] {
        // The callback owns nothing of the neighbor: the handler may remove it.
        on_expired_(primary);
    });
}

bool NeighborTable::remove(Ipv4Address primary) {
    return by_primary_.erase(primary) != 0;
}

const Neighbor* NeighborTable::find(Ipv4Address primary) const {
    auto it = by_primary_.find(primary);
    return it == by_primary_.end() ? nullptr : &it->second;
}

const Neighbor* NeighborTable::find_by_any_address(Ipv4Address addr) const {
    if (const Neighbor* n = find(addr)) return n;
    for (const auto& [primary, n] : by_primary_)
        if (n.secondary_addresses.count(addr) != 0) return &n;
    return nullptr;
}

}  // namespace fanout::pim
