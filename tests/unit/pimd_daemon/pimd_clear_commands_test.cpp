// `clear ip pim statistics` as a display baseline (pimd_clear_commands.hpp): after a clear, show displays the
// counts since the clear, every counter of the view, while the running totals (what show metrics reads) are
// untouched, so Prometheus counters never go down.
#include <gtest/gtest.h>

#include "pimd/msdp_commands.hpp"
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

// Register path counters whose every counter is `n`, the anycast-RP ones included.
pim::RegisterCountersStatus registers(uint64_t n) {
    pim::RegisterCountersStatus c;
    auto& dr = c.dr;
    dr.registers_sent = dr.null_registers_sent = dr.register_stops_rx = dr.register_stops_wildcard =
        dr.register_stops_unknown = dr.register_source_not_local = dr.upcalls_unknown = n;
    dr.drops.fill(n);
    c.fsm.transitions = c.fsm.ignored = c.fsm.unexpected = n;
    auto& rp = c.rp;
    rp.registers_rx = rp.null_registers_rx = rp.forwarded = n;
    rp.drops.fill(n);
    rp.register_stops_sent.fill(n);
    auto& any = rp.anycast;
    any.from_dr = any.from_member = any.forwarded = any.unreachable = any.not_a_member = n;
    return c;
}

// Every anycast-RP counter, in a form EXPECT_EQ compares and prints.
nlohmann::json shown(const pim::AnycastRpCounters& a) {
    return {a.from_dr, a.from_member, a.forwarded, a.unreachable, a.not_a_member};
}

// Everything the register and anycast-RP commands show of the counters.
nlohmann::json shown(const pim::RegisterCountersStatus& c) {
    nlohmann::json j;
    pim::to_json(j, c);
    j["anycast"] = shown(c.rp.anycast);
    return j;
}

TEST(PimdClearStatistics, EveryCounterIsShownSinceTheClear) {
    nlohmann::json since = to_json(statistics_since(all(10), all(7)));
    nlohmann::json three = to_json(all(3));
    EXPECT_EQ(since, three) << "every counter is now - base: " << since.dump();
}

TEST(PimdClearStatistics, EveryRegisterAndAnycastCounterIsShownSinceTheClear) {
    nlohmann::json since = shown(register_counters_since(registers(10), registers(7)));
    EXPECT_EQ(since, shown(registers(3))) << "every counter is now - base: " << since.dump();
    EXPECT_EQ(shown(anycast_counters_since(registers(10).rp.anycast, registers(7).rp.anycast)),
              shown(registers(3).rp.anycast));
}

// MSDP counters whose every counter is `n`, for the peers given.
MsdpCounterTotals msdp_totals(uint64_t n, std::initializer_list<const char*> peers) {
    MsdpCounterTotals t;
    for (const char* a : peers) {
        msdp::MsdpPeerCounters& p = t.peers[*Ipv4Address::parse(a)];
        p.tlvs_in = p.tlvs_out = p.sa_in = p.sa_out = p.keepalives_in = p.keepalives_out = p.established =
            p.unexpected_events = n;
        p.drops.fill(n);
        p.downs.fill(n);
    }
    auto& c = t.core;
    c.unknown_peer_connections = c.rejected_connections = c.events_for_unknown_peer = c.no_originator =
        c.originated_tlvs = c.forwarded_entries = c.filtered_out = c.data_delivered = c.announced =
            c.expired = n;
    auto& w = t.tcp;
    w.listen_errors = w.connect_errors = w.md5_errors = w.refused_accepts = w.send_without_stream = n;
    auto& s = t.service;
    s.scans = s.origin_added = s.origin_removed = s.receivers_appeared = s.receivers_gone = s.sa_joins =
        s.sa_joins_dropped = s.sa_expired = s.sa_data_packets = s.sa_data_forwarded = s.origin_with_data =
            s.starts = s.reconfigures = s.peer_resets = n;
    s.sa_data_drops.fill(n);
    return t;
}

TEST(PimdClearStatistics, EveryMsdpCounterIsShownSinceTheClear) {
    nlohmann::json since = to_json(msdp_counters_since(msdp_totals(10, {"10.0.0.1", "10.0.0.2"}),
                                                       msdp_totals(7, {"10.0.0.1", "10.0.0.2"})));
    EXPECT_EQ(since, to_json(msdp_totals(3, {"10.0.0.1", "10.0.0.2"}))) << since.dump();
}

TEST(PimdClearStatistics, AnMsdpPeerNewSinceTheClearCountsFromZero) {
    MsdpCounterTotals now = msdp_totals(10, {"10.0.0.1", "10.0.0.2"});
    now.tcp.last_error = "connect 10.0.0.2: refused";
    MsdpCounterTotals v = msdp_counters_since(now, msdp_totals(7, {"10.0.0.1"}));
    EXPECT_EQ(to_json(v)["peers"]["10.0.0.1"], to_json(msdp_totals(3, {"10.0.0.1"}))["peers"]["10.0.0.1"]);
    EXPECT_EQ(to_json(v)["peers"]["10.0.0.2"], to_json(msdp_totals(10, {"10.0.0.2"}))["peers"]["10.0.0.2"])
        << "configured after the clear: all its counts are since the clear";
    EXPECT_EQ(v.tcp.last_error, "connect 10.0.0.2: refused") << "a text, not a counter";
}

TEST(PimdClearStatistics, NoClearShowsTheTotalsAndAClearStartsFromZero) {
    StatisticsBaseline b;
    EXPECT_FALSE(b.cleared());
    EXPECT_EQ(to_json(b.display(all(5))), to_json(all(5)));
    EXPECT_EQ(shown(b.display(registers(5))), shown(registers(5)));
    EXPECT_EQ(b.display(registers(5).rp.anycast).from_dr, 5u);
    b.clear(all(5), registers(5));
    EXPECT_TRUE(b.cleared());
    EXPECT_EQ(to_json(b.display(all(5))), to_json(all(0))) << "just cleared: every count is 0";
    EXPECT_EQ(shown(b.display(registers(5))), shown(registers(0)));
    EXPECT_EQ(to_json(b.display(all(9))), to_json(all(4)));
    EXPECT_EQ(shown(b.display(registers(9))), shown(registers(4)));
    EXPECT_EQ(shown(b.display(registers(9).rp.anycast)), shown(registers(4).rp.anycast))
        << "show ip pim anycast-rp counts from the same clear";
    b.clear(all(9), registers(9));
    EXPECT_EQ(to_json(b.display(all(12))), to_json(all(3))) << "a second clear moves the baseline";
    EXPECT_EQ(shown(b.display(registers(12))), shown(registers(3)));
}

TEST(PimdClearStatistics, KeysNewSinceTheClearAndCountersBelowTheBaseline) {
    PimStatisticsView base = all(5);
    PimStatisticsView now = all(6);
    now.core.drops["new-reason"] = 4;
    // Reset since the clear (its owner made anew): counts from the reset, no wrap-around.
    now.socket.sent = 1;
    auto v = statistics_since(now, base);
    EXPECT_EQ(v.core.drops.at("new-reason"), 4u) << "a key without a baseline counts from 0";
    EXPECT_EQ(v.core.drops.at("a"), 1u);
    EXPECT_EQ(v.socket.sent, 1u);
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
