// The join/prune state machines of RFC 7761 4.5, driven through PimCore / SparseMode with a
// ManualTimerService and a recording PimActions: each test is one row of the transition tables at the top of
// fsm_downstream_star_g.cpp (4.5.1), fsm_downstream_sg.cpp (4.5.2), fsm_downstream_sg_rpt.cpp (4.5.3),
// fsm_upstream_star_g.cpp (4.5.4), fsm_upstream_sg.cpp (4.5.5) and fsm_upstream_sg_rpt.cpp (4.5.6/4.5.7). The
// resulting state is read from the status snapshots (pim_sm_status.hpp), the sent messages are decoded.
//
// Topology: eth0 (ifindex 2, 198.19.12.1/24) upstream, RP 198.18.9.9 and S 198.18.1.10 via 198.19.12.2;
// eth1 (ifindex 3, 198.19.13.1/24) downstream LAN with routers 198.19.13.2 (and .3 when a test needs two
// neighbors: Prune-Pending Timer = J/P_Override_Interval = 0.5 s + 2.5 s = 3 s).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "common/packet/pim_assert.hpp"
#include "common/packet/pim_header.hpp"
#include "common/packet/pim_hello.hpp"
#include "common/packet/pim_join_prune.hpp"
#include "pimd/core/join_prune_rx.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/pim_sm_status.hpp"
#include "pimd/core/sparse_mode.hpp"
#include "tests/testlib/pim_inputs.hpp"
#include "tests/testlib/two_port_rib.hpp"

namespace fanout::pim {
namespace {

using namespace std::chrono_literals;

const Ipv4Address kRp(198, 18, 9, 9);
const Ipv4Address kS(198, 18, 1, 10);
const Ipv4Address kG(239, 1, 1, 1);
const Ipv4Address kUp(198, 19, 12, 2);
const Ipv4Address kUp2(198, 19, 12, 3);
const Ipv4Address kMe0(198, 19, 12, 1);
const Ipv4Address kMe1(198, 19, 13, 1);
const Ipv4Address kDown(198, 19, 13, 2);
const Ipv4Address kDown2(198, 19, 13, 3);

struct SentJp {
    int ifindex;
    packet::JoinPrune jp;
};

class Recorder final : public PimActions {
  public:
    void send_pim(int ifindex, Ipv4Address, Ipv4Address, std::span<const uint8_t> m) override {
        if (auto jp = packet::decode_join_prune(m)) jps.push_back({ifindex, *jp});
    }
    void vif_add(const VifAdd&) override {}
    void vif_del(const VifDel&) override {}
    void mfc_set(const MfcEntry& e) override { mfc_sets.push_back(e); }
    void mfc_del(const MfcDel& e) override { mfc_dels.push_back(e); }
    std::vector<SentJp> jps;
    std::vector<MfcEntry> mfc_sets;
    std::vector<MfcDel> mfc_dels;
};

// One decoded entry of a sent J/P: what (join/prune), kind, source.
struct Entry {
    bool join;
    JpEntryKind kind;
    Ipv4Address source;
    Ipv4Address group;
    Ipv4Address upstream;
    int ifindex;
};

class FsmTest : public ::testing::Test {
  protected:
    FsmTest() : core(make_config(), timers, rng, actions) {
        core.sparse().set_rib(&rib);
        up(2, "eth0", kMe0);
        up(3, "eth1", kMe1);
        hello(2, kUp, 11);
        hello(3, kDown, 31);
    }
    static PimConfig make_config() {
        PimConfig c = testlib::two_port_config();
        c.interfaces["eth1"].dr_priority = 10;  // we are DR on eth1: local receivers count (pim_include)
        StaticRp rp;
        rp.rp = kRp;
        c.rp_set.static_rps.push_back(rp);
        c.spt_threshold.mode = SptThresholdMode::kNever;
        return c;
    }
    void up(int ifindex, const char* name, Ipv4Address a) {
        core.handle(testlib::interface_up(ifindex, name, a));
    }
    void hello(int ifindex, Ipv4Address src, uint32_t genid) {
        packet::Hello h;
        h.holdtime_s = 105;
        h.generation_id = genid;
        h.dr_priority = 1;
        core.handle(RxPim{ifindex, src, addr::kAllPimRouters, packet::encode_hello(h)});
    }
    static packet::EncodedSource star_g() {
        packet::EncodedSource e;
        e.source = kRp;
        e.wildcard = true;
        e.rpt = true;
        return e;
    }
    static packet::EncodedSource sg(bool rpt = false) {
        packet::EncodedSource e;
        e.source = kS;
        e.rpt = rpt;
        return e;
    }
    void jp(int ifindex, Ipv4Address src, Ipv4Address upstream, std::vector<packet::EncodedSource> joins,
            std::vector<packet::EncodedSource> prunes, uint16_t holdtime = 210) {
        packet::JoinPrune m;
        m.upstream_neighbor = upstream;
        m.holdtime_s = holdtime;
        packet::JoinPruneGroup g;
        g.group.group = kG;
        g.joins = std::move(joins);
        g.prunes = std::move(prunes);
        m.groups.push_back(std::move(g));
        core.handle(RxPim{ifindex, src, addr::kAllPimRouters, packet::encode_join_prune(m)});
    }
    // From downstream router 198.19.13.2 to us on eth1.
    void down(std::vector<packet::EncodedSource> joins, std::vector<packet::EncodedSource> prunes,
              uint16_t holdtime = 210) {
        jp(3, kDown, kMe1, std::move(joins), std::move(prunes), holdtime);
    }
    void assert_msg(int ifindex, Ipv4Address src, Ipv4Address source, bool rpt, uint32_t pref,
                    uint32_t metric) {
        packet::Assert a{packet::EncodedGroup{kG}, source, rpt, pref, metric};
        core.handle(RxPim{ifindex, src, addr::kAllPimRouters, packet::encode_assert(a)});
    }
    void members(FilterMode mode, std::vector<Ipv4Address> sources = {}) {
        core.handle(testlib::membership(3, kG, mode, std::move(sources)));
    }
    std::optional<JoinStatus> ds(const std::string& kind, const std::string& ifname = "eth1") const {
        for (auto& j : join_status(core))
            if (j.kind == kind && j.interface == ifname) return j;
        return std::nullopt;
    }
    std::string ds_state(const std::string& kind) const {
        auto j = ds(kind);
        return j ? j->state : "NoInfo";
    }
    std::optional<UpstreamStatus> us(const std::string& kind) const {
        for (auto& u : upstream_status(core))
            if (u.kind == kind) return u;
        return std::nullopt;
    }
    std::string us_state(const std::string& kind) const {
        auto u = us(kind);
        return u ? u->state : "none";
    }
    // Every entry sent since the last call.
    std::vector<Entry> take() {
        std::vector<Entry> out;
        for (const auto& s : actions.jps)
            for (const auto& g : s.jp.groups) {
                for (const auto& e : g.joins)
                    out.push_back({true, classify_jp_source(e), e.source, g.group.group,
                                   s.jp.upstream_neighbor, s.ifindex});
                for (const auto& e : g.prunes)
                    out.push_back({false, classify_jp_source(e), e.source, g.group.group,
                                   s.jp.upstream_neighbor, s.ifindex});
            }
        actions.jps.clear();
        return out;
    }
    static bool has(const std::vector<Entry>& v, bool join, JpEntryKind k, Ipv4Address upstream) {
        for (const auto& e : v)
            if (e.join == join && e.kind == k && e.upstream == upstream) return true;
        return false;
    }

    ManualTimerService timers;
    SeededRandom rng{1};
    Recorder actions;
    testlib::TwoPortRib rib{kUp};
    PimCore core;
};

// ---- 4.5.1 downstream (*,G) ----

TEST_F(FsmTest, DsStarGNoInfoJoinGoesToJoinWithExpiryTimer) {
    down({star_g()}, {});
    auto j = ds("(*,G)");
    ASSERT_TRUE(j);
    EXPECT_EQ(j->state, "Join");
    EXPECT_EQ(j->expiry_ms, 210000);
}

TEST_F(FsmTest, DsStarGNoInfoPruneStaysNoInfo) {
    down({}, {star_g()});
    EXPECT_EQ(ds_state("(*,G)"), "NoInfo");
    EXPECT_TRUE(core.sparse().tib().star_g().empty());
}

TEST_F(FsmTest, DsStarGJoinJoinKeepsTheLongerExpiryTimer) {
    down({star_g()}, {});
    timers.advance(10s);
    down({star_g()}, {}, 100);  // max(200 s left, 100 s)
    EXPECT_EQ(ds("(*,G)")->expiry_ms, 200000);
    down({star_g()}, {}, 210);
    EXPECT_EQ(ds("(*,G)")->expiry_ms, 210000);
}

TEST_F(FsmTest, DsStarGJoinPruneWithOneNeighborGoesToNoInfoAtOnce) {
    down({star_g()}, {});
    down({}, {star_g()});
    timers.advance(0ms);
    EXPECT_EQ(ds_state("(*,G)"), "NoInfo");
    // No Prune-Echo with a single neighbor on I.
    for (const auto& e : take())
        EXPECT_FALSE(e.ifindex == 3 && !e.join) << "unexpected prune-echo";
}

TEST_F(FsmTest, DsStarGJoinPruneGoesToPrunePendingThenNoInfoWithPruneEcho) {
    hello(3, kDown2, 32);
    down({star_g()}, {});
    down({}, {star_g()});
    auto j = ds("(*,G)");
    ASSERT_TRUE(j);
    EXPECT_EQ(j->state, "PrunePending");
    EXPECT_EQ(j->prune_pending_ms, 3000);
    take();
    timers.advance(3s);
    EXPECT_EQ(ds_state("(*,G)"), "NoInfo");
    auto sent = take();
    EXPECT_TRUE(has(sent, false, JpEntryKind::kStarG, kMe1)) << "Prune-Echo(*,G) on eth1";
    EXPECT_TRUE(has(sent, false, JpEntryKind::kStarG, kUp)) << "JoinDesired(*,G) -> FALSE upstream";
}

TEST_F(FsmTest, DsStarGPrunePendingJoinGoesBackToJoin) {
    hello(3, kDown2, 32);
    down({star_g()}, {});
    down({}, {star_g()});
    down({star_g()}, {});
    auto j = ds("(*,G)");
    ASSERT_TRUE(j);
    EXPECT_EQ(j->state, "Join");
    EXPECT_FALSE(j->prune_pending_ms);
    timers.advance(5s);
    EXPECT_EQ(ds_state("(*,G)"), "Join");
}

TEST_F(FsmTest, DsStarGJoinExpiryGoesToNoInfo) {
    down({star_g()}, {}, 20);
    timers.advance(19s);
    EXPECT_EQ(ds_state("(*,G)"), "Join");
    timers.advance(1s);
    EXPECT_EQ(ds_state("(*,G)"), "NoInfo");
    EXPECT_TRUE(core.sparse().tib().star_g().empty());
}

TEST_F(FsmTest, DsStarGPrunePendingExpiryGoesToNoInfo) {
    hello(3, kDown2, 32);
    down({star_g()}, {}, 2);
    down({}, {star_g()}, 2);
    EXPECT_EQ(ds_state("(*,G)"), "PrunePending");
    timers.advance(2s);  // ET (2 s) before the PPT (3 s)
    EXPECT_EQ(ds_state("(*,G)"), "NoInfo");
}

// ---- 4.5.2 downstream (S,G): the same table ----

TEST_F(FsmTest, DsSGJoinThenPruneThroughPrunePending) {
    hello(3, kDown2, 32);
    down({sg()}, {});
    EXPECT_EQ(ds_state("(S,G)"), "Join");
    EXPECT_TRUE(has(take(), true, JpEntryKind::kSG, kUp));
    down({}, {sg()});
    EXPECT_EQ(ds_state("(S,G)"), "PrunePending");
    down({sg()}, {});
    EXPECT_EQ(ds_state("(S,G)"), "Join");
    down({}, {sg()});
    timers.advance(3s);
    EXPECT_EQ(ds_state("(S,G)"), "NoInfo");
    auto sent = take();
    EXPECT_TRUE(has(sent, false, JpEntryKind::kSG, kMe1)) << "Prune-Echo(S,G)";
    EXPECT_TRUE(has(sent, false, JpEntryKind::kSG, kUp)) << "Prune(S,G) upstream";
    EXPECT_TRUE(core.sparse().tib().sg().empty());
}

TEST_F(FsmTest, DsSGJoinExpires) {
    down({sg()}, {}, 30);
    timers.advance(30s);
    EXPECT_EQ(ds_state("(S,G)"), "NoInfo");
    EXPECT_TRUE(core.sparse().tib().sg().empty());
}

// ---- 4.5.3 downstream (S,G,rpt) ----

TEST_F(FsmTest, DsRptNoInfoPruneGoesToPrunePendingThenPruned) {
    hello(3, kDown2, 32);
    down({star_g()}, {sg(true)});
    EXPECT_EQ(ds_state("(S,G,rpt)"), "PrunePending");
    timers.advance(3s);
    EXPECT_EQ(ds_state("(S,G,rpt)"), "Prune");
}

TEST_F(FsmTest, DsRptPrunedStarGJoinWithoutPruneGoesToNoInfoAtEndOfMessage) {
    down({star_g()}, {sg(true)});
    timers.advance(0ms);
    EXPECT_EQ(ds_state("(S,G,rpt)"), "Prune");
    down({star_g()}, {sg(true)});  // P -> P' -> P
    EXPECT_EQ(ds_state("(S,G,rpt)"), "Prune");
    down({star_g()}, {});  // P -> P' -> (End of Message) NI
    EXPECT_EQ(ds_state("(S,G,rpt)"), "NoInfo");
}

TEST_F(FsmTest, DsRptPrunedJoinSGRptGoesToNoInfo) {
    down({star_g()}, {sg(true)});
    timers.advance(0ms);
    EXPECT_EQ(ds_state("(S,G,rpt)"), "Prune");
    down({sg(true)}, {});
    EXPECT_EQ(ds_state("(S,G,rpt)"), "NoInfo");
}

TEST_F(FsmTest, DsRptPrunePendingJoinSGRptGoesToNoInfo) {
    hello(3, kDown2, 32);
    down({star_g()}, {sg(true)});
    EXPECT_EQ(ds_state("(S,G,rpt)"), "PrunePending");
    down({sg(true)}, {});
    EXPECT_EQ(ds_state("(S,G,rpt)"), "NoInfo");
}

TEST_F(FsmTest, DsRptPrunePendingStarGJoinAndPruneStaysPrunePending) {
    hello(3, kDown2, 32);
    down({star_g()}, {sg(true)});
    timers.advance(1s);
    down({star_g()}, {sg(true)});  // PP -> PP' -> PP, the PPT keeps running
    EXPECT_EQ(ds_state("(S,G,rpt)"), "PrunePending");
    timers.advance(2s);
    EXPECT_EQ(ds_state("(S,G,rpt)"), "Prune");
}

TEST_F(FsmTest, DsRptPrunedExpiryGoesToNoInfo) {
    down({star_g()}, {sg(true)}, 50);
    timers.advance(0ms);
    down({star_g()}, {sg(true)}, 50);
    timers.advance(50s);
    EXPECT_EQ(ds_state("(S,G,rpt)"), "NoInfo");
}

// ---- 4.5.4 upstream (*,G) ----

TEST_F(FsmTest, UpStarGJoinDesiredTrueSendsJoinAndPeriodicJoins) {
    members(FilterMode::kExclude);
    EXPECT_EQ(us_state("(*,G)"), "Joined");
    EXPECT_TRUE(has(take(), true, JpEntryKind::kStarG, kUp));
    timers.advance(59s);
    EXPECT_TRUE(take().empty());
    timers.advance(1s);
    EXPECT_TRUE(has(take(), true, JpEntryKind::kStarG, kUp)) << "Join Timer expiry";
}

TEST_F(FsmTest, UpStarGJoinDesiredFalseSendsPrune) {
    members(FilterMode::kExclude);
    take();
    members(FilterMode::kInclude);
    EXPECT_TRUE(has(take(), false, JpEntryKind::kStarG, kUp));
    EXPECT_EQ(us_state("(*,G)"), "none");
}

TEST_F(FsmTest, UpStarGSeeJoinRaisesAndSeePruneLowersTheJoinTimer) {
    hello(2, kUp2, 13);
    members(FilterMode::kExclude);
    jp(2, kUp2, kUp, {star_g()}, {});
    EXPECT_GT(*us("(*,G)")->join_timer_ms, 60000) << "t_joinsuppress = rand(66 s, 84 s)";
    jp(2, kUp2, kUp, {}, {star_g()});
    EXPECT_LE(*us("(*,G)")->join_timer_ms, 2500) << "t_override";
}

TEST_F(FsmTest, UpStarGRpfNeighborChangeMovesTheJoin) {
    hello(2, kUp2, 13);
    members(FilterMode::kExclude);
    take();
    rib.gateway = kUp2;
    core.handle(RouteChanged{Ipv4Prefix(Ipv4Address(0, 0, 0, 0), 0)});
    auto sent = take();
    EXPECT_TRUE(has(sent, false, JpEntryKind::kStarG, kUp));
    EXPECT_TRUE(has(sent, true, JpEntryKind::kStarG, kUp2));
    EXPECT_EQ(us("(*,G)")->rpf_neighbor, "198.19.12.3");
}

TEST_F(FsmTest, UpStarGGenIdChangeResendsJoinWithinTOverride) {
    members(FilterMode::kExclude);
    take();
    timers.advance(10s);
    hello(2, kUp, 99);
    EXPECT_LE(*us("(*,G)")->join_timer_ms, 2500);
    timers.advance(2500ms);
    EXPECT_TRUE(has(take(), true, JpEntryKind::kStarG, kUp));
}

// ---- 4.5.5 upstream (S,G) ----

TEST_F(FsmTest, UpSGJoinDesiredTrueAndFalse) {
    down({sg()}, {});
    EXPECT_EQ(us_state("(S,G)"), "Joined");
    EXPECT_TRUE(has(take(), true, JpEntryKind::kSG, kUp));
    timers.advance(60s);
    EXPECT_TRUE(has(take(), true, JpEntryKind::kSG, kUp)) << "Join Timer expiry";
    down({}, {sg()});
    timers.advance(0ms);
    EXPECT_TRUE(has(take(), false, JpEntryKind::kSG, kUp));
    EXPECT_EQ(us_state("(S,G)"), "none");
}

TEST_F(FsmTest, UpSGSeeJoinSeePruneSeeRptPruneSeeStarGPrune) {
    hello(2, kUp2, 13);
    down({sg()}, {});
    jp(2, kUp2, kUp, {sg()}, {});
    EXPECT_GT(*us("(S,G)")->join_timer_ms, 60000);
    jp(2, kUp2, kUp, {}, {sg()});
    EXPECT_LE(*us("(S,G)")->join_timer_ms, 2500);
    down({sg()}, {});
    timers.advance(3s);  // JT fired: back to t_periodic
    take();
    EXPECT_GT(*us("(S,G)")->join_timer_ms, 2500);
    jp(2, kUp2, kUp, {}, {sg(true)});
    EXPECT_LE(*us("(S,G)")->join_timer_ms, 2500) << "See Prune(S,G,rpt)";
    timers.advance(3s);
    jp(2, kUp2, kUp, {}, {star_g()});
    EXPECT_LE(*us("(S,G)")->join_timer_ms, 2500) << "See Prune(*,G)";
}

TEST_F(FsmTest, UpSGRpfNeighborChangeMovesTheJoin) {
    hello(2, kUp2, 13);
    down({sg()}, {});
    take();
    rib.gateway = kUp2;
    core.handle(RouteChanged{Ipv4Prefix(Ipv4Address(0, 0, 0, 0), 0)});
    auto sent = take();
    EXPECT_TRUE(has(sent, false, JpEntryKind::kSG, kUp));
    EXPECT_TRUE(has(sent, true, JpEntryKind::kSG, kUp2));
}

// ---- 4.5.6 / 4.5.7 upstream (S,G,rpt) ----

TEST_F(FsmTest, UpRptPruneDesiredTrueThenFalse) {
    // The only (*,G) olist interface prunes S: inherited_olist(S,G,rpt) = NULL, PruneDesired(S,G,rpt).
    down({star_g()}, {sg(true)});
    timers.advance(0ms);
    EXPECT_EQ(us_state("(S,G,rpt)"), "Pruned");
    auto sent = take();
    EXPECT_TRUE(has(sent, false, JpEntryKind::kSGRpt, kUp)) << "Prune(S,G,rpt) with the Join(*,G)";
    // The periodic Join(*,G) carries it too (4.5.6).
    timers.advance(60s);
    EXPECT_TRUE(has(take(), false, JpEntryKind::kSGRpt, kUp));
    // The downstream un-prunes: PruneDesired -> FALSE: Join(S,G,rpt).
    down({sg(true)}, {});
    EXPECT_TRUE(has(take(), true, JpEntryKind::kSGRpt, kUp));
    EXPECT_NE(us_state("(S,G,rpt)"), "Pruned");
}

TEST_F(FsmTest, UpRptRptJoinDesiredFalseGoesToNotJoined) {
    down({star_g()}, {sg(true)});
    timers.advance(0ms);
    EXPECT_EQ(us_state("(S,G,rpt)"), "Pruned");
    down({}, {star_g()});
    timers.advance(0ms);
    EXPECT_NE(us_state("(S,G,rpt)"), "Pruned");
    EXPECT_EQ(us_state("(*,G)"), "none");
}

TEST_F(FsmTest, UpRptNotPrunedSeePruneOverridesWithJoinAfterTOverride) {
    hello(2, kUp2, 13);
    members(FilterMode::kExclude);
    take();
    jp(2, kUp2, kUp, {}, {sg(true)});  // another router prunes S off the RPT; we still want it
    EXPECT_EQ(us_state("(S,G,rpt)"), "NotPruned");
    EXPECT_LE(*us("(S,G,rpt)")->join_timer_ms, 2500) << "OT = t_override";
    timers.advance(2500ms);
    EXPECT_TRUE(has(take(), true, JpEntryKind::kSGRpt, kUp)) << "Join(S,G,rpt) override";
}

TEST_F(FsmTest, UpRptNotPrunedSeeJoinCancelsTheOverride) {
    hello(2, kUp2, 13);
    members(FilterMode::kExclude);
    take();
    jp(2, kUp2, kUp, {}, {sg(true)});
    jp(2, kUp2, kUp, {sg(true)}, {});
    timers.advance(3s);
    EXPECT_FALSE(has(take(), true, JpEntryKind::kSGRpt, kUp)) << "someone else overrode it";
}

TEST_F(FsmTest, UpRptNotPrunedSeePruneSGOverridesWithJoinSGRpt) {
    hello(2, kUp2, 13);
    members(FilterMode::kExclude);
    take();
    jp(2, kUp2, kUp, {}, {sg()});  // See Prune(S,G) to RPF'(S,G,rpt): OT = min(OT, t_override)
    EXPECT_EQ(us_state("(S,G,rpt)"), "NotPruned");
    ASSERT_TRUE(us("(S,G,rpt)")->join_timer_ms);
    EXPECT_LE(*us("(S,G,rpt)")->join_timer_ms, 2500);
    timers.advance(2500ms);
    EXPECT_TRUE(has(take(), true, JpEntryKind::kSGRpt, kUp));
}

TEST_F(FsmTest, UpRptNotPrunedPruneDesiredTrueSendsPruneAndCancelsTheOverride) {
    hello(2, kUp2, 13);
    down({star_g()}, {});
    take();
    jp(2, kUp2, kUp, {}, {sg(true)});  // NP with the Override Timer running
    EXPECT_EQ(us_state("(S,G,rpt)"), "NotPruned");
    down({star_g()}, {sg(true)});  // our only (*,G) olist interface prunes S: PruneDesired(S,G,rpt)
    timers.advance(0ms);
    EXPECT_EQ(us_state("(S,G,rpt)"), "Pruned");
    EXPECT_TRUE(has(take(), false, JpEntryKind::kSGRpt, kUp));
    timers.advance(3s);
    EXPECT_FALSE(has(take(), true, JpEntryKind::kSGRpt, kUp)) << "the Override Timer was cancelled";
}

TEST_F(FsmTest, UpSGGenIdChangeResendsJoinWithinTOverride) {
    down({sg()}, {});
    take();
    timers.advance(10s);
    hello(2, kUp, 77);
    EXPECT_LE(*us("(S,G)")->join_timer_ms, 2500);
    timers.advance(2500ms);
    EXPECT_TRUE(has(take(), true, JpEntryKind::kSG, kUp));
}

// ---- Assert wired into the machines (4.5.4 "RPF'(*,G) changes due to an Assert", 4.6.1 "Receive Join(S,G)")
// ----

TEST_F(FsmTest, UpStarGRpfChangeDueToAssertLowersTheJoinTimerAndMovesTheJoin) {
    hello(2, kUp2, 13);
    members(FilterMode::kExclude);
    take();
    // 198.19.12.3 wins the (*,G) assert on our RPF interface toward the RP: RPF'(*,G) =
    // AssertWinner(*,G,eth0).
    assert_msg(2, kUp2, Ipv4Address{}, true, 0, 0);
    EXPECT_EQ(core.sparse().asserts().state(StarGKey{kG}, 2), AssertState::kLoser);
    EXPECT_EQ(us("(*,G)")->rpf_neighbor, "198.19.12.3");
    EXPECT_LE(*us("(*,G)")->join_timer_ms, 2500) << "JT = min(JT, t_override), no Prune to the old RPF'";
    EXPECT_TRUE(take().empty());
    timers.advance(2500ms);
    EXPECT_TRUE(has(take(), true, JpEntryKind::kStarG, kUp2));
}

TEST_F(FsmTest, AssertLoserJoinReceivedGoesToNoInfoAndForwards) {
    // We forward (S,G) onto eth1 (downstream Join) on the SPT; 198.19.13.3 wins the (S,G) assert on eth1.
    hello(3, kDown2, 32);
    down({sg()}, {});
    core.handle(KernelUpcall{KernelUpcallType::kNoCache, *core.vifs().vif_of(2), kS, kG, {}});
    ASSERT_TRUE(us("(S,G)")->spt_bit);
    assert_msg(3, kDown2, kS, false, 0, 0);
    EXPECT_EQ(core.sparse().asserts().state(SGKey{kS, kG}, 3), AssertState::kLoser);
    const auto* m = core.sparse().mfc().installed(SGKey{kS, kG});
    ASSERT_TRUE(m);
    EXPECT_FALSE(m->oifs.test(static_cast<size_t>(*core.vifs().vif_of(3)))) << "lost_assert(S,G,eth1)";
    // A Join(S,G) to us on eth1 while we are the loser: Loser -> NoInfo (A5), eth1 is back in the olist.
    down({sg()}, {});
    EXPECT_EQ(core.sparse().asserts().state(SGKey{kS, kG}, 3), AssertState::kNoInfo);
    m = core.sparse().mfc().installed(SGKey{kS, kG});
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->oifs.test(static_cast<size_t>(*core.vifs().vif_of(3))));
}

}  // namespace
}  // namespace fanout::pim
