// MSDP configuration checks: RFC 3618 section 5 timer bounds.
#include "pimd/core/msdp/msdp_config.hpp"

#include <set>

namespace fanout::msdp {

Ipv4Address listen_address(const MsdpConfig& c) {
    for (const auto& p : c.peers)
        if (local_address_for(p, c.local_address) != c.local_address) return Ipv4Address();
    return c.local_address;
}

std::vector<std::string> validate(const MsdpConfig& c) {
    std::vector<std::string> errors;
    if (!c.local_address.is_unicast()) errors.push_back("local address must be a unicast address");
    if (!c.originator_address.is_unspecified() && !c.originator_address.is_unicast())
        errors.push_back("originator address must be a unicast address");
    const auto& t = c.timers;
    if (t.hold < std::chrono::seconds(3)) errors.push_back("hold time must be at least 3 s (RFC 3618 5.3)");
    if (t.keepalive < std::chrono::seconds(1) || t.keepalive >= t.hold)
        errors.push_back("keepalive must be at least 1 s and less than the hold time (RFC 3618 5.4)");
    if (t.connect_retry < std::chrono::seconds(1)) errors.push_back("connect-retry must be at least 1 s");
    if (t.sa_advertisement < std::chrono::seconds(1))
        errors.push_back("SA advertisement period must be >= 1 s");
    if (t.sa_state < std::chrono::seconds(90))
        errors.push_back("SA-state timeout must be at least 90 s (RFC 3618 5.2)");
    if (c.max_tlvs_per_rx == 0) errors.push_back("max TLVs per read must be positive");
    std::set<Ipv4Address> seen;
    for (const auto& p : c.peers) {
        if (!p.address.is_unicast()) errors.push_back("peer " + p.address.to_string() + " is not unicast");
        if (p.address == local_address_for(p, c.local_address))
            errors.push_back("peer " + p.address.to_string() + " is the local address");
        if (p.local_address && !p.local_address->is_unicast())
            errors.push_back("peer " + p.address.to_string() + ": local address must be unicast");
        if (!seen.insert(p.address).second)
            errors.push_back("peer " + p.address.to_string() + " configured twice");
        if (p.mesh_group && p.mesh_group->empty())
            errors.push_back("peer " + p.address.to_string() + " has an empty mesh-group name");
    }
    return errors;
}

}  // namespace fanout::msdp
