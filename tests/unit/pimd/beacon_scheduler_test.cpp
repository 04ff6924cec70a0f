// Register-beacon scheduler (pimd/core/beacon/beacon_scheduler.hpp): defaults on every path, periodic sends,
// run-time add/remove, reload diff, Register-Stops ignored and counted, pause/resume, first-send spread.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "pimd/core/beacon/beacon_packet.hpp"
#include "tests/unit/pimd/beacon_test_support.hpp"

namespace fanout::pim {
namespace {

using test::BeaconFixture;
using namespace std::chrono_literals;

const Ipv4Address kRp{10, 0, 0, 0};

BeaconSpec spec(std::vector<SGKey> sgs, std::optional<Ipv4Address> rp = std::nullopt) {
    BeaconSpec s;
    s.interface = "tun500";
    s.rp = rp;
    s.published = std::move(sgs);
    return s;
}

// ---- defaults: one place, every path ----

TEST(BeaconConfig, DefaultsWhenNothingGiven) {
    auto c = make_beacon_config(spec({BeaconFixture::sg(1, 1)}));
    ASSERT_TRUE(c.ok()) << c.error();
    EXPECT_EQ(c->rp, kRp);
    EXPECT_EQ(c->interval, 10s);
    EXPECT_EQ(c->heartbeat.source_port, 5765);
    EXPECT_EQ(c->heartbeat.dest_port, 5765);
    EXPECT_EQ(c->heartbeat.payload, (std::vector<uint8_t>{0x44, 0x5a, 0x00, 0x01}));
    EXPECT_EQ(c->first_send_spread, 1s);
}

TEST(BeaconConfig, ZeroRpMeansDefault) {
    auto c = make_beacon_config(spec({}, Ipv4Address::any()));
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->rp, kRp);
    auto given = make_beacon_config(spec({}, Ipv4Address{192, 0, 2, 1}));
    ASSERT_TRUE(given.ok());
    EXPECT_EQ(given->rp, (Ipv4Address{192, 0, 2, 1}));
}

TEST(BeaconConfig, Rejections) {
    EXPECT_FALSE(make_beacon_config(BeaconSpec{}).ok());  // no interface
    EXPECT_FALSE(make_beacon_config(spec({}, Ipv4Address{239, 0, 0, 1})).ok());
    auto bad_group = make_beacon_config(spec({SGKey{Ipv4Address{198, 18, 0, 1}, Ipv4Address{10, 1, 1, 1}}}));
    ASSERT_FALSE(bad_group.ok());
    EXPECT_NE(bad_group.error().find("not multicast"), std::string::npos);
    EXPECT_FALSE(
        make_beacon_config(spec({SGKey{Ipv4Address{198, 18, 0, 1}, Ipv4Address{224, 0, 0, 5}}})).ok());
    EXPECT_FALSE(make_beacon_config(spec({SGKey{Ipv4Address{}, Ipv4Address{239, 1, 1, 1}}})).ok());
    BeaconSpec s = spec({});
    s.interval = 10ms;
    EXPECT_FALSE(make_beacon_config(s).ok());
    s.interval = 2h;
    EXPECT_FALSE(make_beacon_config(s).ok());
    s.interval = std::nullopt;
    s.heartbeat = BeaconHeartbeat{};
    s.heartbeat->payload.assign(kMaxHeartbeatPayload + 1, 0);
    EXPECT_FALSE(make_beacon_config(s).ok());
}

TEST(BeaconScheduler, RpDefaultsOnRuntimeAdd) {
    BeaconFixture f;
    f.up();
    ASSERT_TRUE(f.sched.add_beacon(spec({BeaconFixture::sg(1, 1)})).ok());
    EXPECT_EQ(f.sched.find("tun500")->config.rp, kRp);
    ASSERT_EQ(f.actions.sent.size(), 1u);
    EXPECT_EQ(f.actions.sent[0].rp, kRp);
}

TEST(BeaconScheduler, RpDefaultsOnConfigAndReload) {
    BeaconFixture f;
    f.up();
    ASSERT_TRUE(f.sched.apply_config({spec({BeaconFixture::sg(1, 1)}, Ipv4Address{192, 0, 2, 9})}).ok());
    EXPECT_EQ(f.sched.find("tun500")->config.rp, (Ipv4Address{192, 0, 2, 9}));
    // Reload drops the rp key: back to the default, and the next packet goes there.
    ASSERT_TRUE(f.sched.apply_config({spec({BeaconFixture::sg(1, 1)})}).ok());
    EXPECT_EQ(f.sched.find("tun500")->config.rp, kRp);
    f.actions.sent.clear();
    f.timers.advance(10s);
    ASSERT_EQ(f.actions.sent.size(), 1u);
    EXPECT_EQ(f.actions.sent[0].rp, kRp);
}

// ---- sending ----

TEST(BeaconScheduler, SendsImmediatelyThenEveryInterval) {
    BeaconFixture f;
    f.up();
    ASSERT_TRUE(f.sched.add_beacon(spec({BeaconFixture::sg(1, 1)})).ok());
    ASSERT_EQ(f.actions.sent.size(), 1u);
    const auto& s = f.actions.sent[0];
    EXPECT_EQ(s.at, f.start);
    EXPECT_EQ(s.interface, "tun500");
    EXPECT_EQ(s.ifindex, 7);
    EXPECT_EQ(s.source, (Ipv4Address{169, 254, 0, 1}));
    EXPECT_EQ(s.pim, build_beacon_register(BeaconFixture::sg(1, 1), BeaconHeartbeat{}));
    f.timers.advance(35s);
    ASSERT_EQ(f.actions.sent.size(), 4u);
    EXPECT_EQ(f.actions.sent[1].at, f.start + 10s);
    EXPECT_EQ(f.actions.sent[3].at, f.start + 30s);
    EXPECT_EQ(f.sched.find("tun500")->packets_sent, 4u);
}

TEST(BeaconScheduler, NoLinkNoSend) {
    BeaconFixture f;
    ASSERT_TRUE(f.sched.add_beacon(spec({BeaconFixture::sg(1, 1)})).ok());
    f.timers.advance(60s);
    EXPECT_TRUE(f.actions.sent.empty());
    EXPECT_EQ(f.timers.pending_count(), 0u);
    // An up link without an address cannot source the packet: still paused.
    f.up("tun500", 7, Ipv4Address::any());
    f.timers.advance(60s);
    EXPECT_TRUE(f.actions.sent.empty());
    f.up();
    EXPECT_EQ(f.actions.sent.size(), 1u);
}

TEST(BeaconScheduler, SendErrorsCountedByErrno) {
    BeaconFixture f;
    f.up();
    f.actions.fail_with = 101;
    ASSERT_TRUE(f.sched.add_beacon(spec({BeaconFixture::sg(1, 1)})).ok());
    f.timers.advance(10s);
    f.actions.fail_with = 1;
    f.timers.advance(10s);
    const BeaconState* b = f.sched.find("tun500");
    EXPECT_EQ(b->send_errors, 3u);
    EXPECT_EQ(b->packets_sent, 0u);
    EXPECT_EQ(b->errors.at(101).count, 2u);
    EXPECT_EQ(b->errors.at(1).count, 1u);
    // Failures do not stop the beacon.
    f.actions.fail_with = std::nullopt;
    f.timers.advance(10s);
    EXPECT_EQ(f.sched.find("tun500")->packets_sent, 1u);
}

// ---- run-time changes ----

TEST(BeaconScheduler, AddAndRemoveGroupsAtRunTime) {
    BeaconFixture f;
    f.up();
    ASSERT_TRUE(f.sched.add_beacon(spec({BeaconFixture::sg(1, 1)})).ok());
    auto added = f.sched.add_groups("tun500", {BeaconFixture::sg(1, 2), BeaconFixture::sg(1, 1)});
    ASSERT_TRUE(added.ok());
    EXPECT_EQ(added.value(), 1u);                        // (1,1) was there already
    EXPECT_EQ(f.sent_for(BeaconFixture::sg(1, 2)), 1u);  // sent at once
    f.timers.advance(10s);
    EXPECT_EQ(f.sent_for(BeaconFixture::sg(1, 2)), 2u);
    EXPECT_EQ(f.timers.pending_count(), 2u);
    ASSERT_EQ(f.sched.remove_groups("tun500", {BeaconFixture::sg(1, 1)}).value_or(0), 1u);
    EXPECT_EQ(f.timers.pending_count(), 1u);
    // Removing the last group stops the timer; the beacon stays.
    ASSERT_EQ(f.sched.remove_groups("tun500", {BeaconFixture::sg(1, 2)}).value_or(0), 1u);
    EXPECT_EQ(f.timers.pending_count(), 0u);
    ASSERT_NE(f.sched.find("tun500"), nullptr);
    const size_t before = f.actions.sent.size();
    f.timers.advance(60s);
    EXPECT_EQ(f.actions.sent.size(), before);
    EXPECT_FALSE(f.sched.add_groups("tun9", {BeaconFixture::sg(1, 1)}).ok());
    EXPECT_FALSE(
        f.sched.add_groups("tun500", {SGKey{Ipv4Address{198, 18, 0, 1}, Ipv4Address{1, 1, 1, 1}}}).ok());
}

TEST(BeaconScheduler, ReloadDiffKeepsUntouchedGroups) {
    BeaconFixture f;
    f.up();
    ASSERT_TRUE(f.sched.apply_config({spec({BeaconFixture::sg(1, 1), BeaconFixture::sg(1, 2)})}).ok());
    f.timers.advance(10s);
    const uint64_t sent11 = f.sched.find("tun500")->groups.at(BeaconFixture::sg(1, 1)).packets_sent;
    auto d = f.sched.apply_config({spec({BeaconFixture::sg(1, 1), BeaconFixture::sg(1, 3)})});
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->groups_added, 1u);
    EXPECT_EQ(d->groups_removed, 1u);
    EXPECT_EQ(d->beacons_changed, 0u);
    const BeaconState* b = f.sched.find("tun500");
    EXPECT_EQ(b->groups.at(BeaconFixture::sg(1, 1)).packets_sent, sent11);
    EXPECT_EQ(b->groups.count(BeaconFixture::sg(1, 2)), 0u);
    EXPECT_EQ(b->config.published.size(), 2u);
    // A failing reload changes nothing.
    BeaconSpec bad = spec({BeaconFixture::sg(1, 1)});
    bad.interval = 1ms;
    EXPECT_FALSE(f.sched.apply_config({bad}).ok());
    EXPECT_EQ(f.sched.find("tun500")->config.published.size(), 2u);
    // Removing the beacon from the config removes it and its timers.
    auto gone = f.sched.apply_config({});
    ASSERT_TRUE(gone.ok());
    EXPECT_EQ(gone->beacons_removed, 1u);
    EXPECT_EQ(f.timers.pending_count(), 0u);
}

TEST(BeaconScheduler, ReloadShorterIntervalTakesEffectNow) {
    BeaconFixture f;
    f.up();
    BeaconSpec s = spec({BeaconFixture::sg(1, 1)});
    s.interval = 60s;
    ASSERT_TRUE(f.sched.apply_config({s}).ok());
    f.timers.advance(5s);
    s.interval = 10s;
    auto d = f.sched.apply_config({s});
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->beacons_changed, 1u);
    f.timers.advance(5s);  // 10 s after the first send
    EXPECT_EQ(f.actions.sent.size(), 2u);
    EXPECT_EQ(f.actions.sent[1].at, f.start + 10s);
}

TEST(BeaconScheduler, HeartbeatChangeRebuildsPackets) {
    BeaconFixture f;
    f.up();
    BeaconSpec s = spec({BeaconFixture::sg(1, 1)});
    ASSERT_TRUE(f.sched.apply_config({s}).ok());
    s.heartbeat = BeaconHeartbeat{};
    s.heartbeat->payload = {9, 9};
    ASSERT_TRUE(f.sched.apply_config({s}).ok());
    f.timers.advance(10s);
    ASSERT_EQ(f.actions.sent.size(), 2u);
    EXPECT_EQ(f.actions.sent[1].pim, build_beacon_register(BeaconFixture::sg(1, 1), *s.heartbeat));
}

// ---- Register-Stop: counted, not acted on ----

TEST(BeaconScheduler, RegisterStopIgnoredAndCounted) {
    BeaconFixture f;
    f.up();
    ASSERT_TRUE(f.sched.add_beacon(spec({BeaconFixture::sg(1, 1), BeaconFixture::sg(1, 2)})).ok());
    EXPECT_TRUE(f.sched.register_stop_received(7, kRp, BeaconFixture::sg(1, 1)));
    EXPECT_TRUE(f.sched.register_stop_received(7, kRp, BeaconFixture::sg(1, 1)));
    // Wrong interface, or an (S,G) not beaconed: not ours.
    EXPECT_FALSE(f.sched.register_stop_received(8, kRp, BeaconFixture::sg(1, 1)));
    EXPECT_FALSE(f.sched.register_stop_received(7, kRp, BeaconFixture::sg(2, 1)));
    const BeaconState* b = f.sched.find("tun500");
    EXPECT_EQ(b->register_stops, 2u);
    EXPECT_EQ(b->groups.at(BeaconFixture::sg(1, 1)).register_stops, 2u);
    EXPECT_EQ(b->groups.at(BeaconFixture::sg(1, 2)).register_stops, 0u);
    EXPECT_EQ(b->last_register_stop_from, kRp);
    // The beacon keeps beaconing the stopped (S,G).
    const size_t before = f.sent_for(BeaconFixture::sg(1, 1));
    f.timers.advance(30s);
    EXPECT_EQ(f.sent_for(BeaconFixture::sg(1, 1)), before + 3);
}

TEST(BeaconScheduler, WildcardRegisterStopCountsEveryPublishedSourceOfG) {
    BeaconFixture f;
    f.up();
    ASSERT_TRUE(f.sched.add_beacon(spec({BeaconFixture::sg(1, 1), BeaconFixture::sg(2, 1)})).ok());
    EXPECT_TRUE(f.sched.register_stop_received(7, kRp, SGKey{Ipv4Address::any(), Ipv4Address{239, 1, 1, 1}}));
    const BeaconState* b = f.sched.find("tun500");
    EXPECT_EQ(b->register_stops, 1u);
    EXPECT_EQ(b->groups.at(BeaconFixture::sg(1, 1)).register_stops, 1u);
    EXPECT_EQ(b->groups.at(BeaconFixture::sg(2, 1)).register_stops, 1u);
}

// ---- pause / resume ----

TEST(BeaconScheduler, InterfaceDownPausesUpResumesImmediately) {
    BeaconFixture f;
    f.up();
    ASSERT_TRUE(f.sched.add_beacon(spec({BeaconFixture::sg(1, 1)})).ok());
    f.timers.advance(10s);
    EXPECT_EQ(f.actions.sent.size(), 2u);
    f.down();
    EXPECT_EQ(f.timers.pending_count(), 0u);
    f.timers.advance(60s);
    EXPECT_EQ(f.actions.sent.size(), 2u);
    f.up();
    ASSERT_EQ(f.actions.sent.size(), 3u);
    EXPECT_EQ(f.actions.sent[2].at, f.start + 70s);  // immediate on resume
    f.timers.advance(10s);
    ASSERT_EQ(f.actions.sent.size(), 4u);
    EXPECT_EQ(f.actions.sent[3].at, f.start + 80s);
    EXPECT_EQ(f.sched.find("tun500")->pauses, 1u);
    EXPECT_EQ(f.sched.find("tun500")->packets_sent, 4u);  // counters survive the pause
}

TEST(BeaconScheduler, LinkRemovedPausesAndAddressChangeFollows) {
    BeaconFixture f;
    f.up();
    ASSERT_TRUE(f.sched.add_beacon(spec({BeaconFixture::sg(1, 1)})).ok());
    f.up("tun500", 7, Ipv4Address{169, 254, 0, 5});  // new address: no extra send, next packet uses it
    EXPECT_EQ(f.actions.sent.size(), 1u);
    f.timers.advance(10s);
    EXPECT_EQ(f.actions.sent.back().source, (Ipv4Address{169, 254, 0, 5}));
    f.sched.link_removed("tun500");
    EXPECT_EQ(f.timers.pending_count(), 0u);
    f.up("tun500", 12);  // re-created with a new ifindex
    EXPECT_EQ(f.actions.sent.back().ifindex, 12);
}

// ---- jitter ----

TEST(BeaconScheduler, FirstSendsOf500GroupsAreSpread) {
    BeaconFixture f;
    f.up();
    std::vector<SGKey> sgs;
    for (int i = 0; i < 500; ++i)
        sgs.push_back(
            SGKey{Ipv4Address{198, 18, 1, static_cast<uint8_t>(i % 250 + 1)},
                  Ipv4Address{239, 2, static_cast<uint8_t>(i / 250), static_cast<uint8_t>(i % 250)}});
    BeaconSpec s = spec(sgs);
    s.interval = 60s;
    ASSERT_TRUE(f.sched.add_beacon(s).ok());
    EXPECT_EQ(f.actions.sent.size(), 1u);  // only the first goes at once
    f.timers.advance(1s);
    ASSERT_EQ(f.actions.sent.size(), 500u);
    // Spread over the 1 s window: no 100 ms slice carries more than a quarter of them.
    std::map<int64_t, int> per_slice;
    std::set<SGKey> seen;
    for (const auto& x : f.actions.sent) {
        per_slice[std::chrono::duration_cast<std::chrono::milliseconds>(x.at - f.start).count() / 100]++;
        seen.insert(x.sg);
    }
    EXPECT_EQ(seen.size(), 500u);
    EXPECT_GE(per_slice.size(), 9u);
    for (auto [slice, n] : per_slice)
        EXPECT_LT(n, 125) << "slice " << slice;
    // Then each keeps its own phase: exactly 500 more one interval later.
    f.timers.advance(59s);
    EXPECT_LT(f.actions.sent.size(), 1000u);
    f.timers.advance(1s);
    EXPECT_EQ(f.actions.sent.size(), 1000u);
}

TEST(BeaconScheduler, ZeroSpreadSendsAllAtOnce) {
    BeaconFixture f;
    f.up();
    BeaconSpec s = spec({BeaconFixture::sg(1, 1), BeaconFixture::sg(1, 2), BeaconFixture::sg(1, 3)});
    s.first_send_spread = Duration::zero();
    ASSERT_TRUE(f.sched.add_beacon(s).ok());
    f.timers.run_due();
    EXPECT_EQ(f.actions.sent.size(), 3u);
    for (const auto& x : f.actions.sent)
        EXPECT_EQ(x.at, f.start);
}

TEST(BeaconScheduler, TwoBeaconsAreIndependent) {
    BeaconFixture f;
    f.up("tun500", 7);
    f.up("tun501", 8, Ipv4Address{169, 254, 0, 3});
    BeaconSpec a = spec({BeaconFixture::sg(1, 1)});
    BeaconSpec b = spec({BeaconFixture::sg(1, 1)}, Ipv4Address{192, 0, 2, 2});
    b.interface = "tun501";
    ASSERT_TRUE(f.sched.apply_config({a, b}).ok());
    ASSERT_EQ(f.actions.sent.size(), 2u);
    f.down("tun500", 7);
    f.timers.advance(10s);
    ASSERT_EQ(f.actions.sent.size(), 3u);
    EXPECT_EQ(f.actions.sent[2].ifindex, 8);
    EXPECT_EQ(f.actions.sent[2].rp, (Ipv4Address{192, 0, 2, 2}));
    EXPECT_TRUE(f.sched.remove_beacon("tun501"));
    EXPECT_FALSE(f.sched.remove_beacon("tun501"));
    EXPECT_EQ(f.timers.pending_count(), 0u);
}

}  // namespace
}  // namespace fanout::pim
