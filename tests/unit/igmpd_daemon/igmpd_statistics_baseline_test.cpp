// `clear ip igmp statistics` as a display baseline (igmpd_statistics_baseline.hpp): after a clear, show
// displays the counts since the clear, for the statistics and each interface's counters, while the running
// totals (what show metrics reads) are untouched, so Prometheus counters never go down. The socket totals,
// the interfaces' state and group counts stay as they are.
#include <gtest/gtest.h>

#include "igmpd/igmpd_statistics_baseline.hpp"

namespace fanout::igmpd {
namespace {

// A view whose every counter is `n` (maps: two keys), so a subtraction that misses a field shows.
IgmpStatisticsView all(uint64_t n) {
    IgmpStatisticsView v;
    for (auto* m : {&v.core.rx, &v.core.tx, &v.core.rx_records, &v.core.drops, &v.core.decode_errors}) {
        (*m)["a"] = n;
        (*m)["b"] = 2 * n;
    }
    v.rx.packets = v.rx.decode_errors = n;
    for (auto& k : v.rx.by_kind.by_kind)
        k = n;
    v.socket.received = v.socket.filtered = v.socket.sent = 100 + n;
    return v;
}

igmp::InterfaceStatus interface(const std::string& name, uint64_t n) {
    igmp::InterfaceStatus i;
    i.name = name;
    i.state = "up";
    i.groups = 7;
    i.groups_created = i.groups_deleted = i.querier_changes = i.drops = n;
    i.rx = {{"v3_report", n}, {"v2_report", 2 * n}};
    i.tx = {{"v3_query", n}};
    return i;
}

TEST(IgmpdStatisticsBaseline, EveryCounterIsShownSinceTheClearButTheSocketTotals) {
    IgmpStatisticsView since = statistics_since(all(10), all(7));
    IgmpStatisticsView three = all(3);
    three.socket = all(10).socket;  // the clear never covered the socket's totals
    EXPECT_EQ(to_json(since), to_json(three)) << to_json(since).dump();
}

TEST(IgmpdStatisticsBaseline, NoClearShowsTheTotalsAndAClearStartsFromZero) {
    IgmpStatisticsBaseline b;
    EXPECT_FALSE(b.cleared());
    EXPECT_EQ(to_json(b.display(all(5))), to_json(all(5)));
    b.clear(all(5), IgmpInterfacesView{{interface("eth0", 5)}});
    EXPECT_TRUE(b.cleared());
    IgmpStatisticsView zero = all(0);
    zero.socket = all(5).socket;
    EXPECT_EQ(to_json(b.display(all(5))), to_json(zero)) << "just cleared: every count is 0";
    b.clear(all(9), IgmpInterfacesView{{interface("eth0", 9)}});
    IgmpStatisticsView three = all(3);
    three.socket = all(12).socket;
    EXPECT_EQ(to_json(b.display(all(12))), to_json(three)) << "a second clear moves the baseline";
}

TEST(IgmpdStatisticsBaseline, InterfaceCountersSinceTheClearStateAndGroupsAsTheyAre) {
    IgmpStatisticsBaseline b;
    b.clear(all(0), IgmpInterfacesView{{interface("eth0", 4)}});
    IgmpInterfacesView now{{interface("eth0", 10), interface("eth1", 6)}};
    now.interfaces[0].rx["v1_report"] = 2;  // a key new since the clear
    auto shown = b.display(now);
    ASSERT_EQ(shown.interfaces.size(), 2u);
    const auto& eth0 = shown.interfaces[0];
    EXPECT_EQ(eth0.groups_created, 6u);
    EXPECT_EQ(eth0.groups_deleted, 6u);
    EXPECT_EQ(eth0.querier_changes, 6u);
    EXPECT_EQ(eth0.drops, 6u);
    EXPECT_EQ(eth0.rx.at("v3_report"), 6u);
    EXPECT_EQ(eth0.rx.at("v2_report"), 12u);
    EXPECT_EQ(eth0.rx.at("v1_report"), 2u) << "a key without a baseline counts from 0";
    EXPECT_EQ(eth0.tx.at("v3_query"), 6u);
    EXPECT_EQ(eth0.groups, 7u) << "a table size, not a counter";
    EXPECT_EQ(eth0.state, "up");
    EXPECT_EQ(shown.interfaces[1].drops, 6u) << "an interface that appeared since the clear shows its totals";
}

TEST(IgmpdStatisticsBaseline, AnInterfaceConfiguredAgainSinceTheClearShowsItsNewTotals) {
    IgmpStatisticsBaseline b;
    b.clear(all(0), IgmpInterfacesView{{interface("eth0", 40)}});
    IgmpInterfacesView now{{interface("eth0", 3)}};  // removed and configured again: counting from 0 again
    auto shown = b.display(now);
    EXPECT_EQ(shown.interfaces[0].drops, 3u);
    EXPECT_EQ(shown.interfaces[0].rx.at("v3_report"), 3u);
    now.interfaces[0].rx.erase("v2_report");  // one map key gone is a restart too
    now.interfaces[0].drops = 50;
    EXPECT_EQ(b.display(now).interfaces[0].drops, 50u);
}

TEST(IgmpdStatisticsBaseline, CountersBelowTheBaselineCountFromTheirReset) {
    IgmpStatisticsView base = all(5), now = all(6);
    now.core.drops["new-reason"] = 4;
    now.rx.packets = 1;  // reset since the clear (its owner made anew): counts from the reset, no wrap-around
    auto v = statistics_since(now, base);
    EXPECT_EQ(v.core.drops.at("new-reason"), 4u);
    EXPECT_EQ(v.core.drops.at("a"), 1u);
    EXPECT_EQ(v.rx.packets, 1u);
}

}  // namespace
}  // namespace fanout::igmpd
