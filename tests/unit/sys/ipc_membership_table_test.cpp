#include "common/sys/ipc_membership_table.hpp"

#include <gtest/gtest.h>

#include "common/core/manual_timer.hpp"

namespace fanout::sys {
namespace {

using ipc::FilterMode;

const Ipv4Address kG1(239, 1, 1, 1);
const Ipv4Address kG2(239, 2, 2, 2);
const Ipv4Address kS1(198, 18, 0, 1);
const Ipv4Address kS2(198, 18, 0, 2);

ipc::Membership m(uint32_t ifindex, Ipv4Address g, FilterMode mode = FilterMode::kExclude,
                  std::vector<Ipv4Address> sources = {}) {
    return ipc::Membership{"eth" + std::to_string(ifindex), ifindex, g, mode, std::move(sources)};
}

class MembershipTableTest : public ::testing::Test {
  protected:
    MembershipTableTest() : table_(timers_, {260s, 3}) {
        table_.set_listener([this](MembershipChange c, const MembershipEntry& e) {
            events_.push_back(std::string(to_string(c)) + " " + e.ifname + " " + e.group.to_string());
        });
    }
    void snapshot(const std::vector<ipc::Membership>& all) {
        table_.snapshot_begin();
        for (const auto& x : all)
            table_.apply(x);
        table_.snapshot_end(static_cast<uint32_t>(all.size()));
    }
    ManualTimerService timers_;
    MembershipTable table_;
    std::vector<std::string> events_;
};

TEST_F(MembershipTableTest, SnapshotAddsThenResnapshotRefreshesWithoutFlapping) {
    snapshot({m(2, kG1), m(3, kG2, FilterMode::kInclude, {kS2, kS1, kS1})});
    EXPECT_EQ(events_, (std::vector<std::string>{"added eth2 239.1.1.1", "added eth3 239.2.2.2"}));
    const MembershipEntry* e = table_.find(3, kG2);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->sources, (std::vector<Ipv4Address>{kS1, kS2}));  // sorted, unique
    events_.clear();
    // Same eth2 state, changed eth3 state, eth3/G2 ... and eth2/G1 missing -> removed at SnapshotEnd only.
    table_.snapshot_begin();
    table_.apply(m(3, kG2, FilterMode::kInclude, {kS1}));
    EXPECT_EQ(events_, (std::vector<std::string>{"updated eth3 239.2.2.2"}));
    EXPECT_NE(table_.find(2, kG1), nullptr);  // still there mid-snapshot
    table_.snapshot_end(1);
    EXPECT_EQ(events_, (std::vector<std::string>{"updated eth3 239.2.2.2", "removed eth2 239.1.1.1"}));
    events_.clear();
    snapshot({m(3, kG2, FilterMode::kInclude, {kS1})});
    EXPECT_TRUE(events_.empty());
    EXPECT_EQ(table_.counters().refreshed, 1u);
    EXPECT_EQ(table_.counters().snapshots, 3u);
}

TEST_F(MembershipTableTest, DeltasAndIncludeEmptyIsRemoval) {
    snapshot({});
    table_.apply(m(2, kG1));
    table_.apply(m(2, kG1, FilterMode::kExclude, {kS1}));
    table_.apply(m(2, kG1, FilterMode::kInclude, {}));
    table_.apply(m(2, kG2));
    table_.apply(ipc::MembershipRemoved{"eth2", 2, kG2});
    table_.apply(ipc::MembershipRemoved{"eth2", 2, kG2});  // removing nothing is silent
    EXPECT_EQ(events_, (std::vector<std::string>{"added eth2 239.1.1.1", "updated eth2 239.1.1.1",
                                                 "removed eth2 239.1.1.1", "added eth2 239.2.2.2",
                                                 "removed eth2 239.2.2.2"}));
    EXPECT_EQ(table_.size(), 0u);
}

TEST_F(MembershipTableTest, PeerLossKeepsStaleEntriesUntilTimeout) {
    snapshot({m(2, kG1), m(3, kG2)});
    table_.peer_lost();
    EXPECT_EQ(table_.stale_count(), 2u);
    timers_.advance(259s);
    EXPECT_EQ(table_.size(), 2u);
    timers_.advance(2s);
    EXPECT_EQ(table_.size(), 0u);
    EXPECT_EQ(table_.counters().stale_expired, 2u);
}

TEST_F(MembershipTableTest, ResyncAfterLossRefreshesSurvivorsAndCancelsExpiry) {
    snapshot({m(2, kG1), m(3, kG2)});
    table_.peer_lost();
    events_.clear();
    timers_.advance(10s);
    snapshot({m(2, kG1)});
    EXPECT_EQ(events_, (std::vector<std::string>{"removed eth3 239.2.2.2"}));
    EXPECT_EQ(table_.stale_count(), 0u);
    EXPECT_FALSE(table_.stale_timer_armed());
    timers_.advance(600s);
    EXPECT_NE(table_.find(2, kG1), nullptr);
}

TEST_F(MembershipTableTest, FlappingPeerDoesNotExtendTheDeadline) {
    snapshot({m(2, kG1)});
    table_.peer_lost();
    timers_.advance(200s);
    table_.snapshot_begin();  // reconnected, then lost again before SnapshotEnd
    table_.peer_lost();
    EXPECT_FALSE(table_.in_snapshot());
    timers_.advance(61s);
    EXPECT_EQ(table_.size(), 0u);
}

TEST_F(MembershipTableTest, EntriesConfirmedDuringResyncSurviveExpiry) {
    snapshot({m(2, kG1), m(3, kG2)});
    table_.peer_lost();
    timers_.advance(250s);
    table_.snapshot_begin();
    table_.apply(m(2, kG1));  // confirmed: not stale any more
    timers_.advance(20s);     // the stale timer fires mid-snapshot
    EXPECT_NE(table_.find(2, kG1), nullptr);
    EXPECT_EQ(table_.find(3, kG2), nullptr);
}

TEST_F(MembershipTableTest, BoundedSizeAndCountMismatch) {
    snapshot({m(1, kG1), m(2, kG1), m(3, kG1), m(4, kG1)});
    EXPECT_EQ(table_.size(), 3u);
    EXPECT_EQ(table_.counters().table_full_drops, 1u);
    table_.snapshot_begin();
    table_.apply(m(1, kG1));
    table_.snapshot_end(5);
    EXPECT_EQ(table_.counters().snapshot_count_mismatches, 1u);
    EXPECT_EQ(table_.size(), 1u);
}

TEST_F(MembershipTableTest, Rfc7761LocalReceiverMacros) {
    snapshot({m(1, kG1, FilterMode::kExclude, {kS1}), m(2, kG1, FilterMode::kInclude, {kS1})});
    const MembershipEntry* ex = table_.find(1, kG1);
    const MembershipEntry* in = table_.find(2, kG1);
    EXPECT_TRUE(ex->receiver_include_star_g());
    EXPECT_TRUE(ex->receiver_exclude_sg(kS1));
    EXPECT_FALSE(ex->receiver_exclude_sg(kS2));
    EXPECT_FALSE(ex->receiver_include_sg(kS2));
    EXPECT_FALSE(in->receiver_include_star_g());
    EXPECT_TRUE(in->receiver_include_sg(kS1));
    EXPECT_FALSE(in->receiver_include_sg(kS2));
    EXPECT_FALSE(in->receiver_exclude_sg(kS1));
    auto j = table_.to_json();
    ASSERT_EQ(j.size(), 2u);
    EXPECT_EQ(j[1], (nlohmann::json{{"interface", "eth2"},
                                    {"ifindex", 2},
                                    {"group", "239.1.1.1"},
                                    {"mode", "include"},
                                    {"sources", {"198.18.0.1"}},
                                    {"stale", false}}));
}

}  // namespace
}  // namespace fanout::sys
