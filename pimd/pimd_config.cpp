// pimd configuration: YAML -> PimdConfig (see pimd_config.hpp) and back (show running-config).
// Ranges come from the wire formats of RFC 7761 4.9.2 (Holdtime 16 bits of seconds; LAN Prune Delay:
// Propagation_Delay 15 bits and Override_Interval 16 bits of milliseconds; DR Priority 32 bits) and from
// 4.11 (J/P_Holdtime = 3.5 x t_periodic must fit 16 bits of seconds).
#include "pimd/pimd_config.hpp"

#include <algorithm>
#include <sstream>

#include "common/sys/running_config.hpp"
#include "pimd/beacon_config_yaml.hpp"
#include "pimd/core_adapters.hpp"
#include "pimd/msdp_config_yaml.hpp"
#include "pimd/pimd_config_register.hpp"

namespace fanout::pimd {

using namespace std::chrono_literals;
using sys::ConfigNode;
using sys::ConfigObject;
using sys::ConfigValue;
using sys::UniqueEntries;

std::string SptSwitchover::to_string() const {
    switch (mode) {
        case Mode::kImmediate:
            return "immediate";
        case Mode::kNever:
            return "never";
        case Mode::kThreshold:
            return std::to_string(kbps);
    }
    return "immediate";
}

const StaticMroute* PimdConfig::find_static_mroute(const SGKey& key) const {
    for (const auto& m : static_mroutes)
        if (m.key() == key) return &m;
    return nullptr;
}

namespace {

constexpr size_t kMaxIfName = 15;  // IFNAMSIZ - 1

std::string interface_name(ConfigObject& o, std::string_view key) {
    ConfigNode n = o.node(key);
    std::string name = n.as<std::string>();
    n.check(!name.empty() && name.size() <= kMaxIfName && name.find('/') == std::string::npos &&
                std::none_of(name.begin(), name.end(), [](char c) { return c == ' ' || c == '\t'; }),
            "'" + name + "' is not a valid interface name (1-15 characters, no '/' or spaces)");
    return name;
}

Ipv4Prefix multicast_prefix(const ConfigNode& n) {
    Ipv4Prefix p = n.as<Ipv4Prefix>();
    n.check(addr::kMulticast.contains(p), "prefix " + p.to_string() + " is not inside 224.0.0.0/4");
    return p;
}

pim::PimInterfaceConfig parse_interface(ConfigObject& o) {
    pim::PimInterfaceConfig c;
    c.enabled = o.optional<bool>("pim", true);
    c.igmp = o.optional<bool>("igmp", false);
    c.hello_interval = o.optional<Duration>("hello-interval", pim::kDefaultHelloPeriod, 1s, 18000s);
    if (auto n = o.child("hello-holdtime")) {
        Duration d = n->as<Duration>(1s, 65535s);
        n->check(d % 1s == 0ms, "hello-holdtime is sent in whole seconds");
        n->check(d >= c.hello_interval, "hello-holdtime " + ConfigValue<Duration>::show(d) +
                                            " is shorter than hello-interval " +
                                            ConfigValue<Duration>::show(c.hello_interval) +
                                            ": neighbors would expire us between hellos");
        c.hello_holdtime_s =
            static_cast<uint16_t>(std::chrono::duration_cast<std::chrono::seconds>(d).count());
    }
    c.triggered_hello_delay =
        o.optional<Duration>("triggered-hello-delay", pim::kTriggeredHelloDelay, 0ms, 60s);
    c.dr_priority = o.optional<uint32_t>("dr-priority", pim::kDefaultDrPriority);
    c.propagation_delay =
        o.optional<Duration>("propagation-delay", pim::kDefaultPropagationDelay, 0ms, 32767ms);
    c.override_interval =
        o.optional<Duration>("override-interval", pim::kDefaultOverrideInterval, 0ms, 65535ms);
    c.tracking_support = o.optional<bool>("tracking", false);
    c.send_lan_prune_delay = o.optional<bool>("lan-prune-delay", true);
    c.announce_secondary_addresses = o.optional<bool>("secondary-addresses", true);
    c.max_neighbors = o.optional<size_t>("max-neighbors", 256, 1, 65535);
    for (const ConfigNode& n : o.list("neighbor-filter"))
        c.neighbor_filter.push_back(n.as<Ipv4Prefix>());
    return c;
}

void parse_interfaces(ConfigObject& root, PimdConfig& c) {
    UniqueEntries<std::string> seen("interface");
    for (const ConfigNode& n : root.list("interfaces")) {
        ConfigObject o = n.object();
        std::string name = interface_name(o, "name");
        seen.add(n, name, name);
        c.pim.interfaces.emplace(name, parse_interface(o));
    }
}

void parse_rps(ConfigObject& root, PimdConfig& c) {
    UniqueEntries<Ipv4Address> seen("rp");
    for (const ConfigNode& n : root.list("rp")) {
        ConfigObject o = n.object();
        StaticRpConfig rp;
        ConfigNode a = o.node("address");
        rp.address = a.as<Ipv4Address>();
        a.check(rp.address.is_unicast(),
                "RP address " + rp.address.to_string() + " is not a unicast address");
        seen.add(n, rp.address, rp.address.to_string());
        if (auto g = o.child("groups")) {
            rp.groups.clear();
            for (const ConfigNode& p : g->list())
                rp.groups.push_back(multicast_prefix(p));
            g->check(!rp.groups.empty(),
                     "an RP needs at least one group prefix (omit the key for 224.0.0.0/4)");
        }
        rp.override_dynamic = o.optional<bool>("override", false);
        c.rps.push_back(std::move(rp));
    }
}

SptSwitchover parse_spt(const ConfigNode& n) {
    const std::string& s = n.scalar("immediate, never or a rate in kbps");
    if (s == "immediate") return {SptSwitchover::Mode::kImmediate, 0};
    if (s == "never" || s == "infinity") return {SptSwitchover::Mode::kNever, 0};
    bool digits =
        !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    n.check(digits, "expected immediate, never or a rate in kbps, got '" + s + "'");
    return {SptSwitchover::Mode::kThreshold, n.as<uint32_t>(1, 100000000)};
}

void parse_timers(ConfigObject& root, pim::PimConfig& p) {
    p.join_prune_interval = root.optional<Duration>("join-prune-interval", p.join_prune_interval, 1s, 18724s);
    p.assert_time = root.optional<Duration>("assert-time", p.assert_time, 1s, 65535s);
    p.assert_override_interval =
        root.optional<Duration>("assert-override-interval", p.assert_override_interval, 0s, 65535s);
    p.keepalive_period = root.optional<Duration>("keepalive-period", p.keepalive_period, 1s, 65535s);
    p.register_suppression_time =
        root.optional<Duration>("register-suppression-time", p.register_suppression_time, 1s, 65535s);
    if (auto n = root.child("register-probe-time")) {
        p.register_probe_time = n->as<Duration>(1s, 65535s);
        n->check(p.register_probe_time < p.register_suppression_time,
                 "register-probe-time must be shorter than register-suppression-time (RFC 7761 4.4.1)");
    }
    if (auto n = root.child("assert-override-interval"))
        n->check(p.assert_override_interval < p.assert_time, "must be shorter than assert-time");
}

std::string known_interface(const ConfigNode& n, const PimdConfig& c, const char* role) {
    std::string name = n.as<std::string>();
    const pim::PimInterfaceConfig* ic = c.pim.find_interface(name);
    n.check(ic != nullptr, std::string(role) + " '" + name +
                               "' is not listed under interfaces: a static mroute needs its VIF");
    n.check(ic->enabled || ic->igmp,
            std::string(role) + " '" + name + "' has neither pim nor igmp enabled, so it gets no VIF");
    return name;
}

void parse_static_mroutes(ConfigObject& root, PimdConfig& c) {
    UniqueEntries<SGKey> seen("static mroute");
    for (const ConfigNode& n : root.list("static-mroutes")) {
        ConfigObject o = n.object();
        StaticMroute m;
        ConfigNode s = o.node("source");
        m.source = s.as<Ipv4Address>();
        s.check(m.source.is_unicast(), "source " + m.source.to_string() + " is not a unicast address");
        ConfigNode g = o.node("group");
        m.group = g.as<Ipv4Address>();
        g.check(m.group.is_multicast(), "group " + m.group.to_string() + " is not a multicast address");
        g.check(
            !Ipv4Prefix(Ipv4Address{224, 0, 0, 0}, 24).contains(m.group),
            "group " + m.group.to_string() + " is link-local (224.0.0.0/24): the kernel never forwards it");
        seen.add(n, m.key(), m.key().to_string());
        m.iif = known_interface(o.node("iif"), c, "iif");
        ConfigNode oifs = o.node("oifs");
        UniqueEntries<std::string> seen_oif("oif");
        for (const ConfigNode& x : oifs.list()) {
            std::string name = known_interface(x, c, "oif");
            x.check(name != m.iif, "oif '" + name + "' is also the iif");
            seen_oif.add(x, name, name);
            m.oifs.push_back(name);
        }
        oifs.check(!m.oifs.empty(), "a static mroute needs at least one oif");
        c.static_mroutes.push_back(std::move(m));
    }
}

PimdConfig parse_root(ConfigObject& root, const std::string& file) {
    PimdConfig c;
    c.file = file;
    c.daemon = sys::parse_daemon_section(root, "pimd");
    parse_interfaces(root, c);
    parse_rps(root, c);
    if (auto n = root.child("ssm-range")) {
        c.ssm_ranges.clear();
        UniqueEntries<Ipv4Prefix> seen("ssm range");
        for (const ConfigNode& p : n->list()) {
            Ipv4Prefix pfx = multicast_prefix(p);
            seen.add(p, pfx, pfx.to_string());
            c.ssm_ranges.push_back(pfx);
        }
    }
    if (auto n = root.child("spt-switchover")) c.spt = parse_spt(*n);
    parse_timers(root, c.pim);
    parse_register_section(root, c.pim);
    c.mroute_table = root.optional<uint32_t>("mroute-table", 0);
    c.pim.max_sg_entries = root.optional<size_t>("max-sg-entries", c.pim.max_sg_entries, 1, 10000000);
    parse_static_mroutes(root, c);
    c.beacons = parse_beacons_section(root);
    c.anycast_rp = parse_anycast_rp_section(root);
    c.msdp = parse_msdp_section(root, c.anycast_rp);
    // What the PIM-SM core consumes of the rp:, ssm-range: and spt-switchover: keys.
    c.pim.rp_set = to_rp_set_config(c);
    c.pim.spt_threshold = to_spt_threshold(c.spt);
    c.pim.anycast_rp = c.anycast_rp;  // RFC 4610 register forwarding runs in the core's RegisterRp
    return c;
}

}  // namespace

Result<PimdConfig, sys::ConfigError> parse_pimd_config(const std::string& text, const std::string& file) {
    return sys::parse_config(text, file, [&](ConfigObject& root) { return parse_root(root, file); });
}

Result<PimdConfig, sys::ConfigError> load_pimd_config(const std::string& path) {
    return sys::load_file(path, [&](ConfigObject& root) { return parse_root(root, path); });
}

// ---- running config ------------------------------------------------------------------------------------

namespace {

using sys::yaml_flow_list;
using sys::yaml_value;

void render_interface(std::ostringstream& os, const std::string& name, const pim::PimInterfaceConfig& i) {
    os << "  - name: " << name << "\n"
       << "    pim: " << yaml_value(i.enabled) << "\n"
       << "    igmp: " << yaml_value(i.igmp) << "\n"
       << "    hello-interval: " << yaml_value(i.hello_interval) << "\n"
       << "    hello-holdtime: " << i.effective_holdtime_s() << "s\n"
       << "    triggered-hello-delay: " << yaml_value(i.triggered_hello_delay) << "\n"
       << "    dr-priority: " << i.dr_priority << "\n"
       << "    propagation-delay: " << yaml_value(i.propagation_delay) << "\n"
       << "    override-interval: " << yaml_value(i.override_interval) << "\n"
       << "    tracking: " << yaml_value(i.tracking_support) << "\n"
       << "    lan-prune-delay: " << yaml_value(i.send_lan_prune_delay) << "\n"
       << "    secondary-addresses: " << yaml_value(i.announce_secondary_addresses) << "\n"
       << "    max-neighbors: " << i.max_neighbors << "\n"
       << "    neighbor-filter: " << yaml_flow_list(i.neighbor_filter) << "\n";
}

}  // namespace

std::string render_running_config(const PimdConfig& c) {
    std::ostringstream os;
    os << "# pimd effective configuration (defaults included)";
    if (!c.file.empty()) os << ", read from " << c.file;
    os << "\n";
    sys::render_daemon_section(os, c.daemon);
    os << "interfaces:" << (c.pim.interfaces.empty() ? " []" : "") << "\n";
    for (const auto& [name, i] : c.pim.interfaces)
        render_interface(os, name, i);
    os << "rp:" << (c.rps.empty() ? " []" : "") << "\n";
    for (const auto& rp : c.rps)
        os << "  - address: " << rp.address.to_string() << "\n"
           << "    groups: " << yaml_flow_list(rp.groups) << "\n"
           << "    override: " << yaml_value(rp.override_dynamic) << "\n";
    os << "ssm-range: " << yaml_flow_list(c.ssm_ranges) << "\n"
       << "spt-switchover: " << c.spt.to_string() << "\n"
       << "join-prune-interval: " << yaml_value(c.pim.join_prune_interval) << "\n"
       << "assert-time: " << yaml_value(c.pim.assert_time) << "\n"
       << "assert-override-interval: " << yaml_value(c.pim.assert_override_interval) << "\n"
       << "keepalive-period: " << yaml_value(c.pim.keepalive_period) << "\n"
       << "register-suppression-time: " << yaml_value(c.pim.register_suppression_time) << "\n"
       << "register-probe-time: " << yaml_value(c.pim.register_probe_time) << "\n"
       << "mroute-table: " << c.mroute_table << "\n"
       << "max-sg-entries: " << c.pim.max_sg_entries << "\n";
    render_register_section(os, c.pim);
    os << "static-mroutes:" << (c.static_mroutes.empty() ? " []" : "") << "\n";
    for (const auto& m : c.static_mroutes)
        os << "  - source: " << m.source.to_string() << "\n"
           << "    group: " << m.group.to_string() << "\n"
           << "    iif: " << m.iif << "\n"
           << "    oifs: " << yaml_flow_list(m.oifs) << "\n";
    if (c.msdp)
        os << "# msdp: " << c.msdp->peers.size() << " peers, local " << c.msdp->local_address.to_string()
           << ", originator " << c.msdp->originator_address.to_string() << " (see show ip msdp peer)\n";
    if (c.anycast_rp) {  // rendered in full: the core's register forwarding depends on it (pim.anycast_rp)
        os << "anycast-rp:\n  address: " << c.anycast_rp->address.to_string()
           << "\n  members: " << yaml_flow_list(c.anycast_rp->members) << "\n";
    }
    if (!c.beacons.empty())
        os << "# beacons: " << c.beacons.size() << " configured in " << c.file
           << " (see show ip pim beacon)\n";
    return os.str();
}

}  // namespace fanout::pimd
