// MfcSync throughput: entries reconciled per second (desired state -> mfc_set/mfc_del calls on a counting
// PimActions), for a full install, an all-entries update (an RPF change moving every oif list), an
// unchanged re-announcement (no kernel calls) and a full removal. Compare with the kernel's own rate
// (shared/LINUX-MROUTE.md: ~450-580k MRT_ADD_MFC/s): the diff must not be the bottleneck.
#include <benchmark/benchmark.h>

#include <vector>

#include "pimd/core/mfc_sync.hpp"

namespace fanout::pim {
namespace {

class CountingActions final : public PimActions {
  public:
    void send_pim(int, Ipv4Address, Ipv4Address, std::span<const uint8_t>) override {}
    void vif_add(const VifAdd&) override {}
    void vif_del(const VifDel&) override {}
    void mfc_set(const MfcEntry& e) override { sets += e.oifs.count() + 1; }
    void mfc_del(const MfcDel&) override { ++dels; }
    uint64_t sets = 0;
    uint64_t dels = 0;
};

MfcEntry make(uint32_t i, int oif) {
    MfcEntry e;
    e.source = Ipv4Address(0x0a000000u + i);
    e.group = Ipv4Address(0xef010101u);
    e.iif_vif = 0;
    e.set_oif(oif);
    e.set_oif(oif + 1);
    return e;
}

constexpr size_t kBudget = 5000;

void drain(MfcSync& s) {
    while (s.flush(kBudget) > 0) {
    }
}

// What: install n entries into an empty table.
void BM_MfcSyncInstall(benchmark::State& state) {
    const auto n = static_cast<uint32_t>(state.range(0));
    for (auto _ : state) {
        CountingActions a;
        MfcSync s(a);
        for (uint32_t i = 0; i < n; ++i)
            s.set_desired(make(i, 1));
        drain(s);
        benchmark::DoNotOptimize(a.sets);
    }
    state.counters["entries/s"] = benchmark::Counter(
        static_cast<double>(n) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MfcSyncInstall)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// What: every installed entry changes its oifs (n in-place updates), then the same desired state is
// announced again (n no-ops).
void BM_MfcSyncUpdateAll(benchmark::State& state) {
    const auto n = static_cast<uint32_t>(state.range(0));
    CountingActions a;
    MfcSync s(a);
    for (uint32_t i = 0; i < n; ++i)
        s.set_desired(make(i, 1));
    drain(s);
    int oif = 1;
    for (auto _ : state) {
        oif = oif == 1 ? 3 : 1;
        for (uint32_t i = 0; i < n; ++i)
            s.set_desired(make(i, oif));
        drain(s);
    }
    state.counters["entries/s"] = benchmark::Counter(
        static_cast<double>(n) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MfcSyncUpdateAll)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_MfcSyncUnchanged(benchmark::State& state) {
    const auto n = static_cast<uint32_t>(state.range(0));
    CountingActions a;
    MfcSync s(a);
    for (uint32_t i = 0; i < n; ++i)
        s.set_desired(make(i, 1));
    drain(s);
    for (auto _ : state) {
        for (uint32_t i = 0; i < n; ++i)
            s.set_desired(make(i, 1));
        drain(s);
    }
    state.counters["entries/s"] = benchmark::Counter(
        static_cast<double>(n) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MfcSyncUnchanged)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_MfcSyncRemoveAll(benchmark::State& state) {
    const auto n = static_cast<uint32_t>(state.range(0));
    for (auto _ : state) {
        state.PauseTiming();
        CountingActions a;
        MfcSync s(a);
        for (uint32_t i = 0; i < n; ++i)
            s.set_desired(make(i, 1));
        drain(s);
        state.ResumeTiming();
        for (uint32_t i = 0; i < n; ++i)
            s.remove_desired(SGKey{Ipv4Address(0x0a000000u + i), Ipv4Address(0xef010101u)});
        drain(s);
        benchmark::DoNotOptimize(a.dels);
    }
    state.counters["entries/s"] = benchmark::Counter(
        static_cast<double>(n) * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MfcSyncRemoveAll)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace fanout::pim
