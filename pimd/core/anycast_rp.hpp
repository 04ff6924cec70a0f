// Anycast-RP using PIM only: RFC 4610 (section 2 overview, section 3 mechanism, section 4 the Register-Stop
// rules, section 6 the configuration). The pure decision for a Register received at a member of the set;
// RegisterRp (register_rp.hpp) applies it once its RFC 7761 4.4.2 logic has processed the Register, so a
// Register the RP drops is never forwarded (section 3 step 2):
//
//   - The Anycast-RP set: one RP address (on a loopback of every member) and the members' own unicast
//     addresses, this router's included, configured identically on every member.
//   - A Register whose outer source is NOT a member came from a DR: it is processed as usual (4.4.2 of RFC
//     7761) and a copy is sent to every other member, with this router's own member address as the outer
//     source (and the other member's address as destination). Null-Registers are forwarded the same way so
//     the other members' (S,G) state is refreshed. A Register whose outer destination is not the RP address
//     is an error (counted; RFC 4610 section 3 step 4: "rate-limited logged"); it is still processed.
//   - A Register whose outer source IS a member was forwarded by that member: it is processed (the (S,G) is
//     learned) and never forwarded again.
//   - Register-Stop (section 4): sent to the outer source of the Register, as RFC 7761 says: to the DR for a
//     DR's Register, to the member for a forwarded one. A member that gets a Register-Stop for a Register it
//     forwarded does not relay it to the DR (the DR is told by its own RP).
//   - If this router is also the DR for S (source directly connected to an RP), the Register it would build
//     is forwarded to the other members the same way (section 3 last paragraph).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/core/ip.hpp"

namespace fanout::pim {

struct AnycastRpConfig {
    Ipv4Address address;               // the anycast RP address (on a loopback of every member)
    std::vector<Ipv4Address> members;  // every member's own address, this router's included
    bool operator==(const AnycastRpConfig&) const = default;
    bool is_member(Ipv4Address a) const;
};

// Problems that make the set unusable, one line each (empty: valid).
std::vector<std::string> validate(const AnycastRpConfig& c);

enum class AnycastRegisterKind : uint8_t {
    kFromDr,      // outer source not in the set: process and forward to the other members
    kFromMember,  // outer source is a member: process, never forward
    kNotAnycast,  // outer destination is neither the anycast address nor our member address: not ours
};
std::string_view to_string(AnycastRegisterKind k);

struct AnycastRegisterDecision {
    AnycastRegisterKind kind = AnycastRegisterKind::kNotAnycast;
    // Copies to send (kFromDr): outer source `forward_source` (our member address) to each of `forward_to`.
    Ipv4Address forward_source;
    std::vector<Ipv4Address> forward_to;
    // Where a Register-Stop for this Register goes (section 4): always the outer source.
    Ipv4Address register_stop_to;
};

// The decision for a Register (or Null-Register) with outer source `outer_src` and destination `outer_dst`.
// `self` is this router's member address (one of c.members); an unspecified self (we are not in the set)
// forwards nothing.
AnycastRegisterDecision decide_register(const AnycastRpConfig& c, Ipv4Address self, Ipv4Address outer_src,
                                        Ipv4Address outer_dst);

// What register forwarding did (RegisterRp counts it; `show ip pim anycast-rp`).
struct AnycastRpCounters {
    uint64_t from_dr = 0;       // Registers from a DR for the anycast address that the RP processed
    uint64_t from_member = 0;   // Registers forwarded by another member (processed, not forwarded)
    uint64_t forwarded = 0;     // copies sent to other members
    uint64_t unreachable = 0;   // copies not sent: no unicast route to that member (it is down or cut off)
    uint64_t not_a_member = 0;  // Registers from a DR while none of the members is one of our addresses
};

// Our member address: the member that is one of our local addresses (is_local is the router's test).
template <typename IsLocal>
Ipv4Address own_member_address(const AnycastRpConfig& c, IsLocal&& is_local) {
    for (auto m : c.members)
        if (is_local(m)) return m;
    return Ipv4Address();
}

}  // namespace fanout::pim
