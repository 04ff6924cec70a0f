// RFC 4610 (Anycast-RP using PIM) section 3 inside RegisterRp (pimd/core/register_rp.hpp): a DR's Register is
// forwarded to the other members only after the RP logic of RFC 7761 4.4.2 processed it (step 2: a Register
// the RP drops by filter, rate limit, not-RP-for-G, bad inner group or PMBR mismatch is never forwarded); a
// member's Register sent to our member address is processed like one sent to the RP address (steps 7-12)
// and never forwarded; a Register from one of our own addresses (the MSDP service's data injection) is not
// processed at all.
#include <gtest/gtest.h>

#include "pimd/core/register_rp.hpp"
#include "tests/unit/pimd/register_test_support.hpp"

namespace fanout::pim {
namespace {

using namespace register_test;

class AnycastRegisterRp : public ::testing::Test {
  protected:
    AnycastRegisterRp() {
        host.router.local = {ANYCAST, SELF};
        host.router.rp_of[G] = ANYCAST;
        host.router.rp_of[G_OTHER] = ip("198.18.250.1");  // not ours
        host.routes[DR] = RpfRoute{Ipv4Prefix(DR, 32), 4, ip("198.18.6.1")};
        host.routes[M2] = RpfRoute{Ipv4Prefix(M2, 32), 5, ip("198.18.2.2")};
        host.routes[M3] = RpfRoute{Ipv4Prefix(M3, 32), 6, ip("198.18.3.2")};
        cfg.anycast = AnycastRpConfig{ANYCAST, {SELF, M2, M3}};
        rp.set_config(cfg);
    }
    const Ipv4Address ANYCAST = ip("198.18.255.1");
    const Ipv4Address SELF = ip("198.18.100.1");
    const Ipv4Address M2 = ip("198.18.100.2");
    const Ipv4Address M3 = ip("198.18.100.3");
    const Ipv4Address DR = ip("198.18.6.1");
    const Ipv4Address S = ip("198.18.1.10");
    const Ipv4Address G = ip("239.1.1.1");
    const Ipv4Address G_OTHER = ip("239.2.2.2");
    ManualTimerService t;
    FakeHost host{t};
    RecordingActions actions;
    RegisterRpConfig cfg{};
    RegisterRp rp{host, t, actions, cfg};

    void rx(const std::vector<uint8_t>& bytes, Ipv4Address src, Ipv4Address dst) {
        RxPim r{4, src, dst, bytes};
        PimRxContext ctx{r, nullptr, nullptr, {}, bytes, std::span<const uint8_t>(bytes).subspan(4)};
        rp.receive_register(ctx);
    }
    std::vector<uint8_t> reg(Ipv4Address g = ip("239.1.1.1")) {
        return packet::encode_register(data_packet(S, g));
    }
    // The copies sent to members (Registers), in order.
    std::vector<Sent> copies() const {
        std::vector<Sent> v;
        for (const auto& s : actions.sent)
            if (packet::decode_register(s.bytes)) v.push_back(s);
        return v;
    }
    uint64_t drops(RegisterRpDrop d) const { return rp.counters().drops[static_cast<size_t>(d)]; }
};

TEST_F(AnycastRegisterRp, ProcessedDrRegisterIsCopiedUnchangedToTheOtherMembersFromOurMemberAddress) {
    const auto bytes = reg();
    rx(bytes, DR, ANYCAST);
    ASSERT_EQ(host.learned.size(), 1u);  // processed first (4.4.2)
    auto c = copies();
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].dst, M2);
    EXPECT_EQ(c[0].ifindex, 5);
    EXPECT_EQ(c[1].dst, M3);
    for (const auto& s : c) {
        EXPECT_EQ(s.src, SELF);
        EXPECT_EQ(s.bytes, bytes);
    }
    EXPECT_EQ(rp.counters().anycast.from_dr, 1u);
    EXPECT_EQ(rp.counters().anycast.forwarded, 2u);
}

// Fails on the tree before this change: the forwarder sat on the receive path and copied every Register.
TEST_F(AnycastRegisterRp, RegistersTheRpDropsAreNotForwarded) {
    cfg.accept_sources = {*Ipv4Prefix::parse("198.18.77.0/24")};  // S refused
    rp.set_config(cfg);
    rx(reg(), DR, ANYCAST);
    EXPECT_EQ(drops(RegisterRpDrop::kFiltered), 1u);
    cfg.accept_sources.clear();
    cfg.rate_limit_pps = 1;
    cfg.rate_limit_burst = 1;
    rp.set_config(cfg);
    rx(reg(), DR, ANYCAST);  // accepted and forwarded: takes the one token
    rx(reg(), DR, ANYCAST);  // rate-limited
    EXPECT_EQ(drops(RegisterRpDrop::kRateLimited), 1u);
    cfg.rate_limit_pps = 0;
    rp.set_config(cfg);
    rx(reg(G_OTHER), DR, ANYCAST);                                               // not RP for 239.2.2.2
    rx(packet::encode_register(data_packet(S, ip("198.18.5.5"))), DR, ANYCAST);  // not a group
    EXPECT_EQ(drops(RegisterRpDrop::kBadInner), 1u);
    EXPECT_EQ(copies().size(), 2u);  // only the one accepted Register, to M2 and M3
    EXPECT_EQ(rp.counters().anycast.from_dr, 1u);
}

TEST_F(AnycastRegisterRp, MemberRegisterToOurMemberAddressIsProcessedAndNeverForwarded) {
    rx(reg(), M2, SELF);
    ASSERT_EQ(host.learned.size(), 1u);  // (S,G) learned (RFC 4610 steps 7, 12)
    EXPECT_TRUE(copies().empty());
    EXPECT_EQ(rp.counters().anycast.from_member, 1u);
    // No receivers: the Register-Stop goes to the member, from the address it sent to (section 4).
    ASSERT_EQ(actions.sent.size(), 1u);
    EXPECT_TRUE(packet::decode_register_stop(actions.sent[0].bytes));
    EXPECT_EQ(actions.sent[0].dst, M2);
    EXPECT_EQ(actions.sent[0].src, SELF);
    EXPECT_EQ(rp.counters().register_stops_sent[static_cast<size_t>(RegisterStopReason::kNotRp)], 0u);
}

TEST_F(AnycastRegisterRp, MemberWithoutARouteIsSkippedAndTheOthersStillGetTheirCopy) {
    host.routes.erase(M2);
    rx(packet::encode_null_register(SGKey{S, G}), DR, ANYCAST);
    auto c = copies();
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].dst, M3);
    EXPECT_EQ(rp.counters().anycast.unreachable, 1u);
}

TEST_F(AnycastRegisterRp, RegisterFromOneOfOurAddressesIsNotProcessed) {
    rx(reg(), ANYCAST, ANYCAST);  // the MSDP service's data injection
    EXPECT_EQ(drops(RegisterRpDrop::kOwnSource), 1u);
    EXPECT_TRUE(host.learned.empty());
    EXPECT_TRUE(actions.sent.empty());
}

TEST_F(AnycastRegisterRp, WithoutTheSetAMemberRegisterToOurOwnAddressIsNotRp) {
    cfg.anycast.reset();
    rp.set_config(cfg);
    rx(reg(), M2, SELF);
    EXPECT_TRUE(host.learned.empty());
    EXPECT_EQ(rp.counters().register_stops_sent[static_cast<size_t>(RegisterStopReason::kNotRp)], 1u);
    rx(reg(), DR, ANYCAST);
    EXPECT_TRUE(copies().empty());
}

}  // namespace
}  // namespace fanout::pim
