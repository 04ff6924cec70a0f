// RFC 7761 4.7.1 / 4.7.2 / 4.8: group-to-RP mapping, hash function, SSM range.
#include "pimd/core/rp_set.hpp"

#include <gtest/gtest.h>

namespace fanout::pim {
namespace {

Ipv4Address ip(const char* s) {
    return *Ipv4Address::parse(s);
}
Ipv4Prefix pfx(const char* s) {
    return *Ipv4Prefix::parse(s);
}

// Expected values computed once, independently, with Python's exact integers:
//   def h(g, m, c): return (1103515245 * ((1103515245 * (g & m) + 12345) ^ c) + 12345) % 2**31
// with g, c = int(ipaddress.IPv4Address(...)) and m = the mask of the given length.
TEST(RpHash, MatchesIndependentComputation) {
    EXPECT_EQ(rp_hash_value(ip("239.1.1.1"), rp_hash_mask(30), ip("10.0.0.1")), 1679372561u);
    EXPECT_EQ(rp_hash_value(ip("239.1.1.1"), rp_hash_mask(30), ip("10.0.0.2")), 694951000u);
    EXPECT_EQ(rp_hash_value(ip("239.1.1.5"), rp_hash_mask(30), ip("10.0.0.1")), 514038453u);
    EXPECT_EQ(rp_hash_value(ip("239.1.1.5"), rp_hash_mask(30), ip("10.0.0.2")), 1677100540u);
    EXPECT_EQ(rp_hash_value(ip("224.0.0.0"), rp_hash_mask(0), ip("0.0.0.0")), 1406932606u);
    EXPECT_EQ(rp_hash_value(ip("239.255.255.255"), rp_hash_mask(32), ip("255.255.255.255")), 1023448560u);
}

TEST(RpHash, MaskGroupsConsecutiveGroups) {
    // Mask length 30: 239.1.1.0-3 hash alike for a given RP.
    EXPECT_EQ(rp_hash_value(ip("239.1.1.1"), rp_hash_mask(30), ip("10.0.0.1")),
              rp_hash_value(ip("239.1.1.2"), rp_hash_mask(30), ip("10.0.0.1")));
    EXPECT_NE(rp_hash_value(ip("239.1.1.1"), rp_hash_mask(32), ip("10.0.0.1")),
              rp_hash_value(ip("239.1.1.2"), rp_hash_mask(32), ip("10.0.0.1")));
}

RpSetConfig two_rps_same_range() {
    RpSetConfig c;
    c.static_rps = {{ip("10.0.0.1"), {pfx("239.0.0.0/8")}, false},
                    {ip("10.0.0.2"), {pfx("239.0.0.0/8")}, false}};
    return c;
}

TEST(RpSet, EqualLengthUsesHighestHash) {
    RpSet s(two_rps_same_range());
    EXPECT_EQ(s.rp_for(ip("239.1.1.1")), ip("10.0.0.1"));  // 1679372561 > 694951000
    EXPECT_EQ(s.rp_for(ip("239.1.1.5")), ip("10.0.0.2"));  // 1677100540 > 514038453
}

TEST(RpSet, LongestMatchWinsOverHash) {
    auto c = two_rps_same_range();
    c.static_rps.push_back({ip("10.0.0.9"), {pfx("239.1.1.0/24")}, false});
    RpSet s(c);
    EXPECT_EQ(s.rp_for(ip("239.1.1.1")), ip("10.0.0.9"));
    EXPECT_EQ(s.rp_for(ip("239.2.1.1")), s.rp_for(ip("239.2.1.1")));
    EXPECT_NE(s.rp_for(ip("239.2.1.1")), ip("10.0.0.9"));
    auto m = s.mapping_for(ip("239.1.1.1"));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->group_range, pfx("239.1.1.0/24"));
    EXPECT_EQ(m->origin, RpOrigin::kStatic);
}

TEST(RpSet, EqualHashTieBreakIsHighestAddress) {
    // Two RP addresses differing only in bit 31 hash alike (the hash is modulo 2^31, the XOR is bitwise):
    // 10.0.0.1 and 138.0.0.1. The highest address wins.
    EXPECT_EQ(rp_hash_value(ip("239.1.1.1"), rp_hash_mask(30), ip("10.0.0.1")),
              rp_hash_value(ip("239.1.1.1"), rp_hash_mask(30), ip("138.0.0.1")));
    RpSetConfig c;
    c.static_rps = {{ip("10.0.0.1"), {pfx("239.0.0.0/8")}, false},
                    {ip("138.0.0.1"), {pfx("239.0.0.0/8")}, false}};
    EXPECT_EQ(RpSet(c).rp_for(ip("239.1.1.1")), ip("138.0.0.1"));
    std::swap(c.static_rps[0], c.static_rps[1]);
    EXPECT_EQ(RpSet(c).rp_for(ip("239.1.1.1")), ip("138.0.0.1"));
}

TEST(RpSet, DynamicPriorityBeforeHash) {
    RpSet s;
    // 10.0.0.1 has the higher hash for 239.1.1.1 but the worse (higher) priority value.
    s.set_dynamic({{ip("10.0.0.1"), pfx("239.0.0.0/8"), 10}, {ip("10.0.0.2"), pfx("239.0.0.0/8"), 5}});
    EXPECT_EQ(s.rp_for(ip("239.1.1.1")), ip("10.0.0.2"));
    s.set_dynamic({{ip("10.0.0.1"), pfx("239.0.0.0/8"), 5}, {ip("10.0.0.2"), pfx("239.0.0.0/8"), 5}});
    EXPECT_EQ(s.rp_for(ip("239.1.1.1")), ip("10.0.0.1"));
}

TEST(RpSet, OverrideTiers) {
    RpSetConfig c;
    c.static_rps = {{ip("10.9.9.9"), {pfx("224.0.0.0/4")}, false},
                    {ip("10.8.8.8"), {pfx("239.5.0.0/16")}, true}};
    RpSet s(c);
    s.set_dynamic({{ip("10.1.1.1"), pfx("239.0.0.0/8"), 0}});
    // Static override wins over dynamic even with a shorter... (here longer) range.
    EXPECT_EQ(s.mapping_for(ip("239.5.1.1"))->origin, RpOrigin::kStaticOverride);
    EXPECT_EQ(s.rp_for(ip("239.5.1.1")), ip("10.8.8.8"));
    // Dynamic beats a non-override static entry.
    EXPECT_EQ(s.rp_for(ip("239.6.1.1")), ip("10.1.1.1"));
    // Static is the fallback where nothing dynamic matches.
    EXPECT_EQ(s.rp_for(ip("238.1.1.1")), ip("10.9.9.9"));
}

TEST(RpSet, SsmAndNonRoutableGroupsHaveNoRp) {
    RpSetConfig c;
    c.static_rps = {{ip("10.9.9.9"), {pfx("224.0.0.0/4")}, true}};
    RpSet s(c);
    EXPECT_TRUE(s.is_ssm(ip("232.1.1.1")));
    EXPECT_FALSE(s.rp_for(ip("232.1.1.1")));
    EXPECT_FALSE(s.rp_for(ip("224.0.0.5")));  // link-local
    EXPECT_FALSE(s.rp_for(ip("10.1.1.1")));   // not multicast
    EXPECT_FALSE(s.is_ssm(ip("10.1.1.1")));
    EXPECT_EQ(s.rp_for(ip("224.0.1.1")), ip("10.9.9.9"));
    c.ssm_ranges = {pfx("239.232.0.0/16")};
    s.set_config(c);
    EXPECT_FALSE(s.is_ssm(ip("232.1.1.1")));
    EXPECT_EQ(s.rp_for(ip("232.1.1.1")), ip("10.9.9.9"));
    EXPECT_TRUE(s.is_ssm(ip("239.232.4.4")));
}

TEST(RpSet, UnmappedGroup) {
    RpSetConfig c;
    c.static_rps = {{ip("10.9.9.9"), {pfx("239.0.0.0/8")}, false}};
    RpSet s(c);
    EXPECT_FALSE(s.rp_for(ip("238.1.1.1")));
}

TEST(RpSet, ChangesSinceReportsOnlyChangedGroups) {
    RpSet s(two_rps_same_range());
    RpSet before = s;
    auto c = two_rps_same_range();
    c.static_rps.erase(c.static_rps.begin());  // drop 10.0.0.1
    c.ssm_ranges.push_back(pfx("239.3.0.0/16"));
    s.set_config(c);
    std::vector<Ipv4Address> groups{ip("239.1.1.1"), ip("239.1.1.5"), ip("239.3.1.1"), ip("238.1.1.1")};
    auto ch = s.changes_since(before, groups);
    ASSERT_EQ(ch.size(), 2u);
    EXPECT_EQ(ch[0], (RpChange{ip("239.1.1.1"), ip("10.0.0.1"), ip("10.0.0.2")}));
    EXPECT_EQ(ch[1].group, ip("239.3.1.1"));
    EXPECT_FALSE(ch[1].new_rp);
}

}  // namespace
}  // namespace fanout::pim
