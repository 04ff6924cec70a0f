// PIM-SM core: a burst of new sources (issue #5, "10,000 new sources starting at once toward a joined
// receiver"), RFC 7761 4.2 (NOCACHE: the first packet of an (S,G) asks for a forwarding entry).
//
// One router (a PimCore with a ManualTimerService and PimActions that only count) that is both first and
// last hop: eth0 (ifindex 2, 10.1.0.1/16) holds the 100 sources, eth1 (ifindex 3, 198.19.13.1/24) the
// receivers of 100 groups (IGMP EXCLUDE {} records, so (*,G) state toward the static RP behind eth0). Then
// 10,000 NOCACHE upcalls arrive on eth0's VIF, sources outer and groups inner (100 sources x 100 groups,
// the order of topologies/perf's burst sender); every one must end as an MFC entry with eth1 as oif.
//
//   BM_NoCacheBurst         one handle(KernelUpcall) per upcall (upcalls/s).
//   BM_NoCacheBurstBatched  the same upcalls handed over in chunks of 32, as the daemon serves them from its
//                           upcall backlog (PimCore::handle(std::span<const KernelUpcall>); upcalls/s).
//   BM_KeepaliveExpiry      the burst's sources stop: their 10,000 KeepaliveTimers expire together 210 s
//                           later and take the (S,G) state and MFC entries away (entries/s).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <span>
#include <vector>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/sparse_mode.hpp"
#include "tests/testlib/pim_inputs.hpp"
#include "tests/testlib/two_port_rib.hpp"

namespace fanout::pim {
namespace {

const Ipv4Address kRp(198, 18, 9, 9);
const Ipv4Address kUp(10, 1, 255, 254);
constexpr uint32_t kGroups = 100;
constexpr uint32_t kSources = 100;
constexpr size_t kChunk = 32;  // the daemon hands NOCACHE over in chunks of 32 (pimd_wiring.cpp)

class MfcCountingActions final : public PimActions {
  public:
    void send_pim(int, Ipv4Address, Ipv4Address, std::span<const uint8_t>) override {}
    void vif_add(const VifAdd&) override {}
    void vif_del(const VifDel&) override {}
    void mfc_set(const MfcEntry& e) override {
        ++mfc_sets;
        if (e.oifs.any()) ++mfc_forwarding;
    }
    void mfc_del(const MfcDel&) override { ++mfc_dels; }
    uint64_t mfc_sets = 0;
    uint64_t mfc_forwarding = 0;
    uint64_t mfc_dels = 0;
};

PimConfig burst_config() {
    PimConfig c;
    c.interfaces["eth0"] = {};
    c.interfaces["eth1"] = {};
    StaticRp rp;
    rp.rp = kRp;
    c.rp_set.static_rps.push_back(rp);
    c.spt_threshold.mode = SptThresholdMode::kImmediate;
    return c;
}

Ipv4Address group_at(uint32_t g) {
    return Ipv4Address(0xef020000u + g);  // 239.2.0.g
}

struct BurstRouter {
    ManualTimerService timers;
    SeededRandom rng{7};
    MfcCountingActions actions;
    testlib::TwoPortRib rib{kUp};
    PimCore core{burst_config(), timers, rng, actions};

    BurstRouter() {
        rib.connected.push_back({Ipv4Prefix(Ipv4Address(10, 1, 0, 0), 16), 2});  // the sources' LAN, upstream
        core.sparse().set_rib(&rib);
        up(2, "eth0", Ipv4Address(10, 1, 0, 1), 16);
        up(3, "eth1", Ipv4Address(198, 19, 13, 1), 24);
        for (uint32_t g = 0; g < kGroups; ++g)
            core.handle(MembershipChanged{3, group_at(g), FilterMode::kExclude, {}});
        timers.advance(std::chrono::milliseconds(1));
    }
    void up(int ifindex, const char* name, Ipv4Address a, uint8_t len) {
        core.handle(testlib::interface_up(ifindex, name, a, len));
    }
    std::vector<KernelUpcall> burst() const {
        std::vector<KernelUpcall> out;
        const int vif = core.vifs().vif_of(2).value_or(-1);
        for (uint32_t s = 0; s < kSources; ++s)
            for (uint32_t g = 0; g < kGroups; ++g)
                out.push_back(KernelUpcall{
                    KernelUpcallType::kNoCache, vif, Ipv4Address(0x0a010100u + s), group_at(g), {}});
        return out;
    }
    // The upcalls handed over one by one (batch 1) or in chunks, then settle().
    void serve(const std::vector<KernelUpcall>& upcalls, size_t batch) {
        for (size_t i = 0; i < upcalls.size(); i += batch) {
            const size_t n = std::min(batch, upcalls.size() - i);
            if (n == 1)
                core.handle(upcalls[i]);
            else
                core.handle(std::span<const KernelUpcall>(upcalls).subspan(i, n));
        }
        settle();
    }
    // The MFC flush is budgeted per input; the rest goes out on the next (zero-delay) timer turns.
    void settle() {
        for (int i = 0; i < 1000 && core.sparse().mfc().pending() > 0; ++i)
            timers.advance(std::chrono::milliseconds(1));
    }
};

// The burst's (S,G) per second of timed work, under `name`.
void burst_rate(benchmark::State& state, const char* name) {
    state.counters[name] =
        benchmark::Counter(static_cast<double>(kGroups * kSources) * static_cast<double>(state.iterations()),
                           benchmark::Counter::kIsRate);
}

void run_burst(benchmark::State& state, size_t batch) {
    uint64_t forwarding = 0;
    for (auto _ : state) {
        state.PauseTiming();
        auto r = std::make_unique<BurstRouter>();
        const auto upcalls = r->burst();
        state.ResumeTiming();
        r->serve(upcalls, batch);
        state.PauseTiming();
        forwarding = r->actions.mfc_forwarding;
        r.reset();
        state.ResumeTiming();
    }
    if (forwarding < kGroups * kSources)
        state.SkipWithError("not every (S,G) of the burst got a forwarding MFC entry");
    burst_rate(state, "upcalls/s");
    state.counters["mfc_forwarding"] = static_cast<double>(forwarding);
}

void BM_NoCacheBurst(benchmark::State& state) {
    run_burst(state, 1);
}
BENCHMARK(BM_NoCacheBurst)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_NoCacheBurstBatched(benchmark::State& state) {
    run_burst(state, kChunk);
}
BENCHMARK(BM_NoCacheBurstBatched)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_KeepaliveExpiry(benchmark::State& state) {
    const auto kat = PimConfig{}.keepalive_period;
    uint64_t removed = 0;
    for (auto _ : state) {
        state.PauseTiming();
        auto r = std::make_unique<BurstRouter>();
        r->serve(r->burst(), kChunk);
        r->timers.advance(kat - std::chrono::milliseconds(100));
        const uint64_t dels_before = r->actions.mfc_dels;
        state.ResumeTiming();
        r->timers.advance(std::chrono::milliseconds(200));
        r->settle();
        state.PauseTiming();
        removed = r->actions.mfc_dels - dels_before;
        r.reset();
        state.ResumeTiming();
    }
    if (removed < kGroups * kSources)
        state.SkipWithError("the KeepaliveTimers' expiry left MFC entries behind");
    burst_rate(state, "entries/s");
    state.counters["mfc_removed"] = static_cast<double>(removed);
}
BENCHMARK(BM_KeepaliveExpiry)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace
}  // namespace fanout::pim
