// RegisterDr (RFC 7761 4.4.1): CouldRegister rows, DirectlyConnected, encapsulation, the rate limiter,
// Register-Stop (S,G) and (*,G), RP/DR changes, register source selection.
#include <gtest/gtest.h>

#include "common/core/checksum.hpp"
#include "common/packet/pim_header.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/register_dr.hpp"
#include "tests/unit/pimd/register_test_support.hpp"

namespace fanout::pim {
namespace {

using namespace register_test;
using namespace std::chrono_literals;

class RegisterDrTest : public ::testing::Test {
  protected:
    RegisterDrTest() {
        host.router.dr_on = {2};
        host.router.rpf[S] = 2;
        host.router.rp_of[G] = RP;
        host.router.local = {ip("198.18.1.1"), ip("198.18.9.1")};
        host.connected = {S};
        host.routes[RP] = RpfRoute{Ipv4Prefix(RP, 32), 3, ip("198.18.9.2")};
        host.if_addr = {{2, ip("198.18.1.1")}, {3, ip("198.18.9.1")}};
        rng.value = 0;  // RST on Register-Stop: 25 s
    }
    ManualTimerService t;
    ScriptedRandom rng;
    FakeHost host{t};
    RecordingActions actions;
    RegisterDrConfig cfg{};
    RegisterDr dr{host, t, rng, actions, cfg};
    const Ipv4Address S = ip("198.18.1.10");
    const Ipv4Address G = ip("239.1.1.1");
    const Ipv4Address RP = ip("198.18.200.1");
    const SGKey sg{S, G};

    void start() {
        host.start_kat(sg);
        dr.reevaluate(sg);
    }
    KernelUpcall pkt(uint8_t ttl = 16) {
        return KernelUpcall{KernelUpcallType::kWholePacket, 5, S, G, data_packet(S, G, ttl)};
    }
    RxOutcome register_stop(Ipv4Address source, Ipv4Address group) {
        auto bytes = packet::encode_register_stop(packet::RegisterStop{packet::EncodedGroup{group}, source});
        RxPim rx{3, RP, ip("198.18.9.1"), bytes};
        PimRxContext ctx{rx, nullptr, nullptr, {}, bytes, std::span<const uint8_t>(bytes).subspan(4)};
        return dr.receive_register_stop(ctx);
    }
    RegisterDrState state() const {
        auto* st = dr.find(sg);
        return st ? st->state() : RegisterDrState::kNoInfo;
    }
};

// ---- CouldRegister rows ----
TEST_F(RegisterDrTest, CouldRegisterAllTrue) {
    host.start_kat(sg);
    EXPECT_TRUE(dr.could_register(sg));
}
TEST_F(RegisterDrTest, CouldRegisterNeedsKeepalive) {
    host.tib.get_or_create(sg, t.now());
    EXPECT_FALSE(dr.could_register(sg));
    EXPECT_FALSE(dr.could_register(SGKey{S, ip("239.9.9.9")}));  // no entry at all
}
TEST_F(RegisterDrTest, CouldRegisterNeedsDrOnRpfInterface) {
    host.start_kat(sg);
    host.router.dr_on = {7};
    EXPECT_FALSE(dr.could_register(sg));
    host.router.dr_on = {2};
    host.router.rpf.erase(S);  // no RPF interface
    EXPECT_FALSE(dr.could_register(sg));
}
TEST_F(RegisterDrTest, CouldRegisterIsFalseWhenIAmTheRp) {
    start();
    ASSERT_TRUE(dr.register_vif_wanted(sg));
    host.router.local.insert(RP);  // the DR becomes RP(G): no register tunnel to ourselves
    EXPECT_FALSE(dr.could_register(sg));
    dr.reevaluate(sg);
    EXPECT_EQ(state(), RegisterDrState::kNoInfo);
    EXPECT_FALSE(dr.register_vif_wanted(sg));
}
TEST_F(RegisterDrTest, CouldRegisterNeedsDirectlyConnectedSource) {
    host.start_kat(sg);
    host.connected.clear();
    EXPECT_FALSE(dr.could_register(sg));
}

// ---- DirectlyConnected ----
TEST(RegisterDirectlyConnected, OnlySubnetsOfPimOrIgmpInterfaces) {
    ManualTimerService t;
    ScriptedRandom rng;
    RecordingActions a;
    PimConfig cfg;
    cfg.interfaces["pim0"] = PimInterfaceConfig{};
    PimInterfaceConfig igmp_only;
    igmp_only.enabled = false;
    igmp_only.igmp = true;
    cfg.interfaces["igmp0"] = igmp_only;
    PimInterfaceConfig off;
    off.enabled = false;
    cfg.interfaces["off0"] = off;
    PimCore core(cfg, t, rng, a);
    core.handle(InterfaceChanged{2, "pim0", true, true, false, 1500, {{ip("198.18.1.1"), 24}}});
    core.handle(InterfaceChanged{3, "igmp0", true, true, false, 1500, {{ip("198.18.2.1"), 24}}});
    core.handle(InterfaceChanged{4, "off0", true, true, false, 1500, {{ip("198.18.3.1"), 24}}});
    core.handle(InterfaceChanged{5, "other", true, true, false, 1500, {{ip("198.18.4.1"), 24}}});
    core.handle(InterfaceChanged{6, "pim0lo", true, true, false, 1500, {{ip("198.18.5.1"), 32}}});
    EXPECT_TRUE(directly_connected(core, ip("198.18.1.77")));
    EXPECT_TRUE(directly_connected(core, ip("198.18.2.77")));
    EXPECT_FALSE(directly_connected(core, ip("198.18.3.77")));  // neither PIM nor IGMP
    EXPECT_FALSE(directly_connected(core, ip("198.18.4.77")));  // not configured
    EXPECT_FALSE(directly_connected(core, ip("203.0.113.1")));  // routed, not connected
}

// ---- machine driven by facts ----
TEST_F(RegisterDrTest, KeepaliveStartJoinsAndWantsRegisterVif) {
    start();
    EXPECT_EQ(state(), RegisterDrState::kJoin);
    EXPECT_TRUE(dr.register_vif_wanted(sg));
    EXPECT_EQ(host.vif_changes.size(), 1u);
}
TEST_F(RegisterDrTest, KeepaliveStopGoesNoInfo) {
    start();
    host.stop_kat(sg);
    dr.reevaluate(sg);
    EXPECT_EQ(dr.find(sg), nullptr);
    EXPECT_FALSE(dr.register_vif_wanted(sg));
    EXPECT_EQ(host.vif_changes.size(), 2u);
}
TEST_F(RegisterDrTest, SsmGroupNeverRegisters) {
    host.ssm.insert(G);
    start();
    EXPECT_EQ(dr.find(sg), nullptr);
}
TEST_F(RegisterDrTest, DrLossStopsRegistering) {
    start();
    host.router.dr_on.clear();
    dr.interface_changed(2);
    EXPECT_EQ(dr.find(sg), nullptr);
    dr.whole_packet(pkt());
    EXPECT_TRUE(actions.sent.empty());
    EXPECT_EQ(dr.counters().drops[static_cast<size_t>(RegisterDrDrop::kNotJoined)], 1u);
}

// ---- encapsulation ----
TEST_F(RegisterDrTest, WholePacketBecomesDataRegisterToRp) {
    start();
    auto up = pkt(16);
    dr.whole_packet(up);
    ASSERT_EQ(actions.sent.size(), 1u);
    const Sent& s = actions.sent[0];
    EXPECT_EQ(s.dst, RP);
    EXPECT_EQ(s.src, ip("198.18.9.1"));  // the interface toward the RP, not the source's LAN
    EXPECT_EQ(s.ifindex, 3);
    EXPECT_TRUE(internet_checksum_ok(std::span<const uint8_t>(s.bytes).first(8)));
    auto reg = packet::decode_register(s.bytes);
    ASSERT_TRUE(reg);
    EXPECT_FALSE(reg->border);
    EXPECT_FALSE(reg->null_register);
    EXPECT_EQ(reg->inner_sg, sg);
    ASSERT_EQ(reg->inner.size(), up.packet.size());
    EXPECT_EQ(reg->inner[8], 15);  // TTL decremented
    EXPECT_TRUE(internet_checksum_ok(std::span<const uint8_t>(reg->inner).first(20)));
    EXPECT_EQ(dr.find(sg)->counters.packets_encapsulated, 1u);
    EXPECT_EQ(dr.find(sg)->counters.bytes_encapsulated, up.packet.size());
}
TEST_F(RegisterDrTest, TtlOneIsNotEncapsulated) {
    start();
    dr.whole_packet(pkt(1));
    EXPECT_TRUE(actions.sent.empty());
    EXPECT_EQ(dr.counters().drops[static_cast<size_t>(RegisterDrDrop::kTtlExpired)], 1u);
}
TEST_F(RegisterDrTest, MismatchedOrShortPacketIsDropped) {
    start();
    auto up = pkt();
    up.packet.resize(12);
    dr.whole_packet(up);
    auto other = pkt();
    other.packet = data_packet(ip("198.18.1.11"), G);
    dr.whole_packet(other);
    EXPECT_TRUE(actions.sent.empty());
    EXPECT_EQ(dr.counters().drops[static_cast<size_t>(RegisterDrDrop::kBadPacket)], 2u);
}
TEST_F(RegisterDrTest, ConfiguredRegisterSourceUsedOnlyWhenLocal) {
    cfg.register_source = ip("198.18.1.1");
    RegisterDr d2{host, t, rng, actions, cfg};
    EXPECT_EQ(d2.register_source_for(RP), ip("198.18.1.1"));
    cfg.register_source = ip("192.0.2.1");  // not ours: fall back to the RPF interface address
    RegisterDr d3{host, t, rng, actions, cfg};
    EXPECT_EQ(d3.register_source_for(RP), ip("198.18.9.1"));
    EXPECT_EQ(d3.counters().register_source_not_local, 1u);
    host.routes.clear();  // no route known: let the kernel choose
    EXPECT_EQ(d3.register_source_for(RP), Ipv4Address{});
}

// ---- rate limiter ----
TEST(RegisterTokenBucket, BurstThenRate) {
    TimePoint t0{};
    TokenBucket b(10, 3, t0);
    EXPECT_TRUE(b.take(t0));
    EXPECT_TRUE(b.take(t0));
    EXPECT_TRUE(b.take(t0));
    EXPECT_FALSE(b.take(t0));
    EXPECT_FALSE(b.take(t0 + 50ms));  // half a token
    EXPECT_TRUE(b.take(t0 + 100ms));
    EXPECT_FALSE(b.take(t0 + 100ms));
    EXPECT_TRUE(b.take(t0 + 10s));  // refill capped at the burst
    EXPECT_TRUE(b.take(t0 + 10s));
    EXPECT_TRUE(b.take(t0 + 10s));
    EXPECT_FALSE(b.take(t0 + 10s));
}
TEST(RegisterTokenBucket, ZeroRateIsUnlimited) {
    TokenBucket b(0, 1, TimePoint{});
    for (int i = 0; i < 1000; ++i)
        EXPECT_TRUE(b.take(TimePoint{}));
}
TEST_F(RegisterDrTest, RateLimitDropsAreCounted) {
    cfg.rate_limit_pps = 2;
    cfg.rate_limit_burst = 2;
    dr.set_config(cfg);
    start();
    for (int i = 0; i < 5; ++i)
        dr.whole_packet(pkt());
    EXPECT_EQ(actions.sent.size(), 2u);
    EXPECT_EQ(dr.find(sg)->counters.drops[static_cast<size_t>(RegisterDrDrop::kRateLimited)], 3u);
    t.advance(500ms);
    dr.whole_packet(pkt());
    EXPECT_EQ(actions.sent.size(), 3u);
}

// ---- Register-Stop ----
TEST_F(RegisterDrTest, RegisterStopPrunesThenProbesThenJoins) {
    start();
    register_stop(S, G);
    EXPECT_EQ(state(), RegisterDrState::kPrune);
    EXPECT_FALSE(dr.register_vif_wanted(sg));
    dr.whole_packet(pkt());  // in flight
    EXPECT_TRUE(actions.sent.empty());
    t.advance(25s);  // RST (rand 0): 0.5 x 60 - 5
    EXPECT_EQ(state(), RegisterDrState::kJoinPending);
    ASSERT_EQ(actions.sent.size(), 1u);
    auto nr = packet::decode_register(actions.sent[0].bytes);
    ASSERT_TRUE(nr);
    EXPECT_TRUE(nr->null_register);
    EXPECT_EQ(nr->inner_sg, sg);
    t.advance(5s);  // no Register-Stop within Register_Probe_Time
    EXPECT_EQ(state(), RegisterDrState::kJoin);
    EXPECT_TRUE(dr.register_vif_wanted(sg));
}
TEST_F(RegisterDrTest, RegisterStopDuringProbeKeepsSuppressing) {
    start();
    register_stop(S, G);
    t.advance(25s);
    register_stop(S, G);
    EXPECT_EQ(state(), RegisterDrState::kPrune);
    t.advance(24s);
    EXPECT_EQ(state(), RegisterDrState::kPrune);
    EXPECT_EQ(dr.find(sg)->counters.register_stops_received, 2u);
}
TEST_F(RegisterDrTest, WildcardRegisterStopAppliesToEveryActiveSourceOfTheGroup) {
    SGKey sg2{ip("198.18.1.11"), G};
    SGKey other{S, ip("239.2.2.2")};
    host.router.rpf[sg2.source] = 2;
    host.connected.insert(sg2.source);
    host.router.rp_of[other.group] = RP;
    host.start_kat(sg2);
    host.start_kat(other);
    start();
    dr.reevaluate_all();
    register_stop(Ipv4Address{}, G);
    EXPECT_EQ(state(), RegisterDrState::kPrune);
    EXPECT_EQ(dr.find(sg2)->state(), RegisterDrState::kPrune);
    EXPECT_EQ(dr.find(other)->state(), RegisterDrState::kJoin);
    EXPECT_EQ(dr.counters().register_stops_wildcard, 1u);
    // A source that starts after the (*,G) Register-Stop is not affected.
    SGKey late{ip("198.18.1.12"), G};
    host.router.rpf[late.source] = 2;
    host.connected.insert(late.source);
    host.start_kat(late);
    dr.reevaluate(late);
    EXPECT_EQ(dr.find(late)->state(), RegisterDrState::kJoin);
}
TEST_F(RegisterDrTest, RegisterStopForUnknownSourceIsCounted) {
    start();
    register_stop(ip("198.18.1.99"), G);
    EXPECT_EQ(state(), RegisterDrState::kJoin);
    EXPECT_EQ(dr.counters().register_stops_unknown, 1u);
}
TEST_F(RegisterDrTest, RpChangeResetsSuppressionTowardNewRp) {
    start();
    register_stop(S, G);
    ASSERT_EQ(state(), RegisterDrState::kPrune);
    Ipv4Address rp2 = ip("198.18.201.1");
    host.router.rp_of[G] = rp2;
    dr.group_changed(G);
    EXPECT_EQ(state(), RegisterDrState::kJoin);
    EXPECT_EQ(dr.find(sg)->rp, rp2);
    EXPECT_EQ(t.pending_count(), 1u);  // only the KAT: the RST is gone
    dr.whole_packet(pkt());
    ASSERT_EQ(actions.sent.size(), 1u);
    EXPECT_EQ(actions.sent[0].dst, rp2);
}
TEST_F(RegisterDrTest, RpRemovalStopsRegistering) {
    start();
    host.router.rp_of.clear();
    dr.group_changed(G);
    EXPECT_EQ(dr.find(sg), nullptr);
}
TEST_F(RegisterDrTest, StaleMachineDoesNotProbeWhenKeepaliveExpiredSilently) {
    start();
    register_stop(S, G);
    host.stop_kat(sg);  // nobody called reevaluate()
    t.advance(25s);
    EXPECT_EQ(dr.find(sg), nullptr);
    EXPECT_TRUE(actions.sent.empty());  // no Null-Register
}

}  // namespace
}  // namespace fanout::pim
