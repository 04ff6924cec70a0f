// IgmpCore throughput: IGMPv3 reports of 10 group records each (a mix of ALLOW, IS_IN, TO_EX, BLOCK over
// 1000 groups with 4 sources each) processed by the core per second, actions recorded by a counting sink.
#include <benchmark/benchmark.h>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "igmpd/core/igmp_core.hpp"

namespace {

using namespace fanout;
using namespace fanout::igmp;

struct CountingActions final : IgmpActions {
    size_t sent = 0, members = 0;
    void send_igmp(int, Ipv4Address, Ipv4Address, std::span<const uint8_t>) override { ++sent; }
    void membership_changed(const MembershipRecord&) override { ++members; }
};

std::vector<RxIgmp> make_reports(size_t count) {
    static constexpr packet::IgmpRecordType kTypes[] = {
        packet::IgmpRecordType::kAllowNewSources, packet::IgmpRecordType::kModeIsInclude,
        packet::IgmpRecordType::kChangeToExcludeMode, packet::IgmpRecordType::kBlockOldSources,
        packet::IgmpRecordType::kModeIsExclude};
    std::vector<RxIgmp> out;
    uint32_t n = 0;
    for (size_t i = 0; i < count; ++i) {
        packet::IgmpReportV3 r;
        for (int k = 0; k < 10; ++k, ++n) {
            packet::IgmpGroupRecord rec;
            rec.type = kTypes[n % 5];
            rec.group =
                Ipv4Address(239, 1, static_cast<uint8_t>((n / 250) % 4), static_cast<uint8_t>(n % 250));
            for (uint8_t s = 1; s <= 4; ++s)
                rec.sources.push_back(Ipv4Address(198, 18, static_cast<uint8_t>(n % 7), s));
            r.records.push_back(std::move(rec));
        }
        out.push_back(RxIgmp{2, Ipv4Address(198, 19, 2, static_cast<uint8_t>(10 + i % 100)),
                             addr::kIgmpV3Reports, r, true});
    }
    return out;
}

void BM_IgmpCoreV3Report10Records(benchmark::State& state) {
    ManualTimerService t;
    SeededRandom rng(1);
    CountingActions actions;
    IgmpConfig c;
    c.interfaces["eth0"] = {};
    IgmpCore core(c, t, rng, actions);
    core.handle(InterfaceChanged{2, "eth0", true, true, 1500, {IfAddress{Ipv4Address(198, 19, 2, 1), 24}}});
    const auto reports = make_reports(1000);
    size_t i = 0;
    for (auto _ : state) {
        core.handle(reports[i]);
        if (++i == reports.size()) {
            i = 0;
            t.advance(std::chrono::milliseconds(100));  // let query retransmissions and timers run
        }
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
    state.counters["records/s"] =
        benchmark::Counter(static_cast<double>(state.iterations()) * 10, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_IgmpCoreV3Report10Records);

}  // namespace
