// RFC 7761 4.3.3 LAN Prune Delay macros and 4.11 J/P_Override_Interval, row by row.
#include <gtest/gtest.h>

#include <vector>

#include "pimd/core/lan_prune_delay.hpp"
#include "pimd/core/pim_config.hpp"

namespace fanout::pim {
namespace {

using std::chrono::milliseconds;

NeighborLanPruneDelay lpd(bool t, uint16_t prop, uint16_t ovr) {
    return packet::LanPruneDelay{t, prop, ovr};
}

TEST(LanDelayEnabled, Rows) {
    std::vector<NeighborLanPruneDelay> none;
    EXPECT_TRUE(lan_delay_enabled(none));  // vacuously: no neighbor lacks the option
    std::vector<NeighborLanPruneDelay> all{lpd(false, 500, 2500), lpd(true, 100, 100)};
    EXPECT_TRUE(lan_delay_enabled(all));
    std::vector<NeighborLanPruneDelay> one_missing{lpd(false, 500, 2500), std::nullopt};
    EXPECT_FALSE(lan_delay_enabled(one_missing));
}

TEST(EffectivePropagationDelay, DefaultWhenDisabled) {
    std::vector<NeighborLanPruneDelay> n{lpd(false, 2000, 2500), std::nullopt};
    EXPECT_EQ(effective_propagation_delay(milliseconds(1000), n), kDefaultPropagationDelay);
}

TEST(EffectivePropagationDelay, LargestOfOursAndNeighbors) {
    std::vector<NeighborLanPruneDelay> n{lpd(false, 300, 0), lpd(false, 800, 0)};
    EXPECT_EQ(effective_propagation_delay(milliseconds(500), n), milliseconds(800));
    EXPECT_EQ(effective_propagation_delay(milliseconds(900), n), milliseconds(900));
    std::vector<NeighborLanPruneDelay> none;
    EXPECT_EQ(effective_propagation_delay(milliseconds(250), none), milliseconds(250));
}

TEST(EffectiveOverrideInterval, DefaultWhenDisabled) {
    std::vector<NeighborLanPruneDelay> n{std::nullopt};
    EXPECT_EQ(effective_override_interval(milliseconds(100), n), kDefaultOverrideInterval);
}

TEST(EffectiveOverrideInterval, LargestOfOursAndNeighbors) {
    std::vector<NeighborLanPruneDelay> n{lpd(false, 0, 3000), lpd(false, 0, 1000)};
    EXPECT_EQ(effective_override_interval(milliseconds(2500), n), milliseconds(3000));
    EXPECT_EQ(effective_override_interval(milliseconds(4000), n), milliseconds(4000));
}

TEST(SuppressionEnabled, Rows) {
    std::vector<NeighborLanPruneDelay> disabled{lpd(true, 0, 0), std::nullopt};
    EXPECT_TRUE(suppression_enabled(disabled));  // lan_delay_enabled false -> true
    std::vector<NeighborLanPruneDelay> one_without_t{lpd(true, 0, 0), lpd(false, 0, 0)};
    EXPECT_TRUE(suppression_enabled(one_without_t));
    std::vector<NeighborLanPruneDelay> all_t{lpd(true, 0, 0), lpd(true, 0, 0)};
    EXPECT_FALSE(suppression_enabled(all_t));
    std::vector<NeighborLanPruneDelay> none;
    EXPECT_FALSE(suppression_enabled(none));  // as written: no neighbor without tracking support
}

TEST(JpOverrideInterval, SumOfEffectiveValues) {
    std::vector<NeighborLanPruneDelay> n{lpd(false, 700, 3000)};
    EXPECT_EQ(jp_override_interval(milliseconds(500), milliseconds(2500), n), milliseconds(3700));
    std::vector<NeighborLanPruneDelay> disabled{std::nullopt};
    EXPECT_EQ(jp_override_interval(milliseconds(900), milliseconds(9000), disabled), milliseconds(3000));
}

TEST(Config, DefaultHoldtimeIsThreeAndAHalfPeriods) {
    EXPECT_EQ(default_hello_holdtime_s(std::chrono::seconds(30)), 105);
    EXPECT_EQ(default_hello_holdtime_s(std::chrono::seconds(1)), 4);       // 3.5 rounded up
    EXPECT_EQ(default_hello_holdtime_s(std::chrono::hours(100)), 0xfffe);  // never "forever" by accident
    PimInterfaceConfig c;
    EXPECT_EQ(c.effective_holdtime_s(), 105);
    c.hello_holdtime_s = 0xffff;
    EXPECT_EQ(c.effective_holdtime_s(), 0xffff);
}

}  // namespace
}  // namespace fanout::pim
