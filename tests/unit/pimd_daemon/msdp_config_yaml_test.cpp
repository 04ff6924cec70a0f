// The msdp: and anycast-rp: sections of pimd.yaml (pimd/msdp_config_yaml.hpp): every key, defaults, the
// originator defaulting to the anycast address, and refusals with file:line:col.
#include <gtest/gtest.h>

#include "pimd/pimd_config.hpp"

namespace fanout::pimd {
namespace {

using namespace std::chrono_literals;

Ipv4Address A(const char* s) {
    return *Ipv4Address::parse(s);
}

const char* kFull = R"(msdp:
  local-address: 192.0.2.1
  originator-id: 10.9.9.9
  max-sa-cache: 5000
  encapsulate-data: false
  keepalive: 20s
  hold-time: 30s
  connect-retry: 5s
  sa-advertisement: 10s
  sa-state: 100s
  peers:
    - address: 192.0.2.2
      mesh-group: anycast
      password: s3cret
      description: rp2 in pop 7
      sa-limit: 100
      sa-filter-in:
        - {action: deny, source: 192.0.2.0/24}
        - {action: permit, group: 239.0.0.0/8}
      sa-filter-out: []
    - address: 198.51.100.7
      local-address: 192.0.2.9
anycast-rp:
  address: 10.0.0.0
  members: [192.0.2.1, 192.0.2.2]
)";

TEST(MsdpConfigYaml, EveryKeyIsRead) {
    auto r = parse_pimd_config(kFull, "t.yaml");
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const auto& c = r.value();
    ASSERT_TRUE(c.msdp);
    const auto& m = *c.msdp;
    EXPECT_EQ(m.local_address, A("192.0.2.1"));
    EXPECT_EQ(m.originator_address, A("10.9.9.9"));
    EXPECT_EQ(m.max_sa_cache, 5000u);
    EXPECT_FALSE(m.encapsulate_data);
    EXPECT_EQ(m.timers.keepalive, 20s);
    EXPECT_EQ(m.timers.hold, 30s);
    EXPECT_EQ(m.timers.connect_retry, 5s);
    EXPECT_EQ(m.timers.sa_advertisement, 10s);
    EXPECT_EQ(m.timers.sa_state, 100s);
    ASSERT_EQ(m.peers.size(), 2u);
    const auto& p = m.peers[0];
    EXPECT_EQ(p.address, A("192.0.2.2"));
    EXPECT_EQ(p.mesh_group, std::optional<std::string>("anycast"));
    EXPECT_EQ(p.md5_password, "s3cret");
    EXPECT_EQ(p.description, "rp2 in pop 7");
    EXPECT_EQ(p.sa_limit, 100u);
    ASSERT_EQ(p.sa_filter_in.rules.size(), 2u);
    EXPECT_FALSE(p.sa_filter_in.permits(SGKey{A("192.0.2.55"), A("239.1.1.1")}));
    EXPECT_TRUE(p.sa_filter_in.permits(SGKey{A("198.18.0.1"), A("239.1.1.1")}));
    EXPECT_FALSE(p.sa_filter_in.permits(SGKey{A("198.18.0.1"), A("238.1.1.1")}));
    EXPECT_TRUE(p.sa_filter_out.rules.empty());
    EXPECT_FALSE(m.peers[1].mesh_group);
    EXPECT_EQ(m.peers[1].local_address, std::optional<Ipv4Address>(A("192.0.2.9")));
    EXPECT_EQ(msdp::listen_address(m), Ipv4Address());  // one peer uses another local address
    ASSERT_TRUE(c.anycast_rp);
    EXPECT_EQ(c.anycast_rp->address, A("10.0.0.0"));
    EXPECT_EQ(c.anycast_rp->members, (std::vector<Ipv4Address>{A("192.0.2.1"), A("192.0.2.2")}));
}

TEST(MsdpConfigYaml, DefaultsAndOriginatorFromTheAnycastAddress) {
    auto r = parse_pimd_config(R"(msdp:
  local-address: 192.0.2.1
  peers: [{address: 192.0.2.2}]
anycast-rp: {address: 10.0.0.0, members: [192.0.2.1, 192.0.2.2]}
)",
                               "t.yaml");
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    const auto& m = *r.value().msdp;
    EXPECT_EQ(m.originator_address, A("10.0.0.0"));
    EXPECT_EQ(m.timers, msdp::MsdpTimers{});
    EXPECT_EQ(m.max_sa_cache, 100000u);
    EXPECT_FALSE(m.encapsulate_data);  // off by default
    EXPECT_EQ(msdp::listen_address(m), A("192.0.2.1"));

    auto none = parse_pimd_config("interfaces: []\n", "t.yaml");
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none.value().msdp);
    EXPECT_FALSE(none.value().anycast_rp);
    auto no_anycast = parse_pimd_config("msdp: {local-address: 192.0.2.1}\n", "t.yaml");
    ASSERT_TRUE(no_anycast.ok());
    EXPECT_TRUE(no_anycast.value().msdp->originator_address.is_unspecified());
}

// A map-level error is reported at the map's first key.
struct Bad {
    const char* text;
    int line;
    const char* reason;
};

TEST(MsdpConfigYaml, ErrorsNameFileLineColumnAndReason) {
    const Bad cases[] = {
        {"msdp:\n  peers: []\n", 2, "local-address"},
        {"msdp:\n  local-address: 224.1.1.1\n", 2, "not a unicast"},
        {"msdp:\n  local-address: 192.0.2.1\n  peers:\n    - {address: 192.0.2.2}\n    - {address: "
         "192.0.2.2}\n",
         5, "duplicate msdp peer"},
        {"msdp:\n  local-address: 192.0.2.1\n  peers:\n    - {address: 192.0.2.1}\n", 4, "own local address"},
        {"msdp:\n  local-address: 192.0.2.1\n  sa-state: 30s\n", 3, "sa-state"},
        {"msdp:\n  local-address: 192.0.2.1\n  keepalive: 80s\n", 2, "keepalive"},
        {"msdp:\n  local-address: 192.0.2.1\n  peers:\n    - {address: 192.0.2.2, mesh-group: ''}\n", 4,
         "mesh-group"},
        {"msdp:\n  local-address: 192.0.2.1\n  peers:\n    - address: 192.0.2.2\n      sa-filter-in:\n"
         "        - {action: maybe}\n",
         6, "permit or deny"},
        {"msdp:\n  local-address: 192.0.2.1\n  peers:\n    - {address: 192.0.2.2, colour: red}\n", 4,
         "colour"},
        {"anycast-rp:\n  address: 10.0.0.0\n  members: [10.0.0.0, 192.0.2.1]\n", 3, "anycast address"},
        {"anycast-rp:\n  address: 10.0.0.0\n  members: [192.0.2.1]\n", 2, "at least two"},
        {"anycast-rp:\n  address: 10.0.0.0\n  members: [192.0.2.1, 192.0.2.1]\n", 3, "duplicate"},
    };
    for (const Bad& b : cases) {
        auto r = parse_pimd_config(b.text, "bad.yaml");
        ASSERT_FALSE(r.ok()) << b.text;
        const std::string e = r.error().to_string();
        EXPECT_EQ(r.error().line, b.line) << e;
        EXPECT_GT(r.error().column, 0) << e;
        EXPECT_EQ(e.rfind("bad.yaml:", 0), 0u) << e;
        EXPECT_NE(e.find(b.reason), std::string::npos) << "expected '" << b.reason << "' in: " << e;
    }
}

}  // namespace
}  // namespace fanout::pimd
