// Neighbor table: RFC 7761 4.3.1 (GenID), 4.3.2 (liveness), 4.3.4 (secondary addresses), 4.9.2 (holdtime).
#include <gtest/gtest.h>

#include <vector>

#include "common/core/manual_timer.hpp"
#include "pimd/core/neighbor_table.hpp"

namespace fanout::pim {
namespace {

Ipv4Address ip(uint8_t d) {
    return Ipv4Address(198, 19, 12, d);
}

NeighborHello hello(uint16_t holdtime, std::optional<uint32_t> genid = 1, std::vector<Ipv4Address> sec = {}) {
    NeighborHello h;
    h.holdtime_s = holdtime;
    h.holdtime_present = true;
    h.generation_id = genid;
    h.dr_priority = 1;
    h.secondary_addresses = std::move(sec);
    return h;
}

class NeighborTableTest : public ::testing::Test {
  protected:
    ManualTimerService timers;
    std::vector<Ipv4Address> expired;
    NeighborTable table{timers, 3, [this](Ipv4Address a) {
                            expired.push_back(a);
                            table.remove(a);
                        }};
};

TEST_F(NeighborTableTest, NewThenRefreshed) {
    EXPECT_EQ(table.apply_hello(ip(2), hello(105)).verdict, HelloVerdict::kNew);
    EXPECT_EQ(table.apply_hello(ip(2), hello(105)).verdict, HelloVerdict::kRefreshed);
    EXPECT_EQ(table.size(), 1u);
}

TEST_F(NeighborTableTest, ExpiresHoldtimeAfterLastHello) {
    table.apply_hello(ip(2), hello(105));
    timers.advance(std::chrono::seconds(100));
    table.apply_hello(ip(2), hello(105));
    timers.advance(std::chrono::seconds(104));
    EXPECT_TRUE(expired.empty());
    EXPECT_NE(table.find(ip(2)), nullptr);
    timers.advance(std::chrono::seconds(1));
    ASSERT_EQ(expired.size(), 1u);
    EXPECT_EQ(table.find(ip(2)), nullptr);
}

TEST_F(NeighborTableTest, HoldtimeForeverNeverExpires) {
    table.apply_hello(ip(2), hello(0xffff));
    EXPECT_TRUE(table.find(ip(2))->never_expires());
    EXPECT_FALSE(table.find(ip(2))->liveness.armed());
    timers.advance(std::chrono::hours(48));
    EXPECT_TRUE(expired.empty());
    // A later finite holdtime arms the timer again.
    table.apply_hello(ip(2), hello(10));
    timers.advance(std::chrono::seconds(10));
    EXPECT_EQ(expired.size(), 1u);
}

TEST_F(NeighborTableTest, GoodbyeRemovesAtOnce) {
    table.apply_hello(ip(2), hello(105));
    EXPECT_EQ(table.apply_hello(ip(2), hello(0)).verdict, HelloVerdict::kGoodbye);
    EXPECT_TRUE(table.empty());
    EXPECT_EQ(table.apply_hello(ip(3), hello(0)).verdict, HelloVerdict::kUnknownGoodbye);
    EXPECT_TRUE(table.empty());
    EXPECT_EQ(timers.pending_count(), 0u);  // the removed neighbor's timer went with it
}

TEST_F(NeighborTableTest, GenIdChangeIsRestartAndResetsUptime) {
    table.apply_hello(ip(2), hello(105, 7));
    timers.advance(std::chrono::seconds(50));
    EXPECT_EQ(table.apply_hello(ip(2), hello(105, 7)).verdict, HelloVerdict::kRefreshed);
    EXPECT_EQ(table.apply_hello(ip(2), hello(105, 8)).verdict, HelloVerdict::kRestarted);
    EXPECT_EQ(table.find(ip(2))->up_since, timers.now());
    EXPECT_EQ(table.find(ip(2))->hello.generation_id, 8u);
    // A hello without GenID is not a restart.
    EXPECT_EQ(table.apply_hello(ip(2), hello(105, std::nullopt)).verdict, HelloVerdict::kRefreshed);
}

TEST_F(NeighborTableTest, LimitRefusesNewButRefreshesKnown) {
    table.apply_hello(ip(2), hello(105));
    table.apply_hello(ip(3), hello(105));
    table.apply_hello(ip(4), hello(105));
    EXPECT_EQ(table.apply_hello(ip(5), hello(105)).verdict, HelloVerdict::kLimit);
    EXPECT_EQ(table.find(ip(5)), nullptr);
    EXPECT_EQ(table.apply_hello(ip(4), hello(105)).verdict, HelloVerdict::kRefreshed);
}

TEST_F(NeighborTableTest, SecondariesReplacedClearedAndPrimaryIgnored) {
    auto u =
        table.apply_hello(ip(2), hello(105, 1, {ip(2), Ipv4Address(10, 0, 0, 2), Ipv4Address(10, 0, 1, 2)}));
    EXPECT_TRUE(u.secondaries_changed);
    EXPECT_EQ(table.find(ip(2))->secondary_addresses.size(), 2u);  // its own primary is not a secondary
    EXPECT_EQ(table.find_by_any_address(Ipv4Address(10, 0, 1, 2)), table.find(ip(2)));
    EXPECT_EQ(table.find_by_any_address(ip(2)), table.find(ip(2)));
    EXPECT_EQ(table.find_by_any_address(Ipv4Address(10, 9, 9, 9)), nullptr);
    u = table.apply_hello(ip(2), hello(105, 1, {Ipv4Address(10, 0, 0, 2), Ipv4Address(10, 0, 1, 2)}));
    EXPECT_FALSE(u.secondaries_changed);
    u = table.apply_hello(ip(2), hello(105, 1));  // no option 24: all secondaries deleted
    EXPECT_TRUE(u.secondaries_changed);
    EXPECT_TRUE(table.find(ip(2))->secondary_addresses.empty());
}

TEST_F(NeighborTableTest, ConflictingSecondaryMovesToMostRecent) {
    table.apply_hello(ip(2), hello(105, 1, {Ipv4Address(10, 0, 0, 9)}));
    auto u = table.apply_hello(ip(3), hello(105, 1, {Ipv4Address(10, 0, 0, 9)}));
    ASSERT_EQ(u.conflicts.size(), 1u);
    EXPECT_EQ(u.conflicts[0].first, Ipv4Address(10, 0, 0, 9));
    EXPECT_EQ(u.conflicts[0].second, ip(2));
    EXPECT_TRUE(table.find(ip(2))->secondary_addresses.empty());
    EXPECT_EQ(table.find_by_any_address(Ipv4Address(10, 0, 0, 9))->primary_address, ip(3));
}

TEST(NeighborHelloFrom, DefaultsAndOptionsSeen) {
    packet::Hello h;
    h.generation_id = 5;
    h.unknown_options.push_back({65001, {1, 2}});
    auto n = NeighborHello::from(h);
    EXPECT_FALSE(n.holdtime_present);
    EXPECT_EQ(n.holdtime_s, kDefaultHelloHoldtimeS);  // Default_Hello_Holdtime when the option is absent
    EXPECT_FALSE(n.dr_priority);
    EXPECT_EQ(n.options_seen, (std::vector<uint16_t>{20, 65001}));
}

}  // namespace
}  // namespace fanout::pim
