// Parsing of the `msdp:` and `anycast-rp:` sections (format in msdp_config_yaml.hpp).
#include "pimd/msdp_config_yaml.hpp"

#include <string>

namespace fanout::pimd {

using namespace std::chrono_literals;

namespace {

Ipv4Address unicast(const sys::ConfigNode& n) {
    auto a = n.as<Ipv4Address>();
    n.check(a.is_unicast(), a.to_string() + " is not a unicast address");
    return a;
}

msdp::MsdpSaFilter parse_filter(const sys::ConfigNode& list) {
    msdp::MsdpSaFilter f;
    for (const sys::ConfigNode& n : list.list()) {
        sys::ConfigObject o = n.object();
        msdp::MsdpFilterRule r;
        sys::ConfigNode action = o.node("action");
        const std::string& a = action.scalar("permit or deny");
        action.check(a == "permit" || a == "deny", "expected permit or deny, got '" + a + "'");
        r.permit = a == "permit";
        r.source = o.optional<Ipv4Prefix>("source", r.source);
        r.group = o.optional<Ipv4Prefix>("group", r.group);
        f.rules.push_back(r);
    }
    return f;
}

msdp::MsdpPeerConfig parse_peer(const sys::ConfigNode& node) {
    sys::ConfigObject o = node.object();
    msdp::MsdpPeerConfig p;
    p.address = unicast(o.node("address"));
    if (auto n = o.child("local-address")) p.local_address = unicast(*n);
    if (auto n = o.child("mesh-group")) {
        p.mesh_group = n->as<std::string>();
        n->check(!p.mesh_group->empty(), "mesh-group name is empty");
    }
    if (auto n = o.child("password")) {
        p.md5_password = n->as<std::string>();
        n->check(!p.md5_password.empty() && p.md5_password.size() <= 80,
                 "TCP MD5 password must be 1-80 characters (TCP_MD5SIG_MAXKEYLEN)");
    }
    p.description = o.optional<std::string>("description", "");
    p.sa_limit = o.optional<size_t>("sa-limit", 0, 0, 10000000);
    if (auto n = o.child("sa-filter-in")) p.sa_filter_in = parse_filter(*n);
    if (auto n = o.child("sa-filter-out")) p.sa_filter_out = parse_filter(*n);
    return p;
}

}  // namespace

std::optional<pim::AnycastRpConfig> parse_anycast_rp_section(sys::ConfigObject& root) {
    auto node = root.child("anycast-rp");
    if (!node) return std::nullopt;
    sys::ConfigObject o = node->object();
    pim::AnycastRpConfig c;
    c.address = unicast(o.node("address"));
    sys::UniqueEntries<Ipv4Address> seen("anycast-rp member");
    for (const sys::ConfigNode& n : o.list("members")) {
        auto m = unicast(n);
        n.check(m != c.address,
                "member " + m.to_string() +
                    " is the anycast address: each member needs its own address (RFC 4610 2)");
        seen.add(n, m, m.to_string());
        c.members.push_back(m);
    }
    if (auto errors = pim::validate(c); !errors.empty()) node->fail(errors.front());
    return c;
}

std::optional<msdp::MsdpConfig> parse_msdp_section(sys::ConfigObject& root,
                                                   const std::optional<pim::AnycastRpConfig>& anycast) {
    auto node = root.child("msdp");
    if (!node) return std::nullopt;
    sys::ConfigObject o = node->object();
    msdp::MsdpConfig c;
    c.local_address = unicast(o.node("local-address"));
    if (auto n = o.child("originator-id"))
        c.originator_address = unicast(*n);
    else if (anycast)
        c.originator_address = anycast->address;
    c.max_sa_cache = o.optional<size_t>("max-sa-cache", c.max_sa_cache, 1, 10000000);
    c.encapsulate_data = o.optional<bool>("encapsulate-data", c.encapsulate_data);
    auto& t = c.timers;
    t.keepalive = o.optional<Duration>("keepalive", t.keepalive, 1s, 3600s);
    t.hold = o.optional<Duration>("hold-time", t.hold, 3s, 3600s);
    t.connect_retry = o.optional<Duration>("connect-retry", t.connect_retry, 1s, 3600s);
    t.sa_advertisement = o.optional<Duration>("sa-advertisement", t.sa_advertisement, 1s, 3600s);
    t.sa_state = o.optional<Duration>("sa-state", t.sa_state, 90s, 86400s);
    sys::UniqueEntries<Ipv4Address> seen("msdp peer");
    for (const sys::ConfigNode& n : o.list("peers")) {
        c.peers.push_back(parse_peer(n));
        seen.add(n, c.peers.back().address, c.peers.back().address.to_string());
        n.check(c.peers.back().address != msdp::local_address_for(c.peers.back(), c.local_address),
                "peer " + c.peers.back().address.to_string() + " is our own local address");
    }
    if (auto errors = msdp::validate(c); !errors.empty()) node->fail(errors.front());
    return c;
}

}  // namespace fanout::pimd
