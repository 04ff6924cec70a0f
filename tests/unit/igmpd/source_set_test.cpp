// Set operations of RFC 3376 6.4 (A+B, A*B, A-B) and the RFC 3376 3.2 merge used by RFC 4605 4.1.
#include <gtest/gtest.h>

#include "igmpd/core/source_set.hpp"

namespace fanout::igmp {
namespace {

const Ipv4Address s1{198, 18, 0, 1}, s2{198, 18, 0, 2}, s3{198, 18, 0, 3}, s4{198, 18, 0, 4};

FilterState inc(SourceSet s) {
    return {FilterMode::kInclude, std::move(s)};
}
FilterState exc(SourceSet s) {
    return {FilterMode::kExclude, std::move(s)};
}

TEST(SourceSet, MakeSortsAndDeduplicates) {
    EXPECT_EQ(make_source_set({s3, s1, s3, s2}), (SourceSet{s1, s2, s3}));
    EXPECT_TRUE(make_source_set({}).empty());
}

TEST(SourceSet, UnionIntersectionDifference) {
    const SourceSet a{s1, s2}, b{s2, s3};
    EXPECT_EQ(set_union(a, b), (SourceSet{s1, s2, s3}));                  // A+B
    EXPECT_EQ(set_intersection(a, b), (SourceSet{s2}));                   // A*B
    EXPECT_EQ(set_difference(a, b), (SourceSet{s1}));                     // A-B
    EXPECT_EQ(set_difference(b, a), (SourceSet{s3}));                     // B-A
    EXPECT_EQ(set_difference(set_difference(b, a), a), (SourceSet{s3}));  // A-X-Y style chains
    EXPECT_TRUE(set_intersection(a, {}).empty());
    EXPECT_EQ(set_union({}, b), b);
    EXPECT_TRUE(set_contains(a, s2));
    EXPECT_FALSE(set_contains(a, s3));
    EXPECT_EQ(to_string(a), "{198.18.0.1,198.18.0.2}");
}

TEST(FilterState, WantsFollowsRfc3376Section63) {
    EXPECT_TRUE(inc({s1}).wants(s1));
    EXPECT_FALSE(inc({s1}).wants(s2));
    EXPECT_FALSE(exc({s1}).wants(s1));  // EXCLUDE{S} blocks only S (INTEROP.md "What breaks" 8)
    EXPECT_TRUE(exc({s1}).wants(s2));
    EXPECT_TRUE(exc({}).wants(s4));
    EXPECT_TRUE(inc({}).empty());
    EXPECT_FALSE(exc({}).empty());
}

// RFC 3376 3.2 merge, row by row.
TEST(Merge, AllIncludeIsUnion) {
    const FilterState v[] = {inc({s1}), inc({s2, s3}), inc({})};
    EXPECT_EQ(merge_filter_states(v), inc({s1, s2, s3}));
}

TEST(Merge, AnyExcludeIsIntersectionOfExcludesMinusIncludes) {
    const FilterState v[] = {exc({s1, s2, s3}), exc({s2, s3, s4}), inc({s3})};
    EXPECT_EQ(merge_filter_states(v), exc({s2}));
}

TEST(Merge, ExcludeEmptyWins) {
    EXPECT_EQ(merge_filter_states(exc({}), inc({s1})), exc({}));
    EXPECT_EQ(merge_filter_states(exc({s1}), exc({})), exc({}));
}

TEST(Merge, ExcludeMinusInclude) {
    EXPECT_EQ(merge_filter_states(exc({s1}), inc({s1, s2})), exc({}));
    EXPECT_EQ(merge_filter_states(exc({s1, s2}), inc({s2})), exc({s1}));
}

TEST(Merge, NothingIsIncludeEmpty) {
    EXPECT_EQ(merge_filter_states(std::span<const FilterState>()), inc({}));
    EXPECT_EQ(merge_filter_states(inc({}), inc({})), inc({}));
}

}  // namespace
}  // namespace fanout::igmp
