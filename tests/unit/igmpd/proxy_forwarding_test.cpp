// RFC 4605 4.2 outgoing interface computation and the proxy VIF table.
#include <gtest/gtest.h>

#include "igmpd/core/proxy_forwarding.hpp"

namespace fanout::igmp {
namespace {

const Ipv4Address s1{198, 18, 0, 1}, s2{198, 18, 0, 2}, g{239, 1, 1, 1};
constexpr int kUp = 3;

TEST(ProxyOifs, FromUpstreamToSubscribedDownstreamsWhereQuerier) {
    const DownstreamView d[] = {
        {2, true, {FilterMode::kExclude, {s2}}},
        {4, true, {FilterMode::kInclude, {s1}}},
        {5, false, {FilterMode::kExclude, {}}},  // not querier there: another proxy forwards
        {6, true, {FilterMode::kInclude, {}}}};
    EXPECT_EQ(proxy_oifs(s1, g, kUp, kUp, d), (std::vector<int>{2, 4}));
    EXPECT_EQ(proxy_oifs(s2, g, kUp, kUp, d), (std::vector<int>{}));  // excluded on 2, not included on 4
}

TEST(ProxyOifs, FromDownstreamAlsoGoesUpstreamNeverBackToIif) {
    const DownstreamView d[] = {{2, true, {FilterMode::kExclude, {}}}, {4, true, {FilterMode::kExclude, {}}}};
    EXPECT_EQ(proxy_oifs(s1, g, 2, kUp, d), (std::vector<int>{kUp, 4}));  // sorted by ifindex
    EXPECT_EQ(proxy_oifs(s1, g, 2, 0, d), (std::vector<int>{4}));         // no active upstream
}

TEST(ProxyOifs, LinkLocalNeverForwarded) {
    const DownstreamView d[] = {{2, true, {FilterMode::kExclude, {}}}};
    EXPECT_TRUE(proxy_oifs(s1, Ipv4Address(224, 0, 0, 251), kUp, kUp, d).empty());
}

TEST(ProxyVifTable, LowestFreeIndexAndExhaustion) {
    ProxyVifTable t;
    EXPECT_EQ(t.allocate(10), 0);
    EXPECT_EQ(t.allocate(11), 1);
    EXPECT_EQ(t.allocate(10), 0);  // idempotent
    EXPECT_EQ(t.release(10), 0);
    EXPECT_EQ(t.allocate(12), 0);  // reuses the freed index
    for (int i = 0; i < kProxyMaxVifs - 2; ++i)
        EXPECT_TRUE(t.allocate(100 + i));
    EXPECT_FALSE(t.allocate(999));  // all 32 in use: a clear refusal
    EXPECT_FALSE(t.release(999));
}

}  // namespace
}  // namespace fanout::igmp
