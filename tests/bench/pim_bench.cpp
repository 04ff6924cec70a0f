// PIM codec micro-benchmarks: Hello (options 1, 2, 19, 20, 24) and Join/Prune decode/encode, including the
// MTU packer on 100 groups x 100 sources.
#include <benchmark/benchmark.h>

#include <vector>

#include "common/packet/pim_hello.hpp"
#include "common/packet/pim_join_prune.hpp"

namespace fanout::packet {
namespace {

constexpr size_t kPimPayloadMtu = 1500 - 20;

Hello sample_hello() {
    Hello h;
    h.holdtime_s = 105;
    h.lan_prune_delay = LanPruneDelay{false, 500, 2500};
    h.dr_priority = 1;
    h.generation_id = 1868754822;
    h.address_list = {Ipv4Address(198, 19, 12, 11)};
    return h;
}

JoinPrune sample_join_prune(uint32_t groups, uint32_t sources) {
    JoinPrune jp{Ipv4Address(198, 19, 12, 1), 210, {}};
    for (uint32_t g = 0; g < groups; ++g) {
        JoinPruneGroup rec{EncodedGroup{Ipv4Address(0xef020000u + g)}, {}, {}};
        rec.joins.reserve(sources);
        for (uint32_t s = 0; s < sources; ++s)
            rec.joins.push_back(EncodedSource{Ipv4Address(0xc6120000u + s)});
        jp.groups.push_back(std::move(rec));
    }
    return jp;
}

void BM_HelloDecode(benchmark::State& state) {
    const auto bytes = encode_hello(sample_hello());
    for (auto _ : state) {
        auto h = decode_hello(bytes);
        benchmark::DoNotOptimize(h);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_HelloDecode);

void BM_HelloEncode(benchmark::State& state) {
    const auto h = sample_hello();
    for (auto _ : state) {
        auto bytes = encode_hello(h);
        benchmark::DoNotOptimize(bytes);
    }
}
BENCHMARK(BM_HelloEncode);

// One group, 100 (S,G) joins: one 834-byte message.
void BM_JoinPruneDecode100Sources(benchmark::State& state) {
    const auto bytes = encode_join_prune(sample_join_prune(1, 100));
    for (auto _ : state) {
        auto jp = decode_join_prune(bytes);
        benchmark::DoNotOptimize(jp);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 100));
}
BENCHMARK(BM_JoinPruneDecode100Sources);

void BM_JoinPruneEncode100Sources(benchmark::State& state) {
    const auto jp = sample_join_prune(1, 100);
    for (auto _ : state) {
        auto bytes = encode_join_prune(jp);
        benchmark::DoNotOptimize(bytes);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 100));
}
BENCHMARK(BM_JoinPruneEncode100Sources);

// 100 groups x 100 sources (10,000 (S,G)), packed into 1480-byte messages.
void BM_JoinPrunePackEncode100x100(benchmark::State& state) {
    const auto jp = sample_join_prune(100, 100);
    size_t messages = 0;
    for (auto _ : state) {
        auto out = encode_join_prune_packed(jp, kPimPayloadMtu);
        messages = out.size();
        benchmark::DoNotOptimize(out);
    }
    state.counters["messages"] = static_cast<double>(messages);
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 10000));
}
BENCHMARK(BM_JoinPrunePackEncode100x100);

void BM_JoinPruneDecodePacked100x100(benchmark::State& state) {
    const auto msgs = encode_join_prune_packed(sample_join_prune(100, 100), kPimPayloadMtu);
    for (auto _ : state) {
        for (const auto& m : msgs) {
            auto jp = decode_join_prune(m);
            benchmark::DoNotOptimize(jp);
        }
    }
    state.counters["messages"] = static_cast<double>(msgs.size());
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 10000));
}
BENCHMARK(BM_JoinPruneDecodePacked100x100);

}  // namespace
}  // namespace fanout::packet
