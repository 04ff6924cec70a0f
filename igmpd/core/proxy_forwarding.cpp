// RFC 4605 4.2 forwarding rules. See proxy_forwarding.hpp.
#include "igmpd/core/proxy_forwarding.hpp"

#include <algorithm>

namespace fanout::igmp {

std::vector<int> proxy_oifs(Ipv4Address source, Ipv4Address group, int iif, int upstream,
                            std::span<const DownstreamView> downstreams) {
    std::vector<int> out;
    if (group.is_link_local_multicast() || !group.is_multicast()) return out;
    bool from_downstream = false;
    for (const auto& d : downstreams) {
        if (d.ifindex == iif) {
            from_downstream = true;
            continue;
        }
        if (d.querier && d.membership.wants(source)) out.push_back(d.ifindex);
    }
    if (from_downstream && upstream != 0 && upstream != iif) out.push_back(upstream);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::optional<int> ProxyVifTable::allocate(int ifindex) {
    if (auto v = find(ifindex)) return v;
    std::vector<bool> used(kProxyMaxVifs, false);
    for (const auto& [ifi, vif] : by_ifindex_)
        used[static_cast<size_t>(vif)] = true;
    for (int v = 0; v < kProxyMaxVifs; ++v) {
        if (!used[static_cast<size_t>(v)]) {
            by_ifindex_[ifindex] = v;
            return v;
        }
    }
    return std::nullopt;
}

std::optional<int> ProxyVifTable::release(int ifindex) {
    auto it = by_ifindex_.find(ifindex);
    if (it == by_ifindex_.end()) return std::nullopt;
    int v = it->second;
    by_ifindex_.erase(it);
    return v;
}

std::optional<int> ProxyVifTable::find(int ifindex) const {
    auto it = by_ifindex_.find(ifindex);
    if (it == by_ifindex_.end()) return std::nullopt;
    return it->second;
}

}  // namespace fanout::igmp
