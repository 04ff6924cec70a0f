// libFuzzer target for the IPv4 header decoder (RFC 791, RFC 2113 Router Alert). Any input must decode or
// fail without crashing; a decoded header must re-encode, and the re-encoded packet must decode to the same
// fields (NOP options and trailing link padding are the only things that may legitimately disappear). Each
// input is tried twice: as is, and with its header checksum fixed, so that mutations reach the option parser.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "common/core/checksum.hpp"
#include "common/packet/ipv4.hpp"

using fanout::packet::decode_ipv4;
using fanout::packet::encode_ipv4_packet;
using fanout::packet::Ipv4Header;

namespace {

bool same_fields(const Ipv4Header& a, const Ipv4Header& b) {
    return a.tos == b.tos && a.id == b.id && a.dont_fragment == b.dont_fragment &&
           a.more_fragments == b.more_fragments && a.fragment_offset == b.fragment_offset && a.ttl == b.ttl &&
           a.protocol == b.protocol && a.src == b.src && a.dst == b.dst && a.router_alert == b.router_alert &&
           a.other_options == b.other_options;
}

void run(std::span<const uint8_t> in) {
    auto first = decode_ipv4(in);
    if (!first.ok()) return;
    if (first->payload.size() + first->header.header_length != first->header.total_length) std::abort();
    if (first->header.total_length > in.size()) std::abort();
    auto again = encode_ipv4_packet(first->header, first->payload);
    if (again.empty()) std::abort();  // whatever decoded must be encodable
    auto second = decode_ipv4(again);
    if (!second.ok()) std::abort();
    if (!same_fields(first->header, second->header)) std::abort();
    if (!std::equal(first->payload.begin(), first->payload.end(), second->payload.begin(),
                    second->payload.end()))
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    run(std::span<const uint8_t>(data, size));
    size_t ihl = size > 0 ? size_t{data[0] & 0x0fu} * 4 : 0;
    if (ihl >= 20 && ihl <= size) {
        std::vector<uint8_t> fixed(data, data + size);
        fixed[10] = fixed[11] = 0;
        uint16_t c = fanout::internet_checksum(std::span<const uint8_t>(fixed).first(ihl));
        fixed[10] = static_cast<uint8_t>(c >> 8);
        fixed[11] = static_cast<uint8_t>(c);
        run(fixed);
    }
    return 0;
}
