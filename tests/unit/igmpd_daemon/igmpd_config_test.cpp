// igmpd's YAML configuration: the examples in etc/ load, every error names FILE:LINE:COL and the key, the
// RFC 3376 ranges are enforced, the proxy section and per-interface roles agree, the IPC default follows
// proxy-only mode, and show running-config parses back to the same configuration.
#include <gtest/gtest.h>

#include <filesystem>

#include "igmpd/igmpd_config.hpp"

namespace fanout::igmpd {
namespace {

using namespace std::chrono_literals;
using igmp::ProxyRole;

IgmpdConfig parse_ok(const std::string& text) {
    auto r = parse_igmpd_config(text, "t.yaml");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
    return r.ok() ? r.value() : IgmpdConfig{};
}

std::string parse_err(const std::string& text) {
    auto r = parse_igmpd_config(text, "t.yaml");
    EXPECT_FALSE(r.ok()) << "accepted:\n" << text;
    return r.ok() ? std::string() : r.error().to_string();
}

TEST(IgmpdConfig, EveryExampleInEtcLoads) {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(std::string(FANOUT_SOURCE_DIR) + "/etc")) {
        std::string name = e.path().filename().string();
        if (name.rfind("igmpd", 0) != 0 || e.path().extension() != ".yaml") continue;
        auto r = load_igmpd_config(e.path().string());
        EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().to_string());
        ++n;
    }
    EXPECT_GE(n, 2u) << "etc/igmpd.yaml and etc/igmpd-proxy.yaml";
}

TEST(IgmpdConfig, DocumentedExampleSetsEveryKey) {
    auto r = load_igmpd_config(std::string(FANOUT_SOURCE_DIR) + "/etc/igmpd.yaml");
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const IgmpdConfig& c = r.value();
    ASSERT_EQ(c.igmp.interfaces.size(), 2u);
    const auto& eth1 = c.igmp.interfaces.at("eth1");
    EXPECT_EQ(eth1.version, 3);
    EXPECT_EQ(eth1.startup_query_interval, std::optional<Duration>(31250ms));
    EXPECT_EQ(eth1.last_member_query_count, std::optional<uint32_t>(2));
    const auto& eth2 = c.igmp.interfaces.at("eth2");
    EXPECT_EQ(eth2.version, 2);
    EXPECT_EQ(eth2.static_groups, std::vector<Ipv4Address>{*Ipv4Address::parse("239.1.1.1")});
    ASSERT_EQ(eth2.static_sources.size(), 1u);
    EXPECT_EQ(eth2.static_sources[0].group, *Ipv4Address::parse("232.1.1.1"));
    EXPECT_TRUE(c.ipc.enabled);
    EXPECT_FALSE(c.proxy_enabled());
    EXPECT_EQ(c.ipc.socket, "/run/fanout/pimd-ipc.sock");
}

TEST(IgmpdConfig, ProxyExampleIsProxyOnlyWithoutIpc) {
    auto r = load_igmpd_config(std::string(FANOUT_SOURCE_DIR) + "/etc/igmpd-proxy.yaml");
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const IgmpdConfig& c = r.value();
    EXPECT_TRUE(c.proxy_enabled());
    EXPECT_TRUE(c.proxy_only());
    EXPECT_FALSE(c.ipc.enabled);
    EXPECT_EQ(c.igmp.interfaces.at("eth0").proxy_role, ProxyRole::kUpstream);
    EXPECT_EQ(c.igmp.interfaces.at("eth1").proxy_role, ProxyRole::kDownstream);
    EXPECT_EQ(c.igmp.interfaces.at("eth1").query_interval, 60s);
    EXPECT_EQ(c.kernel_table(), kDefaultMrouteTableId);
}

TEST(IgmpdConfig, EmptyFileHasRfcDefaults) {
    IgmpdConfig c = parse_ok("");
    EXPECT_TRUE(c.igmp.interfaces.empty());
    EXPECT_EQ(c.daemon.status_socket, "/run/fanout/igmpd.sock");
    EXPECT_EQ(c.igmp.ssm_ranges, std::vector<Ipv4Prefix>{addr::kDefaultSsm});
    EXPECT_TRUE(c.ipc.enabled);
    IgmpdConfig one = parse_ok("interfaces:\n  - name: eth0\n");
    const auto& i = one.igmp.interfaces.at("eth0");
    EXPECT_EQ(i.version, 3);
    EXPECT_EQ(i.robustness, 2u);
    EXPECT_EQ(i.query_interval, 125s);
    EXPECT_EQ(i.query_response_interval, 10s);
    EXPECT_EQ(i.last_member_query_interval, 1s);
    EXPECT_EQ(i.effective_startup_query_interval(), 31250ms);
    EXPECT_EQ(i.proxy_role, ProxyRole::kNone);
}

TEST(IgmpdConfig, ErrorsNamePositionAndKey) {
    EXPECT_EQ(parse_err("interfaces:\n  - name: eth0\n    version: 4\n"),
              "t.yaml:3:14: interfaces[0].version: value 4 out of range [1, 3]");
    EXPECT_EQ(parse_err("interfaces:\n  - name: eth0\n    robustnes: 2\n"),
              parse_err("interfaces:\n  - name: eth0\n    robustnes: 2\n"));
    std::string unknown = parse_err("interfaces:\n  - name: eth0\n    robustnes: 2\n");
    EXPECT_NE(unknown.find("t.yaml:3:"), std::string::npos) << unknown;
    EXPECT_NE(unknown.find("robustnes"), std::string::npos) << unknown;
    std::string dup = parse_err("interfaces:\n  - name: eth0\n  - name: eth0\n");
    EXPECT_NE(dup.find("duplicate interface 'eth0' (first at line 2)"), std::string::npos) << dup;
    std::string bad_name = parse_err("interfaces:\n  - name: a/b\n");
    EXPECT_NE(bad_name.find("interfaces[0].name"), std::string::npos) << bad_name;
}

TEST(IgmpdConfig, RfcRangesAreEnforced) {
    auto iface = [](const std::string& keys) { return "interfaces:\n  - name: eth0\n" + keys; };
    // 8.3: QRI < QI.
    std::string e = parse_err(iface("    query-interval: 10s\n    query-response-interval: 10s\n"));
    EXPECT_NE(e.find("interfaces[0].query-response-interval"), std::string::npos) << e;
    EXPECT_NE(e.find("8.3"), std::string::npos) << e;
    // Max Resp Code units and limits: 100 ms steps; 25.5 s for v2.
    e = parse_err(iface("    last-member-query-interval: 150ms\n"));
    EXPECT_NE(e.find("100ms"), std::string::npos) << e;
    e = parse_err(iface("    version: 2\n    query-response-interval: 26s\n"));
    EXPECT_NE(e.find("out of range"), std::string::npos) << e;
    parse_ok(iface("    version: 3\n    query-interval: 300s\n    query-response-interval: 26s\n"));
    // QRV is 3 bits.
    e = parse_err(iface("    robustness: 8\n"));
    EXPECT_NE(e.find("interfaces[0].robustness"), std::string::npos) << e;
    e = parse_err(iface("    other-querier-present-interval: 10s\n    query-interval: 20s\n"));
    EXPECT_NE(e.find("other-querier-present-interval"), std::string::npos) << e;
    e = parse_err(iface("    max-groups: 0\n"));
    EXPECT_NE(e.find("interfaces[0].max-groups"), std::string::npos) << e;
}

TEST(IgmpdConfig, StaticMembershipIsChecked) {
    auto iface = [](const std::string& keys) { return "interfaces:\n  - name: eth0\n" + keys; };
    std::string e = parse_err(iface("    static-groups: [10.0.0.1]\n"));
    EXPECT_NE(e.find("not a multicast"), std::string::npos) << e;
    e = parse_err(iface("    static-groups: [224.0.0.5]\n"));
    EXPECT_NE(e.find("link-local"), std::string::npos) << e;
    e = parse_err(iface("    static-groups: [232.1.1.1]\n"));
    EXPECT_NE(e.find("SSM"), std::string::npos) << e;
    e = parse_err(iface("    static-sources:\n      - {source: 239.1.1.1, group: 232.1.1.1}\n"));
    EXPECT_NE(e.find("interfaces[0].static-sources[0].source"), std::string::npos) << e;
    e = parse_err(iface("    static-groups: [239.1.1.1, 239.1.1.1]\n"));
    EXPECT_NE(e.find("duplicate static group"), std::string::npos) << e;
    // A custom SSM range moves the check with it.
    parse_ok(iface("    static-groups: [232.1.1.1]\n") + "ssm-range: [233.0.0.0/8]\n");
}

TEST(IgmpdConfig, ProxySectionAssignsRolesAndChecksThem) {
    IgmpdConfig c = parse_ok(
        "interfaces:\n  - name: up0\n  - name: r0\nproxy:\n  upstream: up0\n  alternate-upstream: up1\n"
        "  downstreams: [d0, d1]\n  mroute-table: 10\n");
    EXPECT_EQ(c.igmp.interfaces.at("up0").proxy_role, ProxyRole::kUpstream);
    EXPECT_EQ(c.igmp.interfaces.at("up1").proxy_role, ProxyRole::kUpstream);
    EXPECT_EQ(c.igmp.proxy_alternate_upstream, "up1");
    EXPECT_EQ(c.igmp.interfaces.at("d1").proxy_role, ProxyRole::kDownstream);  // added with defaults
    EXPECT_EQ(c.igmp.interfaces.at("r0").proxy_role, ProxyRole::kNone);
    EXPECT_EQ(c.kernel_table(), 10u);
    EXPECT_FALSE(c.proxy_only());  // r0 is an ordinary interface: its membership still goes to pimd
    EXPECT_TRUE(c.ipc.enabled);

    std::string e = parse_err(
        "interfaces:\n  - name: a\n    proxy-role: downstream\nproxy:\n  upstream: a\n"
        "  downstreams: [b]\n");
    EXPECT_NE(e.find("proxy.upstream"), std::string::npos) << e;
    EXPECT_NE(e.find("has proxy-role downstream"), std::string::npos) << e;
    e = parse_err("proxy:\n  upstream: a\n  downstreams: []\n");
    EXPECT_NE(e.find("at least one downstream"), std::string::npos) << e;
    e = parse_err("proxy:\n  upstream: a\n  downstreams: [a]\n");
    EXPECT_NE(e.find("proxy.downstreams[0]"), std::string::npos) << e;
    e = parse_err("interfaces:\n  - name: a\n    proxy-role: upstream\n");
    EXPECT_NE(e.find("no proxy section"), std::string::npos) << e;
    e = parse_err("proxy:\n  downstreams: [a]\n");
    EXPECT_NE(e.find("upstream"), std::string::npos) << e;
}

TEST(IgmpdConfig, IpcDefaultsFollowProxyOnlyMode) {
    IgmpdConfig c = parse_ok("proxy:\n  upstream: a\n  downstreams: [b]\n");
    EXPECT_TRUE(c.proxy_only());
    EXPECT_FALSE(c.ipc.enabled);
    c = parse_ok("proxy:\n  upstream: a\n  downstreams: [b]\nipc:\n  enabled: true\n  socket: /tmp/x.sock\n");
    EXPECT_TRUE(c.ipc.enabled);
    EXPECT_EQ(c.ipc.socket, "/tmp/x.sock");
    EXPECT_EQ(c.daemon.ipc_socket, "/tmp/x.sock");
    c = parse_ok("daemon:\n  ipc-socket: /tmp/y.sock\n");
    EXPECT_EQ(c.ipc.socket, "/tmp/y.sock");
    std::string e = parse_err("ipc:\n  enable: true\n");
    EXPECT_NE(e.find("enable"), std::string::npos) << e;
}

TEST(IgmpdConfig, RunningConfigParsesBackToTheSameConfig) {
    for (const char* f : {"/etc/igmpd.yaml", "/etc/igmpd-proxy.yaml"}) {
        auto r = load_igmpd_config(std::string(FANOUT_SOURCE_DIR) + f);
        ASSERT_TRUE(r.ok()) << r.error().to_string();
        IgmpdConfig c = r.value();
        c.daemon.metrics_listen = "127.0.0.1:9109";
        std::string yaml = render_running_config(c);
        auto back = parse_igmpd_config(yaml, "running");
        ASSERT_TRUE(back.ok()) << back.error().to_string() << "\n" << yaml;
        EXPECT_EQ(back.value().daemon.metrics_listen, c.daemon.metrics_listen) << yaml;
        EXPECT_EQ(back.value().daemon.status_socket, c.daemon.status_socket);
        EXPECT_EQ(back.value().daemon.log_level, c.daemon.log_level);
        // Defaults are written out (optional values become explicit), so compare what the core runs with.
        EXPECT_EQ(back.value().proxy, r.value().proxy) << yaml;
        EXPECT_EQ(back.value().ipc, r.value().ipc) << yaml;
        EXPECT_EQ(back.value().igmp.ssm_ranges, r.value().igmp.ssm_ranges);
        ASSERT_EQ(back.value().igmp.interfaces.size(), r.value().igmp.interfaces.size());
        for (const auto& [name, i] : r.value().igmp.interfaces) {
            const auto& j = back.value().igmp.interfaces.at(name);
            EXPECT_EQ(j.version, i.version) << name;
            EXPECT_EQ(j.query_interval, i.query_interval) << name;
            EXPECT_EQ(j.effective_startup_query_interval(), i.effective_startup_query_interval()) << name;
            EXPECT_EQ(j.effective_startup_query_count(), i.effective_startup_query_count()) << name;
            EXPECT_EQ(j.last_member_query_count.value_or(j.robustness),
                      i.last_member_query_count.value_or(i.robustness))
                << name;
            EXPECT_EQ(j.static_groups, i.static_groups) << name;
            EXPECT_EQ(j.static_sources, i.static_sources) << name;
            EXPECT_EQ(j.proxy_role, i.proxy_role) << name;
        }
        std::string again = render_running_config(back.value());
        EXPECT_EQ(again.substr(again.find('\n')), yaml.substr(yaml.find('\n')));
    }
}

}  // namespace
}  // namespace fanout::igmpd
