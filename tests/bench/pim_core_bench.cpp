// PIM-SM core throughput (issue #5, "Performance"): Join/Prune processing rate and the cost of core state.
//
// The core is driven exactly as in tests/unit/pimd/fsm_join_prune_test.cpp: a PimCore with a
// ManualTimerService, a PimActions that only counts, and a RIB where eth0 (ifindex 2) leads to the RP and the
// sources and eth1 (ifindex 3) is a downstream LAN with neighbor 198.19.13.2. Join/Prunes come from that
// neighbor, addressed to us (RFC 7761 4.5.2: Receive Join(S,G) / Prune(S,G) on eth1), packed by the codec
// into 1480-byte messages (100 groups x 100 sources = 10,000 entries in ~56 messages).
//
//   BM_JoinPruneRxNew        10,000 (S,G) joins into an empty core: every entry is created, the upstream
//                            join and MFC entry computed (entries/s).
//   BM_JoinPruneRxRefresh    the same messages again, state in place (the periodic refresh; entries/s).
//   BM_JoinPruneRxPrune      prunes of all 10,000 (S,G) with state in place, until their Prune-Pending
//                            Timers have expired and the state is gone (entries/s).
//   BM_CoreStateBuild        N (S,G) (1,000 groups x N/1000 sources) built from Join/Prunes: time, and
//                            heap bytes per (S,G) entry (mallinfo2 before/after, glibc).
//   BM_FullRecomputeTurns    with 100,000 (S,G) in place, a new neighbor on eth0 (neighbor up, and a DR
//                            change) re-evaluates every group: the longest single loop turn (the input
//                            itself, or a zero-delay continuation, kRecomputeBudget each), how many turns,
//                            and the total.
//   BM_MembershipSsmJoin     a last hop's IGMPv3 (S,G) join and leave from igmpd (MembershipChanged on a
//                            receiver LAN where it is the DR): the upstream Join(S,G) / Prune(S,G) and the
//                            MFC entry, per join+leave pair. Arg 1 evicts the CPU caches before each pair
//                            (touches 64 MB) as another process running between two wake-ups of pimd would:
//                            the cold cost, which is what a receiver's report meets in the lab (README,
//                            Benchmarks).
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "common/packet/pim_hello.hpp"
#include "common/packet/pim_join_prune.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/sparse_mode.hpp"
#include "pimd/core/tib.hpp"
#include "tests/testlib/pim_inputs.hpp"
#include "tests/testlib/two_port_rib.hpp"

namespace fanout::pim {
namespace {

const Ipv4Address kRp(198, 18, 9, 9);
const Ipv4Address kUp(198, 19, 12, 2);
const Ipv4Address kMe0(198, 19, 12, 1);
const Ipv4Address kMe1(198, 19, 13, 1);
const Ipv4Address kDown(198, 19, 13, 2);
constexpr size_t kPimPayloadMtu = 1500 - 20;

class CountingActions final : public PimActions {
  public:
    void send_pim(int, Ipv4Address, Ipv4Address, std::span<const uint8_t>) override { ++sent; }
    void vif_add(const VifAdd&) override {}
    void vif_del(const VifDel&) override {}
    void mfc_set(const MfcEntry&) override { ++mfc_sets; }
    void mfc_del(const MfcDel&) override { ++mfc_dels; }
    uint64_t sent = 0;
    uint64_t mfc_sets = 0;
    uint64_t mfc_dels = 0;
};

PimConfig bench_config() {
    PimConfig c;
    c.interfaces["eth0"] = {};
    c.interfaces["eth1"] = {};
    c.interfaces["eth2"] = {};  // a receiver LAN without PIM neighbors (BM_MembershipSsmJoin)
    StaticRp rp;
    rp.rp = kRp;
    c.rp_set.static_rps.push_back(rp);
    c.spt_threshold.mode = SptThresholdMode::kNever;
    return c;
}

// One router: eth0 up toward the RP/sources with neighbor kUp, eth1 down with neighbor kDown.
struct Router {
    ManualTimerService timers;
    SeededRandom rng{7};
    CountingActions actions;
    testlib::TwoPortRib rib{kUp};
    PimCore core{bench_config(), timers, rng, actions};

    Router() {
        core.sparse().set_rib(&rib);
        up(2, "eth0", kMe0);
        up(3, "eth1", kMe1);
        hello(2, kUp);
        hello(3, kDown);
    }
    void up(int ifindex, const char* name, Ipv4Address a) {
        core.handle(testlib::interface_up(ifindex, name, a));
    }
    void hello(int ifindex, Ipv4Address src) {
        packet::Hello h;
        h.holdtime_s = 105;
        h.generation_id = 11;
        h.dr_priority = 1;
        core.handle(RxPim{ifindex, src, addr::kAllPimRouters, packet::encode_hello(h)});
    }
    void receive(const std::vector<std::vector<uint8_t>>& msgs) {
        for (const auto& m : msgs)
            core.handle(RxPim{3, kDown, addr::kAllPimRouters, m});
    }
    size_t tib_entries() const { return core.sparse().tib().size(); }
};

// groups x sources (S,G) joins (or prunes) to us from the downstream neighbor, MTU-packed.
std::vector<std::vector<uint8_t>> jp_messages(uint32_t groups, uint32_t sources, bool join,
                                              uint32_t group_offset = 0) {
    packet::JoinPrune jp{kMe1, 210, {}};
    for (uint32_t g = 0; g < groups; ++g) {
        packet::JoinPruneGroup rec{packet::EncodedGroup{Ipv4Address(0xef020000u + group_offset + g)}, {}, {}};
        auto& list = join ? rec.joins : rec.prunes;
        list.reserve(sources);
        for (uint32_t s = 0; s < sources; ++s)
            list.push_back(packet::EncodedSource{Ipv4Address(0xc6120000u + s)});
        jp.groups.push_back(std::move(rec));
    }
    return packet::encode_join_prune_packed(jp, kPimPayloadMtu);
}

void set_rate(benchmark::State& state, double entries_per_iteration, size_t messages) {
    state.counters["entries/s"] = benchmark::Counter(
        entries_per_iteration * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["messages"] = static_cast<double>(messages);
}

void BM_JoinPruneRxNew(benchmark::State& state) {
    const auto msgs = jp_messages(100, 100, true);
    size_t entries = 0;
    for (auto _ : state) {
        state.PauseTiming();
        auto r = std::make_unique<Router>();
        state.ResumeTiming();
        r->receive(msgs);
        state.PauseTiming();
        entries = r->tib_entries();
        r.reset();
        state.ResumeTiming();
    }
    if (entries < 10000) state.SkipWithError("the core did not create 10,000 (S,G) entries");
    set_rate(state, 10000, msgs.size());
}
BENCHMARK(BM_JoinPruneRxNew)->Unit(benchmark::kMillisecond);

void BM_JoinPruneRxRefresh(benchmark::State& state) {
    const auto msgs = jp_messages(100, 100, true);
    Router r;
    r.receive(msgs);
    if (r.tib_entries() < 10000) state.SkipWithError("the core did not create 10,000 (S,G) entries");
    for (auto _ : state)
        r.receive(msgs);
    set_rate(state, 10000, msgs.size());
}
BENCHMARK(BM_JoinPruneRxRefresh)->Unit(benchmark::kMillisecond);

void BM_JoinPruneRxPrune(benchmark::State& state) {
    const auto joins = jp_messages(100, 100, true);
    const auto prunes = jp_messages(100, 100, false);
    size_t left = 0;
    for (auto _ : state) {
        state.PauseTiming();
        auto r = std::make_unique<Router>();
        r->receive(joins);
        state.ResumeTiming();
        r->receive(prunes);
        // One downstream neighbor: each Prune-Pending Timer is zero and fires at once, and its expiry takes
        // the (S,G)'s downstream state, MFC oif and upstream join away.
        r->timers.run_due();
        state.PauseTiming();
        left = r->tib_entries();
        r.reset();
        state.ResumeTiming();
    }
    if (left != 0) state.SkipWithError("the prunes left (S,G) entries behind");
    set_rate(state, 10000, prunes.size());
}
BENCHMARK(BM_JoinPruneRxPrune)->Unit(benchmark::kMillisecond);

// N (S,G) in 1,000 groups: time to build them from Join/Prunes, and heap bytes per entry.
void BM_CoreStateBuild(benchmark::State& state) {
    const auto n = static_cast<uint32_t>(state.range(0));
    const uint32_t groups = 1000, sources = n / groups;
    const auto msgs = jp_messages(groups, sources, true);
    double bytes_per_entry = 0;
    size_t entries = 0;
    for (auto _ : state) {
        state.PauseTiming();
        auto r = std::make_unique<Router>();
        malloc_trim(0);
        const size_t before = mallinfo2().uordblks;
        state.ResumeTiming();
        r->receive(msgs);
        state.PauseTiming();
        entries = r->tib_entries();
        const size_t after = mallinfo2().uordblks;
        bytes_per_entry = entries ? static_cast<double>(after - before) / static_cast<double>(entries) : 0;
        r.reset();
        state.ResumeTiming();
    }
    if (entries < n) state.SkipWithError("the core did not create every (S,G) entry");
    state.counters["entries"] = static_cast<double>(entries);
    state.counters["bytes/entry"] = bytes_per_entry;
    set_rate(state, n, msgs.size());
}
BENCHMARK(BM_CoreStateBuild)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_FullRecomputeTurns(benchmark::State& state) {
    const auto msgs = jp_messages(1000, 100, true);
    using Ms = std::chrono::duration<double, std::milli>;
    double longest_ms = 0, first_ms = 0;
    size_t turns = 0;
    uint32_t next = 3;
    for (auto _ : state) {
        state.PauseTiming();
        auto r = std::make_unique<Router>();
        r->receive(msgs);
        state.ResumeTiming();
        auto t0 = std::chrono::steady_clock::now();
        r->hello(2, Ipv4Address(198, 19, 12, next++));  // higher address, same priority: the new DR of eth0
        first_ms = Ms(std::chrono::steady_clock::now() - t0).count();
        longest_ms = first_ms;
        turns = 1;
        for (;;) {
            t0 = std::chrono::steady_clock::now();
            if (r->timers.run_turn() == 0) break;
            longest_ms = std::max(longest_ms, Ms(std::chrono::steady_clock::now() - t0).count());
            ++turns;
        }
        state.PauseTiming();
        r.reset();
        state.ResumeTiming();
    }
    state.counters["first_turn_ms"] = first_ms;
    state.counters["longest_turn_ms"] = longest_ms;
    state.counters["turns"] = static_cast<double>(turns);
}
BENCHMARK(BM_FullRecomputeTurns)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_MembershipSsmJoin(benchmark::State& state) {
    const bool cold = state.range(0) != 0;
    Router r;
    r.up(4, "eth2", Ipv4Address(198, 19, 14, 1));
    MembershipChanged join{4, Ipv4Address(232, 1, 1, 1), FilterMode::kInclude, {Ipv4Address(198, 18, 1, 2)}};
    MembershipChanged leave{4, join.group, FilterMode::kInclude, {}};
    std::vector<uint8_t> evict(cold ? 64u << 20 : 0);
    uint8_t sum = 0;
    for (auto _ : state) {
        if (cold) {
            state.PauseTiming();
            for (size_t i = 0; i < evict.size(); i += 64)
                sum = static_cast<uint8_t>(sum + ++evict[i]);
            state.ResumeTiming();
        }
        r.core.handle(join);
        r.core.sparse().flush_mfc(16);
        r.core.handle(leave);
        r.core.sparse().flush_mfc(16);
    }
    benchmark::DoNotOptimize(sum);
    state.counters["joins_sent"] = static_cast<double>(r.actions.sent);
    state.counters["mfc_sets"] = static_cast<double>(r.actions.mfc_sets);
}
BENCHMARK(BM_MembershipSsmJoin)->Arg(0)->Arg(1)->ArgName("cold")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace fanout::pim
