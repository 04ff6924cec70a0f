// RFC 7761 4.6.3 assert metric comparison and the spt/rpt/infinite metrics.
#include "pimd/core/assert_metric.hpp"

#include <gtest/gtest.h>

namespace fanout::pim {
namespace {

const Ipv4Address kLow(10, 0, 0, 1);
const Ipv4Address kHigh(10, 0, 0, 2);

TEST(AssertMetric, ComparisonOrder) {
    // RPT bit first: 0 beats 1 whatever the rest.
    EXPECT_TRUE(assert_metric_better({false, 200, 900, kLow}, {true, 1, 1, kHigh}));
    EXPECT_FALSE(assert_metric_better({true, 1, 1, kHigh}, {false, 200, 900, kLow}));
    // Then preference (lower wins).
    EXPECT_TRUE(assert_metric_better({false, 10, 900, kLow}, {false, 20, 1, kHigh}));
    // Then metric (lower wins).
    EXPECT_TRUE(assert_metric_better({false, 10, 5, kLow}, {false, 10, 6, kHigh}));
    // Then the higher address.
    EXPECT_TRUE(assert_metric_better({false, 10, 5, kHigh}, {false, 10, 5, kLow}));
    EXPECT_FALSE(assert_metric_better({false, 10, 5, kLow}, {false, 10, 5, kHigh}));
    // Equal: neither is better.
    EXPECT_FALSE(assert_metric_better({false, 10, 5, kLow}, {false, 10, 5, kLow}));
}

TEST(AssertMetric, SptRptInfinite) {
    RpfRoute r;
    r.preference = 110;
    r.metric = 20;
    EXPECT_EQ(spt_assert_metric(r, kLow), (AssertMetric{false, 110, 20, kLow}));
    EXPECT_EQ(rpt_assert_metric(r, kLow), (AssertMetric{true, 110, 20, kLow}));
    auto inf = infinite_assert_metric();
    EXPECT_TRUE(inf.is_infinite());
    EXPECT_EQ(inf.address, Ipv4Address());
    // Unreachable source: infinite preference and metric, but the SPT flag and address stay.
    auto unreachable = spt_assert_metric(std::nullopt, kLow);
    EXPECT_FALSE(unreachable.rpt_bit);
    EXPECT_EQ(unreachable.preference, packet::kAssertMaxPreference);
    EXPECT_TRUE(assert_metric_better(spt_assert_metric(r, kLow), unreachable));
    EXPECT_TRUE(assert_metric_better(unreachable, rpt_assert_metric(r, kHigh)));
    // Preference is a 31-bit field.
    r.preference = 0xffffffffu;
    EXPECT_EQ(spt_assert_metric(r, kLow).preference, packet::kAssertMaxPreference);
}

TEST(AssertMetric, FromMessage) {
    packet::Assert a;
    a.rpt = true;
    a.metric_preference = 0x80000005u;
    a.metric = 7;
    EXPECT_EQ(assert_metric_of(a, kHigh), (AssertMetric{true, 5, 7, kHigh}));
    auto cancel = packet::make_assert_cancel(packet::EncodedGroup{Ipv4Address(239, 1, 1, 1)}, kLow);
    EXPECT_TRUE(assert_metric_of(cancel, kHigh).is_infinite());
}

}  // namespace
}  // namespace fanout::pim
