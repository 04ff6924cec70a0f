#include "common/core/log.hpp"

#include <gtest/gtest.h>

namespace fanout {
namespace {

TEST(Log, CategoriesRoundTripByName) {
    for (auto c : log::all_categories()) {
        auto back = log::category_from_name(log::category_name(c));
        ASSERT_TRUE(back);
        EXPECT_EQ(*back, c);
    }
    EXPECT_FALSE(log::category_from_name("nonsense"));
    EXPECT_EQ(log::category_name(LogCategory::kJoinPrune), "join-prune");
}

TEST(Log, DebugSwitchesAtRunTime) {
    EXPECT_FALSE(log::debug_enabled(LogCategory::kMsdp));
    log::set_debug(LogCategory::kMsdp, true);
    EXPECT_TRUE(log::debug_enabled(LogCategory::kMsdp));
    EXPECT_FALSE(log::debug_enabled(LogCategory::kFsm));
    log::set_debug(LogCategory::kMsdp, false);
    EXPECT_FALSE(log::debug_enabled(LogCategory::kMsdp));
}

}  // namespace
}  // namespace fanout
