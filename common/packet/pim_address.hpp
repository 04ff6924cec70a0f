// PIMv2 encoded addresses (RFC 7761 4.9.1), IPv4 only.
//
// Encoded-Unicast Address (6 bytes for IPv4):
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |  Addr Family  | Encoding Type |     Unicast Address
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+...
//
// Encoded-Group Address (8 bytes for IPv4):
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |  Addr Family  | Encoding Type |B| Reserved  |Z|  Mask Len     |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                Group multicast Address
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+...
//   B: bidirectional PIM (RFC 5015); Z: admin scope zone (RFC 5059).
//
// Encoded-Source Address (8 bytes for IPv4):
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | Addr Family   | Encoding Type | Rsrvd   |S|W|R|  Mask Len     |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                        Source Address
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-...
//   S: sparse bit (1 for PIM-SM), W: wildcard (the source is the RP, (*,G)), R: RPT bit.
//
// Address Family 1 = IPv4 (IANA); Encoding Type 0 = native. Anything else is rejected with a typed error
// (kBadAddressFamily / kBadEncodingType); a mask length above 32 is kBadField. Reserved bits are ignored on
// receipt and sent as zero. These decoders check format only: whether an address must be multicast, unicast
// or zero depends on the message and is checked by the message decoders or the protocol core.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>

#include "common/core/byte_reader.hpp"
#include "common/core/byte_writer.hpp"
#include "common/core/ip.hpp"
#include "common/packet/decode_error.hpp"

namespace fanout::packet {

inline constexpr uint8_t kPimAddressFamilyIpv4 = 1;
inline constexpr uint8_t kPimEncodingNative = 0;
inline constexpr size_t kEncodedUnicastSize = 6;
inline constexpr size_t kEncodedGroupSize = 8;
inline constexpr size_t kEncodedSourceSize = 8;

struct EncodedGroup {
    Ipv4Address group;
    uint8_t mask_len = 32;
    bool bidir = false;        // B
    bool admin_scope = false;  // Z
    Ipv4Prefix prefix() const { return Ipv4Prefix(group, mask_len); }
    constexpr auto operator<=>(const EncodedGroup&) const = default;
};

struct EncodedSource {
    Ipv4Address source;
    uint8_t mask_len = 32;
    bool sparse = true;     // S
    bool wildcard = false;  // W
    bool rpt = false;       // R
    constexpr auto operator<=>(const EncodedSource&) const = default;
};

DecodeResult<Ipv4Address> decode_encoded_unicast(ByteReader& r);
void encode_encoded_unicast(ByteWriter& w, Ipv4Address a);

DecodeResult<EncodedGroup> decode_encoded_group(ByteReader& r);
void encode_encoded_group(ByteWriter& w, const EncodedGroup& g);

DecodeResult<EncodedSource> decode_encoded_source(ByteReader& r);
void encode_encoded_source(ByteWriter& w, const EncodedSource& s);

}  // namespace fanout::packet
