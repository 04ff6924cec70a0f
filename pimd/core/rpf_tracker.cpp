// RFC 7761 4.5 (RPF neighbor), 4.6.1 (assert metric preference). See rpf_tracker.hpp.
#include "pimd/core/rpf_tracker.hpp"

namespace fanout::pim {

PreferenceTable PreferenceTable::defaults() {
    PreferenceTable t;
    t.by_protocol = {{rtprot::kKernel, 1}, {rtprot::kBoot, 1},   {rtprot::kStatic, 1},
                     {rtprot::kBgp, 20},   {rtprot::kEigrp, 90}, {rtprot::kBabel, 100},
                     {rtprot::kOspf, 110}, {rtprot::kIsis, 115}, {rtprot::kRip, 120}};
    return t;
}

uint32_t PreferenceTable::preference_for(const RpfRoute& r) const {
    if (r.connected) return connected;
    auto it = by_protocol.find(r.protocol);
    return it == by_protocol.end() ? other : it->second;
}

RpfTracker::RpfTracker(RibView& rib, PreferenceTable prefs) : rib_(rib), prefs_(std::move(prefs)) {}

std::optional<RpfRoute> RpfTracker::resolve(Ipv4Address addr) {
    ++counters_.lookups;
    auto r = rib_.lookup(addr);
    if (r) r->preference = prefs_.preference_for(*r);
    return r;
}

const std::optional<RpfRoute>& RpfTracker::track(Ipv4Address addr) {
    auto [it, inserted] = entries_.try_emplace(addr);
    if (inserted) {
        index_.emplace(addr, &it->second);
        it->second.route = resolve(addr);
    } else if (it->second.refs == 0)
        ++counters_.idle_reused;
    if (it->second.refs++ == 0) ++tracked_;
    return it->second.route;
}

void RpfTracker::untrack(Ipv4Address addr) {
    Entry* e = entry(addr);
    if (!e || e->refs == 0) return;
    if (--e->refs > 0) return;
    --tracked_;
    e->idle_since = ++idle_stamp_;
    idle_order_.push_back(IdleSlot{addr, idle_stamp_});
    // Forget the oldest idle addresses beyond kMaxIdle.
    while (entries_.size() - tracked_ > kMaxIdle && !idle_order_.empty()) {
        const IdleSlot oldest = idle_order_.front();
        idle_order_.pop_front();
        if (live(oldest)) {
            index_.erase(oldest.address);
            entries_.erase(oldest.address);
        }
    }
    // Drop stale slots once they outnumber the live ones (at most kMaxIdle): amortized O(1) per untrack.
    if (idle_order_.size() > 2 * kMaxIdle)
        std::erase_if(idle_order_, [this](const IdleSlot& slot) { return !live(slot); });
}

RpfTracker::Entry* RpfTracker::entry(Ipv4Address addr) const {
    auto it = index_.find(addr);
    return it == index_.end() ? nullptr : it->second;
}

bool RpfTracker::live(const IdleSlot& slot) const {
    const Entry* e = entry(slot.address);
    return e && e->refs == 0 && e->idle_since == slot.stamp;
}

const RpfTracker::Entry* RpfTracker::tracked_entry(Ipv4Address addr) const {
    const Entry* e = entry(addr);
    return e && e->refs > 0 ? e : nullptr;
}

const std::optional<RpfRoute>* RpfTracker::find(Ipv4Address addr) const {
    const Entry* e = tracked_entry(addr);
    return e ? &e->route : nullptr;
}

std::optional<RpfRoute> RpfTracker::route(Ipv4Address addr) const {
    const auto* r = find(addr);
    return r ? *r : std::nullopt;
}

std::optional<int> RpfTracker::rpf_ifindex(Ipv4Address addr) const {
    const auto* r = find(addr);
    if (!r || !*r) return std::nullopt;
    return (*r)->ifindex;
}

std::optional<Ipv4Address> RpfTracker::rpf_neighbor(Ipv4Address addr) const {
    const auto* r = find(addr);
    if (!r || !*r) return std::nullopt;
    return (*r)->next_hop(addr);
}

uint32_t RpfTracker::refcount(Ipv4Address addr) const {
    const Entry* e = tracked_entry(addr);
    return e ? e->refs : 0;
}

namespace {

bool same_next_hop(const std::optional<RpfRoute>& a, const std::optional<RpfRoute>& b) {
    if (a.has_value() != b.has_value()) return false;
    if (!a) return true;
    return a->ifindex == b->ifindex && a->gateway == b->gateway;
}

bool same_metric(const std::optional<RpfRoute>& a, const std::optional<RpfRoute>& b) {
    if (!a || !b) return a.has_value() == b.has_value();
    return a->metric == b->metric && a->preference == b->preference;
}

// Fills the change flags; false when nothing that matters changed.
bool classify(RpfChange& c) {
    c.next_hop_changed = !same_next_hop(c.old_route, c.new_route);
    c.metric_changed = !c.next_hop_changed && !same_metric(c.old_route, c.new_route);
    return c.next_hop_changed || c.metric_changed;
}

}  // namespace

void RpfTracker::re_resolve(Ipv4Address addr, Entry& e, std::vector<RpfChange>& out) {
    ++counters_.re_resolutions;
    RpfChange c{addr, e.route, resolve(addr)};
    e.route = c.new_route;
    if (classify(c) && e.refs > 0) out.push_back(std::move(c));
}

std::vector<RpfChange> RpfTracker::route_changed(const Ipv4Prefix& prefix) {
    ++counters_.route_changes;
    std::vector<RpfChange> out;
    auto first = entries_.lower_bound(prefix.address());
    auto last = entries_.upper_bound(Ipv4Address(prefix.address().value() | ~prefix.mask()));
    for (auto it = first; it != last; ++it)
        re_resolve(it->first, it->second, out);
    counters_.answers_changed += out.size();
    return out;
}

std::vector<RpfChange> RpfTracker::interface_lost(int ifindex) {
    ++counters_.interfaces_lost;
    std::vector<RpfChange> out;
    for (auto& [addr, e] : entries_)
        if (e.route && e.route->ifindex == ifindex) re_resolve(addr, e, out);
    counters_.answers_changed += out.size();
    return out;
}

std::vector<RpfChange> RpfTracker::set_preferences(PreferenceTable prefs) {
    prefs_ = std::move(prefs);
    std::vector<RpfChange> out;
    for (auto& [addr, e] : entries_) {
        if (!e.route) continue;
        RpfChange c{addr, e.route, e.route};
        c.new_route->preference = prefs_.preference_for(*c.new_route);
        e.route = c.new_route;
        if (classify(c) && e.refs > 0) out.push_back(std::move(c));
    }
    counters_.answers_changed += out.size();
    return out;
}

}  // namespace fanout::pim
