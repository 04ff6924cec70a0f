// IPv4 header codec: RFC 791 section 3.1 (header and options), RFC 2113 (Router Alert option), RFC 1071
// (header checksum).
//
// RFC 791 3.1, Internet Datagram Header:
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |Version|  IHL  |Type of Service|          Total Length         |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |         Identification        |Flags|      Fragment Offset    |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |  Time to Live |    Protocol   |         Header Checksum       |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                       Source Address                          |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                    Destination Address                        |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                    Options                    |    Padding    |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//    Flags: bit 0 reserved (must be zero), bit 1 DF, bit 2 MF. Fragment Offset in units of 8 octets.
//
// Options (RFC 791 3.1): type 0 End of Option List and type 1 No Operation are single octets; every other
// option is type, length (counting the type and length octets, so >= 2), data. RFC 2113 2.1, Router Alert:
//
//    +--------+--------+--------+--------+
//    |10010100|00000100|  2 octet value  |      type 148, length 4, value 0 = "Router shall examine packet"
//    +--------+--------+--------+--------+
//
// Decoding verifies version 4, IHL >= 5, Total Length within [IHL*4, buffer size] (octets after Total Length
// are link-layer padding and ignored), the header checksum and every option length. Options other than
// End/NOP/Router Alert are kept verbatim in order. Fragments decode normally; is_fragment() tells the caller
// to drop them (Fanout never reassembles control traffic).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/core/byte_writer.hpp"
#include "common/core/ip.hpp"
#include "common/packet/decode_error.hpp"

namespace fanout::packet {

// IP protocol numbers used by Fanout (IANA "Assigned Internet Protocol Numbers").
inline constexpr uint8_t kIpProtoIgmp = 2;
inline constexpr uint8_t kIpProtoIpip = 4;
inline constexpr uint8_t kIpProtoTcp = 6;
inline constexpr uint8_t kIpProtoUdp = 17;
inline constexpr uint8_t kIpProtoPim = 103;

inline constexpr size_t kIpv4MinHeaderLength = 20;
inline constexpr size_t kIpv4MaxHeaderLength = 60;
inline constexpr size_t kIpv4MaxOptionsLength = kIpv4MaxHeaderLength - kIpv4MinHeaderLength;
// Sizes IGMP messages are split by: a 20-octet header plus the 4-octet Router Alert option (RFC 2113), as
// IGMP is sent; the smallest MTU every IPv4 link must carry (RFC 791); the largest IPv4 datagram.
inline constexpr size_t kIpv4HeaderWithRouterAlert = 24;
inline constexpr size_t kIpv4MinMtu = 68;
inline constexpr size_t kIpv4MaxPacket = 0xffff;

inline constexpr uint8_t kIpv4OptionEnd = 0;
inline constexpr uint8_t kIpv4OptionNop = 1;
inline constexpr uint8_t kIpv4OptionRouterAlert = 148;
// TOS 0xc0 (DSCP CS6, "network control"), as Linux and FRR send IGMP and PIM.
inline constexpr uint8_t kIpv4TosNetworkControl = 0xc0;

// An option other than End, NOP and Router Alert, kept verbatim (data excludes the type and length octets).
struct Ipv4Option {
    uint8_t type = 0;
    std::vector<uint8_t> data;
    bool operator==(const Ipv4Option&) const = default;
};

struct Ipv4Header {
    uint8_t tos = 0;
    uint16_t id = 0;
    bool dont_fragment = false;
    bool more_fragments = false;
    uint16_t fragment_offset = 0;  // in units of 8 octets
    uint8_t ttl = 64;
    uint8_t protocol = 0;
    Ipv4Address src;
    Ipv4Address dst;
    // The Router Alert option's value when the option is present (0 = "Router shall examine packet").
    std::optional<uint16_t> router_alert;
    std::vector<Ipv4Option> other_options;

    // Filled by the decoder (ignored by the encoder, which computes them).
    uint8_t header_length = 0;  // octets, IHL * 4
    uint16_t total_length = 0;  // octets, header + payload

    bool has_router_alert() const { return router_alert == uint16_t{0}; }
    bool is_fragment() const { return more_fragments || fragment_offset != 0; }
    bool operator==(const Ipv4Header&) const = default;
};

// A decoded packet: the header and a view of the payload (Total Length - IHL*4 octets) into the decoded
// buffer.
struct Ipv4Packet {
    Ipv4Header header;
    std::span<const uint8_t> payload;
};

DecodeResult<Ipv4Packet> decode_ipv4(std::span<const uint8_t> packet);

// Octets the options of h take on the wire, padded to a multiple of 4 (Router Alert first, then
// other_options in order, then End-of-Option-List padding).
size_t ipv4_options_length(const Ipv4Header& h);

// Appends the header (options and checksum included) for a payload of payload_length octets. Returns false
// and writes nothing when the options exceed 40 octets, an option's data exceeds 253 octets, or the packet
// would exceed 65535 octets. header_length/total_length in h are ignored.
bool encode_ipv4_header(ByteWriter& w, const Ipv4Header& h, size_t payload_length);

// A complete packet: header (as above) followed by payload. Empty when encode_ipv4_header would fail.
std::vector<uint8_t> encode_ipv4_packet(const Ipv4Header& h, std::span<const uint8_t> payload);

// A header for a link-local control packet as Linux and FRR send IGMP: TTL 1, TOS 0xc0, DF set, id 0, and
// optionally Router Alert (value 0).
Ipv4Header ipv4_control_header(Ipv4Address src, Ipv4Address dst, uint8_t protocol, bool router_alert);

}  // namespace fanout::packet
