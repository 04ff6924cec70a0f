// PIM-DM State Refresh message (PIM type 9): RFC 3973 section 4.7 (PIM-DM packet formats, State Refresh
// Message Format); its use is RFC 3973 4.5 (State Refresh origination and forwarding).
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |PIM Ver| Type  |   Reserved    |           Checksum            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |         Multicast Group Address (Encoded Group Format)        |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |             Source Address (Encoded Unicast Format)           |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |           Originator Address (Encoded Unicast Format)         |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |R|                     Metric Preference                       |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                             Metric                            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |    Masklen    |    TTL        |P|N|O|Reserved |   Interval    |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Originator: the first-hop router that originated the refresh. R: RPT bit, sent as 0 (the metric fields are
// those of an Assert). Masklen: mask length of the originator's unicast route to the source. TTL: hops the
// refresh may still travel. P: Prune Indicator (the sending interface is pruned). N: Prune Now (kept for
// compatibility with earlier State Refresh versions; carried as given). O: Assert Override. Interval: the
// originator's State Refresh Interval in seconds. Reserved bits are ignored on receipt and sent as zero. The
// decoder checks structure (and a Masklen no larger than 32); whether the group is multicast is the PIM-DM
// core's check.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/core/ip.hpp"
#include "common/packet/decode_error.hpp"
#include "common/packet/pim_address.hpp"

namespace fanout::packet {

inline constexpr size_t kStateRefreshBodySize =
    kEncodedGroupSize + 2 * kEncodedUnicastSize + 4 + 4 + 4;  // 32
inline constexpr uint32_t kStateRefreshMetricPreferenceMask = 0x7fffffffu;

struct PimStateRefresh {
    EncodedGroup group;
    Ipv4Address source;
    Ipv4Address originator;
    bool rpt = false;                // R
    uint32_t metric_preference = 0;  // 31 bits
    uint32_t metric = 0;
    uint8_t mask_len = 0;
    uint8_t ttl = 0;
    bool prune_indicator = false;  // P
    bool prune_now = false;        // N
    bool assert_override = false;  // O
    uint8_t interval = 0;          // seconds
    bool operator==(const PimStateRefresh&) const = default;
};

// A whole PIM message (the IP payload): header, checksum (kBadChecksum), type (kBadType), then the body.
DecodeResult<PimStateRefresh> decode_pim_state_refresh(std::span<const uint8_t> message);
// The body alone (what follows a verified 4-byte header). Errors: kTruncated, kBadAddressFamily,
// kBadEncodingType, kBadField (a mask length above 32). Bytes after the 32-byte body are ignored.
DecodeResult<PimStateRefresh> decode_pim_state_refresh_body(std::span<const uint8_t> body);

// The message with its checksum; a metric preference above 31 bits is cut to 31 bits.
std::vector<uint8_t> encode_pim_state_refresh(const PimStateRefresh& sr);

}  // namespace fanout::packet
