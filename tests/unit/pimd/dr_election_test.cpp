// RFC 7761 4.3.2 DR election, row by row (dr_is_better and DR(I) as quoted in pimd/core/dr_election.hpp).
#include <gtest/gtest.h>

#include <vector>

#include "pimd/core/dr_election.hpp"

namespace fanout::pim {
namespace {

Ipv4Address ip(uint8_t d) {
    return Ipv4Address(198, 19, 12, d);
}

TEST(DrIsBetter, PriorityDecidesWhenAllHavePriority) {
    EXPECT_TRUE(dr_is_better({ip(1), 10}, {ip(9), 1}, false));   // a.prio > b.prio
    EXPECT_FALSE(dr_is_better({ip(9), 1}, {ip(1), 10}, false));  // a.prio < b.prio, despite the address
}

TEST(DrIsBetter, EqualPriorityFallsBackToAddress) {
    EXPECT_TRUE(dr_is_better({ip(9), 5}, {ip(1), 5}, false));
    EXPECT_FALSE(dr_is_better({ip(1), 5}, {ip(9), 5}, false));
    EXPECT_FALSE(dr_is_better({ip(5), 5}, {ip(5), 5}, false));  // not strictly better than itself
}

TEST(DrIsBetter, AddressOnlyIgnoresPriority) {
    EXPECT_TRUE(dr_is_better({ip(9), 1}, {ip(1), 100}, true));
    EXPECT_FALSE(dr_is_better({ip(1), 100}, {ip(9), 1}, true));
    EXPECT_TRUE(dr_is_better({ip(9), std::nullopt}, {ip(1), 100}, true));
}

TEST(AnyNeighborLacksDrPriority, Rows) {
    std::vector<DrCandidate> none;
    EXPECT_FALSE(any_neighbor_lacks_dr_priority(none));
    std::vector<DrCandidate> all{{ip(2), 1}, {ip(3), 0}};
    EXPECT_FALSE(any_neighbor_lacks_dr_priority(all));
    std::vector<DrCandidate> one_missing{{ip(2), 1}, {ip(3), std::nullopt}};
    EXPECT_TRUE(any_neighbor_lacks_dr_priority(one_missing));
}

TEST(ElectDr, AloneIAmDr) {
    EXPECT_EQ(elect_dr({ip(1), 1}, {}), ip(1));
}

TEST(ElectDr, HighestPriorityWins) {
    std::vector<DrCandidate> n{{ip(2), 1}, {ip(3), 10}, {ip(4), 5}};
    EXPECT_EQ(elect_dr({ip(9), 1}, n), ip(3));
}

TEST(ElectDr, MyPriorityCounts) {
    std::vector<DrCandidate> n{{ip(2), 1}, {ip(3), 10}};
    EXPECT_EQ(elect_dr({ip(1), 11}, n), ip(1));
}

TEST(ElectDr, TieOnPriorityHighestAddress) {
    std::vector<DrCandidate> n{{ip(2), 7}, {ip(8), 7}, {ip(4), 7}};
    EXPECT_EQ(elect_dr({ip(5), 7}, n), ip(8));
}

TEST(ElectDr, OneNeighborWithoutPriorityMeansAddressOnly) {
    std::vector<DrCandidate> n{{ip(2), 100}, {ip(3), std::nullopt}};
    EXPECT_EQ(elect_dr({ip(1), 1000}, n), ip(3));
    EXPECT_EQ(elect_dr({ip(9), 0}, n), ip(9));
}

TEST(ElectDr, PriorityZeroNeverPreferredOverOne) {
    std::vector<DrCandidate> n{{ip(9), 0}};
    EXPECT_EQ(elect_dr({ip(1), 1}, n), ip(1));
}

TEST(ElectDr, MaxPriority) {
    std::vector<DrCandidate> n{{ip(2), 0xffffffffu}, {ip(9), 0xfffffffeu}};
    EXPECT_EQ(elect_dr({ip(1), 1}, n), ip(2));
}

}  // namespace
}  // namespace fanout::pim
