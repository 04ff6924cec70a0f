// DR election, RFC 7761 4.3.2 (the pseudo-code is quoted in dr_election.hpp).
#include "pimd/core/dr_election.hpp"

namespace fanout::pim {

bool any_neighbor_lacks_dr_priority(std::span<const DrCandidate> neighbors) {
    for (const auto& n : neighbors)
        if (!n.dr_priority) return true;
    return false;
}

bool dr_is_better(const DrCandidate& a, const DrCandidate& b, bool address_only) {
    if (address_only) return a.primary_ip_address > b.primary_ip_address;
    // Both have a priority when no neighbor lacks one (and "me" always sends it); an absent value can only
    // reach here through a caller that passed address_only=false by mistake: treat it as the default 1.
    uint32_t pa = a.dr_priority.value_or(1);
    uint32_t pb = b.dr_priority.value_or(1);
    return pa > pb || (pa == pb && a.primary_ip_address > b.primary_ip_address);
}

Ipv4Address elect_dr(const DrCandidate& me, std::span<const DrCandidate> neighbors) {
    const bool address_only = any_neighbor_lacks_dr_priority(neighbors);
    const DrCandidate* dr = &me;
    for (const auto& n : neighbors)
        if (dr_is_better(n, *dr, address_only)) dr = &n;
    return dr->primary_ip_address;
}

}  // namespace fanout::pim
