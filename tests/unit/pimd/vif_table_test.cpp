// VIF index allocation: lowest free index, MAXVIFS bound, reuse, register VIF.
#include <gtest/gtest.h>

#include "pimd/core/vif_table.hpp"

namespace fanout::pim {
namespace {

TEST(VifTable, AllocatesLowestFreeAndReuses) {
    VifTable t;
    EXPECT_EQ(t.add_interface(2, Ipv4Address(10, 0, 0, 1), "a")->vif_index, 0);
    EXPECT_EQ(t.add_interface(3, Ipv4Address(10, 0, 1, 1), "b")->vif_index, 1);
    EXPECT_EQ(t.add_interface(4, Ipv4Address(10, 0, 2, 1), "c")->vif_index, 2);
    auto d = t.remove_interface(3);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->vif_index, 1);
    EXPECT_EQ(d->ifindex, 3);
    EXPECT_FALSE(t.vif_of(3));
    EXPECT_EQ(t.add_interface(5, Ipv4Address(10, 0, 3, 1), "d")->vif_index, 1);
    EXPECT_EQ(t.vif_of(4), 2);
    EXPECT_EQ(t.size(), 3u);
    EXPECT_FALSE(t.remove_interface(99));
}

TEST(VifTable, DuplicateInterfaceRefused) {
    VifTable t;
    ASSERT_TRUE(t.add_interface(2, {}, "a"));
    auto r = t.add_interface(2, {}, "a");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), VifError::kAlreadyExists);
}

TEST(VifTable, ThirtyThirdVifFailsAndIsCounted) {
    VifTable t;
    for (int i = 0; i < kMaxVifs; ++i)
        ASSERT_TRUE(t.add_interface(100 + i, {}, "x")) << i;
    auto r = t.add_interface(200, {}, "y");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), VifError::kTableFull);
    EXPECT_EQ(to_string(r.error()), "vif-table-full");
    EXPECT_EQ(t.full_errors(), 1u);
    EXPECT_FALSE(t.add_register());
    EXPECT_EQ(t.full_errors(), 2u);
    ASSERT_TRUE(t.remove_interface(131));
    EXPECT_EQ(t.add_interface(200, {}, "y")->vif_index, 31);
}

TEST(VifTable, RegisterVif) {
    VifTable t;
    ASSERT_TRUE(t.add_interface(2, {}, "a"));
    auto r = t.add_register();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, VifKind::kRegister);
    EXPECT_EQ(r->vif_index, 1);
    EXPECT_EQ(t.register_vif(), 1);
    EXPECT_FALSE(t.add_register());
    EXPECT_EQ(t.at(1)->kind, VifKind::kRegister);
    auto d = t.remove_register();
    ASSERT_TRUE(d);
    EXPECT_EQ(d->vif_index, 1);
    EXPECT_FALSE(t.register_vif());
    EXPECT_EQ(t.at(1), nullptr);
    EXPECT_EQ(t.at(-1), nullptr);
    EXPECT_EQ(t.at(kMaxVifs), nullptr);
}

}  // namespace
}  // namespace fanout::pim
