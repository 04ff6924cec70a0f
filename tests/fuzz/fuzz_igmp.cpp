// libFuzzer target for the IGMP decoder (RFC 1112, RFC 2236, RFC 3376) and the IGMP-in-IPv4 decoder. Any
// input must decode or fail without crashing; a decoded message must re-encode and decode again to the same
// message (skipped unknown records, auxiliary data, reserved bits and trailing octets are the only things
// that may disappear). Decoded v3 reports are also split (RFC 3376 5.2) at an MTU taken from the input, and
// every part must fit it. Each input is tried twice: as is, and with its IGMP checksum fixed, so that
// mutations reach the message parsers instead of stopping at the checksum.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "common/core/checksum.hpp"
#include "common/packet/igmp.hpp"

using namespace fanout::packet;

namespace {

void check_reencode(const IgmpMessage& first) {
    auto bytes = encode_igmp(first);
    auto second = decode_igmp(bytes);
    if (!second.ok()) std::abort();
    IgmpMessage expected = first;
    if (auto* r = std::get_if<IgmpReportV3>(&expected)) r->unknown_records_skipped = 0;
    if (!(*second == expected)) std::abort();
    if (encode_igmp(*second) != bytes) std::abort();  // encoding is canonical
}

void check_split(const IgmpReportV3& report, size_t mtu) {
    size_t records = 0;
    for (const auto& part : split_igmp_v3_report(report, mtu)) {
        auto pkt = encode_igmp_packet(fanout::Ipv4Address(198, 18, 0, 1), fanout::addr::kIgmpV3Reports, part);
        if (pkt.empty() || pkt.size() > std::max<size_t>(mtu, 68)) std::abort();
        records += part.records.size();
    }
    if (records < report.records.size()) std::abort();
}

void run(std::span<const uint8_t> in) {
    auto m = decode_igmp(in);
    if (m.ok()) {
        check_reencode(*m);
        if (const auto* r = std::get_if<IgmpReportV3>(&*m)) check_split(*r, 60 + in.size() % 1500);
    }
    auto p = decode_igmp_packet(in);
    if (p.ok()) check_reencode(p->igmp);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    run(std::span<const uint8_t>(data, size));
    if (size >= kIgmpMinLength) {
        std::vector<uint8_t> fixed(data, data + size);
        fixed[2] = fixed[3] = 0;
        uint16_t c = fanout::internet_checksum(fixed);
        fixed[2] = static_cast<uint8_t>(c >> 8);
        fixed[3] = static_cast<uint8_t>(c);
        run(fixed);
    }
    return 0;
}
