// IfSet (if_set.hpp): the olist type of the macros. Sorted and unique like std::set<int>, in place up to
// kInline elements and on the heap past that, with the RFC's (+) and (-).
#include "pimd/core/if_set.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace fanout::pim {
namespace {

std::vector<int> items(const IfSet& s) {
    return {s.begin(), s.end()};
}

TEST(IfSet, KeepsItsElementsSortedAndUnique) {
    IfSet s{7, 3, 9, 3};
    EXPECT_EQ(items(s), (std::vector<int>{3, 7, 9}));
    EXPECT_FALSE(s.insert(7).second);
    auto [at, added] = s.insert(5);
    EXPECT_TRUE(added);
    EXPECT_EQ(*at, 5);
    EXPECT_EQ(items(s), (std::vector<int>{3, 5, 7, 9}));
    EXPECT_EQ(s.erase(3), 1u);
    EXPECT_EQ(s.erase(4), 0u);
    EXPECT_EQ(items(s), (std::vector<int>{5, 7, 9}));
    EXPECT_EQ(s.count(7), 1u);
    EXPECT_FALSE(s.contains(3));
    EXPECT_EQ(s.size(), 3u);
    s.clear();
    EXPECT_TRUE(s.empty());
}

TEST(IfSet, GrowsPastItsInlineCapacityLikeAStdSet) {
    IfSet s;
    std::set<int> ref;
    for (int i = 0; i < 100; ++i) {
        const int v = (i * 37) % 101;  // a permutation, to insert in the middle
        s.insert(v);
        ref.insert(v);
    }
    EXPECT_EQ(items(s), (std::vector<int>(ref.begin(), ref.end())));
    IfSet copy = s;
    IfSet moved = std::move(copy);
    EXPECT_EQ(moved, s);
    for (int v = 0; v <= 100; v += 2) {
        EXPECT_EQ(moved.erase(v), ref.erase(v));
    }
    EXPECT_EQ(items(moved), (std::vector<int>(ref.begin(), ref.end())));
    IfSet small{1, 2};
    small = moved;  // inline <- heap
    EXPECT_EQ(small, moved);
    moved = IfSet{4};  // heap <- inline (moved)
    EXPECT_EQ(items(moved), (std::vector<int>{4}));
}

TEST(IfSet, UnionAndDifferenceAreTheRfcOperators) {
    const IfSet a{1, 2, 5};
    const IfSet b{2, 3};
    EXPECT_EQ(a + b, (IfSet{1, 2, 3, 5}));
    EXPECT_EQ(a - b, (IfSet{1, 5}));
    EXPECT_EQ(b - a, (IfSet{3}));
    EXPECT_EQ(a + b - IfSet{5}, (IfSet{1, 2, 3}));  // left to right, as the RFC's formulas read
    EXPECT_EQ(IfSet{} + IfSet{}, IfSet{});
    IfSet big;
    for (int i = 0; i < 40; ++i)
        big.insert(i);
    EXPECT_EQ((big + IfSet{100}).size(), 41u);
    EXPECT_EQ((big - a).size(), 37u);
}

}  // namespace
}  // namespace fanout::pim
