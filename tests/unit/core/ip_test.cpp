#include "common/core/ip.hpp"

#include <gtest/gtest.h>

#include <unordered_set>

namespace fanout {
namespace {

TEST(Ipv4Address, ParsesAndPrints) {
    auto a = Ipv4Address::parse("198.18.0.1");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->value(), 0xc6120001u);
    EXPECT_EQ(a->to_string(), "198.18.0.1");
    EXPECT_EQ(Ipv4Address::parse("0.0.0.0")->value(), 0u);
    EXPECT_EQ(Ipv4Address::parse("255.255.255.255")->value(), 0xffffffffu);
}

TEST(Ipv4Address, RejectsMalformed) {
    for (const char* bad : {"", "1", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "1..2.3",
                            "a.b.c.d", "1.2.3.-4", "01.2.3.4", "1.2.3.4/", "1234.1.1.1", "+1.2.3.4"})
        EXPECT_FALSE(Ipv4Address::parse(bad)) << bad;
}

TEST(Ipv4Address, Classifies) {
    EXPECT_TRUE(Ipv4Address(239, 1, 1, 1).is_multicast());
    EXPECT_FALSE(Ipv4Address(198, 18, 0, 1).is_multicast());
    EXPECT_TRUE(Ipv4Address(224, 0, 0, 13).is_link_local_multicast());
    EXPECT_FALSE(Ipv4Address(224, 0, 1, 13).is_link_local_multicast());
    EXPECT_TRUE(Ipv4Address(198, 18, 0, 1).is_unicast());
    EXPECT_FALSE(Ipv4Address(127, 0, 0, 1).is_unicast());
    EXPECT_FALSE(Ipv4Address(0, 1, 2, 3).is_unicast());
    EXPECT_FALSE(Ipv4Address(240, 0, 0, 1).is_unicast());
    EXPECT_TRUE(Ipv4Address().is_unspecified());
}

TEST(Ipv4Address, OrdersNumerically) {
    EXPECT_LT(Ipv4Address(10, 0, 0, 2), Ipv4Address(10, 0, 0, 10));
    EXPECT_LT(Ipv4Address(9, 255, 255, 255), Ipv4Address(10, 0, 0, 0));
}

TEST(Ipv4Address, NetworkOrderRoundTrip) {
    Ipv4Address a(198, 18, 0, 1);
    EXPECT_EQ(Ipv4Address::from_network_order(a.network_order()), a);
}

TEST(Ipv4Prefix, ParsesStrictly) {
    auto p = Ipv4Prefix::parse("232.0.0.0/8");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->length(), 8);
    EXPECT_EQ(p->to_string(), "232.0.0.0/8");
    EXPECT_FALSE(Ipv4Prefix::parse("232.1.0.0/8"));
    EXPECT_EQ(Ipv4Prefix::parse("232.1.0.0/8", true)->to_string(), "232.0.0.0/8");
    EXPECT_EQ(Ipv4Prefix::parse("10.0.0.1")->length(), 32);
    EXPECT_EQ(Ipv4Prefix::parse("0.0.0.0/0")->length(), 0);
    for (const char* bad :
         {"1.2.3.0/33", "1.2.3.0/", "1.2.3.0/-1", "1.2.3.0/ 8", "1.2.3.0/8x", "x/8", "1.2.3.0/008"})
        EXPECT_FALSE(Ipv4Prefix::parse(bad)) << bad;
}

TEST(Ipv4Prefix, Contains) {
    auto ssm = addr::kDefaultSsm;
    EXPECT_TRUE(ssm.contains(Ipv4Address(232, 1, 2, 3)));
    EXPECT_FALSE(ssm.contains(Ipv4Address(233, 1, 2, 3)));
    EXPECT_TRUE(addr::kMulticast.contains(ssm));
    EXPECT_FALSE(ssm.contains(addr::kMulticast));
    EXPECT_TRUE(Ipv4Prefix(Ipv4Address(), 0).contains(Ipv4Address(1, 2, 3, 4)));
    Ipv4Prefix host(Ipv4Address(10, 0, 0, 1), 32);
    EXPECT_TRUE(host.contains(Ipv4Address(10, 0, 0, 1)));
    EXPECT_FALSE(host.contains(Ipv4Address(10, 0, 0, 2)));
}

TEST(Keys, PrintAndHash) {
    SGKey sg{Ipv4Address(198, 18, 0, 2), Ipv4Address(239, 1, 1, 1)};
    EXPECT_EQ(sg.to_string(), "(198.18.0.2,239.1.1.1)");
    EXPECT_EQ(StarGKey{Ipv4Address(239, 1, 1, 1)}.to_string(), "(*,239.1.1.1)");
    std::unordered_set<SGKey> set;
    for (uint32_t s = 0; s < 100; ++s)
        for (uint32_t g = 0; g < 100; ++g)
            set.insert(SGKey{Ipv4Address(0xc6120000 + s), Ipv4Address(0xef000000 + g)});
    EXPECT_EQ(set.size(), 10000u);
    EXPECT_TRUE(set.count(SGKey{Ipv4Address(0xc6120005), Ipv4Address(0xef000007)}));
    EXPECT_LT((SGKey{Ipv4Address(1), Ipv4Address(5)}), (SGKey{Ipv4Address(2), Ipv4Address(0)}));
}

}  // namespace
}  // namespace fanout
