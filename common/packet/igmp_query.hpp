// IGMP Membership Query, all three versions, and the IGMPv3 floating-point time codes.
//   RFC 1112 Appendix I (v1), RFC 2236 section 2 (v2), RFC 3376 sections 4.1 (v3 query), 4.1.1 (Max Resp
//   Code), 4.1.7 (QQIC), 7.1 (telling query versions apart).
//
// RFC 1112 / RFC 2236 query (8 octets; Max Resp Time in units of 1/10 s, 0 in a v1 query):
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |  Type = 0x11  | Max Resp Time |           Checksum            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                         Group Address                         |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 3376 4.1 IGMPv3 query (12 + 4N octets):
//
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |  Type = 0x11  | Max Resp Code |           Checksum            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                         Group Address                         |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | Resv  |S| QRV |     QQIC      |     Number of Sources (N)     |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                       Source Address [1] ... [N]              |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 3376 7.1: a query of 8 octets is v1 when Max Resp Code is 0, else v2; 12 octets or more is v3; any
// other length (9-11) is ignored (decoded as kBadLength). Octets after the N sources of a v3 query are
// covered by the checksum and otherwise ignored (4.1.10). Resv bits are ignored on receipt and sent as zero.
//
// Validation: the group is 0 (general query) or a multicast address; a v3 general query has no sources
// (4.1.9: group-and-source-specific queries name a group). Source addresses are not checked: FRR 8.4 sends
// group-and-source queries listing 0.0.0.0 (frr-igmp-queries.pcap frames 26-185), and the router core
// decides.
//
// RFC 3376 4.1.1 / 4.1.7 floating-point codes: a code < 128 is the value itself; a code >= 128 is
//
//     0 1 2 3 4 5 6 7
//    +-+-+-+-+-+-+-+-+
//    |1| exp | mant  |     value = (mant | 0x10) << (exp + 3)     (128 ... 31744)
//    +-+-+-+-+-+-+-+-+
//
// Max Resp Code values are in units of 1/10 s, QQIC values in seconds.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/core/byte_writer.hpp"
#include "common/core/ip.hpp"
#include "common/packet/decode_error.hpp"

namespace fanout::packet {

inline constexpr uint8_t kIgmpMembershipQuery = 0x11;
inline constexpr size_t kIgmpV2QueryLength = 8;
inline constexpr size_t kIgmpV3QueryMinLength = 12;

// RFC 3376 4.1.1 / 4.1.7: the value a code stands for.
uint32_t igmp_float_decode(uint8_t code);

// Which code to pick for a value that no code represents exactly (values 0-127 and those of the form
// (16..31) << (3..10) are exact). Values above 31744 always give code 0xff (31744).
enum class IgmpFloatRounding : uint8_t {
    kDown,  // the largest representable value <= the requested one
    kUp,    // the smallest representable value >= the requested one
};
uint8_t igmp_float_encode(uint32_t value, IgmpFloatRounding rounding);

// Max Resp Code for a Max Resp Time in 1/10 s: rounds DOWN, so hosts answer no later than the Query Response
// Interval that the querier's own timers (Group Membership Interval, Last Member Query Time) assume.
inline uint8_t igmp_max_resp_code(uint32_t tenths) {
    return igmp_float_encode(tenths, IgmpFloatRounding::kDown);
}
// QQIC for a Query Interval in seconds: rounds UP, so non-queriers that adopt the QQI (RFC 3376 8.2) derive
// an Other Querier Present Interval and Group Membership Interval no shorter than the real ones.
inline uint8_t igmp_qqic(uint32_t seconds) {
    return igmp_float_encode(seconds, IgmpFloatRounding::kUp);
}

// RFC 1112 query: Max Resp Time 0; the group field is "zeroed when sent, ignored when received".
struct IgmpQueryV1 {
    bool operator==(const IgmpQueryV1&) const = default;
};

// RFC 2236 query: general (group 0) or group-specific.
struct IgmpQueryV2 {
    uint8_t max_resp_time = 100;  // 1/10 s, never 0 (0 would make it a v1 query)
    Ipv4Address group;
    bool operator==(const IgmpQueryV2&) const = default;
};

// RFC 3376 query: general (group 0, no sources), group-specific (no sources) or group-and-source-specific.
struct IgmpQueryV3 {
    uint8_t max_resp_code = 100;              // 4.1.1, see max_resp_tenths()
    Ipv4Address group;                        // 0 = general query
    bool suppress_router_processing = false;  // S flag, 4.1.5
    uint8_t qrv = 2;                          // 4.1.6, 0..7 (an encoder sends 0 for values above 7)
    uint8_t qqic = 125;                       // 4.1.7, see qqi_seconds()
    std::vector<Ipv4Address> sources;

    uint32_t max_resp_tenths() const { return igmp_float_decode(max_resp_code); }
    uint32_t qqi_seconds() const { return igmp_float_decode(qqic); }
    bool is_general() const { return group.is_unspecified(); }
    bool operator==(const IgmpQueryV3&) const = default;
};

// RFC 3376 4.1.6: "If the querier's [Robustness Variable] exceeds 7, the maximum value of the QRV field, the
// QRV field is set to zero."
inline uint8_t igmp_qrv_field(uint32_t robustness) {
    return robustness > 7 ? 0 : static_cast<uint8_t>(robustness);
}

// Encoders append one message with its checksum (computed over the message, RFC 3376 4.1.2).
void encode_igmp(ByteWriter& w, const IgmpQueryV1& q);
void encode_igmp(ByteWriter& w, const IgmpQueryV2& q);
void encode_igmp(ByteWriter& w, const IgmpQueryV3& q);

// Largest N for a v3 query that fits in one IPv4 packet of ip_mtu octets (IPv4 header with Router Alert).
size_t igmp_v3_query_max_sources(size_t ip_mtu);

}  // namespace fanout::packet
