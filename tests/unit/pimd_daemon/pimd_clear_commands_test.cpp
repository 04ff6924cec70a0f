// `clear ip pim statistics` as a display baseline (pimd_clear_commands.hpp): after a clear, show displays the
// counts since the clear, every counter of the view, while the running totals (what show metrics reads) are
// untouched, so Prometheus counters never go down.
#include <gtest/gtest.h>

#include "pimd/pimd_clear_commands.hpp"

namespace fanout::pimd {
namespace {

// A view whose every counter is `n` (maps: two keys), so a subtraction that misses a field shows.
PimStatisticsView all(uint64_t n) {
    PimStatisticsView v;
    for (auto* m : {&v.core.rx, &v.core.tx, &v.core.drops, &v.core.decode_errors}) {
        (*m)["a"] = n;
        (*m)["b"] = 2 * n;
    }
    v.core.vif_table_full = v.core.hello_options_ignored = v.core.mroute_clears = v.core.mroutes_cleared = n;
    auto& s = v.socket;
    s.received = s.truncated = s.malformed = s.filtered = s.receive_errors = s.kernel_drops = s.sent =
        s.send_errors = n;
    v.rx.packets = v.rx.ip_decode_errors = v.rx.fragments = v.rx.not_pim = n;
    auto& a = v.actions;
    a.pim_sent = a.pim_send_errors = a.vif_adds = a.vif_dels = a.vif_errors = a.mfc_sets = a.mfc_dels =
        a.mfc_errors = n;
    auto& u = v.upcalls;
    u.nocache = u.wrongvif = u.wholepkt = u.wrvifwhole = u.malformed = u.overruns = u.receive_errors = n;
    v.upcall_backlog.newest_first = v.upcall_backlog.oldest_first = v.upcall_backlog.refused = n;
    auto& m = v.static_mroutes;
    m.installs = m.updates = m.removals = m.failures = n;
    v.reloads = n;
    auto& sm = v.sparse;
    sm.jp_rx = sm.jp_rx_for_us = sm.jp_rx_seen = sm.jp_rx_ignored = sm.transitions = sm.unexpected_events =
        sm.upcalls_nocache = sm.upcalls_wrongvif = sm.negative_entries = sm.spt_switches = sm.sg_limit_drops =
            sm.rpt_discoveries = sm.rpt_copies = n;
    auto& rib = v.rib;
    rib.lookups = rib.lookup_failures = rib.route_notifications = rib.ignored_notifications =
        rib.notify_batches = rib.overruns = n;
    auto& rpf = v.rpf;
    rpf.lookups = rpf.route_changes = rpf.interfaces_lost = rpf.re_resolutions = rpf.answers_changed =
        rpf.idle_reused = n;
    return v;
}

TEST(PimdClearStatistics, EveryCounterIsShownSinceTheClear) {
    nlohmann::json since = to_json(statistics_since(all(10), all(7)));
    nlohmann::json three = to_json(all(3));
    EXPECT_EQ(since, three) << "every counter is now - base: " << since.dump();
}

TEST(PimdClearStatistics, NoClearShowsTheTotalsAndAClearStartsFromZero) {
    StatisticsBaseline b;
    EXPECT_FALSE(b.cleared());
    EXPECT_EQ(to_json(b.display(all(5))), to_json(all(5)));
    b.clear(all(5));
    EXPECT_TRUE(b.cleared());
    EXPECT_EQ(to_json(b.display(all(5))), to_json(all(0))) << "just cleared: every count is 0";
    EXPECT_EQ(to_json(b.display(all(9))), to_json(all(4)));
    b.clear(all(9));
    EXPECT_EQ(to_json(b.display(all(12))), to_json(all(3))) << "a second clear moves the baseline";
}

TEST(PimdClearStatistics, KeysNewSinceTheClearAndCountersBelowTheBaseline) {
    PimStatisticsView base = all(5);
    PimStatisticsView now = all(6);
    now.core.drops["new-reason"] = 4;
    now.socket.sent = 1;  // never happens to running totals; must not wrap around
    auto v = statistics_since(now, base);
    EXPECT_EQ(v.core.drops.at("new-reason"), 4u) << "a key without a baseline counts from 0";
    EXPECT_EQ(v.core.drops.at("a"), 1u);
    EXPECT_EQ(v.socket.sent, 0u);
}

TEST(PimdClearStatistics, TheUpcallBacklogsLevelsStayAsTheyAre) {
    PimStatisticsView base = all(5), now = all(8);
    base.upcall_backlog.waiting = 40;
    base.upcall_backlog.peak = 900;
    now.upcall_backlog.waiting = 12;
    now.upcall_backlog.peak = 900;
    now.upcall_backlog.limit = base.upcall_backlog.limit = 32768;
    auto v = statistics_since(now, base);
    EXPECT_EQ(v.upcall_backlog.waiting, 12u) << "what waits now, not a difference";
    EXPECT_EQ(v.upcall_backlog.peak, 900u);
    EXPECT_EQ(v.upcall_backlog.limit, 32768u);
    EXPECT_EQ(v.upcall_backlog.newest_first, 3u);
    EXPECT_EQ(v.upcall_backlog.refused, 3u);
}

}  // namespace
}  // namespace fanout::pimd
