// Parsing of the `beacons:` section (format in beacon_config_yaml.hpp).
#include "pimd/beacon_config_yaml.hpp"

#include <string>

namespace fanout::pimd {

namespace {

std::vector<uint8_t> parse_hex(const sys::ConfigNode& n) {
    std::string text = n.scalar("a hex string");
    if (text.rfind("0x", 0) == 0 || text.rfind("0X", 0) == 0) text = text.substr(2);
    n.check(text.size() % 2 == 0, "hex payload must have an even number of digits");
    auto digit = [&](char c) -> uint8_t {
        if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
        if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
        if (c >= 'A' && c <= 'F') return static_cast<uint8_t>(c - 'A' + 10);
        n.fail(std::string("not a hex digit: '") + c + "'");
    };
    std::vector<uint8_t> out;
    for (size_t i = 0; i < text.size(); i += 2)
        out.push_back(static_cast<uint8_t>((digit(text[i]) << 4) | digit(text[i + 1])));
    return out;
}

pim::BeaconHeartbeat parse_heartbeat(sys::ConfigObject o) {
    pim::BeaconHeartbeat hb;
    hb.source_port = o.optional<uint16_t>("source-port", hb.source_port);
    hb.dest_port = o.optional<uint16_t>("dest-port", hb.dest_port);
    if (auto p = o.child("payload")) hb.payload = parse_hex(*p);
    return hb;
}

}  // namespace

pim::BeaconSpec parse_beacon(const sys::ConfigNode& node) {
    sys::ConfigObject o = node.object();
    pim::BeaconSpec s;
    s.interface = o.required<std::string>("interface");
    s.rp = o.maybe<Ipv4Address>("rp");
    s.interval = o.maybe<Duration>("interval");
    s.first_send_spread = o.maybe<Duration>("first-send-spread");
    if (auto hb = o.optional_object("heartbeat")) s.heartbeat = parse_heartbeat(*hb);
    sys::UniqueEntries<SGKey> seen("published (S,G)");
    for (const sys::ConfigNode& n : o.list("published")) {
        sys::ConfigObject p = n.object();
        SGKey sg{p.required<Ipv4Address>("source"), p.required<Ipv4Address>("group")};
        seen.add(n, sg, sg.to_string());
        s.published.push_back(sg);
    }
    if (auto c = pim::make_beacon_config(s); !c) node.fail(c.error());
    return s;
}

std::vector<pim::BeaconSpec> parse_beacons_section(sys::ConfigObject& root) {
    std::vector<pim::BeaconSpec> out;
    sys::UniqueEntries<std::string> seen("beacon interface");
    for (const sys::ConfigNode& n : root.list("beacons")) {
        out.push_back(parse_beacon(n));
        seen.add(n, out.back().interface, out.back().interface);
    }
    return out;
}

}  // namespace fanout::pimd
