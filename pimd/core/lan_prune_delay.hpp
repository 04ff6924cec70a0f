// LAN Prune Delay macros, RFC 7761 4.3.3 (and J/P_Override_Interval, 4.11), as pure functions over the
// LAN Prune Delay options heard from the neighbors of one interface.
//
// RFC 7761 4.3.3:
//     bool lan_delay_enabled(I) {
//         for each neighbor on interface I {
//             if ( neighbor.lan_prune_delay_present == false ) {
//                 return false
//             }
//         }
//         return true
//     }
//
//     time_interval Effective_Propagation_Delay(I) {
//         if ( lan_delay_enabled(I) == false ) {
//             return Propagation_delay_default
//         }
//         delay = Propagation_Delay(I)
//         for each neighbor on interface I {
//             if ( neighbor.propagation_delay > delay ) {
//                 delay = neighbor.propagation_delay
//             }
//         }
//         return delay
//     }
//
//     time_interval Effective_Override_Interval(I) {
//         if ( lan_delay_enabled(I) == false ) {
//             return t_override_default
//         }
//         delay = Override_Interval(I)
//         for each neighbor on interface I {
//             if ( neighbor.override_interval > delay ) {
//                 delay = neighbor.override_interval
//             }
//         }
//         return delay
//     }
//
//     bool Suppression_Enabled(I) {
//         if ( lan_delay_enabled(I) == false ) {
//             return true
//         }
//         for each neighbor on interface I {
//             if ( neighbor.tracking_support == false ) {
//                 return true
//             }
//         }
//         return false
//     }
//
// RFC 7761 4.11: J/P_Override_Interval(I) = Effective_Propagation_Delay(I) + Effective_Override_Interval(I).
//
// Notes: with no neighbor at all, lan_delay_enabled(I) is vacuously true and the effective values are our own
// configured ones, exactly as written. Our own T bit is not an input of Suppression_Enabled(I): the RFC only
// asks whether every NEIGHBOR can track joins (they are the upstream routers that would have to).
#pragma once

#include <optional>
#include <span>

#include "common/core/clock.hpp"
#include "common/packet/pim_hello.hpp"

namespace fanout::pim {

// One neighbor's LAN Prune Delay option, absent when it did not send one.
using NeighborLanPruneDelay = std::optional<packet::LanPruneDelay>;

bool lan_delay_enabled(std::span<const NeighborLanPruneDelay> neighbors);
Duration effective_propagation_delay(Duration own_propagation_delay,
                                     std::span<const NeighborLanPruneDelay> neighbors);
Duration effective_override_interval(Duration own_override_interval,
                                     std::span<const NeighborLanPruneDelay> neighbors);
bool suppression_enabled(std::span<const NeighborLanPruneDelay> neighbors);
Duration jp_override_interval(Duration own_propagation_delay, Duration own_override_interval,
                              std::span<const NeighborLanPruneDelay> neighbors);

}  // namespace fanout::pim
