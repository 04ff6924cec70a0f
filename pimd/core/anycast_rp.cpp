// RFC 4610 sections 3 and 4: which Registers an Anycast-RP member forwards, to whom, with which source
// (see anycast_rp.hpp).
#include "pimd/core/anycast_rp.hpp"

#include <algorithm>
#include <set>

namespace fanout::pim {

bool AnycastRpConfig::is_member(Ipv4Address a) const {
    return std::find(members.begin(), members.end(), a) != members.end();
}

std::vector<std::string> validate(const AnycastRpConfig& c) {
    std::vector<std::string> errors;
    if (!c.address.is_unicast()) errors.push_back("anycast RP address must be a unicast address");
    if (c.members.size() < 2) errors.push_back("an anycast-RP set needs at least two members (RFC 4610 2)");
    std::set<Ipv4Address> seen;
    for (auto m : c.members) {
        if (!m.is_unicast()) errors.push_back("member " + m.to_string() + " is not a unicast address");
        if (m == c.address)
            errors.push_back("member " + m.to_string() +
                             " is the anycast address: members need their own addresses (RFC 4610 2)");
        if (!seen.insert(m).second) errors.push_back("member " + m.to_string() + " listed twice");
    }
    return errors;
}

std::string_view to_string(AnycastRegisterKind k) {
    switch (k) {
        case AnycastRegisterKind::kFromDr:
            return "from-dr";
        case AnycastRegisterKind::kFromMember:
            return "from-member";
        case AnycastRegisterKind::kNotAnycast:
            return "not-anycast";
    }
    return "?";
}

AnycastRegisterDecision decide_register(const AnycastRpConfig& c, Ipv4Address self, Ipv4Address outer_src,
                                        Ipv4Address outer_dst) {
    AnycastRegisterDecision d;
    d.register_stop_to = outer_src;
    if (outer_dst != c.address && outer_dst != self) return d;  // kNotAnycast
    if (c.is_member(outer_src)) {
        d.kind = AnycastRegisterKind::kFromMember;
        return d;
    }
    d.kind = AnycastRegisterKind::kFromDr;
    if (self.is_unspecified() || !c.is_member(self)) return d;
    d.forward_source = self;
    for (auto m : c.members)
        if (m != self) d.forward_to.push_back(m);
    return d;
}

}  // namespace fanout::pim
