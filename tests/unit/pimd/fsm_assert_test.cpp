// RFC 7761 4.6.1 / 4.6.2: every transition of the (S,G) and (*,G) assert state machines, driven through a
// real PimCore (received Asserts go through the core's receive path) with fake TIB macros and RIB.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "common/core/byte_writer.hpp"
#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "common/packet/pim_assert.hpp"
#include "common/packet/pim_header.hpp"
#include "common/packet/pim_hello.hpp"
#include "pimd/core/assert.hpp"
#include "pimd/core/assert_query.hpp"
#include "pimd/core/pim_core.hpp"
#include "tests/testlib/pim_inputs.hpp"

namespace fanout::pim {
namespace {

constexpr int kOif = 2;  // eth0, 10.0.1.1/24: a downstream LAN shared with 10.0.1.2 and 10.0.1.3
constexpr int kRpf = 3;  // eth1, 10.0.2.1/24: towards S and the RP
const Ipv4Address kMe(10, 0, 1, 1);
const Ipv4Address kPeerLow(10, 0, 1, 0);  // lower address than kMe (a valid host on the /24 for our purposes)
const Ipv4Address kPeer(10, 0, 1, 2);     // higher address than kMe
const Ipv4Address kPeer3(10, 0, 1, 3);
const Ipv4Address kUpPeer(10, 0, 2, 2);
const Ipv4Address kS(10, 9, 0, 5);
const Ipv4Address kRp(10, 8, 0, 1);
const Ipv4Address kG(239, 1, 1, 1);
const SGKey kSG{kS, kG};
const StarGKey kStarG{kG};

class Actions final : public PimActions {
  public:
    void send_pim(int ifindex, Ipv4Address, Ipv4Address dst, std::span<const uint8_t> m) override {
        auto a = packet::decode_assert(m);
        if (a) asserts.push_back({ifindex, dst, *a});
    }
    void vif_add(const VifAdd&) override {}
    void vif_del(const VifDel&) override {}
    void mfc_set(const MfcEntry&) override {}
    void mfc_del(const MfcDel&) override {}
    struct Sent {
        int ifindex;
        Ipv4Address dst;
        packet::Assert msg;
    };
    std::vector<Sent> asserts;
};

class Macros final : public AssertMacros {
  public:
    bool could_assert(const SGKey& sg, int i) const override { return sg_could.count({sg, i}) > 0; }
    bool assert_tracking_desired(const SGKey& sg, int i) const override {
        return sg_track.count({sg, i}) > 0;
    }
    bool could_assert(const StarGKey& g, int i) const override { return g_could.count({g, i}) > 0; }
    bool assert_tracking_desired(const StarGKey& g, int i) const override {
        return g_track.count({g, i}) > 0;
    }
    std::optional<Ipv4Address> rp(Ipv4Address) const override { return kRp; }
    std::set<std::pair<SGKey, int>> sg_could, sg_track;
    std::set<std::pair<StarGKey, int>> g_could, g_track;
};

class Listener final : public AssertListener {
  public:
    void on_assert_changed(const SGKey&, int) override { ++sg_changes; }
    void on_assert_changed(const StarGKey&, int) override { ++g_changes; }
    void on_assert_a6(const SGKey&, int i) override { a6.push_back(i); }
    int sg_changes = 0, g_changes = 0;
    std::vector<int> a6;
};

class Rib final : public RibView {
  public:
    std::optional<RpfRoute> lookup(Ipv4Address a) override {
        auto it = routes.find(a);
        if (it == routes.end()) return std::nullopt;
        return it->second;
    }
    std::map<Ipv4Address, RpfRoute> routes;
};

RpfRoute route(int ifindex, Ipv4Address gw, uint32_t metric) {
    RpfRoute r;
    r.prefix = Ipv4Prefix(gw, 16);
    r.ifindex = ifindex;
    r.gateway = gw;
    r.protocol = rtprot::kOspf;  // preference 110
    r.metric = metric;
    return r;
}

std::vector<uint8_t> assert_bytes(Ipv4Address group, Ipv4Address source, bool rpt, uint32_t pref,
                                  uint32_t metric, size_t trailing = 0) {
    auto b = packet::encode_assert(packet::Assert{packet::EncodedGroup{group}, source, rpt, pref, metric});
    if (trailing) {
        b.insert(b.end(), trailing, 0xab);
        // Recompute the checksum over the longer message.
        b[2] = b[3] = 0;
        uint32_t sum = 0;
        for (size_t i = 0; i + 1 < b.size(); i += 2)
            sum += static_cast<uint32_t>(b[i] << 8 | b[i + 1]);
        if (b.size() % 2) sum += static_cast<uint32_t>(b.back() << 8);
        while (sum >> 16)
            sum = (sum & 0xffff) + (sum >> 16);
        uint16_t c = static_cast<uint16_t>(~sum);
        b[2] = static_cast<uint8_t>(c >> 8);
        b[3] = static_cast<uint8_t>(c);
    }
    return b;
}

class AssertFsmTest : public ::testing::Test {
  protected:
    AssertFsmTest() : core(config(), timers, rng, actions), rpf(rib), asrt(core, rpf, macros, listener) {
        rib.routes[kS] = route(kRpf, kUpPeer, 20);
        rib.routes[kRp] = route(kRpf, kUpPeer, 30);
        rpf.track(kS);
        rpf.track(kRp);
        link(kOif, "eth0", kMe);
        link(kRpf, "eth1", Ipv4Address(10, 0, 2, 1));
        for (auto n : {kPeerLow, kPeer, kPeer3})
            hello(kOif, n, 0xffff);  // never expires
        hello(kRpf, kUpPeer, 0xffff);
        actions.asserts.clear();
    }
    static PimConfig config() {
        PimConfig c;
        c.interfaces["eth0"] = {};
        c.interfaces["eth1"] = {};
        return c;
    }
    void link(int ifindex, const char* name, Ipv4Address a) {
        core.handle(testlib::interface_up(ifindex, name, a));
    }
    void hello(int ifindex, Ipv4Address src, uint16_t holdtime, uint32_t genid = 7) {
        packet::Hello h;
        h.holdtime_s = holdtime;
        h.generation_id = genid;
        auto b = packet::encode_hello(h);
        core.handle(RxPim{ifindex, src, addr::kAllPimRouters, b});
    }
    void rx(int ifindex, Ipv4Address src, const std::vector<uint8_t>& b) {
        core.handle(RxPim{ifindex, src, addr::kAllPimRouters, b});
    }
    // An SPT assert for (S,G) from src with metric (pref, metric).
    void rx_sg(Ipv4Address src, uint32_t pref, uint32_t metric, int ifindex = kOif) {
        rx(ifindex, src, assert_bytes(kG, kS, false, pref, metric));
    }
    void rx_rpt(Ipv4Address src, Ipv4Address source, uint32_t pref, uint32_t metric, int ifindex = kOif) {
        rx(ifindex, src, assert_bytes(kG, source, true, pref, metric));
    }
    void rx_cancel(Ipv4Address src, Ipv4Address source, int ifindex = kOif) {
        rx(ifindex, src, packet::encode_assert(packet::make_assert_cancel(packet::EncodedGroup{kG}, source)));
    }
    void data(int ifindex = kOif) {
        auto vif = core.vifs().vif_of(ifindex);
        ASSERT_TRUE(vif);
        asrt.handle_upcall(KernelUpcall{KernelUpcallType::kWrongVif, *vif, kS, kG, {}});
    }
    void could_assert_sg(bool on, int i = kOif) {
        if (on)
            macros.sg_could.insert({kSG, i});
        else
            macros.sg_could.erase({kSG, i});
    }
    void track_sg(bool on, int i = kOif) {
        if (on)
            macros.sg_track.insert({kSG, i});
        else
            macros.sg_track.erase({kSG, i});
    }
    void could_assert_g(bool on, int i = kOif) {
        if (on)
            macros.g_could.insert({kStarG, i});
        else
            macros.g_could.erase({kStarG, i});
    }
    void track_g(bool on, int i = kOif) {
        if (on)
            macros.g_track.insert({kStarG, i});
        else
            macros.g_track.erase({kStarG, i});
    }
    // (S,G) loser on eth0 to kPeer with metric {0, 100, 5}.
    void make_sg_loser() {
        track_sg(true);
        rx_sg(kPeer, 100, 5);
        ASSERT_EQ(asrt.state(kSG, kOif), AssertState::kLoser);
    }
    void make_g_loser() {
        track_g(true);
        rx_rpt(kPeer, Ipv4Address{}, 100, 5);
        ASSERT_EQ(asrt.state(kStarG, kOif), AssertState::kLoser);
    }

    ManualTimerService timers;
    SeededRandom rng{1};
    Actions actions;
    PimCore core;
    Rib rib;
    RpfTracker rpf;
    Macros macros;
    Listener listener;
    Assert asrt;
};

// ---- (S,G), 4.6.1 ----

TEST_F(AssertFsmTest, SgNoInfoDataWithCouldAssertBecomesWinnerA1) {
    could_assert_sg(true);
    data();
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kWinner);
    ASSERT_EQ(actions.asserts.size(), 1u);
    const auto& a = actions.asserts[0];
    EXPECT_EQ(a.ifindex, kOif);
    EXPECT_EQ(a.dst, addr::kAllPimRouters);
    EXPECT_EQ(a.msg, (packet::Assert{packet::EncodedGroup{kG}, kS, false, 110, 20}));
    EXPECT_EQ(asrt.assert_winner(kSG, kOif), kMe);
    EXPECT_EQ(asrt.assert_winner_metric(kSG, kOif), (AssertMetric{false, 110, 20, kMe}));
    EXPECT_FALSE(asrt.lost_assert(kSG, kOif));
    EXPECT_EQ(listener.sg_changes, 1);
    // Timer: Assert_Time - Assert_Override_Interval = 177 s.
    EXPECT_EQ(asrt.status().at(0).timer_remaining, std::chrono::seconds(177));
}

TEST_F(AssertFsmTest, SgNoInfoDataWithoutCouldAssertDoesNothing) {
    data();
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kNoInfo);
    EXPECT_TRUE(actions.asserts.empty());
    EXPECT_EQ(asrt.counters().ignored_events, 1u);
}

TEST_F(AssertFsmTest, SgNoInfoInferiorRptAssertWithCouldAssertBecomesWinner) {
    could_assert_sg(true);
    rx_rpt(kPeer, kS, 1, 1);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kWinner);
    ASSERT_EQ(actions.asserts.size(), 1u);
    EXPECT_FALSE(actions.asserts[0].msg.rpt);
}

TEST_F(AssertFsmTest, SgNoInfoAcceptableAssertWithTrackingBecomesLoserA6) {
    track_sg(true);
    rx_sg(kPeer, 100, 5);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kLoser);
    EXPECT_EQ(asrt.assert_winner(kSG, kOif), kPeer);
    EXPECT_EQ(asrt.assert_winner_metric(kSG, kOif), (AssertMetric{false, 100, 5, kPeer}));
    EXPECT_TRUE(asrt.lost_assert(kSG, kOif));
    EXPECT_TRUE(asrt.i_am_assert_loser(kSG, kOif));
    EXPECT_EQ(listener.a6, std::vector<int>{kOif});
    EXPECT_TRUE(actions.asserts.empty());
    EXPECT_EQ(asrt.status().at(0).timer_remaining, kAssertTime);
}

TEST_F(AssertFsmTest, SgNoInfoAcceptableAssertWithoutTrackingIgnored) {
    rx_sg(kPeer, 100, 5);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kNoInfo);
}

TEST_F(AssertFsmTest, SgNoInfoInferiorSptAssertStaysNoInfo) {
    could_assert_sg(true);
    track_sg(true);
    rx_sg(kPeer, 200, 5);  // worse preference than our 110
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kNoInfo);
    EXPECT_TRUE(actions.asserts.empty());
}

TEST_F(AssertFsmTest, SgWinnerTimerExpiryResendsA3) {
    could_assert_sg(true);
    data();
    timers.advance(std::chrono::seconds(176));
    EXPECT_EQ(actions.asserts.size(), 1u);
    timers.advance(std::chrono::seconds(1));
    EXPECT_EQ(actions.asserts.size(), 2u);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kWinner);
    timers.advance(std::chrono::seconds(177));
    EXPECT_EQ(actions.asserts.size(), 3u);
}

TEST_F(AssertFsmTest, SgWinnerInferiorAssertResendsA3) {
    could_assert_sg(true);
    data();
    timers.advance(std::chrono::seconds(100));
    rx_sg(kPeer, 120, 1);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kWinner);
    ASSERT_EQ(actions.asserts.size(), 2u);
    EXPECT_EQ(asrt.status().at(0).timer_remaining, std::chrono::seconds(177));
}

TEST_F(AssertFsmTest, SgWinnerPreferredAssertBecomesLoserA2) {
    could_assert_sg(true);
    data();
    rx_sg(kPeerLow, 110, 20);  // same metric, lower address: inferior
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kWinner);
    rx_sg(kPeer, 110, 20);  // same metric, higher address: preferred
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kLoser);
    EXPECT_EQ(asrt.assert_winner(kSG, kOif), kPeer);
    EXPECT_TRUE(listener.a6.empty());  // A2, not A6
    EXPECT_TRUE(asrt.lost_assert(kSG, kOif));
}

TEST_F(AssertFsmTest, SgWinnerCouldAssertFalseSendsCancelA4) {
    could_assert_sg(true);
    data();
    could_assert_sg(false);
    asrt.reevaluate(kSG);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kNoInfo);
    ASSERT_EQ(actions.asserts.size(), 2u);
    EXPECT_TRUE(actions.asserts[1].msg.is_cancel());
    EXPECT_EQ(actions.asserts[1].msg.source, kS);
    EXPECT_EQ(asrt.counters().cancels_tx, 1u);
    EXPECT_EQ(asrt.size(), 0u);
}

TEST_F(AssertFsmTest, SgLoserPreferredAssertFromOtherRouterA2) {
    make_sg_loser();
    rx_sg(kPeer3, 100, 4);
    EXPECT_EQ(asrt.assert_winner(kSG, kOif), kPeer3);
    rx_sg(kPeerLow, 100, 9);  // worse than the winner: ignored
    EXPECT_EQ(asrt.assert_winner(kSG, kOif), kPeer3);
}

TEST_F(AssertFsmTest, SgLoserAcceptableAssertFromWinnerRefreshesTimer) {
    make_sg_loser();
    timers.advance(std::chrono::seconds(170));
    rx_sg(kPeer, 100, 6);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kLoser);
    EXPECT_EQ(asrt.status().at(0).timer_remaining, kAssertTime);
    EXPECT_EQ(asrt.assert_winner_metric(kSG, kOif)->metric, 6u);
    timers.advance(std::chrono::seconds(179));
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kLoser);
}

TEST_F(AssertFsmTest, SgLoserInferiorAssertFromWinnerA5) {
    make_sg_loser();
    could_assert_sg(true);  // my metric {0,110,20}
    rx_sg(kPeer, 150, 5);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kNoInfo);
    EXPECT_TRUE(actions.asserts.empty());
}

TEST_F(AssertFsmTest, SgLoserAssertCancelFromWinnerA5) {
    make_sg_loser();
    rx_cancel(kPeer, kS);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kNoInfo);
    EXPECT_FALSE(asrt.lost_assert(kSG, kOif));
}

TEST_F(AssertFsmTest, SgLoserTimerExpiryClearsState) {
    make_sg_loser();
    timers.advance(std::chrono::seconds(179));
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kLoser);
    timers.advance(std::chrono::seconds(1));
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kNoInfo);
    EXPECT_EQ(asrt.size(), 0u);
    EXPECT_FALSE(asrt.assert_winner(kSG, kOif));
}

TEST_F(AssertFsmTest, SgLoserWinnerNeighborExpiryA5) {
    make_sg_loser();
    hello(kOif, kPeer, 0);  // goodbye
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kNoInfo);
}

TEST_F(AssertFsmTest, SgLoserWinnerGenIdChangeA5) {
    make_sg_loser();
    hello(kOif, kPeer, 0xffff, 8);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kNoInfo);
}

TEST_F(AssertFsmTest, SgLoserOtherNeighborGoneKeepsState) {
    make_sg_loser();
    hello(kOif, kPeer3, 0);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kLoser);
}

TEST_F(AssertFsmTest, SgLoserTrackingDesiredFalseA5) {
    make_sg_loser();
    track_sg(false);
    asrt.reevaluate(kSG);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kNoInfo);
}

TEST_F(AssertFsmTest, SgLoserMyMetricBetterA5) {
    make_sg_loser();
    could_assert_sg(true);
    asrt.reevaluate(kSG);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kLoser);  // {0,110,20} is worse than {0,100,5}
    auto r = route(kRpf, kUpPeer, 1);
    r.protocol = rtprot::kStatic;  // preference 1
    rib.routes[kS] = r;
    rpf.route_changed(Ipv4Prefix(kS, 32));
    asrt.reevaluate(kSG);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kNoInfo);
}

TEST_F(AssertFsmTest, SgLoserRpfInterfaceStopsBeingIA5) {
    track_sg(true, kRpf);
    rx_sg(kUpPeer, 100, 5, kRpf);
    ASSERT_EQ(asrt.state(kSG, kRpf), AssertState::kLoser);
    EXPECT_FALSE(asrt.lost_assert(kSG, kRpf));  // RPF_interface(S) == I
    EXPECT_TRUE(asrt.i_am_assert_loser(kSG, kRpf));
    asrt.reevaluate(kSG);
    EXPECT_EQ(asrt.state(kSG, kRpf), AssertState::kLoser);
    rib.routes[kS] = route(kOif, kPeer, 20);
    rpf.route_changed(Ipv4Prefix(kS, 32));
    asrt.reevaluate(kSG);
    EXPECT_EQ(asrt.state(kSG, kRpf), AssertState::kNoInfo);
}

TEST_F(AssertFsmTest, SgLoserJoinReceivedA5) {
    make_sg_loser();
    asrt.join_received(kSG, kOif);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kNoInfo);
    asrt.join_received(kSG, kOif);  // NoInfo: nothing
    EXPECT_EQ(asrt.counters().ignored_events, 0u);
}

TEST_F(AssertFsmTest, SgLoserIgnoresDataAndCounts) {
    make_sg_loser();
    could_assert_sg(true);
    data();
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kLoser);
    EXPECT_EQ(asrt.counters().ignored_events, 1u);
}

TEST_F(AssertFsmTest, AssertWithTrailingBytesAccepted) {
    track_sg(true);
    rx(kOif, kPeer, assert_bytes(kG, kS, false, 100, 5, 6));
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kLoser);
    EXPECT_EQ(asrt.counters().asserts_rx, 1u);
}

TEST_F(AssertFsmTest, AssertFromNonNeighborDroppedByCore) {
    track_sg(true);
    rx_sg(Ipv4Address(10, 0, 1, 77), 100, 5);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kNoInfo);
    EXPECT_EQ(asrt.counters().asserts_rx, 0u);
}

TEST_F(AssertFsmTest, AssertForLinkLocalGroupRejected) {
    track_sg(true);
    rx(kOif, kPeer, assert_bytes(Ipv4Address(224, 0, 0, 5), kS, false, 100, 5));
    EXPECT_EQ(asrt.counters().bad_asserts, 1u);
}

TEST_F(AssertFsmTest, LostAssertRptMacro) {
    make_sg_loser();
    EXPECT_TRUE(asrt.lost_assert_rpt(kSG, kOif, false));
    EXPECT_FALSE(asrt.lost_assert_rpt(kSG, kRpf, false));
}

TEST_F(AssertFsmTest, InterfaceDownClearsState) {
    make_sg_loser();
    InterfaceChanged ev;
    ev.ifindex = kOif;
    ev.name = "eth0";
    ev.up = false;
    ev.addresses = {{kMe, 24}};
    core.handle(ev);
    EXPECT_EQ(asrt.size(), 0u);
}

TEST_F(AssertFsmTest, AssertQueryViewAnswersForTheMacros) {
    AssertQueryView q(asrt);
    EXPECT_TRUE(q.assert_winner(kSG, kOif).is_null());
    make_sg_loser();
    auto w = q.assert_winner(kSG, kOif);
    EXPECT_EQ(w.kind, AssertWinner::Kind::kOther);
    EXPECT_EQ(w.address, kPeer);
    EXPECT_TRUE(q.winner_metric_better_than_spt(kSG, kOif));
    EXPECT_TRUE(q.i_am_assert_loser(kSG, kOif));
    could_assert_g(true);
    data();  // (S,G) is a loser and cannot assert: the (*,G) machine takes the data
    EXPECT_TRUE(q.assert_winner_star_g(kG, kOif).is_me());
    EXPECT_EQ(q.assert_winner_star_g(kG, kOif).address, kMe);
    EXPECT_FALSE(q.i_am_assert_loser_star_g(kG, kOif));
}

// ---- (*,G), 4.6.2 ----

TEST_F(AssertFsmTest, StarGNoInfoDataWithCouldAssertBecomesWinnerA1) {
    could_assert_g(true);
    data();
    EXPECT_EQ(asrt.state(kStarG, kOif), AssertState::kWinner);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kNoInfo);
    ASSERT_EQ(actions.asserts.size(), 1u);
    // rpt_assert_metric(G,I): RPT bit, the route to the RP (ospf 110, metric 30); source = the data's S.
    EXPECT_EQ(actions.asserts[0].msg, (packet::Assert{packet::EncodedGroup{kG}, kS, true, 110, 30}));
    EXPECT_EQ(asrt.assert_winner(kStarG, kOif), kMe);
    EXPECT_FALSE(asrt.lost_assert(kStarG, kOif));
}

TEST_F(AssertFsmTest, StarGNoInfoInferiorRptAssertWithCouldAssertBecomesWinner) {
    could_assert_g(true);
    rx_rpt(kPeer, Ipv4Address{}, 120, 1);
    EXPECT_EQ(asrt.state(kStarG, kOif), AssertState::kWinner);
    ASSERT_EQ(actions.asserts.size(), 1u);
    EXPECT_EQ(actions.asserts[0].msg.source, Ipv4Address{});
}

TEST_F(AssertFsmTest, StarGNoInfoAcceptableRptAssertWithTrackingBecomesLoser) {
    make_g_loser();
    EXPECT_EQ(asrt.assert_winner(kStarG, kOif), kPeer);
    EXPECT_TRUE(asrt.lost_assert(kStarG, kOif));
    EXPECT_TRUE(listener.a6.empty());
    EXPECT_EQ(listener.g_changes, 1);
}

TEST_F(AssertFsmTest, StarGIgnoresSptAsserts) {
    track_g(true);
    rx_sg(kPeer, 100, 5);
    EXPECT_EQ(asrt.state(kStarG, kOif), AssertState::kNoInfo);
}

TEST_F(AssertFsmTest, StarGWinnerTimerInferiorPreferredAndCancel) {
    could_assert_g(true);
    data();
    timers.advance(std::chrono::seconds(177));
    ASSERT_EQ(actions.asserts.size(), 2u);  // A3 on timer
    EXPECT_EQ(actions.asserts[1].msg.source, Ipv4Address{});
    rx_rpt(kPeerLow, Ipv4Address{}, 110, 30);  // same metric, lower address: inferior -> A3
    EXPECT_EQ(actions.asserts.size(), 3u);
    EXPECT_EQ(asrt.state(kStarG, kOif), AssertState::kWinner);
    rx_rpt(kPeer, Ipv4Address{}, 110, 30);  // higher address: preferred -> L
    EXPECT_EQ(asrt.state(kStarG, kOif), AssertState::kLoser);
    EXPECT_EQ(actions.asserts.size(), 3u);
}

TEST_F(AssertFsmTest, StarGWinnerCouldAssertFalseSendsCancelA4) {
    could_assert_g(true);
    data();
    could_assert_g(false);
    asrt.reevaluate(kStarG);
    EXPECT_EQ(asrt.state(kStarG, kOif), AssertState::kNoInfo);
    ASSERT_EQ(actions.asserts.size(), 2u);
    EXPECT_TRUE(actions.asserts[1].msg.is_cancel());
    EXPECT_EQ(actions.asserts[1].msg.source, Ipv4Address{});
}

TEST_F(AssertFsmTest, StarGLoserPreferredAndAcceptableFromWinner) {
    make_g_loser();
    timers.advance(std::chrono::seconds(100));
    rx_rpt(kPeer, Ipv4Address{}, 100, 7);  // from the winner: acceptable -> A2 refresh
    EXPECT_EQ(asrt.status().at(0).timer_remaining, kAssertTime);
    rx_rpt(kPeer3, Ipv4Address{}, 100, 4);  // preferred
    EXPECT_EQ(asrt.assert_winner(kStarG, kOif), kPeer3);
}

TEST_F(AssertFsmTest, StarGLoserInferiorFromWinnerA5) {
    make_g_loser();
    could_assert_g(true);  // my metric {1,110,30}
    rx_rpt(kPeer, Ipv4Address{}, 200, 1);
    EXPECT_EQ(asrt.state(kStarG, kOif), AssertState::kNoInfo);
}

TEST_F(AssertFsmTest, StarGLoserCancelFromWinnerA5) {
    make_g_loser();
    rx_cancel(kPeer, Ipv4Address{});
    EXPECT_EQ(asrt.state(kStarG, kOif), AssertState::kNoInfo);
}

TEST_F(AssertFsmTest, SgCancelDoesNotCancelStarGLoser) {
    make_g_loser();
    rx_cancel(kPeer, kS);
    EXPECT_EQ(asrt.state(kStarG, kOif), AssertState::kLoser);
}

TEST_F(AssertFsmTest, StarGLoserTimerExpiryClearsState) {
    make_g_loser();
    timers.advance(kAssertTime);
    EXPECT_EQ(asrt.state(kStarG, kOif), AssertState::kNoInfo);
    EXPECT_EQ(asrt.size(), 0u);
}

TEST_F(AssertFsmTest, StarGLoserNeighborGoneTrackingMetricJoin) {
    make_g_loser();
    hello(kOif, kPeer, 0);
    EXPECT_EQ(asrt.state(kStarG, kOif), AssertState::kNoInfo);
    hello(kOif, kPeer, 0xffff, 9);
    make_g_loser();
    track_g(false);
    asrt.reevaluate(kStarG);
    EXPECT_EQ(asrt.state(kStarG, kOif), AssertState::kNoInfo);
    make_g_loser();
    asrt.join_received(kStarG, kOif);
    EXPECT_EQ(asrt.state(kStarG, kOif), AssertState::kNoInfo);
    make_g_loser();
    could_assert_g(true);
    auto r = route(kRpf, kUpPeer, 1);
    r.protocol = rtprot::kStatic;
    rib.routes[kRp] = r;
    rpf.route_changed(Ipv4Prefix(kRp, 32));
    asrt.reevaluate_all();
    EXPECT_EQ(asrt.state(kStarG, kOif), AssertState::kNoInfo);
}

TEST_F(AssertFsmTest, StarGLoserRpfInterfaceStopsBeingI) {
    track_g(true, kRpf);
    rx_rpt(kUpPeer, Ipv4Address{}, 100, 5, kRpf);
    ASSERT_EQ(asrt.state(kStarG, kRpf), AssertState::kLoser);
    EXPECT_FALSE(asrt.lost_assert(kStarG, kRpf));
    rib.routes[kRp] = route(kOif, kPeer, 20);
    rpf.route_changed(Ipv4Prefix(kRp, 32));
    asrt.reevaluate(kStarG);
    EXPECT_EQ(asrt.state(kStarG, kRpf), AssertState::kNoInfo);
}

TEST_F(AssertFsmTest, DataTriggeredStarGAssertDrivesPeerSgMachine) {
    // A (*,G) assert carrying S is "Inferior Assert with RPTbit set" for an (S,G) machine that CouldAssert.
    could_assert_sg(true);
    track_g(true);
    rx_rpt(kPeer, kS, 100, 5);
    EXPECT_EQ(asrt.state(kSG, kOif), AssertState::kWinner);
    EXPECT_EQ(asrt.state(kStarG, kOif), AssertState::kLoser);
}

}  // namespace
}  // namespace fanout::pim
