// RegisterRp (RFC 7761 4.4.2): packet_arrives_on_rp_tunnel branch by branch, filters and rate limits.
#include <gtest/gtest.h>

#include "pimd/core/register_rp.hpp"
#include "pimd/core/register_status.hpp"
#include "tests/unit/pimd/register_test_support.hpp"

namespace fanout::pim {
namespace {

using namespace register_test;
using namespace std::chrono_literals;

class RegisterRpTest : public ::testing::Test {
  protected:
    RegisterRpTest() {
        host.router.local = {RP, ip("198.18.200.2")};
        host.router.rp_of[G] = RP;
        host.routes[DR] = RpfRoute{Ipv4Prefix(DR, 32), 4, ip("198.18.8.2")};
    }
    ManualTimerService t;
    FakeHost host{t};
    RecordingActions actions;
    RegisterRpConfig cfg{};
    RegisterRp rp{host, t, actions, cfg};
    const Ipv4Address S = ip("198.18.1.10");
    const Ipv4Address G = ip("239.1.1.1");
    const Ipv4Address RP = ip("198.18.200.1");
    const Ipv4Address DR = ip("198.18.9.1");
    const SGKey sg{S, G};

    RxOutcome rx(const std::vector<uint8_t>& bytes, Ipv4Address src, Ipv4Address dst) {
        RxPim r{4, src, dst, bytes};
        PimRxContext ctx{r, nullptr, nullptr, {}, bytes, std::span<const uint8_t>(bytes).subspan(4)};
        return rp.receive_register(ctx);
    }
    RxOutcome data(Ipv4Address s, Ipv4Address g, Ipv4Address dst, bool border = false) {
        return rx(packet::encode_register(data_packet(s, g), border), DR, dst);
    }
    RxOutcome data() { return data(S, G, RP); }
    RxOutcome null_reg() { return rx(packet::encode_null_register(sg), DR, RP); }
    void receivers() { host.tib.get_or_create(StarGKey{G}, t.now()).downstream[7] = DsJoin{}; }
    // The Register-Stops sent, decoded.
    std::vector<packet::RegisterStop> stops() const {
        std::vector<packet::RegisterStop> v;
        for (const auto& s : actions.sent)
            if (auto rs = packet::decode_register_stop(s.bytes)) v.push_back(*rs);
        return v;
    }
    uint64_t stops_for(RegisterStopReason r) const {
        return rp.counters().register_stops_sent[static_cast<size_t>(r)];
    }
};

TEST_F(RegisterRpTest, NotMyAddressDroppedSilently) {
    data(S, G, ip("198.18.77.7"));
    EXPECT_TRUE(actions.sent.empty());
    EXPECT_EQ(rp.counters().drops[static_cast<size_t>(RegisterRpDrop::kNotMyAddress)], 1u);
}
TEST_F(RegisterRpTest, NotRpForGroupSendsRegisterStop) {
    data(S, ip("239.5.5.5"), RP);  // no RP for 239.5.5.5
    auto v = stops();
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].group.group, ip("239.5.5.5"));
    EXPECT_EQ(v[0].source, S);
    EXPECT_EQ(actions.sent[0].dst, DR);
    EXPECT_EQ(actions.sent[0].src, RP);
    EXPECT_EQ(actions.sent[0].ifindex, 4);
    EXPECT_EQ(stops_for(RegisterStopReason::kNotRp), 1u);
    EXPECT_TRUE(host.learned.empty());
}
TEST_F(RegisterRpTest, RegisteredToOurOtherAddressIsNotRp) {
    data(S, G, ip("198.18.200.2"));  // ours, but outer.dst != RP(G)
    EXPECT_EQ(stops_for(RegisterStopReason::kNotRp), 1u);
}
TEST_F(RegisterRpTest, SsmGroupRefused) {
    host.ssm.insert(ip("232.1.1.1"));
    host.router.rp_of[ip("232.1.1.1")] = RP;  // even with a (misconfigured) mapping
    data(S, ip("232.1.1.1"), RP);
    EXPECT_EQ(stops_for(RegisterStopReason::kSsm), 1u);
    EXPECT_TRUE(host.learned.empty());
}
TEST_F(RegisterRpTest, NoReceiversImmediateRegisterStopAndRpKeepalive) {
    data();
    auto v = stops();
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].source, S);
    EXPECT_EQ(stops_for(RegisterStopReason::kSptOrNoOlist), 1u);
    ASSERT_EQ(host.learned.size(), 1u);
    EXPECT_EQ(host.learned[0].kat, 185s);  // RP_Keepalive_Period = 3 x 60 + 5
    EXPECT_TRUE(host.tib.find(sg)->flags.register_learned);
    EXPECT_TRUE(host.tib.find(sg)->flags.msdp_notify);
    EXPECT_EQ(rp.counters().forwarded, 1u);  // not SPT yet: the kernel still decapsulates this one
}
TEST_F(RegisterRpTest, WithReceiversForwardsWithoutRegisterStopUntilSptBit) {
    receivers();
    data();
    EXPECT_TRUE(stops().empty());
    ASSERT_EQ(host.learned.size(), 1u);
    EXPECT_EQ(host.learned[0].kat, 210s);  // Keepalive_Period (no Register-Stop sent)
    EXPECT_EQ(rp.counters().forwarded, 1u);
    data();
    EXPECT_TRUE(stops().empty());
    host.tib.find(sg)->spt_bit = true;  // native traffic arrived on the SPT
    data();
    ASSERT_EQ(stops().size(), 1u);
    EXPECT_EQ(host.learned.back().kat, 185s);
    EXPECT_EQ(rp.counters().forwarded, 2u);  // the third was not forwarded (SPTbit)
    EXPECT_EQ(rp.find(sg)->register_stops_sent, 1u);
}
TEST_F(RegisterRpTest, NoSwitchToSptLeavesKeepaliveAlone) {
    host.spt_desired = false;
    data();  // no receivers, but SwitchToSptDesired is false: no Register-Stop, no KAT
    EXPECT_TRUE(stops().empty());
    ASSERT_EQ(host.learned.size(), 1u);
    EXPECT_FALSE(host.learned[0].kat.has_value());
}
TEST_F(RegisterRpTest, NullRegisterWithoutReceiversGetsRegisterStop) {
    null_reg();
    EXPECT_EQ(stops().size(), 1u);
    EXPECT_EQ(rp.counters().null_registers_rx, 1u);
    EXPECT_EQ(rp.counters().forwarded, 0u);
    EXPECT_EQ(host.learned.at(0).kat, 185s);
}
TEST_F(RegisterRpTest, NullRegisterWithReceiversBeforeSptIsNotStopped) {
    receivers();
    null_reg();
    EXPECT_TRUE(stops().empty());
    EXPECT_EQ(host.learned.at(0).kat, 210s);
    host.tib.find(sg)->spt_bit = true;
    null_reg();
    EXPECT_EQ(stops().size(), 1u);
}
TEST_F(RegisterRpTest, BorderBitRecordsPmbrAndRefusesOthers) {
    data(S, G, RP, true);
    EXPECT_EQ(rp.find(sg)->pmbr, DR);
    receivers();
    RxPim r{4, ip("198.18.9.9"), RP, {}};
    auto bytes = packet::encode_register(data_packet(S, G), true);
    PimRxContext ctx{r, nullptr, nullptr, {}, bytes, std::span<const uint8_t>(bytes).subspan(4)};
    size_t before = actions.sent.size();
    rp.receive_register(ctx);
    ASSERT_EQ(actions.sent.size(), before + 1);
    EXPECT_EQ(actions.sent.back().dst, ip("198.18.9.9"));
    EXPECT_EQ(stops_for(RegisterStopReason::kPmbr), 1u);
    EXPECT_EQ(rp.counters().drops[static_cast<size_t>(RegisterRpDrop::kPmbrMismatch)], 1u);
}
TEST_F(RegisterRpTest, AcceptFilterDropsAndStops) {
    cfg.accept_sources = {*Ipv4Prefix::parse("198.18.2.0/24")};
    rp.set_config(cfg);
    EXPECT_FALSE(rp.accepts(sg));
    data();
    EXPECT_EQ(rp.counters().drops[static_cast<size_t>(RegisterRpDrop::kFiltered)], 1u);
    EXPECT_EQ(stops_for(RegisterStopReason::kFiltered), 1u);
    EXPECT_TRUE(host.learned.empty());
    cfg.register_stop_on_filtered = false;
    cfg.accept_sources.clear();
    cfg.accept_groups = {*Ipv4Prefix::parse("239.9.0.0/16")};
    rp.set_config(cfg);
    data();
    EXPECT_EQ(rp.counters().drops[static_cast<size_t>(RegisterRpDrop::kFiltered)], 2u);
    EXPECT_EQ(stops().size(), 1u);
}
TEST_F(RegisterRpTest, PerSenderRateLimit) {
    cfg.rate_limit_pps = 1;
    cfg.rate_limit_burst = 2;
    rp.set_config(cfg);
    receivers();
    for (int i = 0; i < 5; ++i)
        data();
    EXPECT_EQ(host.learned.size(), 2u);
    EXPECT_EQ(rp.counters().drops[static_cast<size_t>(RegisterRpDrop::kRateLimited)], 3u);
    EXPECT_TRUE(stops().empty());  // a rate-limit drop never suppresses the DR
    t.advance(1s);
    data();
    EXPECT_EQ(host.learned.size(), 3u);
}
TEST_F(RegisterRpTest, RecordExpiresAfterRpKeepalivePeriod) {
    data();
    ASSERT_NE(rp.find(sg), nullptr);
    t.advance(184s);
    EXPECT_NE(rp.find(sg), nullptr);
    t.advance(1s);
    EXPECT_EQ(rp.find(sg), nullptr);
}
TEST_F(RegisterRpTest, BadInnerGroupDropped) {
    data(S, ip("198.18.5.5"), RP);
    EXPECT_EQ(rp.counters().drops[static_cast<size_t>(RegisterRpDrop::kBadInner)], 1u);
    EXPECT_TRUE(actions.sent.empty());
}
TEST_F(RegisterRpTest, DecodeErrorReported) {
    std::vector<uint8_t> junk = {0x21, 0, 0, 0};
    EXPECT_EQ(rx(junk, DR, RP).kind, RxOutcome::Kind::kDecodeError);
}
TEST_F(RegisterRpTest, StatusShowsRpEntry) {
    receivers();
    data();
    RegisterDrConfig dcfg;
    ScriptedRandom rng;
    RegisterDr dr{host, t, rng, actions, dcfg};
    auto st = register_status(dr, rp, t.now());
    ASSERT_EQ(st.entries.size(), 1u);
    EXPECT_EQ(st.entries[0].role, "rp");
    EXPECT_EQ(st.entries[0].state, "forwarding");
    EXPECT_EQ(st.entries[0].sender, DR);
    EXPECT_EQ(st.entries[0].packets, 1u);
    EXPECT_EQ(st.counters.rp.registers_rx, 1u);
}

}  // namespace
}  // namespace fanout::pim
