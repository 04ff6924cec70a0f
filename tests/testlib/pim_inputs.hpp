// Inputs the PIM core tests and benchmarks build again and again.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "common/core/ip.hpp"
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

}  // namespace fanout::testlib
