#include "common/sys/config_yaml.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace fanout::sys {
namespace {

struct Iface {
    std::string name;
    Duration hello = 30s;
    uint32_t priority = 1;
};

struct TestConfig {
    DaemonCommonConfig common;
    uint32_t query_interval = 0;
    std::optional<Ipv4Address> rp;
    std::vector<Ipv4Prefix> ssm;
    std::vector<Iface> ifs;
    bool enabled = false;
};

TestConfig parse_test(ConfigObject& root) {
    TestConfig c;
    c.common = parse_daemon_section(root, "pimd");
    c.query_interval = root.required<uint32_t>("query-interval", 1, 3600);
    c.rp = root.maybe<Ipv4Address>("rp-address");
    c.ssm = root.list_of<Ipv4Prefix>("ssm-range");
    c.enabled = root.optional<bool>("enabled", false);
    UniqueEntries<std::string> names("interface");
    for (ConfigNode& n : root.list("interfaces")) {
        ConfigObject o = n.object();
        Iface i;
        auto name_node = o.node("name");
        i.name = name_node.as<std::string>();
        names.add(name_node, i.name, i.name);
        i.hello = o.optional<Duration>("hello-interval", 30s, 1s, 18000s);
        i.priority = o.optional<uint32_t>("dr-priority", 1);
        c.ifs.push_back(i);
    }
    return c;
}

Result<TestConfig, ConfigError> parse(const std::string& text) {
    return parse_config(text, "test.yaml", parse_test);
}

std::string error_of(const std::string& text) {
    auto r = parse(text);
    if (r.ok()) return "(no error)";
    return r.error().to_string();
}

TEST(ConfigYaml, ParsesAValidDocument) {
    auto r = parse(
        "daemon:\n"
        "  status-socket: /tmp/x.sock\n"
        "  log-level: debug\n"
        "  debug: [packet, fsm]\n"
        "query-interval: 125\n"
        "rp-address: 198.18.0.1\n"
        "ssm-range: [232.0.0.0/8]\n"
        "enabled: yes\n"
        "interfaces:\n"
        "  - name: eth0\n"
        "    hello-interval: 2500ms\n"
        "  - name: eth1\n"
        "    hello-interval: 1m\n"
        "    dr-priority: 7\n");
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const TestConfig& c = r.value();
    EXPECT_EQ(c.common.status_socket, "/tmp/x.sock");
    EXPECT_EQ(c.common.pid_file, "/run/fanout/pimd.pid");
    EXPECT_EQ(c.common.ipc_socket, "/run/fanout/pimd-ipc.sock");
    EXPECT_EQ(c.common.log_level, spdlog::level::debug);
    EXPECT_EQ(c.common.debug, (std::vector<LogCategory>{LogCategory::kPacket, LogCategory::kFsm}));
    EXPECT_EQ(c.query_interval, 125u);
    ASSERT_TRUE(c.rp.has_value());
    EXPECT_EQ(c.rp->to_string(), "198.18.0.1");
    ASSERT_EQ(c.ssm.size(), 1u);
    EXPECT_EQ(c.ssm[0].to_string(), "232.0.0.0/8");
    EXPECT_TRUE(c.enabled);
    ASSERT_EQ(c.ifs.size(), 2u);
    EXPECT_EQ(c.ifs[0].hello, 2500ms);
    EXPECT_EQ(c.ifs[1].hello, 60s);
    EXPECT_EQ(c.ifs[1].priority, 7u);
    EXPECT_EQ(c.ifs[0].priority, 1u);
}

TEST(ConfigYaml, DurationForms) {
    auto d = [](const std::string& v) {
        auto r =
            parse_config("d: " + v + "\n", "t", [](ConfigObject& o) { return o.required<Duration>("d"); });
        return r.ok() ? r.value() : Duration(-1);
    };
    EXPECT_EQ(d("30s"), 30s);
    EXPECT_EQ(d("500ms"), 500ms);
    EXPECT_EQ(d("1m"), 60s);
    EXPECT_EQ(d("2h"), 7200s);
    EXPECT_EQ(d("45"), 45s);
    EXPECT_EQ(d("1.5"), 1500ms);
    EXPECT_EQ(d("10x"), Duration(-1));
    EXPECT_EQ(d("-3s"), Duration(-1));
}

TEST(ConfigYaml, UnknownKeyListsAllowedKeys) {
    EXPECT_EQ(error_of("query-interval: 10\n"
                       "interfaces:\n"
                       "  - name: eth0\n"
                       "    helo-interval: 5s\n"),
              "test.yaml:4:5: interfaces[0].helo-interval: unknown key (allowed: name, hello-interval, "
              "dr-priority)");
}

TEST(ConfigYaml, UnknownTopLevelKey) {
    EXPECT_EQ(error_of("query-interval: 10\nbogus: 1\n"),
              "test.yaml:2:1: bogus: unknown key (allowed: daemon, metrics, query-interval, rp-address, "
              "ssm-range, enabled, "
              "interfaces)");
}

TEST(ConfigYaml, WrongTypes) {
    EXPECT_EQ(error_of("query-interval: ten\n"),
              "test.yaml:1:17: query-interval: expected a non-negative integer, got 'ten'");
    EXPECT_EQ(error_of("query-interval: [1, 2]\n"),
              "test.yaml:1:17: query-interval: expected a non-negative integer, got a list");
    EXPECT_EQ(error_of("query-interval: 10\ninterfaces: eth0\n"),
              "test.yaml:2:13: interfaces: expected a list, got 'eth0'");
    EXPECT_EQ(error_of("query-interval: 10\nenabled: maybe\n"),
              "test.yaml:2:10: enabled: expected true or false, got 'maybe'");
    EXPECT_EQ(error_of("query-interval: 10\ninterfaces:\n  - eth0\n"),
              "test.yaml:3:5: interfaces[0]: expected a map, got 'eth0'");
}

TEST(ConfigYaml, BadAddressesAndPrefixes) {
    EXPECT_EQ(error_of("query-interval: 10\nrp-address: 198.18.0.300\n"),
              "test.yaml:2:13: rp-address: expected an IPv4 address, got '198.18.0.300'");
    EXPECT_EQ(
        error_of("query-interval: 10\nssm-range: [232.0.0.0/8, 239.1.2.3/8]\n"),
        "test.yaml:2:26: ssm-range[1]: prefix '239.1.2.3/8' has host bits set (did you mean 239.0.0.0/8?)");
    EXPECT_EQ(error_of("query-interval: 10\nssm-range:\n  - 232.0.0.0/33\n"),
              "test.yaml:3:5: ssm-range[0]: expected an IPv4 prefix like 239.0.0.0/8, got '232.0.0.0/33'");
}

TEST(ConfigYaml, OutOfRangeNumbersAndDurations) {
    EXPECT_EQ(error_of("query-interval: 0\n"),
              "test.yaml:1:17: query-interval: value 0 out of range [1, 3600]");
    EXPECT_EQ(error_of("query-interval: -5\n"),
              "test.yaml:1:17: query-interval: value -5 out of range [0, 4294967295]");
    EXPECT_EQ(error_of("query-interval: 99999999999999999999999\n"),
              "test.yaml:1:17: query-interval: value 99999999999999999999999 out of range [0, 4294967295]");
    EXPECT_EQ(error_of("query-interval: 10\ninterfaces:\n  - name: eth0\n    hello-interval: 500ms\n"),
              "test.yaml:4:21: interfaces[0].hello-interval: value 500ms out of range [1s, 5h]");
}

TEST(ConfigYaml, MissingRequiredKey) {
    EXPECT_EQ(error_of("rp-address: 198.18.0.1\n"), "test.yaml:1:1: query-interval: missing required key");
    EXPECT_EQ(error_of("query-interval: 10\ninterfaces:\n  - hello-interval: 5s\n"),
              "test.yaml:3:5: interfaces[0].name: missing required key");
    // A typo of a required key is pointed out.
    EXPECT_EQ(error_of("query-intervall: 10\n"),
              "test.yaml:1:1: query-interval: missing required key (found unknown key 'query-intervall')");
}

TEST(ConfigYaml, DuplicateKeysAndEntries) {
    EXPECT_EQ(error_of("query-interval: 10\nenabled: true\nquery-interval: 20\n"),
              "test.yaml:3:1: query-interval: duplicate key (first at line 1)");
    EXPECT_EQ(error_of("query-interval: 10\ninterfaces:\n  - name: eth0\n  - name: eth1\n  - name: eth0\n"),
              "test.yaml:5:11: interfaces[2].name: duplicate interface 'eth0' (first at line 3)");
    EXPECT_EQ(error_of("query-interval: 10\ndaemon:\n  debug: [fsm, packet, fsm]\n"),
              "test.yaml:3:24: daemon.debug[2]: duplicate debug category 'fsm' (first at line 3)");
}

TEST(ConfigYaml, SyntaxErrors) {
    std::string e = error_of("query-interval: 10\ninterfaces: [eth0\n");
    EXPECT_EQ(e.rfind("test.yaml:3:1: syntax error: ", 0), 0u) << e;
    e = error_of("a: 1\n  b: 2\n");
    EXPECT_EQ(e.rfind("test.yaml:2:4: syntax error: ", 0), 0u) << e;
}

TEST(ConfigYaml, DaemonSectionErrors) {
    EXPECT_EQ(
        error_of("query-interval: 10\ndaemon:\n  log-level: loud\n"),
        "test.yaml:3:14: daemon.log-level: unknown log level 'loud' (known: trace, debug, info, warning, "
        "error, critical, off)");
    EXPECT_EQ(
        error_of("query-interval: 10\ndaemon:\n  debug: [fsm, nope]\n"),
        "test.yaml:3:16: daemon.debug[1]: unknown debug category 'nope' (known: packet, fsm, kernel, config, "
        "ipc, events, register, assert, join-prune, msdp, igmp)");
    EXPECT_EQ(error_of("query-interval: 10\ndaemon:\n  pid-file: relative.pid\n"),
              "test.yaml:3:13: daemon.pid-file: expected an absolute path, got 'relative.pid'");
    EXPECT_EQ(error_of("query-interval: 10\ndaemon:\n  pidfile: /x\n"),
              "test.yaml:3:3: daemon.pidfile: unknown key (allowed: status-socket, ipc-socket, pid-file, "
              "log-level, "
              "debug)");
}

TEST(ConfigYaml, EmptyDocumentIsAnEmptyMap) {
    auto r = parse_config("", "e.yaml", [](ConfigObject& o) { return o.optional<uint32_t>("x", 7); });
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value(), 7u);
    EXPECT_EQ(error_of("# just a comment\n"), "test.yaml:1:1: query-interval: missing required key");
}

TEST(ConfigYaml, FreeFormMapEntries) {
    auto r = parse_config("interfaces:\n  eth0: {priority: 3}\n  eth1: {priority: 4}\n", "m.yaml",
                          [](ConfigObject& o) {
                              std::vector<std::pair<std::string, uint32_t>> out;
                              for (auto& [name, node] : o.node("interfaces").entries()) {
                                  ConfigObject i = node.object();
                                  out.emplace_back(name, i.required<uint32_t>("priority"));
                              }
                              return out;
                          });
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r.value().size(), 2u);
    EXPECT_EQ(r.value()[1], (std::pair<std::string, uint32_t>{"eth1", 4}));
    auto bad = parse_config("interfaces:\n  eth0: {priority: 3, mtu: 1}\n", "m.yaml", [](ConfigObject& o) {
        for (auto& [name, node] : o.node("interfaces").entries())
            node.object().required<uint32_t>("priority");
        return 0;
    });
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().to_string(), "m.yaml:2:23: interfaces.eth0.mtu: unknown key (allowed: priority)");
}

TEST(ConfigYaml, SameMapViewedTwiceSharesKnownKeys) {
    auto r = parse_config("a: {x: 1, y: 2}\n", "t.yaml", [](ConfigObject& o) {
        uint32_t x = o.object("a").required<uint32_t>("x");
        uint32_t y = o.object("a").required<uint32_t>("y");
        return x + y;
    });
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r.value(), 3u);
}

TEST(ConfigYaml, LoadFileReadsAndReportsMissingFile) {
    char tmpl[] = "/tmp/fanout-config-XXXXXX";
    int fd = ::mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    ::close(fd);
    std::ofstream(tmpl) << "query-interval: 77\n";
    auto r = load_file(tmpl, parse_test);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r.value().query_interval, 77u);
    std::ofstream(tmpl) << "query-interval: 77\nquery-interval: 78\n";
    auto dup = load_file(tmpl, parse_test);
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().to_string(),
              std::string(tmpl) + ":2:1: query-interval: duplicate key (first at line 1)");
    ::unlink(tmpl);
    auto missing = load_file(tmpl, parse_test);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().to_string(), std::string(tmpl) + ": cannot read: No such file or directory");
}

}  // namespace
}  // namespace fanout::sys
