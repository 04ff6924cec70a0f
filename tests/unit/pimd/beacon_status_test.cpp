// `show ip pim beacon` snapshot, JSON keys and text (pimd/core/beacon/beacon_status.hpp).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pimd/core/beacon/beacon_status.hpp"
#include "tests/unit/pimd/beacon_test_support.hpp"

namespace fanout::pim {
namespace {

using test::BeaconFixture;
using namespace std::chrono_literals;

TEST(BeaconStatus, SnapshotAndJson) {
    BeaconFixture f;
    f.up();
    BeaconSpec s;
    s.interface = "tun500";
    s.published = {BeaconFixture::sg(1, 1)};
    ASSERT_TRUE(f.sched.add_beacon(s).ok());
    f.timers.advance(2s);
    f.actions.fail_with = 101;
    f.timers.advance(8s);
    EXPECT_TRUE(f.sched.register_stop_received(7, Ipv4Address{10, 0, 0, 0}, BeaconFixture::sg(1, 1)));
    f.timers.advance(1500ms);

    nlohmann::json j = beacon_status(f.sched);
    ASSERT_EQ(j["beacons"].size(), 1u);
    const auto& b = j["beacons"][0];
    EXPECT_EQ(b["interface"], "tun500");
    EXPECT_EQ(b["ifindex"], 7);
    EXPECT_EQ(b["state"], "running");
    EXPECT_EQ(b["rp"], "10.0.0.0");
    EXPECT_EQ(b["local_address"], "169.254.0.1");
    EXPECT_EQ(b["interval_ms"], 10000);
    EXPECT_EQ(b["udp_source_port"], 5765);
    EXPECT_EQ(b["udp_dest_port"], 5765);
    EXPECT_EQ(b["payload"], "445a0001");
    EXPECT_EQ(b["packets_sent"], 1);
    EXPECT_EQ(b["last_send_ms_ago"], 11500);
    EXPECT_EQ(b["register_stops"], 1);
    EXPECT_EQ(b["last_register_stop_from"], "10.0.0.0");
    EXPECT_EQ(b["send_errors"], 1);
    ASSERT_EQ(b["errors"].size(), 1u);
    EXPECT_EQ(b["errors"][0]["errno"], 101);
    EXPECT_EQ(b["errors"][0]["count"], 1);
    ASSERT_EQ(b["groups"].size(), 1u);
    EXPECT_EQ(b["groups"][0]["source"], "198.18.0.1");
    EXPECT_EQ(b["groups"][0]["group"], "239.1.1.1");
    EXPECT_EQ(b["groups"][0]["next_send_in_ms"], 8500);
    EXPECT_EQ(b["groups"][0]["register_stops"], 1);

    const std::string text = to_text(beacon_status(f.sched));
    EXPECT_NE(text.find("tun500"), std::string::npos);
    EXPECT_NE(text.find("Reg-Stops"), std::string::npos);
    EXPECT_NE(text.find("errno 101"), std::string::npos);
    EXPECT_NE(text.find("239.1.1.1"), std::string::npos);
}

TEST(BeaconStatus, StatesAndFilter) {
    BeaconFixture f;
    BeaconSpec a;
    a.interface = "tun500";
    BeaconSpec b = a;
    b.interface = "tun501";
    b.published = {BeaconFixture::sg(1, 1)};
    ASSERT_TRUE(f.sched.apply_config({a, b}).ok());
    f.up("tun500");
    auto v = beacon_status(f.sched);
    ASSERT_EQ(v.beacons.size(), 2u);
    EXPECT_EQ(v.beacons[0].state, "idle");
    EXPECT_EQ(v.beacons[1].state, "interface-down");
    EXPECT_FALSE(v.beacons[1].ifindex.has_value());
    EXPECT_EQ(beacon_status(f.sched, std::string("tun501")).beacons.size(), 1u);
    EXPECT_TRUE(beacon_status(f.sched, std::string("eth0")).beacons.empty());
    EXPECT_EQ(to_text(BeaconStatusView{}), "No register beacons configured\n");
}

}  // namespace
}  // namespace fanout::pim
