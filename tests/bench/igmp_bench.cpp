// IGMP codec micro-benchmarks: decode and encode of an IGMPv3 report with 10 group records of 4 sources each
// (the shape of a host's answer to a general query), a v3 group-and-source query, and the IPv4 + IGMP packet
// path a router's receive loop runs.
#include <benchmark/benchmark.h>

#include <vector>

#include "common/packet/igmp.hpp"

namespace fanout::packet {
namespace {

IgmpReportV3 ten_record_report() {
    IgmpReportV3 r;
    for (uint8_t g = 0; g < 10; ++g) {
        IgmpGroupRecord rec{static_cast<IgmpRecordType>(1 + g % 6), Ipv4Address(239, 6, 4, g), {}};
        for (uint8_t s = 0; s < 4; ++s)
            rec.sources.push_back(Ipv4Address(198, 18, g, s));
        r.records.push_back(std::move(rec));
    }
    return r;
}

void BM_IgmpV3ReportDecode(benchmark::State& state) {
    const auto bytes = encode_igmp(IgmpMessage{ten_record_report()});
    for (auto _ : state) {
        auto m = decode_igmp(bytes);
        benchmark::DoNotOptimize(m);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
    state.counters["msg_bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_IgmpV3ReportDecode);

void BM_IgmpV3ReportEncode(benchmark::State& state) {
    const IgmpMessage m{ten_record_report()};
    ByteWriter w(512);
    for (auto _ : state) {
        w = ByteWriter(512);
        encode_igmp(w, m);
        benchmark::DoNotOptimize(w.buffer().data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * w.size()));
}
BENCHMARK(BM_IgmpV3ReportEncode);

void BM_IgmpV3ReportPacketDecode(benchmark::State& state) {
    const auto pkt = encode_igmp_packet(Ipv4Address(198, 19, 2, 2), addr::kIgmpV3Reports,
                                        IgmpMessage{ten_record_report()});
    for (auto _ : state) {
        auto p = decode_igmp_packet(pkt);
        benchmark::DoNotOptimize(p);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * pkt.size()));
}
BENCHMARK(BM_IgmpV3ReportPacketDecode);

void BM_IgmpV3QueryEncodePacket(benchmark::State& state) {
    IgmpQueryV3 q;
    q.group = Ipv4Address(239, 6, 3, 3);
    q.max_resp_code = igmp_max_resp_code(10);
    q.qqic = igmp_qqic(125);
    q.sources = {Ipv4Address(198, 18, 0, 33), Ipv4Address(198, 18, 0, 34)};
    const IgmpMessage m{q};
    for (auto _ : state) {
        auto pkt = encode_igmp_packet(Ipv4Address(198, 19, 2, 1), q.group, m);
        benchmark::DoNotOptimize(pkt.data());
    }
}
BENCHMARK(BM_IgmpV3QueryEncodePacket);

}  // namespace
}  // namespace fanout::packet
