// Hooks through which PIM subsystems (join/prune, assert, register, IGMP-DR duties...) learn about interface,
// neighbor and DR changes made by the hello machinery. Subsystems owned by PimCore subscribe with
// PimCore::add_observer(). Calls happen after the change is applied, synchronously, in subscription order.
//
// RFC 7761 pointers for subscribers:
//  - 4.3.1: a hello from a new neighbor or with a new GenID: "If a router needs to send a Join/Prune to the
//  new
//    neighbor ... it MUST immediately send the relevant Hello message" -> PimInterface::ensure_hello_sent().
//  - 4.5.5/4.5.7: GenID change of RPF'(S,G) / RPF'(*,G) -> on_neighbor_restarted.
//  - 4.3.2: "If the router becomes the DR or ceases to be the DR, this will normally cause the DR Register
//    state machine to change state" -> on_dr_changed.
//  - 4.3.4: secondary addresses moving between neighbors can change which neighbor an RPF next hop maps to
//    -> on_neighbor_changed.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/core/ip.hpp"

namespace fanout::pim {

class PimInterface;
struct Neighbor;

enum class NeighborDownReason : uint8_t {
    kExpired,        // Neighbor Liveness Timer expired
    kGoodbye,        // hello with holdtime 0
    kFiltered,       // neighbor filter changed to exclude it
    kInterfaceDown,  // our interface stopped running PIM
};
std::string_view to_string(NeighborDownReason r);

class PimObserver {
  public:
    virtual ~PimObserver() = default;
    virtual void on_interface_up(const PimInterface&) {}
    // Called before the interface's neighbors are dropped (each also gets on_neighbor_down).
    virtual void on_interface_down(const PimInterface&) {}
    virtual void on_neighbor_up(const PimInterface&, const Neighbor&) {}
    // The neighbor is already gone from the table.
    virtual void on_neighbor_down(const PimInterface&, Ipv4Address /*primary*/, NeighborDownReason) {}
    // GenID changed: the neighbor restarted and lost its state; resend what it needs.
    virtual void on_neighbor_restarted(const PimInterface&, const Neighbor&) {}
    // Its secondary address list changed (4.3.4).
    virtual void on_neighbor_changed(const PimInterface&, const Neighbor&) {}
    // DR(I) changed (0.0.0.0 when the interface stops).
    virtual void on_dr_changed(const PimInterface&, Ipv4Address /*old_dr*/, Ipv4Address /*new_dr*/) {}
};

}  // namespace fanout::pim
