// pimd's YAML configuration: the examples in etc/ load, every error class names FILE:LINE:COL and the key,
// defaults are the RFC's, and show running-config parses back to the same configuration.
#include <gtest/gtest.h>

#include <filesystem>

#include "pimd/core_adapters.hpp"
#include "pimd/pimd_config.hpp"

namespace fanout::pimd {
namespace {

using namespace std::chrono_literals;

PimdConfig parse_ok(const std::string& text) {
    auto r = parse_pimd_config(text, "t.yaml");
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
    return r.ok() ? r.value() : PimdConfig{};
}

std::string parse_err(const std::string& text) {
    auto r = parse_pimd_config(text, "t.yaml");
    EXPECT_FALSE(r.ok()) << "accepted:\n" << text;
    return r.ok() ? std::string() : r.error().to_string();
}

TEST(PimdConfig, EveryExampleInEtcLoads) {
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(std::string(FANOUT_SOURCE_DIR) + "/etc")) {
        std::string name = e.path().filename().string();
        if (name.rfind("pimd", 0) != 0 || e.path().extension() != ".yaml") continue;
        auto r = load_pimd_config(e.path().string());
        EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().to_string());
        ++n;
    }
    EXPECT_GE(n, 2u) << "etc/pimd.yaml and etc/pimd-static-demo.yaml";
}

TEST(PimdConfig, DocumentedExampleSetsEveryKey) {
    auto r = load_pimd_config(std::string(FANOUT_SOURCE_DIR) + "/etc/pimd.yaml");
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const PimdConfig& c = r.value();
    ASSERT_EQ(c.pim.interfaces.size(), 3u);
    const auto& eth0 = c.pim.interfaces.at("eth0");
    EXPECT_EQ(eth0.hello_holdtime_s, std::optional<uint16_t>(105));
    EXPECT_FALSE(c.pim.interfaces.at("eth1").enabled);
    EXPECT_TRUE(c.pim.interfaces.at("eth1").igmp);
    ASSERT_EQ(c.rps.size(), 1u);
    EXPECT_EQ(c.rps[0].groups, std::vector<Ipv4Prefix>{*Ipv4Prefix::parse("239.0.0.0/8")});
    ASSERT_EQ(c.static_mroutes.size(), 1u);
    EXPECT_EQ(c.static_mroutes[0].oifs, std::vector<std::string>{"eth1"});
    EXPECT_EQ(c.kernel_table(), kDefaultMrouteTableId);
    // rp: and spt-switchover: reach the core's configuration.
    ASSERT_EQ(c.pim.rp_set.static_rps.size(), 1u);
    EXPECT_EQ(c.pim.rp_set.static_rps[0].rp, *Ipv4Address::parse("198.18.255.2"));
    EXPECT_EQ(c.pim.rp_set.ssm_ranges, std::vector<Ipv4Prefix>{addr::kDefaultSsm});
    EXPECT_EQ(c.pim.spt_threshold.mode, pim::SptThresholdMode::kImmediate);
}

TEST(PimdConfig, EmptyFileHasDefaults) {
    PimdConfig c = parse_ok("");
    EXPECT_TRUE(c.pim.interfaces.empty());
    EXPECT_EQ(c.daemon.status_socket, "/run/fanout/pimd.sock");
    EXPECT_EQ(c.pim.join_prune_interval, 60s);
    EXPECT_EQ(c.ssm_ranges, std::vector<Ipv4Prefix>{addr::kDefaultSsm});
    EXPECT_EQ(c.spt.mode, SptSwitchover::Mode::kImmediate);
    EXPECT_EQ(c.mroute_table, 0u);
}

TEST(PimdConfig, InterfaceDefaultsAreTheRfcs) {
    PimdConfig c = parse_ok("interfaces:\n  - name: eth0\n");
    const auto& i = c.pim.interfaces.at("eth0");
    EXPECT_TRUE(i.enabled);
    EXPECT_FALSE(i.igmp);
    EXPECT_EQ(i.hello_interval, 30s);
    EXPECT_EQ(i.effective_holdtime_s(), 105);
    EXPECT_EQ(i.dr_priority, 1u);
    EXPECT_EQ(i.propagation_delay, 500ms);
    EXPECT_EQ(i.override_interval, 2500ms);
    EXPECT_FALSE(i.tracking_support);
}

TEST(PimdConfig, InterfaceKeys) {
    PimdConfig c = parse_ok(
        "interfaces:\n"
        "  - name: veth1\n"
        "    hello-interval: 1s\n"
        "    hello-holdtime: 4s\n"
        "    dr-priority: 100\n"
        "    propagation-delay: 100ms\n"
        "    override-interval: 1s\n"
        "    tracking: true\n"
        "    neighbor-filter: [198.18.0.0/16]\n");
    const auto& i = c.pim.interfaces.at("veth1");
    EXPECT_EQ(i.hello_interval, 1s);
    EXPECT_EQ(i.effective_holdtime_s(), 4);
    EXPECT_EQ(i.dr_priority, 100u);
    EXPECT_EQ(i.propagation_delay, 100ms);
    EXPECT_EQ(i.override_interval, 1000ms);
    EXPECT_TRUE(i.tracking_support);
    ASSERT_EQ(i.neighbor_filter.size(), 1u);
    EXPECT_TRUE(i.neighbor_allowed(*Ipv4Address::parse("198.18.3.4")));
    EXPECT_FALSE(i.neighbor_allowed(*Ipv4Address::parse("198.19.3.4")));
}

TEST(PimdConfig, SptSwitchoverForms) {
    EXPECT_EQ(parse_ok("spt-switchover: never\n").spt.mode, SptSwitchover::Mode::kNever);
    auto c = parse_ok("spt-switchover: 1000\n");
    EXPECT_EQ(c.spt.mode, SptSwitchover::Mode::kThreshold);
    EXPECT_EQ(c.spt.kbps, 1000u);
    EXPECT_EQ(parse_err("spt-switchover: sometimes\n"),
              "t.yaml:1:17: spt-switchover: expected immediate, never or a rate in kbps, got 'sometimes'");
}

// ---- one test per error class, each with its exact position and key ----

TEST(PimdConfig, SyntaxErrorHasPosition) {
    std::string e = parse_err("interfaces:\n  - name: [eth0\n");
    EXPECT_EQ(e.rfind("t.yaml:", 0), 0u) << e;
    EXPECT_NE(e.find(":3:"), std::string::npos) << e;
}

TEST(PimdConfig, UnknownKeyIsNamed) {
    std::string e = parse_err("interfaces:\n  - name: eth0\n    hello-intervall: 5s\n");
    EXPECT_EQ(e.rfind("t.yaml:3:5: interfaces[0].hello-intervall:", 0), 0u) << e;
}

TEST(PimdConfig, UnknownTopLevelKey) {
    std::string e = parse_err("rps: []\n");
    EXPECT_EQ(e.rfind("t.yaml:1:1: rps:", 0), 0u) << e;
}

TEST(PimdConfig, OutOfRangeValue) {
    EXPECT_EQ(parse_err("interfaces:\n  - name: eth0\n    hello-interval: 0s\n"),
              "t.yaml:3:21: interfaces[0].hello-interval: value 0s out of range [1s, 5h]");
    std::string e = parse_err("interfaces:\n  - name: eth0\n    propagation-delay: 40s\n");
    EXPECT_EQ(e.rfind("t.yaml:3:24: interfaces[0].propagation-delay: value 40s out of range", 0), 0u) << e;
}

TEST(PimdConfig, WrongType) {
    std::string e = parse_err("interfaces:\n  - name: eth0\n    pim: maybe\n");
    EXPECT_EQ(e.rfind("t.yaml:3:10: interfaces[0].pim:", 0), 0u) << e;
    e = parse_err("interfaces:\n  - name: eth0\n    dr-priority: high\n");
    EXPECT_EQ(e.rfind("t.yaml:3:18: interfaces[0].dr-priority:", 0), 0u) << e;
}

TEST(PimdConfig, MissingRequiredKey) {
    std::string e = parse_err("interfaces:\n  - pim: true\n");
    EXPECT_EQ(e.rfind("t.yaml:2:5: interfaces[0]", 0), 0u) << e;
    EXPECT_NE(e.find("name"), std::string::npos) << e;
}

TEST(PimdConfig, DuplicateInterface) {
    std::string e = parse_err("interfaces:\n  - name: eth0\n  - name: eth0\n");
    EXPECT_EQ(e, "t.yaml:3:5: interfaces[1]: duplicate interface 'eth0' (first at line 2)");
}

TEST(PimdConfig, BadInterfaceName) {
    std::string e = parse_err("interfaces:\n  - name: averyveryverylongname\n");
    EXPECT_EQ(
        e.rfind("t.yaml:2:11: interfaces[0].name: 'averyveryverylongname' is not a valid interface name", 0),
        0u)
        << e;
}

TEST(PimdConfig, HoldtimeShorterThanHello) {
    std::string e =
        parse_err("interfaces:\n  - name: eth0\n    hello-interval: 30s\n    hello-holdtime: 10s\n");
    EXPECT_EQ(e.rfind("t.yaml:4:21: interfaces[0].hello-holdtime: hello-holdtime 10s is shorter", 0), 0u)
        << e;
}

TEST(PimdConfig, RpErrors) {
    EXPECT_EQ(parse_err("rp:\n  - address: 239.1.1.1\n"),
              "t.yaml:2:14: rp[0].address: RP address 239.1.1.1 is not a unicast address");
    EXPECT_EQ(parse_err("rp:\n  - address: 198.18.0.1\n    groups: [10.0.0.0/8]\n"),
              "t.yaml:3:14: rp[0].groups[0]: prefix 10.0.0.0/8 is not inside 224.0.0.0/4");
    std::string e = parse_err("rp:\n  - address: 198.18.0.1\n    groups: [239.1.1.1/8]\n");
    EXPECT_NE(e.find("host bits set (did you mean 239.0.0.0/8?)"), std::string::npos) << e;
    EXPECT_EQ(parse_err("rp:\n  - address: 198.18.0.1\n  - address: 198.18.0.1\n"),
              "t.yaml:3:5: rp[1]: duplicate rp '198.18.0.1' (first at line 2)");
}

TEST(PimdConfig, SsmRange) {
    auto c = parse_ok("ssm-range: [232.0.0.0/8, 239.232.0.0/16]\n");
    EXPECT_EQ(c.ssm_ranges.size(), 2u);
    EXPECT_EQ(parse_err("ssm-range: [198.18.0.0/16]\n"),
              "t.yaml:1:13: ssm-range[0]: prefix 198.18.0.0/16 is not inside 224.0.0.0/4");
}

TEST(PimdConfig, TimerRelations) {
    std::string e = parse_err("register-suppression-time: 5s\nregister-probe-time: 5s\n");
    EXPECT_EQ(e.rfind("t.yaml:2:22: register-probe-time: register-probe-time must be shorter", 0), 0u) << e;
    e = parse_err("join-prune-interval: 6h\n");
    EXPECT_EQ(e.rfind("t.yaml:1:22: join-prune-interval: value 6h out of range", 0), 0u) << e;
}

const char* kTwoIfs =
    "interfaces:\n"
    "  - name: eth0\n"
    "  - name: eth1\n"
    "  - name: eth2\n"
    "    pim: false\n";

TEST(PimdConfig, StaticMroutes) {
    auto c = parse_ok(std::string(kTwoIfs) +
                      "static-mroutes:\n"
                      "  - source: 198.18.1.2\n"
                      "    group: 239.1.1.1\n"
                      "    iif: eth0\n"
                      "    oifs: [eth1]\n");
    ASSERT_EQ(c.static_mroutes.size(), 1u);
    EXPECT_EQ(c.static_mroutes[0].iif, "eth0");
    EXPECT_NE(c.find_static_mroute(c.static_mroutes[0].key()), nullptr);
}

TEST(PimdConfig, StaticMrouteErrors) {
    auto err = [](const std::string& body) {
        return parse_err(std::string(kTwoIfs) + "static-mroutes:\n" + body);
    };
    EXPECT_EQ(err("  - source: 198.18.1.2\n    group: 198.18.1.1\n    iif: eth0\n    oifs: [eth1]\n"),
              "t.yaml:8:12: static-mroutes[0].group: group 198.18.1.1 is not a multicast address");
    EXPECT_EQ(
        err("  - source: 198.18.1.2\n    group: 224.0.0.5\n    iif: eth0\n    oifs: [eth1]\n"),
        "t.yaml:8:12: static-mroutes[0].group: group 224.0.0.5 is link-local (224.0.0.0/24): the kernel "
        "never forwards it");
    EXPECT_EQ(
        err("  - source: 198.18.1.2\n    group: 239.1.1.1\n    iif: eth9\n    oifs: [eth1]\n"),
        "t.yaml:9:10: static-mroutes[0].iif: iif 'eth9' is not listed under interfaces: a static mroute "
        "needs its VIF");
    EXPECT_EQ(
        err("  - source: 198.18.1.2\n    group: 239.1.1.1\n    iif: eth0\n    oifs: [eth2]\n"),
        "t.yaml:10:12: static-mroutes[0].oifs[0]: oif 'eth2' has neither pim nor igmp enabled, so it gets "
        "no VIF");
    EXPECT_EQ(err("  - source: 198.18.1.2\n    group: 239.1.1.1\n    iif: eth0\n    oifs: [eth0]\n"),
              "t.yaml:10:12: static-mroutes[0].oifs[0]: oif 'eth0' is also the iif");
    EXPECT_EQ(err("  - source: 198.18.1.2\n    group: 239.1.1.1\n    iif: eth0\n    oifs: []\n"),
              "t.yaml:10:11: static-mroutes[0].oifs: a static mroute needs at least one oif");
    std::string dup = "  - source: 198.18.1.2\n    group: 239.1.1.1\n    iif: eth0\n    oifs: [eth1]\n";
    EXPECT_EQ(err(dup + dup),
              "t.yaml:11:5: static-mroutes[1]: duplicate static mroute '(198.18.1.2,239.1.1.1)' "
              "(first at line 7)");
}

TEST(PimdConfig, DaemonSectionErrors) {
    EXPECT_EQ(parse_err("daemon:\n  status-socket: relative.sock\n"),
              "t.yaml:2:18: daemon.status-socket: expected an absolute path, got 'relative.sock'");
    std::string e = parse_err("daemon:\n  debug: [nonsense]\n");
    EXPECT_EQ(e.rfind("t.yaml:2:11: daemon.debug[0]:", 0), 0u) << e;
}

TEST(PimdConfig, MissingFileIsAnError) {
    auto r = load_pimd_config("/nonexistent/pimd.yaml");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().to_string().find("/nonexistent/pimd.yaml"), std::string::npos);
}

TEST(PimdConfig, RunningConfigRoundTrips) {
    auto r = load_pimd_config(std::string(FANOUT_SOURCE_DIR) + "/etc/pimd.yaml");
    ASSERT_TRUE(r.ok());
    PimdConfig c = r.value();
    c.daemon.debug = {LogCategory::kPacket, LogCategory::kKernel};
    c.daemon.metrics_listen = "127.0.0.1:9108";
    c.anycast_rp = pim::AnycastRpConfig{Ipv4Address(10, 0, 0, 100),
                                        {Ipv4Address(10, 0, 0, 1), Ipv4Address(10, 0, 0, 2)}};
    c.pim.anycast_rp = c.anycast_rp;
    c.spt = {SptSwitchover::Mode::kThreshold, 512};
    c.pim.spt_threshold = to_spt_threshold(c.spt);
    std::string yaml = render_running_config(c);
    auto back = parse_pimd_config(yaml, c.file);
    ASSERT_TRUE(back.ok()) << back.error().to_string() << "\n" << yaml;
    PimdConfig b = back.value();
    // The rendered holdtime is explicit; everything else compares equal.
    for (auto& [name, i] : c.pim.interfaces)
        i.hello_holdtime_s = i.effective_holdtime_s();
    EXPECT_EQ(b.pim, c.pim) << yaml;
    EXPECT_EQ(b.rps, c.rps);
    EXPECT_EQ(b.ssm_ranges, c.ssm_ranges);
    EXPECT_EQ(b.spt, c.spt);
    EXPECT_EQ(b.mroute_table, c.mroute_table);
    EXPECT_EQ(b.static_mroutes, c.static_mroutes);
    EXPECT_EQ(b.daemon.status_socket, c.daemon.status_socket);
    EXPECT_EQ(b.daemon.ipc_socket, c.daemon.ipc_socket);
    EXPECT_EQ(b.daemon.pid_file, c.daemon.pid_file);
    EXPECT_EQ(b.daemon.log_level, c.daemon.log_level);
    EXPECT_EQ(b.daemon.debug, c.daemon.debug);
    EXPECT_EQ(b.daemon.metrics_listen, c.daemon.metrics_listen) << yaml;
    EXPECT_EQ(b.anycast_rp, c.anycast_rp) << yaml;
}

}  // namespace
}  // namespace fanout::pimd
