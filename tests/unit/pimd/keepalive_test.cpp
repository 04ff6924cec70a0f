// RFC 7761 4.1.3/4.2/4.4.2/4.11 KAT values; traffic from counters; SPT threshold.
#include "pimd/core/keepalive.hpp"

#include <gtest/gtest.h>

#include <map>

namespace fanout::pim {
namespace {

const SGKey kKey{Ipv4Address(10, 0, 0, 1), Ipv4Address(239, 1, 1, 1)};

TEST(Keepalive, TimerValues) {
    EXPECT_EQ(kKeepalivePeriod, std::chrono::seconds(210));
    EXPECT_EQ(rp_keepalive_period(), std::chrono::seconds(185));  // 3 * 60 + 5
    EXPECT_EQ(rp_keepalive_period(std::chrono::seconds(30), std::chrono::seconds(2)),
              std::chrono::seconds(92));
    EXPECT_EQ(keepalive_restart_value(KatRestart::kDataForwarded), std::chrono::seconds(210));
    EXPECT_EQ(keepalive_restart_value(KatRestart::kRegisterAtRp), std::chrono::seconds(210));
    EXPECT_EQ(keepalive_restart_value(KatRestart::kRegisterAtRpAfterStop), std::chrono::seconds(185));
}

TEST(TrafficMonitor, FirstSampleThenDeltas) {
    TrafficMonitor m;
    TimePoint t0{};
    auto o = m.observe(kKey, 0, 0, t0);
    EXPECT_FALSE(o.traffic_seen);
    EXPECT_FALSE(o.rate_valid);
    // 10 s later: 1,250,000 bytes = 10 Mbit in 10 s = 1000 kbit/s.
    o = m.observe(kKey, 1000, 1250000, t0 + std::chrono::seconds(10));
    EXPECT_TRUE(o.traffic_seen);
    ASSERT_TRUE(o.rate_valid);
    EXPECT_DOUBLE_EQ(o.rate_kbps, 1000.0);
    // No new packets.
    o = m.observe(kKey, 1000, 1250000, t0 + std::chrono::seconds(20));
    EXPECT_FALSE(o.traffic_seen);
    EXPECT_DOUBLE_EQ(o.rate_kbps, 0.0);
}

TEST(TrafficMonitor, FirstSampleWithPacketsIsTraffic) {
    TrafficMonitor m;
    EXPECT_TRUE(m.observe(kKey, 3, 300, TimePoint{}).traffic_seen);
}

TEST(TrafficMonitor, CounterResetIsANewBaseline) {
    TrafficMonitor m;
    TimePoint t0{};
    m.observe(kKey, 500, 50000, t0);
    auto o = m.observe(kKey, 2, 200, t0 + std::chrono::seconds(10));
    EXPECT_TRUE(o.counter_reset);
    EXPECT_TRUE(o.traffic_seen);
    EXPECT_FALSE(o.rate_valid);
    o = m.observe(kKey, 2, 200, t0 + std::chrono::seconds(20));
    EXPECT_FALSE(o.traffic_seen);
}

TEST(TrafficMonitor, SameInstantHasNoRate) {
    TrafficMonitor m;
    m.observe(kKey, 1, 100, TimePoint{});
    auto o = m.observe(kKey, 2, 200, TimePoint{});
    EXPECT_TRUE(o.traffic_seen);
    EXPECT_FALSE(o.rate_valid);
}

class MapCounters final : public CounterSource {
  public:
    std::optional<SgCounterSample> sg_counters(const SGKey& k) override {
        auto it = values.find(k);
        if (it == values.end()) return std::nullopt;
        return it->second;
    }
    std::map<SGKey, SgCounterSample> values;
};

TEST(TrafficMonitor, SampleThroughCounterSource) {
    TrafficMonitor m;
    MapCounters src;
    SGKey other{Ipv4Address(10, 0, 0, 2), Ipv4Address(239, 1, 1, 1)};
    src.values[kKey] = {5, 500};
    std::vector<SGKey> keys{kKey, other};
    auto out = m.sample(src, keys, TimePoint{});
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].first, kKey);
    EXPECT_TRUE(out[0].second.traffic_seen);
    EXPECT_EQ(m.size(), 1u);
    src.values.clear();
    EXPECT_TRUE(m.sample(src, keys, TimePoint{}).empty());
    EXPECT_EQ(m.size(), 0u);
}

TEST(SptThreshold, Modes) {
    TrafficObservation idle;
    TrafficObservation first;
    first.traffic_seen = true;
    TrafficObservation slow{true, true, 50.0, false};
    TrafficObservation fast{true, true, 150.0, false};
    SptThreshold immediate;
    EXPECT_FALSE(immediate.switch_desired(idle));
    EXPECT_TRUE(immediate.switch_desired(first));
    SptThreshold rate{SptThresholdMode::kRate, 100};
    EXPECT_FALSE(rate.switch_desired(first));  // no rate yet
    EXPECT_FALSE(rate.switch_desired(slow));
    EXPECT_TRUE(rate.switch_desired(fast));
    SptThreshold never{SptThresholdMode::kNever, 0};
    EXPECT_FALSE(never.switch_desired(fast));
}

}  // namespace
}  // namespace fanout::pim
