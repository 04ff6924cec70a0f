// PIM Assert message (RFC 7761 4.9.6; PIM-DM uses the same format, RFC 3973 4.7.6).
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |PIM Ver| Type  |   Reserved    |           Checksum            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |              Group Address (Encoded-Group format)             |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |             Source Address (Encoded-Unicast format)           |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |R|                     Metric Preference                       |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                             Metric                            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   R: RPT bit (1 for a (*,G) assert or an AssertCancel). Source 0.0.0.0 with R=1 is a (*,G) Assert.
//   AssertCancel(S,G) (RFC 7761 4.6.1) is an assert with R=1, preference 0x7fffffff and metric 0xffffffff.
//   Bytes after the Metric are accepted and ignored (another vendor appends them).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/core/byte_writer.hpp"
#include "common/core/ip.hpp"
#include "common/packet/decode_error.hpp"
#include "common/packet/pim_address.hpp"

namespace fanout::packet {

inline constexpr uint32_t kAssertMaxPreference = 0x7fffffffu;
inline constexpr uint32_t kAssertInfiniteMetric = 0xffffffffu;

struct Assert {
    EncodedGroup group;
    Ipv4Address source;
    bool rpt = false;
    uint32_t metric_preference = 0;  // 31 bits; the encoder drops bit 31
    uint32_t metric = 0;
    bool operator==(const Assert&) const = default;

    bool is_cancel() const {
        return rpt && metric_preference == kAssertMaxPreference && metric == kAssertInfiniteMetric;
    }
};

// AssertCancel(S,G): RPT=1, infinite preference and metric.
Assert make_assert_cancel(EncodedGroup group, Ipv4Address source);

DecodeResult<Assert> decode_assert(std::span<const uint8_t> message);
DecodeResult<Assert> decode_assert_body(std::span<const uint8_t> body);
void encode_assert(ByteWriter& w, const Assert& a);
std::vector<uint8_t> encode_assert(const Assert& a);

}  // namespace fanout::packet
