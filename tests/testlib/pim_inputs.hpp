// Inputs the PIM core tests and benchmarks build again and again.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/core/ip.hpp"
#include "pimd/core/pim_config.hpp"
#include "pimd/core/pim_events.hpp"

namespace fanout::testlib {

// An interface that is up with one address, as the wiring reports it (InterfaceChanged).
inline pim::InterfaceChanged interface_up(int ifindex, std::string name, Ipv4Address address,
                                          uint8_t length = 24, bool loopback = false) {
    pim::InterfaceChanged ev;
    ev.ifindex = ifindex;
    ev.name = std::move(name);
    ev.up = true;
    ev.loopback = loopback;
    ev.multicast = !loopback;
    ev.addresses = {{address, length}};
    return ev;
}

// Local membership as igmpd reports it (MembershipChanged): ifindex's receivers of group, in mode, with
// sources.
inline pim::MembershipChanged membership(int ifindex, Ipv4Address group, pim::FilterMode mode,
                                         std::vector<Ipv4Address> sources = {}) {
    pim::MembershipChanged m;
    m.ifindex = ifindex;
    m.group = group;
    m.mode = mode;
    m.sources = std::move(sources);
    return m;
}

// The configuration of TwoPortRib's router (two_port_rib.hpp): PIM on eth0, the upstream link, and on eth1,
// the receivers' LAN, with IGMP.
inline pim::PimConfig two_port_config() {
    pim::PimConfig c;
    c.interfaces["eth0"] = {};
    c.interfaces["eth1"] = {};
    c.interfaces["eth1"].igmp = true;
    return c;
}

}  // namespace fanout::testlib
