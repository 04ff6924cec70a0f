// TIB data model: lookups by (S,G) / group / source, state views, and garbage collection of idle entries.
#include "pimd/core/tib.hpp"

#include <gtest/gtest.h>

#include "common/core/manual_timer.hpp"

namespace fanout::pim {
namespace {

const Ipv4Address kS1{198, 18, 1, 1};
const Ipv4Address kS2{198, 18, 1, 2};
const Ipv4Address kG1{239, 1, 1, 1};
const Ipv4Address kG2{239, 1, 1, 2};

TEST(Tib, EmptyLookupsReturnNothing) {
    Tib tib;
    EXPECT_EQ(tib.find(StarGKey{kG1}), nullptr);
    EXPECT_EQ(tib.find(SGKey{kS1, kG1}), nullptr);
    EXPECT_EQ(tib.find_rpt(SGKey{kS1, kG1}), nullptr);
    EXPECT_TRUE(tib.sources_of(kG1).empty());
    EXPECT_TRUE(tib.groups_of(kS1).empty());
    EXPECT_TRUE(tib.empty());
}

TEST(Tib, DistinctEntryKindsForTheSameKey) {
    ManualTimerService t;
    Tib tib;
    auto& sg = tib.get_or_create(SGKey{kS1, kG1}, t.now());
    auto& rpt = tib.get_or_create_rpt(SGKey{kS1, kG1}, t.now());
    auto& star = tib.get_or_create(StarGKey{kG1}, t.now());
    EXPECT_EQ(sg.key, (SGKey{kS1, kG1}));
    EXPECT_EQ(rpt.key, (SGKey{kS1, kG1}));
    EXPECT_EQ(star.group, kG1);
    EXPECT_EQ(tib.size(), 3u);
    EXPECT_EQ(&tib.get_or_create(SGKey{kS1, kG1}, t.now()), &sg);  // no duplicate
    EXPECT_EQ(tib.size(), 3u);
}

TEST(Tib, IndexesByGroupAndBySource) {
    ManualTimerService t;
    Tib tib;
    tib.get_or_create(SGKey{kS2, kG1}, t.now());
    tib.get_or_create_rpt(SGKey{kS1, kG1}, t.now());
    tib.get_or_create(SGKey{kS1, kG2}, t.now());
    tib.get_or_create(StarGKey{kG2}, t.now());
    EXPECT_EQ(tib.sources_of(kG1), (std::vector<Ipv4Address>{kS1, kS2}));
    EXPECT_EQ(tib.sources_of(kG2), (std::vector<Ipv4Address>{kS1}));
    EXPECT_EQ(tib.source_count(kG1), 2u);
    EXPECT_EQ(tib.source_count(Ipv4Address(239, 9, 9, 9)), 0u);
    EXPECT_EQ(tib.groups_of(kS1), (std::vector<Ipv4Address>{kG1, kG2}));
    EXPECT_EQ(tib.groups_of(kS2), (std::vector<Ipv4Address>{kG1}));
    EXPECT_EQ(tib.groups(), (std::vector<Ipv4Address>{kG1, kG2}));
}

TEST(Tib, NewEntriesAreIdleAndCollected) {
    ManualTimerService t;
    Tib tib;
    tib.get_or_create(SGKey{kS1, kG1}, t.now());
    tib.get_or_create_rpt(SGKey{kS1, kG1}, t.now());
    tib.get_or_create(StarGKey{kG1}, t.now());
    EXPECT_EQ(tib.collect_group(kG1), 3u);
    EXPECT_TRUE(tib.empty());
    EXPECT_TRUE(tib.sources_of(kG1).empty());
    EXPECT_TRUE(tib.groups_of(kS1).empty());
}

// Lookups remember their last answer (tib.hpp): an entry created or collected after a lookup is seen by the
// next one, for each of the three kinds, through the const and the mutable lookups alike.
TEST(Tib, LookupsSeeEntriesCreatedAndCollectedAfterThem) {
    ManualTimerService t;
    Tib tib;
    const Tib& view = tib;
    const SGKey sg{kS1, kG1};
    EXPECT_EQ(view.find(sg), nullptr);
    EXPECT_EQ(view.find_rpt(sg), nullptr);
    EXPECT_EQ(view.find(StarGKey{kG1}), nullptr);
    auto& e = tib.get_or_create(sg, t.now());
    auto& rpt = tib.get_or_create_rpt(sg, t.now());
    auto& star = tib.get_or_create(StarGKey{kG1}, t.now());
    EXPECT_EQ(view.find(sg), &e);
    EXPECT_EQ(view.find_rpt(sg), &rpt);
    EXPECT_EQ(view.find(StarGKey{kG1}), &star);
    EXPECT_EQ(tib.find(SGKey{kS2, kG1}), nullptr);  // another key in between
    EXPECT_EQ(tib.find(sg), &e);
    EXPECT_TRUE(tib.collect(sg));
    EXPECT_TRUE(tib.collect_rpt(sg));
    EXPECT_TRUE(tib.collect(StarGKey{kG1}));
    EXPECT_EQ(view.find(sg), nullptr);
    EXPECT_EQ(view.find_rpt(sg), nullptr);
    EXPECT_EQ(view.find(StarGKey{kG1}), nullptr);
    auto* again = &tib.get_or_create(sg, t.now());
    EXPECT_EQ(view.find(sg), again);
}

TEST(Tib, DownstreamJoinKeepsStarGUntilItsTimerStateGoes) {
    ManualTimerService t;
    Tib tib;
    auto& e = tib.get_or_create(StarGKey{kG1}, t.now());
    e.downstream[3] = DsJoin{TimerHandle(t, 10s, [] {})};
    EXPECT_EQ(e.downstream_state(3), DownstreamState::kJoin);
    EXPECT_EQ(e.downstream_state(4), DownstreamState::kNoInfo);
    EXPECT_FALSE(tib.collect(StarGKey{kG1}));
    EXPECT_EQ(t.pending_count(), 1u);
    e.downstream[3] = DsNoInfo{};  // a transition: the timer dies with the state
    EXPECT_EQ(t.pending_count(), 0u);
    EXPECT_TRUE(tib.collect(StarGKey{kG1}));
    EXPECT_EQ(tib.find(StarGKey{kG1}), nullptr);
}

TEST(Tib, UpstreamJoinedKeepsEntry) {
    ManualTimerService t;
    Tib tib;
    auto& e = tib.get_or_create(StarGKey{kG1}, t.now());
    e.upstream = UpJoined{TimerHandle(t, 60s, [] {})};
    EXPECT_EQ(state_of(e.upstream), UpstreamState::kJoined);
    EXPECT_FALSE(tib.collect(StarGKey{kG1}));
    e.upstream = UpNotJoined{};
    EXPECT_EQ(t.pending_count(), 0u);
    EXPECT_TRUE(tib.collect(StarGKey{kG1}));
}

TEST(Tib, SGKeptByKeepaliveRegisterStateAndFlags) {
    ManualTimerService t;
    Tib tib;
    SGKey k{kS1, kG1};
    auto& e = tib.get_or_create(k, t.now());
    e.keepalive = TimerHandle(t, 210s, [] {});
    EXPECT_TRUE(e.keepalive_running());
    EXPECT_FALSE(tib.collect(k));
    t.advance(210s);  // the KeepaliveTimer expired: nothing else holds the entry
    EXPECT_FALSE(e.keepalive_running());
    e.flags.msdp_notify = true;
    EXPECT_FALSE(tib.collect(k));
    e.flags = {};
    e.spt_bit = true;  // SPTbit alone is not state worth keeping
    EXPECT_TRUE(tib.collect(k));
}

TEST(Tib, SGRptIdleRules) {
    ManualTimerService t;
    Tib tib;
    SGKey k{kS1, kG1};
    auto& e = tib.get_or_create_rpt(k, t.now());
    e.upstream = RptUpPruned{};
    EXPECT_EQ(state_of(e.upstream), UpstreamRptState::kPruned);
    EXPECT_FALSE(tib.collect_rpt(k));
    e.upstream = RptUpNotPruned{TimerHandle(t, 1s, [] {})};
    EXPECT_FALSE(tib.collect_rpt(k));  // Override Timer running
    t.advance(1s);
    e.downstream[2] = RptPruned{TimerHandle(t, 5s, [] {})};
    EXPECT_EQ(e.downstream_state(2), DownstreamRptState::kPruned);
    EXPECT_FALSE(tib.collect_rpt(k));
    e.downstream.erase(2);
    EXPECT_TRUE(tib.collect_rpt(k));
    EXPECT_TRUE(tib.sources_of(kG1).empty());
}

TEST(Tib, GroupIndexSurvivesWhileEitherSourceEntryRemains) {
    ManualTimerService t;
    Tib tib;
    SGKey k{kS1, kG1};
    tib.get_or_create(k, t.now()).keepalive = TimerHandle(t, 5s, [] {});
    tib.get_or_create_rpt(k, t.now());
    EXPECT_TRUE(tib.collect_rpt(k));
    EXPECT_EQ(tib.sources_of(kG1), (std::vector<Ipv4Address>{kS1}));
    t.advance(5s);
    EXPECT_TRUE(tib.collect(k));
    EXPECT_TRUE(tib.sources_of(kG1).empty());
    EXPECT_TRUE(tib.groups().empty());
}

TEST(Tib, StateNames) {
    EXPECT_EQ(to_string(DownstreamState::kPrunePending), "PrunePending");
    EXPECT_EQ(to_string(DownstreamRptState::kPrunePendingTmp), "PrunePendingTmp");
    EXPECT_EQ(to_string(UpstreamState::kJoined), "Joined");
    EXPECT_EQ(to_string(UpstreamRptState::kRptNotJoined), "RPTNotJoined");
    DownstreamRpt s = RptPruneTmp{};
    EXPECT_EQ(state_of(s), DownstreamRptState::kPruneTmp);
}

}  // namespace
}  // namespace fanout::pim
