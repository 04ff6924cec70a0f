// RFC 7761 macros (pimd/core/macros.hpp), row by row: each test sets up the inputs of one formula term and
// checks the result changes exactly as the formula says.
#include "pimd/core/macros.hpp"

#include <gtest/gtest.h>

#include <map>

#include "common/core/manual_timer.hpp"

namespace fanout::pim {
namespace {

const Ipv4Address kS{198, 18, 1, 10};
const Ipv4Address kG{239, 1, 1, 1};
const Ipv4Address kRp{198, 18, 9, 9};
const Ipv4Address kNbrRp{198, 18, 2, 2};  // next hop toward the RP (on if 2)
const Ipv4Address kNbrS{198, 18, 3, 3};   // next hop toward S (on if 3)
const Ipv4Address kWinner{198, 18, 2, 7};
const SGKey kSG{kS, kG};

class FakeRouter final : public RouterView {
  public:
    std::set<int> dr_on{1, 4};
    std::optional<Ipv4Address> rp_addr = kRp;
    std::set<Ipv4Address> local;
    std::map<Ipv4Address, std::pair<int, std::optional<Ipv4Address>>> routes{{kRp, {2, kNbrRp}},
                                                                             {kS, {3, kNbrS}}};
    bool connected = false;
    bool i_am_dr(int i) const override { return dr_on.count(i) != 0; }
    std::optional<Ipv4Address> rp(Ipv4Address) const override { return rp_addr; }
    bool is_local_address(Ipv4Address a) const override { return local.count(a) != 0; }
    int rpf_interface(Ipv4Address x) const override {
        auto it = routes.find(x);
        return it == routes.end() ? 0 : it->second.first;
    }
    std::optional<Ipv4Address> mrib_neighbor(Ipv4Address x) const override {
        auto it = routes.find(x);
        return it == routes.end() ? std::nullopt : it->second.second;
    }
    bool directly_connected(Ipv4Address) const override { return connected; }
};

class FakeAsserts final : public AssertQuery {
  public:
    std::map<int, AssertWinner> sg, star_g;
    bool better_than_spt = true;
    AssertWinner assert_winner(const SGKey&, int i) const override {
        auto it = sg.find(i);
        return it == sg.end() ? AssertWinner{} : it->second;
    }
    AssertWinner assert_winner_star_g(Ipv4Address, int i) const override {
        auto it = star_g.find(i);
        return it == star_g.end() ? AssertWinner{} : it->second;
    }
    bool winner_metric_better_than_spt(const SGKey&, int) const override { return better_than_spt; }
};

const AssertWinner kOther{AssertWinner::Kind::kOther, kWinner};
const AssertWinner kMe{AssertWinner::Kind::kMe, Ipv4Address{198, 18, 2, 1}};

class Macros : public ::testing::Test {
  protected:
    MacroInputs in() const { return MacroInputs{tib, members, asserts, router}; }
    void member(int i, FilterMode m, std::vector<Ipv4Address> srcs = {}) {
        bool changed = false;
        members.apply(MembershipChanged{i, kG, m, std::move(srcs)}, t.now(), changed);
    }
    void star_join(int i) { tib.get_or_create(StarGKey{kG}, t.now()).downstream[i] = DsJoin{}; }
    void star_prune_pending(int i) {
        tib.get_or_create(StarGKey{kG}, t.now()).downstream[i] = DsPrunePending{};
    }
    void sg_join(int i) { tib.get_or_create(kSG, t.now()).downstream[i] = DsJoin{}; }
    void rpt(int i, DownstreamRpt s) { tib.get_or_create_rpt(kSG, t.now()).downstream[i] = std::move(s); }

    ManualTimerService t;
    Tib tib;
    LocalMembership members;
    FakeAsserts asserts;
    FakeRouter router;
};

TEST_F(Macros, IAmDrAndIAmRp) {
    EXPECT_TRUE(i_am_dr(in(), 1));
    EXPECT_FALSE(i_am_dr(in(), 2));
    EXPECT_FALSE(i_am_rp(in(), kG));
    router.local.insert(kRp);
    EXPECT_TRUE(i_am_rp(in(), kG));
    router.rp_addr.reset();
    EXPECT_FALSE(i_am_rp(in(), kG));
}

TEST_F(Macros, LocalReceiverIncludeExclude) {
    member(1, FilterMode::kExclude, {kS});
    member(4, FilterMode::kInclude, {kS});
    EXPECT_TRUE(local_receiver_include(in(), kG, 1));   // EXCLUDE mode: wants G
    EXPECT_FALSE(local_receiver_include(in(), kG, 4));  // INCLUDE mode: only specific sources
    EXPECT_FALSE(local_receiver_include(in(), kSG, 1));
    EXPECT_TRUE(local_receiver_include(in(), kSG, 4));
    EXPECT_TRUE(local_receiver_exclude(in(), kSG, 1));
    EXPECT_FALSE(local_receiver_exclude(in(), kSG, 4));
    EXPECT_FALSE(local_receiver_exclude(in(), SGKey{Ipv4Address{198, 18, 1, 11}, kG}, 1));
}

TEST_F(Macros, PimIncludeStarGRows) {
    member(1, FilterMode::kExclude);
    member(5, FilterMode::kExclude);  // not DR on 5
    EXPECT_EQ(pim_include_star_g(in(), kG), (IfSet{1}));
    asserts.star_g[5] = kMe;  // AssertWinner(*,G,I) == me overrides not being DR
    EXPECT_EQ(pim_include_star_g(in(), kG), (IfSet{1, 5}));
    asserts.star_g[1] = kOther;  // DR but lost assert
    EXPECT_EQ(pim_include_star_g(in(), kG), (IfSet{5}));
}

TEST_F(Macros, PimIncludeAndExcludeSG) {
    member(1, FilterMode::kInclude, {kS});
    member(4, FilterMode::kExclude, {kS});
    EXPECT_EQ(pim_include_sg(in(), kSG), (IfSet{1}));
    EXPECT_EQ(pim_exclude_sg(in(), kSG), (IfSet{4}));
    asserts.sg[1] = kOther;  // lost_assert(S,G,1): winner better than our spt metric
    EXPECT_TRUE(pim_include_sg(in(), kSG).empty());
    asserts.better_than_spt = false;  // winner metric not better: not lost
    EXPECT_EQ(pim_include_sg(in(), kSG), (IfSet{1}));
    asserts.star_g[4] = kOther;  // pim_exclude uses the (*,G) assert
    EXPECT_TRUE(pim_exclude_sg(in(), kSG).empty());
}

TEST_F(Macros, JoinsAndPrunes) {
    star_join(5);
    star_prune_pending(6);
    tib.get_or_create(StarGKey{kG}, t.now()).downstream[7] = DsNoInfo{};
    EXPECT_EQ(joins_star_g(in(), kG), (IfSet{5, 6}));
    sg_join(8);
    EXPECT_EQ(joins_sg(in(), kSG), (IfSet{8}));
    rpt(5, RptPruned{});
    rpt(6, RptPruneTmp{});
    rpt(7, RptPrunePending{});  // Prune-Pending is not a prune yet
    rpt(9, RptPrunePendingTmp{});
    EXPECT_EQ(prunes_sg_rpt(in(), kSG), (IfSet{5, 6}));
}

TEST_F(Macros, LostAssertRows) {
    asserts.star_g[2] = kOther;
    asserts.star_g[5] = kOther;
    asserts.star_g[6] = kMe;
    EXPECT_FALSE(lost_assert_star_g(in(), kG, 2));  // RPF_interface(RP(G)) is never lost
    EXPECT_TRUE(lost_assert_star_g(in(), kG, 5));
    EXPECT_FALSE(lost_assert_star_g(in(), kG, 6));
    EXPECT_FALSE(lost_assert_star_g(in(), kG, 7));  // no winner
    asserts.sg[3] = kOther;
    asserts.sg[5] = kOther;
    EXPECT_FALSE(lost_assert_sg(in(), kSG, 3));  // RPF_interface(S)
    EXPECT_TRUE(lost_assert_sg(in(), kSG, 5));
    asserts.sg[2] = kOther;
    EXPECT_FALSE(lost_assert_sg_rpt(in(), kSG, 2));  // RPF_interface(RP(G))
    EXPECT_TRUE(lost_assert_sg_rpt(in(), kSG, 3));   // RPF_interface(S) but SPTbit false
    tib.get_or_create(kSG, t.now()).spt_bit = true;
    EXPECT_FALSE(lost_assert_sg_rpt(in(), kSG, 3));
    EXPECT_TRUE(lost_assert_sg_rpt(in(), kSG, 5));
}

TEST_F(Macros, ImmediateOlists) {
    star_join(5);
    member(1, FilterMode::kExclude);
    EXPECT_EQ(immediate_olist_star_g(in(), kG), (IfSet{1, 5}));
    asserts.star_g[5] = kOther;
    EXPECT_EQ(immediate_olist_star_g(in(), kG), (IfSet{1}));
    sg_join(6);
    member(4, FilterMode::kInclude, {kS});
    EXPECT_EQ(immediate_olist_sg(in(), kSG), (IfSet{4, 6}));
    asserts.sg[6] = kOther;
    EXPECT_EQ(immediate_olist_sg(in(), kSG), (IfSet{4}));
}

TEST_F(Macros, InheritedOlistSGRptRows) {
    star_join(5);
    star_join(6);
    member(1, FilterMode::kExclude);
    EXPECT_EQ(inherited_olist_sg_rpt(in(), kSG), (IfSet{1, 5, 6}));
    rpt(6, RptPruned{});  // joins(*,G) (-) prunes(S,G,rpt)
    EXPECT_EQ(inherited_olist_sg_rpt(in(), kSG), (IfSet{1, 5}));
    member(1, FilterMode::kExclude, {kS});  // pim_include(*,G) (-) pim_exclude(S,G)
    EXPECT_EQ(inherited_olist_sg_rpt(in(), kSG), (IfSet{5}));
    asserts.sg[5] = kOther;  // (-) lost_assert(S,G,rpt)
    EXPECT_TRUE(inherited_olist_sg_rpt(in(), kSG).empty());
    asserts.sg.clear();
    asserts.star_g[5] = kOther;  // (-) lost_assert(*,G)
    EXPECT_TRUE(inherited_olist_sg_rpt(in(), kSG).empty());
}

TEST_F(Macros, InheritedOlistSGIsRptPlusImmediate) {
    star_join(5);
    sg_join(7);
    EXPECT_EQ(inherited_olist_sg(in(), kSG), (IfSet{5, 7}));
    rpt(5, RptPruned{});
    EXPECT_EQ(inherited_olist_sg(in(), kSG), (IfSet{7}));
}

TEST_F(Macros, JoinDesired) {
    EXPECT_FALSE(join_desired_star_g(in(), kG));
    EXPECT_FALSE(rpt_join_desired(in(), kG));
    member(1, FilterMode::kExclude);
    EXPECT_TRUE(join_desired_star_g(in(), kG));
    EXPECT_TRUE(rpt_join_desired(in(), kG));
    // (S,G): immediate_olist, or KAT running with a non-empty inherited_olist.
    EXPECT_FALSE(join_desired_sg(in(), kSG));
    auto& e = tib.get_or_create(kSG, t.now());
    e.keepalive = TimerHandle(t, 210s, [] {});
    EXPECT_TRUE(join_desired_sg(in(), kSG));  // inherited from pim_include(*,G)
    member(1, FilterMode::kInclude, {});
    EXPECT_FALSE(join_desired_sg(in(), kSG));
    member(4, FilterMode::kInclude, {kS});
    e.keepalive.cancel();
    EXPECT_TRUE(join_desired_sg(in(), kSG));
}

TEST_F(Macros, PruneDesiredRows) {
    star_join(5);
    EXPECT_FALSE(prune_desired_sg_rpt(in(), kSG));  // olist not empty, SPTbit false
    rpt(5, RptPruned{});
    EXPECT_TRUE(prune_desired_sg_rpt(in(), kSG));  // inherited_olist(S,G,rpt) == NULL
    tib.find_rpt(kSG)->downstream.clear();
    auto& e = tib.get_or_create(kSG, t.now());
    e.spt_bit = true;  // SPTbit and RPF'(*,G) != RPF'(S,G)
    EXPECT_TRUE(prune_desired_sg_rpt(in(), kSG));
    router.routes[kS] = {2, kNbrRp};  // same upstream neighbor: no prune
    EXPECT_FALSE(prune_desired_sg_rpt(in(), kSG));
    tib.find(StarGKey{kG})->downstream.clear();  // RPTJoinDesired false
    router.routes[kS] = {3, kNbrS};
    EXPECT_FALSE(prune_desired_sg_rpt(in(), kSG));
}

TEST_F(Macros, RpfPrimeRows) {
    EXPECT_EQ(rpf_prime_star_g(in(), kG), kNbrRp);
    EXPECT_EQ(rpf_prime_sg(in(), kSG), kNbrS);
    EXPECT_EQ(rpf_prime_sg_rpt(in(), kSG), kNbrRp);
    asserts.star_g[2] = kOther;  // assert loser on RPF_interface(RP(G))
    EXPECT_EQ(rpf_prime_star_g(in(), kG), kWinner);
    EXPECT_EQ(rpf_prime_sg_rpt(in(), kSG), kWinner);  // falls back to RPF'(*,G)
    asserts.star_g.clear();
    asserts.sg[2] = AssertWinner{AssertWinner::Kind::kOther, Ipv4Address{198, 18, 2, 8}};
    EXPECT_EQ(rpf_prime_sg_rpt(in(), kSG), (Ipv4Address{198, 18, 2, 8}));
    asserts.sg[3] = kOther;
    EXPECT_EQ(rpf_prime_sg(in(), kSG), kWinner);
    router.rp_addr.reset();  // no RP: NULL
    EXPECT_EQ(rpf_prime_star_g(in(), kG), std::nullopt);
    EXPECT_EQ(rpf_prime_sg_rpt(in(), kSG), std::nullopt);
    router.routes.erase(kS);  // unreachable source
    EXPECT_EQ(rpf_prime_sg(in(), kSG), std::nullopt);
}

TEST_F(Macros, CheckSwitchToSpt) {
    EXPECT_FALSE(check_switch_to_spt(in(), kSG, true));  // no local receivers
    member(1, FilterMode::kExclude);
    EXPECT_TRUE(check_switch_to_spt(in(), kSG, true));
    EXPECT_FALSE(check_switch_to_spt(in(), kSG, false));  // policy says no
    member(1, FilterMode::kExclude, {kS});                // S excluded
    EXPECT_FALSE(check_switch_to_spt(in(), kSG, true));
    member(4, FilterMode::kInclude, {kS});  // (+) pim_include(S,G)
    EXPECT_TRUE(check_switch_to_spt(in(), kSG, true));
}

TEST_F(Macros, UpdateSptBitRows) {
    member(4, FilterMode::kInclude, {kS});                // JoinDesired(S,G)
    EXPECT_FALSE(update_sptbit_condition(in(), kSG, 2));  // not RPF_interface(S)
    EXPECT_TRUE(update_sptbit_condition(in(), kSG, 3));   // RPF_interface(S) != RPF_interface(RP)
    router.routes[kS] = {2, kNbrS};                       // same interface, different neighbors
    star_join(5);
    EXPECT_FALSE(update_sptbit_condition(in(), kSG, 2));
    router.connected = true;  // DirectlyConnected(S)
    EXPECT_TRUE(update_sptbit_condition(in(), kSG, 2));
    router.connected = false;
    router.routes[kS] = {2, kNbrRp};  // RPF'(S,G) == RPF'(*,G) != NULL
    EXPECT_TRUE(update_sptbit_condition(in(), kSG, 2));
    router.routes[kS] = {2, kNbrS};
    rpt(5, RptPruned{});  // inherited_olist(S,G,rpt) == NULL
    EXPECT_TRUE(update_sptbit_condition(in(), kSG, 2));
    tib.find_rpt(kSG)->downstream.clear();
    asserts.sg[2] = kOther;  // I_Am_Assert_Loser(S,G,iif)
    EXPECT_TRUE(update_sptbit_condition(in(), kSG, 2));
}

TEST(NoAssertStateTest, AnswersNothing) {
    NoAssertState a;
    EXPECT_TRUE(a.assert_winner(SGKey{kS, kG}, 1).is_null());
    EXPECT_TRUE(a.assert_winner_star_g(kG, 1).is_null());
    EXPECT_FALSE(a.i_am_assert_loser(SGKey{kS, kG}, 1));
    EXPECT_FALSE(a.i_am_assert_loser_star_g(kG, 1));
    EXPECT_FALSE(a.winner_metric_better_than_spt(SGKey{kS, kG}, 1));
}

TEST(LocalMembershipTest, ApplyRecordsAndRemoval) {
    LocalMembership m;
    bool changed = false;
    auto prev = m.apply(MembershipChanged{2, kG, FilterMode::kExclude, {}}, TimePoint{}, changed);
    EXPECT_TRUE(changed);
    EXPECT_FALSE(prev);
    m.apply(MembershipChanged{2, kG, FilterMode::kExclude, {}}, TimePoint{}, changed);
    EXPECT_FALSE(changed);  // same record
    prev = m.apply(MembershipChanged{2, kG, FilterMode::kInclude, {kS}}, TimePoint{}, changed);
    EXPECT_TRUE(changed);
    ASSERT_TRUE(prev);
    EXPECT_EQ(prev->mode, FilterMode::kExclude);
    EXPECT_EQ(m.included_sources(kG), (std::set<Ipv4Address>{kS}));
    m.apply(MembershipChanged{3, kG, FilterMode::kExclude, {}}, TimePoint{}, changed);
    EXPECT_EQ(m.interfaces_of(kG), (IfSet{2, 3}));
    m.apply(MembershipChanged{2, kG, FilterMode::kInclude, {}}, TimePoint{}, changed);  // leave
    EXPECT_TRUE(changed);
    EXPECT_EQ(m.interfaces_of(kG), (IfSet{3}));
    EXPECT_EQ(m.remove_interface(3), (std::vector<Ipv4Address>{kG}));
    EXPECT_TRUE(m.interfaces_of(kG).empty());  // the group lookup just before is not reused
    EXPECT_EQ(m.find(3, kG), nullptr);
    EXPECT_EQ(m.size(), 0u);
    EXPECT_TRUE(m.groups().empty());
}

TEST_F(Macros, CouldAssertSGRows) {
    star_join(5);
    sg_join(6);
    member(4, FilterMode::kInclude, {kS});  // pim_include(S,G) = {4}
    rpt(7, RptPruned{});
    star_join(7);  // joins(*,G) (-) prunes(S,G,rpt): 7 pruned
    EXPECT_FALSE(could_assert_sg(in(), kSG, 5)) << "SPTbit(S,G) FALSE";
    tib.get_or_create(kSG, t.now()).spt_bit = true;
    EXPECT_TRUE(could_assert_sg(in(), kSG, 5));
    EXPECT_TRUE(could_assert_sg(in(), kSG, 6));
    EXPECT_TRUE(could_assert_sg(in(), kSG, 4));
    EXPECT_FALSE(could_assert_sg(in(), kSG, 7));
    EXPECT_FALSE(could_assert_sg(in(), kSG, 8));
    sg_join(3);
    EXPECT_FALSE(could_assert_sg(in(), kSG, 3)) << "RPF_interface(S)";
    asserts.star_g[5] = kOther;  // (-) lost_assert(*,G)
    EXPECT_FALSE(could_assert_sg(in(), kSG, 5));
}

TEST_F(Macros, AssertTrackingDesiredSGRows) {
    star_join(5);
    EXPECT_TRUE(assert_tracking_desired_sg(in(), kSG, 5)) << "joins(*,G), no SPTbit needed";
    member(4, FilterMode::kInclude, {kS});  // local_receiver_include(S,G,4), DR on 4
    EXPECT_TRUE(assert_tracking_desired_sg(in(), kSG, 4));
    member(9, FilterMode::kInclude, {kS});  // not DR on 9
    EXPECT_FALSE(assert_tracking_desired_sg(in(), kSG, 9));
    asserts.sg[9] = kMe;
    EXPECT_TRUE(assert_tracking_desired_sg(in(), kSG, 9)) << "AssertWinner(S,G,I) == me";
    // RPF_interface(S) == I AND JoinDesired(S,G) (immediate_olist(S,G) = {4} is not empty).
    EXPECT_TRUE(assert_tracking_desired_sg(in(), kSG, 3));
    // RPF_interface(RP(G)) == I AND JoinDesired(*,G) AND SPTbit FALSE.
    EXPECT_TRUE(assert_tracking_desired_sg(in(), kSG, 2));
    tib.get_or_create(kSG, t.now()).spt_bit = true;
    EXPECT_FALSE(assert_tracking_desired_sg(in(), kSG, 2));
}

TEST_F(Macros, CouldAssertAndTrackingStarGRows) {
    star_join(5);
    member(1, FilterMode::kExclude);
    EXPECT_TRUE(could_assert_star_g(in(), kG, 5));
    EXPECT_TRUE(could_assert_star_g(in(), kG, 1));
    EXPECT_FALSE(could_assert_star_g(in(), kG, 6));
    star_join(2);
    EXPECT_FALSE(could_assert_star_g(in(), kG, 2)) << "RPF_interface(RP(G))";
    EXPECT_TRUE(assert_tracking_desired_star_g(in(), kG, 2)) << "RPF_interface(RP(G)) AND RPTJoinDesired(G)";
    member(9, FilterMode::kExclude);  // not DR on 9: not in pim_include(*,G)
    EXPECT_FALSE(could_assert_star_g(in(), kG, 9));
    EXPECT_FALSE(assert_tracking_desired_star_g(in(), kG, 9));
    asserts.star_g[9] = kMe;
    EXPECT_TRUE(assert_tracking_desired_star_g(in(), kG, 9));
    router.rp_addr.reset();
    EXPECT_FALSE(could_assert_star_g(in(), kG, 5)) << "no RP(G)";
}

}  // namespace
}  // namespace fanout::pim
