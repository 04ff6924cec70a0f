// DR election, RFC 7761 4.3.2, as pure functions over the candidates of one interface.
//
// RFC 7761 4.3.2:
//     host
//     DR(I) {
//         dr = me
//         for each neighbor on interface I {
//             if ( dr_is_better( neighbor, dr, I ) == TRUE ) {
//                 dr = neighbor
//             }
//         }
//         return dr
//     }
//
//     bool
//     dr_is_better(a, b, I) {
//         if( there is a neighbor n on I for which n.dr_priority_present
//                 is false ) {
//             return a.primary_ip_address > b.primary_ip_address
//         } else {
//             return ( a.dr_priority > b.dr_priority ) OR
//                    ( a.dr_priority == b.dr_priority AND
//                      a.primary_ip_address > b.primary_ip_address )
//         }
//     }
//
//     I_am_DR(I) { return DR(I) == me }
//
// "A router's idea of the current DR on an interface can change when a PIM Hello message is received, when a
// neighbor times out, or when a router's own DR Priority changes." We always include the DR Priority option,
// so "me" always has a priority; the fall-back to addresses depends on the neighbors only, as written.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "common/core/ip.hpp"

namespace fanout::pim {

struct DrCandidate {
    Ipv4Address primary_ip_address;
    std::optional<uint32_t> dr_priority;  // absent: the neighbor did not send option 19
};

// "there is a neighbor n on I for which n.dr_priority_present is false"
bool any_neighbor_lacks_dr_priority(std::span<const DrCandidate> neighbors);

// dr_is_better(a, b, I); `address_only` is any_neighbor_lacks_dr_priority(neighbors of I).
bool dr_is_better(const DrCandidate& a, const DrCandidate& b, bool address_only);

// DR(I): `me` is our own candidacy (primary address and configured priority).
Ipv4Address elect_dr(const DrCandidate& me, std::span<const DrCandidate> neighbors);

}  // namespace fanout::pim
