// Register-beacon benchmarks (pimd/core/beacon/): 500 published groups at a 60 s and at a 1 s interval.
// Each iteration advances simulated time by one interval, so the scheduler fires every group once.
// Printed counters:
//   pkts_per_s      packets produced per simulated second (500 / interval: ~8.3 at 60 s, 500 at 1 s)
//   cpu_per_pkt     CPU seconds per packet (printed with an SI prefix, e.g. 345n = 345 ns): timer fire +
//   re-arm + the send call (the Register is built once per group
//                   and cached), and in the "BuildAndSchedule" variant also a fresh build of the Register
//   pkts_per_cpu_s  how many beacons one core could produce per second
#include <benchmark/benchmark.h>

#include <chrono>
#include <vector>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "pimd/core/beacon/beacon_packet.hpp"
#include "pimd/core/beacon/beacon_scheduler.hpp"

namespace fanout::pim {
namespace {

constexpr int kGroups = 500;

class CountingActions final : public BeaconActions {
  public:
    explicit CountingActions(bool rebuild) : rebuild_(rebuild) {}
    std::optional<BeaconSendError> send_beacon(const BeaconSend& s) override {
        if (rebuild_) {
            auto pim = build_beacon_register(s.sg, hb_);
            benchmark::DoNotOptimize(pim.data());
        } else {
            benchmark::DoNotOptimize(s.pim.data());
        }
        ++sent;
        return std::nullopt;
    }
    uint64_t sent = 0;

  private:
    bool rebuild_;
    BeaconHeartbeat hb_;
};

void run(benchmark::State& state, bool rebuild) {
    const Duration interval = std::chrono::seconds(state.range(0));
    ManualTimerService timers;
    SeededRandom rng(7);
    CountingActions actions(rebuild);
    BeaconScheduler sched(timers, rng, actions);
    sched.link_changed("tun500", BeaconLink{7, true, Ipv4Address{169, 254, 0, 1}});
    BeaconSpec spec;
    spec.interface = "tun500";
    spec.interval = interval;
    for (int i = 0; i < kGroups; ++i)
        spec.published.push_back(SGKey{Ipv4Address(0xc6120000u + static_cast<uint32_t>(i % 250) + 1),
                                       Ipv4Address(0xef020000u + static_cast<uint32_t>(i))});
    if (!sched.add_beacon(spec).ok()) {
        state.SkipWithError("add_beacon failed");
        return;
    }
    timers.advance(interval);  // past the first-send spread: steady state
    const uint64_t before = actions.sent;
    const TimePoint sim_start = timers.now();
    for (auto _ : state)
        timers.advance(interval);
    const double pkts = static_cast<double>(actions.sent - before);
    const double sim_s = to_seconds(timers.now() - sim_start);
    state.counters["pkts_per_s"] = benchmark::Counter(sim_s > 0 ? pkts / sim_s : 0);
    state.counters["cpu_per_pkt"] =
        benchmark::Counter(pkts, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["pkts_per_cpu_s"] = benchmark::Counter(pkts, benchmark::Counter::kIsRate);
    state.SetItemsProcessed(static_cast<int64_t>(pkts));
}

void BM_BeaconSchedule500(benchmark::State& state) {
    run(state, false);
}
void BM_BeaconBuildAndSchedule500(benchmark::State& state) {
    run(state, true);
}
BENCHMARK(BM_BeaconSchedule500)->Arg(60)->Arg(1)->ArgName("interval_s");
BENCHMARK(BM_BeaconBuildAndSchedule500)->Arg(60)->Arg(1)->ArgName("interval_s");

void BM_BeaconBuildRegister(benchmark::State& state) {
    const SGKey sg{Ipv4Address{148, 51, 120, 0}, Ipv4Address{233, 84, 178, 0}};
    const BeaconHeartbeat hb;
    for (auto _ : state) {
        auto pim = build_beacon_register(sg, hb);
        benchmark::DoNotOptimize(pim.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BeaconBuildRegister);

}  // namespace
}  // namespace fanout::pim
