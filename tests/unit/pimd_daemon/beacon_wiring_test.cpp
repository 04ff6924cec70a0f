// Register-beacon daemon pieces: the `beacons:` YAML section (pimd/beacon_config_yaml.hpp) with the RP
// default on the config-file and reload paths, and the adapter (pimd/beacon_wiring.hpp): netlink feed,
// Register-Stop tap, `show ip pim beacon`.
#include <gtest/gtest.h>

#include "common/core/manual_timer.hpp"
#include "common/packet/ipv4.hpp"
#include "common/packet/pim_register.hpp"
#include "pimd/beacon_config_yaml.hpp"
#include "pimd/beacon_wiring.hpp"

namespace fanout::pimd {
namespace {

using namespace std::chrono_literals;

Result<std::vector<pim::BeaconSpec>, sys::ConfigError> parse(const std::string& text) {
    return sys::parse_config(text, "pimd.yaml",
                             [](sys::ConfigObject& root) { return parse_beacons_section(root); });
}

TEST(BeaconYaml, FullEntry) {
    auto r = parse(R"(
beacons:
  - interface: tun500
    rp: 192.0.2.1
    interval: 60s
    first-send-spread: 250ms
    heartbeat: {source-port: 4000, dest-port: 4001, payload: 0xDEADbeef}
    published:
      - {source: 148.51.120.0, group: 233.84.178.0}
      - {source: 148.51.120.0, group: 233.84.178.1}
)");
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    ASSERT_EQ(r->size(), 1u);
    const auto& s = r->front();
    EXPECT_EQ(s.interface, "tun500");
    EXPECT_EQ(s.rp, (Ipv4Address{192, 0, 2, 1}));
    EXPECT_EQ(s.interval, Duration(60s));
    EXPECT_EQ(s.first_send_spread, Duration(250ms));
    ASSERT_TRUE(s.heartbeat.has_value());
    EXPECT_EQ(s.heartbeat->source_port, 4000);
    EXPECT_EQ(s.heartbeat->dest_port, 4001);
    EXPECT_EQ(s.heartbeat->payload, (std::vector<uint8_t>{0xde, 0xad, 0xbe, 0xef}));
    EXPECT_EQ(s.published.size(), 2u);
}

TEST(BeaconYaml, RpDefaultsWhenAbsent) {
    auto r =
        parse("beacons:\n  - interface: tun500\n    published: [{source: 10.1.1.1, group: 239.1.1.1}]\n");
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_FALSE(r->front().rp.has_value());
    auto cfg = pim::make_beacon_config(r->front());
    ASSERT_TRUE(cfg.ok());
    EXPECT_EQ(cfg->rp, pim::kDefaultBeaconRp);
    EXPECT_EQ(cfg->interval, pim::kDefaultBeaconInterval);
    EXPECT_EQ(cfg->heartbeat, pim::BeaconHeartbeat{});
}

TEST(BeaconYaml, NoSectionNoBeacons) {
    auto r = parse("daemon: {}\n");
    // "daemon" is not read by this parse function: the unknown-key check reports it; an empty doc is fine.
    EXPECT_FALSE(r.ok());
    auto empty = parse("");
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->empty());
}

TEST(BeaconYaml, ErrorsArePositioned) {
    auto bad_group =
        parse("beacons:\n  - interface: tun500\n    published: [{source: 10.1.1.1, group: 10.2.2.2}]\n");
    ASSERT_FALSE(bad_group.ok());
    EXPECT_NE(bad_group.error().to_string().find("not multicast"), std::string::npos);
    EXPECT_EQ(bad_group.error().line, 2);
    auto dup = parse("beacons:\n  - interface: tun500\n  - interface: tun500\n");
    ASSERT_FALSE(dup.ok());
    EXPECT_NE(dup.error().to_string().find("duplicate"), std::string::npos);
    auto dup_sg = parse(
        "beacons:\n  - interface: t\n    published: [{source: 10.1.1.1, group: 239.1.1.1}, {source: "
        "10.1.1.1, "
        "group: 239.1.1.1}]\n");
    EXPECT_FALSE(dup_sg.ok());
    EXPECT_FALSE(parse("beacons:\n  - interface: t\n    heartbeat: {payload: abc}\n").ok());
    EXPECT_FALSE(parse("beacons:\n  - interface: t\n    heartbeat: {payload: zz}\n").ok());
    EXPECT_FALSE(parse("beacons:\n  - interface: t\n    interval: 0s\n").ok());
    EXPECT_FALSE(parse("beacons:\n  - interface: t\n    bogus: 1\n").ok());
    EXPECT_FALSE(parse("beacons:\n  - rp: 10.0.0.1\n").ok());
}

class RecordingActions final : public pim::BeaconActions {
  public:
    std::optional<pim::BeaconSendError> send_beacon(const pim::BeaconSend& s) override {
        sent.push_back(s.rp);
        ifindexes.push_back(s.ifindex);
        return std::nullopt;
    }
    std::vector<Ipv4Address> sent;
    std::vector<int> ifindexes;
};

InterfaceInfo tunnel(bool up, int ifindex = 9) {
    InterfaceInfo i;
    i.ifindex = ifindex;
    i.name = "tun500";
    i.admin_up = up;
    i.oper_up = up;
    i.point_to_point = true;
    InterfaceAddress a;
    a.addr = Ipv4Address{169, 254, 0, 1};
    a.prefix_len = 31;
    i.addrs.push_back(a);
    return i;
}

struct Service {
    ManualTimerService timers;
    SeededRandom rng{1};
    RecordingActions actions;
    BeaconService svc{timers, rng, actions};
};

TEST(BeaconWiring, ConfigFileAndReloadPathsDefaultTheRp) {
    Service s;
    s.svc.on_interface_change({InterfaceChangeKind::kLinkAdded, 9, std::nullopt, tunnel(true), {}});
    auto first = parse(
        "beacons:\n  - interface: tun500\n    rp: 192.0.2.7\n    published: [{source: 10.1.1.1, "
        "group: 239.1.1.1}]\n");
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(s.svc.apply_config(*first).ok());
    auto reload =
        parse("beacons:\n  - interface: tun500\n    published: [{source: 10.1.1.1, group: 239.1.1.1}]\n");
    ASSERT_TRUE(reload.ok());
    ASSERT_TRUE(s.svc.apply_config(*reload).ok());
    s.timers.advance(10s);
    ASSERT_EQ(s.actions.sent.size(), 2u);
    EXPECT_EQ(s.actions.sent[0], (Ipv4Address{192, 0, 2, 7}));
    EXPECT_EQ(s.actions.sent[1], pim::kDefaultBeaconRp);
    EXPECT_EQ(s.actions.ifindexes[1], 9);
}

TEST(BeaconWiring, NetlinkFeedPausesAndResumes) {
    Service s;
    pim::BeaconSpec spec;
    spec.interface = "tun500";
    spec.published = {SGKey{Ipv4Address{10, 1, 1, 1}, Ipv4Address{239, 1, 1, 1}}};
    ASSERT_TRUE(s.svc.scheduler().add_beacon(spec).ok());
    EXPECT_TRUE(s.actions.sent.empty());
    s.svc.on_interface_change({InterfaceChangeKind::kLinkAdded, 9, std::nullopt, tunnel(true), {}});
    EXPECT_EQ(s.actions.sent.size(), 1u);
    s.svc.on_interface_change({InterfaceChangeKind::kLinkChanged, 9, tunnel(true), tunnel(false), {}});
    s.timers.advance(30s);
    EXPECT_EQ(s.actions.sent.size(), 1u);
    s.svc.on_interface_change({InterfaceChangeKind::kLinkChanged, 9, tunnel(false), tunnel(true), {}});
    EXPECT_EQ(s.actions.sent.size(), 2u);
    s.svc.on_interface_change({InterfaceChangeKind::kLinkRemoved, 9, tunnel(true), std::nullopt, {}});
    s.timers.advance(30s);
    EXPECT_EQ(s.actions.sent.size(), 2u);
}

std::vector<uint8_t> register_stop_packet(Ipv4Address from, SGKey sg) {
    packet::RegisterStop rs;
    rs.group.group = sg.group;
    rs.source = sg.source;
    packet::Ipv4Header h;
    h.protocol = packet::kIpProtoPim;
    h.src = from;
    h.dst = Ipv4Address{169, 254, 0, 1};
    return packet::encode_ipv4_packet(h, packet::encode_register_stop(rs));
}

TEST(BeaconWiring, RegisterStopTapCountsAndShowReportsIt) {
    Service s;
    s.svc.on_interface_change({InterfaceChangeKind::kLinkAdded, 9, std::nullopt, tunnel(true), {}});
    const SGKey sg{Ipv4Address{10, 1, 1, 1}, Ipv4Address{239, 1, 1, 1}};
    pim::BeaconSpec spec;
    spec.interface = "tun500";
    spec.published = {sg};
    ASSERT_TRUE(s.svc.scheduler().add_beacon(spec).ok());
    sys::RxPacket pkt{9, Ipv4Address{10, 0, 0, 0}, Ipv4Address{169, 254, 0, 1},
                      register_stop_packet(Ipv4Address{10, 0, 0, 0}, sg)};
    EXPECT_TRUE(s.svc.on_rx(pkt));
    pkt.ifindex = 3;
    EXPECT_FALSE(s.svc.on_rx(pkt));  // another interface: not the beacon's
    EXPECT_EQ(s.svc.register_stops_seen(), 2u);
    sys::RxPacket hello{9, Ipv4Address{10, 0, 0, 0}, Ipv4Address{224, 0, 0, 13}, {0x45, 0x00}};
    EXPECT_FALSE(s.svc.on_rx(hello));

    auto out = show_beacon(&s.svc, {});
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(out->json["beacons"][0]["register_stops"], 1);
    EXPECT_EQ(out->json["beacons"][0]["packets_sent"], 1);
    EXPECT_NE(out->text.find("tun500"), std::string::npos);
    EXPECT_TRUE(show_beacon(&s.svc, {"tun9"})->json["beacons"].empty());
    EXPECT_FALSE(show_beacon(nullptr, {}).ok());
    EXPECT_EQ(beacon_command_spec().path, (std::vector<std::string>{"show", "ip", "pim", "beacon"}));
}

}  // namespace
}  // namespace fanout::pimd
