// The `register:` section of pimd.yaml (see pimd_config_register.hpp).
#include "pimd/pimd_config_register.hpp"

#include <string>
#include <vector>

namespace fanout::pimd {

namespace {

void parse_rate(sys::ConfigObject& o, uint32_t& pps, uint32_t& burst) {
    pps = o.optional<uint32_t>("pps", pps, 0, 1000000);
    burst = o.optional<uint32_t>("burst", burst, 1, 1000000);
}

std::vector<Ipv4Prefix> prefixes(sys::ConfigObject& o, std::string_view key, bool multicast) {
    std::vector<Ipv4Prefix> out;
    sys::UniqueEntries<Ipv4Prefix> seen(std::string(key) + " prefix");
    for (const sys::ConfigNode& n : o.list(key)) {
        Ipv4Prefix p = n.as<Ipv4Prefix>();
        if (multicast)
            n.check(addr::kMulticast.contains(p),
                    "group prefix " + p.to_string() + " is not inside 224.0.0.0/4");
        else
            n.check(!addr::kMulticast.contains(p.address()) || p.length() == 0,
                    "source prefix " + p.to_string() + " is a multicast range");
        seen.add(n, p, p.to_string());
        out.push_back(p);
    }
    return out;
}

std::string flow(const std::vector<Ipv4Prefix>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i)
        s += (i ? ", " : "") + v[i].to_string();
    return s + "]";
}

}  // namespace

void parse_register_section(sys::ConfigObject& root, pim::PimConfig& p) {
    auto reg = root.optional_object("register");
    if (!reg) return;
    if (auto n = reg->child("source")) {
        Ipv4Address a = n->as<Ipv4Address>();
        n->check(a.is_unicast(), "register source " + a.to_string() + " is not a unicast address");
        p.register_source = a;
    }
    if (auto r = reg->optional_object("rate-limit"))
        parse_rate(*r, p.register_rate_limit_pps, p.register_rate_limit_burst);
    if (auto a = reg->optional_object("accept")) {
        p.accept_register_sources = prefixes(*a, "sources", false);
        p.accept_register_groups = prefixes(*a, "groups", true);
    }
    if (auto r = reg->optional_object("rp-rate-limit"))
        parse_rate(*r, p.register_rp_rate_limit_pps, p.register_rp_rate_limit_burst);
}

void render_register_section(std::ostream& os, const pim::PimConfig& p) {
    os << "register:\n";
    if (p.register_source) os << "  source: " << p.register_source->to_string() << "\n";
    os << "  rate-limit: {pps: " << p.register_rate_limit_pps << ", burst: " << p.register_rate_limit_burst
       << "}\n"
       << "  accept: {sources: " << flow(p.accept_register_sources)
       << ", groups: " << flow(p.accept_register_groups) << "}\n"
       << "  rp-rate-limit: {pps: " << p.register_rp_rate_limit_pps
       << ", burst: " << p.register_rp_rate_limit_burst << "}\n";
}

}  // namespace fanout::pimd
