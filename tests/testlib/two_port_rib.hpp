// A RibView for PIM core tests and benchmarks: a router with an upstream interface (ifindex 2, default route
// via `gateway`) and a downstream LAN (ifindex 3, 198.19.13.0/24 connected), plus any extra connected
// prefixes.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "common/core/ip.hpp"
#include "pimd/core/rib_view.hpp"

namespace fanout::testlib {

class TwoPortRib final : public pim::RibView {
  public:
    explicit TwoPortRib(Ipv4Address upstream_gateway) : gateway(upstream_gateway) {}

    std::optional<pim::RpfRoute> lookup(Ipv4Address a) override {
        pim::RpfRoute r;
        r.protocol = pim::rtprot::kStatic;
        for (const auto& [prefix, ifindex] : connected) {
            if (!prefix.contains(a)) continue;
            r.prefix = prefix;
            r.ifindex = ifindex;
            r.connected = true;
            return r;
        }
        r.prefix = Ipv4Prefix(Ipv4Address(0, 0, 0, 0), 0);
        r.ifindex = 2;
        r.gateway = gateway;
        return r;
    }

    Ipv4Address gateway;  // next hop of the default route on ifindex 2 (tests move it to change RPF')
    std::vector<std::pair<Ipv4Prefix, int>> connected{{Ipv4Prefix(Ipv4Address(198, 19, 13, 0), 24), 3}};
};

}  // namespace fanout::testlib
