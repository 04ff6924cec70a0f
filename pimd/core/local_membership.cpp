// Local membership records from igmpd, RFC 7761 4.1.2 / 4.1.6 (see local_membership.hpp).
#include "pimd/core/local_membership.hpp"

namespace fanout::pim {

std::string_view to_string(FilterMode m) {
    switch (m) {
        case FilterMode::kInclude:
            return "INCLUDE";
        case FilterMode::kExclude:
            return "EXCLUDE";
    }
    return "?";
}

std::optional<MembershipRecord> LocalMembership::apply(const MembershipChanged& ev, TimePoint now,
                                                       bool& changed) {
    changed = false;
    last_group_.forget();
    const bool remove = ev.mode == FilterMode::kInclude && ev.sources.empty();
    auto git = by_group_.find(ev.group);
    const MembershipRecord* old = nullptr;
    if (git != by_group_.end()) {
        auto it = git->second.find(ev.ifindex);
        if (it != git->second.end()) old = &it->second;
    }
    if (remove) {
        if (!old) return std::nullopt;
        std::optional<MembershipRecord> prev = *old;
        git->second.erase(ev.ifindex);
        if (git->second.empty()) by_group_.erase(git);
        changed = true;
        return prev;
    }
    MembershipRecord rec{ev.mode, {ev.sources.begin(), ev.sources.end()}, now};
    if (old && *old == rec) return std::nullopt;
    std::optional<MembershipRecord> prev;
    if (old) {
        prev = *old;
        rec.since = old->since;
    }
    by_group_[ev.group][ev.ifindex] = std::move(rec);
    changed = true;
    return prev;
}

std::vector<Ipv4Address> LocalMembership::remove_interface(int ifindex) {
    last_group_.forget();
    std::vector<Ipv4Address> out;
    for (auto it = by_group_.begin(); it != by_group_.end();) {
        if (it->second.erase(ifindex)) out.push_back(it->first);
        it = it->second.empty() ? by_group_.erase(it) : std::next(it);
    }
    return out;
}

const LocalMembership::Records* LocalMembership::records_of(Ipv4Address group) const {
    return last_group_.find(by_group_, group);
}

const MembershipRecord* LocalMembership::find(int ifindex, Ipv4Address group) const {
    const Records* records = records_of(group);
    if (!records) return nullptr;
    auto it = records->find(ifindex);
    return it == records->end() ? nullptr : &it->second;
}

IfSet LocalMembership::interfaces_of(Ipv4Address group) const {
    IfSet out;
    if (const Records* records = records_of(group))
        for (const auto& [i, r] : *records)
            out.insert(i);
    return out;
}

std::set<Ipv4Address> LocalMembership::sources_in(Ipv4Address group, FilterMode mode) const {
    std::set<Ipv4Address> out;
    auto git = by_group_.find(group);
    if (git == by_group_.end()) return out;
    for (const auto& [i, r] : git->second)
        if (r.mode == mode) out.insert(r.sources.begin(), r.sources.end());
    return out;
}

std::vector<Ipv4Address> LocalMembership::groups() const {
    std::vector<Ipv4Address> out;
    for (const auto& [g, m] : by_group_)
        out.push_back(g);
    return out;
}

bool LocalMembership::receiver_include(Ipv4Address group, int ifindex) const {
    const auto* r = find(ifindex, group);
    return r && r->mode == FilterMode::kExclude;
}

bool LocalMembership::receiver_include(Ipv4Address source, Ipv4Address group, int ifindex) const {
    const auto* r = find(ifindex, group);
    return r && r->mode == FilterMode::kInclude && r->sources.count(source);
}

bool LocalMembership::receiver_exclude(Ipv4Address source, Ipv4Address group, int ifindex) const {
    const auto* r = find(ifindex, group);
    return r && r->mode == FilterMode::kExclude && r->sources.count(source);
}

size_t LocalMembership::size() const {
    size_t n = 0;
    for (const auto& [g, m] : by_group_)
        n += m.size();
    return n;
}

}  // namespace fanout::pim
