#include "common/core/interface_table.hpp"

#include <algorithm>

namespace fanout {

Ipv4Prefix InterfaceAddress::prefix() const {
    return Ipv4Prefix(peer.is_unspecified() ? addr : peer, prefix_len);
}

std::string InterfaceAddress::to_string() const {
    std::string s = addr.to_string();
    if (!peer.is_unspecified()) s += " peer " + peer.to_string();
    s += "/" + std::to_string(prefix_len);
    if (secondary) s += " secondary";
    return s;
}

std::optional<InterfaceAddress> InterfaceInfo::primary_address() const {
    for (const auto& a : addrs)
        if (!a.secondary) return a;
    if (!addrs.empty()) return addrs.front();
    return std::nullopt;
}

bool InterfaceInfo::has_address(Ipv4Address addr) const {
    return std::any_of(addrs.begin(), addrs.end(), [&](const InterfaceAddress& a) { return a.addr == addr; });
}

bool InterfaceInfo::same_link(const InterfaceInfo& o) const {
    return ifindex == o.ifindex && name == o.name && admin_up == o.admin_up && oper_up == o.oper_up &&
           multicast == o.multicast && loopback == o.loopback && point_to_point == o.point_to_point &&
           mtu == o.mtu;
}

std::string_view to_string(InterfaceChangeKind k) {
    switch (k) {
        case InterfaceChangeKind::kLinkAdded:
            return "link-added";
        case InterfaceChangeKind::kLinkChanged:
            return "link-changed";
        case InterfaceChangeKind::kLinkRemoved:
            return "link-removed";
        case InterfaceChangeKind::kAddressAdded:
            return "address-added";
        case InterfaceChangeKind::kAddressRemoved:
            return "address-removed";
    }
    return "?";
}

std::vector<InterfaceChange> InterfaceTable::upsert_link(const InterfaceInfo& link) {
    std::vector<InterfaceChange> out;
    auto it = by_index_.find(link.ifindex);
    if (it == by_index_.end()) {
        InterfaceInfo fresh = link;
        fresh.addrs.clear();
        by_index_.emplace(link.ifindex, fresh);
        out.push_back({InterfaceChangeKind::kLinkAdded, link.ifindex, std::nullopt, fresh, {}});
        return out;
    }
    if (it->second.same_link(link)) return out;
    InterfaceInfo old = it->second;
    InterfaceInfo updated = link;
    updated.addrs = old.addrs;
    it->second = updated;
    out.push_back({InterfaceChangeKind::kLinkChanged, link.ifindex, std::move(old), std::move(updated), {}});
    return out;
}

std::vector<InterfaceChange> InterfaceTable::remove_link(int ifindex) {
    std::vector<InterfaceChange> out;
    auto it = by_index_.find(ifindex);
    if (it == by_index_.end()) return out;
    out.push_back({InterfaceChangeKind::kLinkRemoved, ifindex, std::move(it->second), std::nullopt, {}});
    by_index_.erase(it);
    return out;
}

std::vector<InterfaceChange> InterfaceTable::add_address(int ifindex, const InterfaceAddress& a) {
    std::vector<InterfaceChange> out;
    auto it = by_index_.find(ifindex);
    if (it == by_index_.end()) {
        ++orphan_addresses_;
        return out;
    }
    auto& addrs = it->second.addrs;
    auto same =
        std::find_if(addrs.begin(), addrs.end(), [&](const InterfaceAddress& x) { return x.same_key(a); });
    if (same != addrs.end()) {
        if (*same == a) return out;
        out = remove_address(ifindex, *same);
    }
    InterfaceInfo old = it->second;
    it->second.addrs.push_back(a);
    out.push_back({InterfaceChangeKind::kAddressAdded, ifindex, std::move(old), it->second, a});
    return out;
}

std::vector<InterfaceChange> InterfaceTable::remove_address(int ifindex, const InterfaceAddress& a) {
    std::vector<InterfaceChange> out;
    auto it = by_index_.find(ifindex);
    if (it == by_index_.end()) return out;
    auto& addrs = it->second.addrs;
    auto same =
        std::find_if(addrs.begin(), addrs.end(), [&](const InterfaceAddress& x) { return x.same_key(a); });
    if (same == addrs.end()) return out;
    InterfaceAddress removed = *same;
    InterfaceInfo old = it->second;
    addrs.erase(same);
    out.push_back({InterfaceChangeKind::kAddressRemoved, ifindex, std::move(old), it->second, removed});
    return out;
}

std::vector<InterfaceChange> InterfaceTable::replace_all(const std::vector<InterfaceInfo>& snapshot) {
    std::vector<InterfaceChange> out;
    auto append = [&out](std::vector<InterfaceChange>&& more) {
        for (auto& c : more)
            out.push_back(std::move(c));
    };
    std::vector<int> gone;
    for (const auto& [ifindex, info] : by_index_) {
        bool present =
            std::any_of(snapshot.begin(), snapshot.end(),
                        [ifindex = ifindex](const InterfaceInfo& s) { return s.ifindex == ifindex; });
        if (!present) gone.push_back(ifindex);
    }
    for (int ifindex : gone)
        append(remove_link(ifindex));
    for (const auto& s : snapshot) {
        append(upsert_link(s));
        std::vector<InterfaceAddress> current = by_index_.at(s.ifindex).addrs;
        for (const auto& a : current)
            if (std::find(s.addrs.begin(), s.addrs.end(), a) == s.addrs.end())
                append(remove_address(s.ifindex, a));
        for (const auto& a : s.addrs)
            append(add_address(s.ifindex, a));
    }
    return out;
}

const InterfaceInfo* InterfaceTable::find(int ifindex) const {
    auto it = by_index_.find(ifindex);
    return it == by_index_.end() ? nullptr : &it->second;
}

const InterfaceInfo* InterfaceTable::find(std::string_view name) const {
    for (const auto& [ifindex, info] : by_index_)
        if (info.name == name) return &info;
    return nullptr;
}

std::vector<InterfaceInfo> InterfaceTable::all() const {
    std::vector<InterfaceInfo> out;
    out.reserve(by_index_.size());
    for (const auto& [ifindex, info] : by_index_)
        out.push_back(info);
    return out;
}

const InterfaceInfo* InterfaceTable::find_by_address(Ipv4Address addr) const {
    for (const auto& [ifindex, info] : by_index_)
        if (info.has_address(addr)) return &info;
    return nullptr;
}

const InterfaceInfo* InterfaceTable::find_connected(Ipv4Address addr) const {
    const InterfaceInfo* best = nullptr;
    int best_len = -1;
    for (const auto& [ifindex, info] : by_index_)
        for (const auto& a : info.addrs)
            if (a.prefix().contains(addr) && a.prefix_len > best_len) {
                best = &info;
                best_len = a.prefix_len;
            }
    return best;
}

}  // namespace fanout
