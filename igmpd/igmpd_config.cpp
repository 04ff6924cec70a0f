// igmpd configuration: YAML -> IgmpdConfig (see igmpd_config.hpp) and back (show running-config).
// Ranges: RFC 3376 4.1.1 (Max Resp Code: 0.1 s units, at most 31744 = 3174.4 s), 4.1.6 (QRV: 3 bits),
// 4.1.7 (QQIC: at most 31744 s), 8.3 (QRI < QI); RFC 2236 2.2 (v2 Max Response Time: 0.1 s units in 8 bits,
// at most 25.5 s); RFC 4604 2.2.1 (no ASM membership in the SSM range).
#include "igmpd/igmpd_config.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "common/sys/running_config.hpp"

namespace fanout::igmpd {

using namespace std::chrono_literals;
using igmp::IgmpInterfaceConfig;
using igmp::ProxyRole;
using sys::ConfigNode;
using sys::ConfigObject;
using sys::ConfigValue;
using sys::UniqueEntries;

bool IgmpdConfig::proxy_only() const {
    bool any = false;
    for (const auto& [name, i] : igmp.interfaces) {
        if (!i.enabled) continue;
        if (i.proxy_role == ProxyRole::kNone && name != igmp.proxy_alternate_upstream) return false;
        any = true;
    }
    return any;
}

namespace {

constexpr size_t kMaxIfName = 15;           // IFNAMSIZ - 1
constexpr Duration kMaxCodeV3 = 3174400ms;  // RFC 3376 4.1.1: Max Resp Code 0xff = 31744 tenths
constexpr Duration kMaxCodeV2 = 25500ms;    // RFC 2236 2.2: 255 tenths
constexpr Duration kMaxQqic = 31744s;       // RFC 3376 4.1.7

std::string interface_name(const ConfigNode& n) {
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

Ipv4Address routable_group(const ConfigNode& n) {
    Ipv4Address g = n.as<Ipv4Address>();
    n.check(g.is_multicast(), "group " + g.to_string() + " is not a multicast address");
    n.check(!Ipv4Prefix(Ipv4Address{224, 0, 0, 0}, 24).contains(g),
            "group " + g.to_string() + " is link-local (224.0.0.0/24): never tracked nor forwarded");
    return g;
}

// A duration sent in tenths of a second (Max Resp Code): a whole number of 100 ms.
Duration tenths(const ConfigNode& n, Duration max) {
    Duration d = n.as<Duration>(100ms, max);
    n.check(d % 100ms == 0ms, "sent in units of 100ms (RFC 3376 4.1.1): " + ConfigValue<Duration>::show(d));
    return d;
}

ProxyRole parse_role(const ConfigNode& n) {
    const std::string& s = n.scalar("none, upstream or downstream");
    if (s == "none") return ProxyRole::kNone;
    if (s == "upstream") return ProxyRole::kUpstream;
    if (s == "downstream") return ProxyRole::kDownstream;
    n.fail("expected none, upstream or downstream, got '" + s + "'");
}

void parse_static(ConfigObject& o, IgmpInterfaceConfig& c) {
    UniqueEntries<Ipv4Address> seen_g("static group");
    for (const ConfigNode& n : o.list("static-groups")) {
        Ipv4Address g = routable_group(n);
        seen_g.add(n, g, g.to_string());
        c.static_groups.push_back(g);
    }
    UniqueEntries<SGKey> seen_sg("static source");
    for (const ConfigNode& n : o.list("static-sources")) {
        ConfigObject so = n.object();
        ConfigNode s = so.node("source");
        SGKey sg{s.as<Ipv4Address>(), routable_group(so.node("group"))};
        s.check(sg.source.is_unicast(), "source " + sg.source.to_string() + " is not a unicast address");
        seen_sg.add(n, sg, sg.to_string());
        c.static_sources.push_back(sg);
    }
}

void parse_timers(ConfigObject& o, IgmpInterfaceConfig& c) {
    const Duration max_code = c.version == 3 ? kMaxCodeV3 : kMaxCodeV2;
    c.robustness = o.optional<uint32_t>("robustness", igmp::kDefaultRobustness, 1, 7);
    c.query_interval = o.optional<Duration>("query-interval", igmp::kDefaultQueryInterval, 1s, kMaxQqic);
    if (auto n = o.child("query-response-interval")) {
        c.query_response_interval = tenths(*n, max_code);
        n->check(c.query_response_interval < c.query_interval,
                 "query-response-interval must be shorter than query-interval (RFC 3376 8.3)");
    }
    if (auto n = o.child("startup-query-interval"))
        c.startup_query_interval = n->as<Duration>(100ms, kMaxQqic);
    if (auto n = o.child("startup-query-count")) c.startup_query_count = n->as<uint32_t>(1, 255);
    if (auto n = o.child("last-member-query-interval")) c.last_member_query_interval = tenths(*n, max_code);
    if (auto n = o.child("last-member-query-count")) c.last_member_query_count = n->as<uint32_t>(1, 255);
    if (auto n = o.child("other-querier-present-interval")) {
        Duration d = n->as<Duration>(1s, 65535s);
        n->check(d > c.query_interval,
                 "other-querier-present-interval must be longer than query-interval, "
                 "or the querier would be given up between its queries");
        c.other_querier_present_interval = d;
    }
}

IgmpInterfaceConfig parse_interface(ConfigObject& o) {
    IgmpInterfaceConfig c;
    c.enabled = o.optional<bool>("enabled", true);
    c.version = o.optional<uint8_t>("version", 3, 1, 3);
    parse_timers(o, c);
    c.immediate_leave = o.optional<bool>("immediate-leave", false);
    c.max_groups = o.optional<size_t>("max-groups", c.max_groups, 1, 1000000);
    c.max_sources_per_group = o.optional<size_t>("max-sources-per-group", c.max_sources_per_group, 1, 65535);
    c.follow_older_querier = o.optional<bool>("follow-older-querier", true);
    parse_static(o, c);
    if (auto n = o.child("proxy-role")) c.proxy_role = parse_role(*n);
    return c;
}

void parse_interfaces(ConfigObject& root, IgmpdConfig& c) {
    UniqueEntries<std::string> seen("interface");
    for (const ConfigNode& n : root.list("interfaces")) {
        ConfigObject o = n.object();
        std::string name = interface_name(o.node("name"));
        seen.add(n, name, name);
        c.igmp.interfaces.emplace(name, parse_interface(o));
    }
}

// Gives a proxy interface its role; an interface not listed under interfaces gets the defaults.
void assign_role(const ConfigNode& at, IgmpdConfig& c, const std::string& name, ProxyRole role) {
    auto [it, added] = c.igmp.interfaces.emplace(name, IgmpInterfaceConfig{});
    ProxyRole& r = it->second.proxy_role;
    at.check(added || r == ProxyRole::kNone || r == role, "interface '" + name + "' has proxy-role " +
                                                              igmp::to_string(r) + " under interfaces, but " +
                                                              igmp::to_string(role) + " here");
    at.check(it->second.enabled, "interface '" + name + "' is disabled under interfaces");
    r = role;
}

void parse_proxy(ConfigObject& root, IgmpdConfig& c) {
    auto section = root.optional_object("proxy");
    if (!section) {
        for (const auto& [name, i] : c.igmp.interfaces)
            root.self().check(i.proxy_role == ProxyRole::kNone,
                              "interface '" + name + "' has a proxy role but there is no proxy section");
        return;
    }
    ConfigObject& p = *section;
    ConfigNode up = p.node("upstream");
    c.proxy.upstream = interface_name(up);
    assign_role(up, c, c.proxy.upstream, ProxyRole::kUpstream);
    if (auto n = p.child("alternate-upstream")) {
        c.proxy.alternate_upstream = interface_name(*n);
        n->check(c.proxy.alternate_upstream != c.proxy.upstream, "the alternate upstream is the upstream");
        assign_role(*n, c, c.proxy.alternate_upstream, ProxyRole::kUpstream);
        c.igmp.proxy_alternate_upstream = c.proxy.alternate_upstream;
    }
    ConfigNode downs = p.node("downstreams");
    UniqueEntries<std::string> seen("downstream");
    for (const ConfigNode& n : downs.list()) {
        std::string name = interface_name(n);
        seen.add(n, name, name);
        n.check(name != c.proxy.upstream && name != c.proxy.alternate_upstream,
                "'" + name + "' is an upstream interface");
        assign_role(n, c, name, ProxyRole::kDownstream);
        c.proxy.downstreams.push_back(name);
    }
    downs.check(!c.proxy.downstreams.empty(), "a proxy needs at least one downstream interface");
    c.proxy.mroute_table = p.optional<uint32_t>("mroute-table", 0);
    for (const auto& [name, i] : c.igmp.interfaces)
        if (i.proxy_role == ProxyRole::kUpstream)
            up.check(name == c.proxy.upstream || name == c.proxy.alternate_upstream,
                     "interface '" + name + "' has proxy-role upstream but is not proxy.upstream");
        else if (i.proxy_role == ProxyRole::kDownstream)
            downs.check(std::count(c.proxy.downstreams.begin(), c.proxy.downstreams.end(), name) == 1,
                        "interface '" + name + "' has proxy-role downstream but is not in proxy.downstreams");
}

void parse_ipc(ConfigObject& root, IgmpdConfig& c) {
    c.ipc.enabled = !c.proxy_only();
    c.ipc.socket = c.daemon.ipc_socket;
    auto section = root.optional_object("ipc");
    if (!section) return;
    c.ipc.enabled = section->optional<bool>("enabled", c.ipc.enabled);
    if (auto n = section->child("socket")) {
        c.ipc.socket = n->as<std::string>();
        n->check(!c.ipc.socket.empty() && c.ipc.socket.size() < 108,
                 "a Unix socket path of 1-107 characters");
        c.daemon.ipc_socket = c.ipc.socket;
    }
}

void check_ssm_statics(const ConfigNode& root, const IgmpdConfig& c) {
    for (const auto& [name, i] : c.igmp.interfaces)
        for (Ipv4Address g : i.static_groups)
            root.check(!c.igmp.is_ssm(g), "interfaces '" + name + "': static group " + g.to_string() +
                                              " is in the SSM range: use static-sources (RFC 4604 2.2.1)");
}

IgmpdConfig parse_root(ConfigObject& root, const std::string& file) {
    IgmpdConfig c;
    c.file = file;
    c.daemon = sys::parse_daemon_section(root, "igmpd");
    parse_interfaces(root, c);
    if (auto n = root.child("ssm-range")) {
        c.igmp.ssm_ranges.clear();
        UniqueEntries<Ipv4Prefix> seen("ssm range");
        for (const ConfigNode& p : n->list()) {
            Ipv4Prefix pfx = multicast_prefix(p);
            seen.add(p, pfx, pfx.to_string());
            c.igmp.ssm_ranges.push_back(pfx);
        }
        check_ssm_statics(*n, c);
    } else {
        check_ssm_statics(root.self(), c);
    }
    parse_proxy(root, c);
    parse_ipc(root, c);
    return c;
}

}  // namespace

Result<IgmpdConfig, sys::ConfigError> parse_igmpd_config(const std::string& text, const std::string& file) {
    return sys::parse_config(text, file, [&](ConfigObject& root) { return parse_root(root, file); });
}

Result<IgmpdConfig, sys::ConfigError> load_igmpd_config(const std::string& path) {
    return sys::load_file(path, [&](ConfigObject& root) { return parse_root(root, path); });
}

// ---- running config ------------------------------------------------------------------------------------

namespace {

using sys::yaml_flow_list;
using sys::yaml_value;

void render_interface(std::ostringstream& os, const std::string& name, const IgmpInterfaceConfig& i) {
    os << "  - name: " << name << "\n"
       << "    enabled: " << yaml_value(i.enabled) << "\n"
       << "    version: " << int{i.version} << "\n"
       << "    robustness: " << i.robustness << "\n"
       << "    query-interval: " << yaml_value(i.query_interval) << "\n"
       << "    query-response-interval: " << yaml_value(i.query_response_interval) << "\n"
       << "    startup-query-interval: " << yaml_value(i.effective_startup_query_interval()) << "\n"
       << "    startup-query-count: " << i.effective_startup_query_count() << "\n"
       << "    last-member-query-interval: " << yaml_value(i.last_member_query_interval) << "\n"
       << "    last-member-query-count: " << i.last_member_query_count.value_or(i.robustness) << "\n";
    if (i.other_querier_present_interval)
        os << "    other-querier-present-interval: " << yaml_value(*i.other_querier_present_interval) << "\n";
    os << "    immediate-leave: " << yaml_value(i.immediate_leave) << "\n"
       << "    max-groups: " << i.max_groups << "\n"
       << "    max-sources-per-group: " << i.max_sources_per_group << "\n"
       << "    follow-older-querier: " << yaml_value(i.follow_older_querier) << "\n"
       << "    static-groups: " << yaml_flow_list(i.static_groups) << "\n"
       << "    static-sources:" << (i.static_sources.empty() ? " []" : "") << "\n";
    for (const auto& sg : i.static_sources)
        os << "      - {source: " << sg.source.to_string() << ", group: " << sg.group.to_string() << "}\n";
    os << "    proxy-role: " << igmp::to_string(i.proxy_role) << "\n";
}

}  // namespace

std::string render_running_config(const IgmpdConfig& c) {
    std::ostringstream os;
    os << "# igmpd effective configuration (defaults included)";
    if (!c.file.empty()) os << ", read from " << c.file;
    os << "\n";
    sys::render_daemon_section(os, c.daemon);
    os << "interfaces:" << (c.igmp.interfaces.empty() ? " []" : "") << "\n";
    for (const auto& [name, i] : c.igmp.interfaces)
        render_interface(os, name, i);
    os << "ssm-range: " << yaml_flow_list(c.igmp.ssm_ranges) << "\n";
    if (c.proxy_enabled()) {
        os << "proxy:\n  upstream: " << c.proxy.upstream << "\n";
        if (!c.proxy.alternate_upstream.empty())
            os << "  alternate-upstream: " << c.proxy.alternate_upstream << "\n";
        os << "  downstreams: " << yaml_flow_list(c.proxy.downstreams) << "\n"
           << "  mroute-table: " << c.proxy.mroute_table << "\n";
    }
    os << "ipc:\n  enabled: " << yaml_value(c.ipc.enabled) << "\n";
    return os.str();
}

}  // namespace fanout::igmpd
