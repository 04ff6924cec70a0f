// MSDP messages and the TCP stream framer: RFC 3618 section 12 (Packet Formats), 12.1 (TLV format),
// 12.2.1 (IPv4 Source-Active), 12.2.2 (IPv4 Source-Active Request), 12.2.3 (IPv4 Source-Active Response),
// 12.2.4 (KeepAlive). Type codes are IANA's "MSDP TLV Values" registry.
//
// 12.1 MSDP TLV format. Length counts the Type, Length and Value fields, in octets; the largest TLV is 9192
// octets. "If an implementation receives a TLV that has length that is longer than expected, the TLV SHOULD
// be accepted. Any additional data SHOULD be ignored." (so a Keepalive or SA-Request longer than its fixed
// size is accepted and the excess dropped).
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |     Type      |           Length              |  Value ....   |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Decoders check structure (lengths, counts) and keep field values as sent (a Sprefix Len other than 32, a
// unicast group): judging them is the MSDP core's policy (RFC 3618 section 7), not the codec's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "common/core/ip.hpp"
#include "common/packet/decode_error.hpp"

namespace fanout::packet {

inline constexpr uint16_t kMsdpTcpPort = 639;
inline constexpr size_t kMsdpTlvHeaderLen = 3;    // Type + Length
inline constexpr size_t kMsdpMaxTlvLen = 9192;    // 12.1
inline constexpr size_t kMsdpSaFixedLen = 8;      // header + Entry Count + RP Address
inline constexpr size_t kMsdpSaEntryLen = 12;     // Reserved + Sprefix Len + Group + Source
inline constexpr size_t kMsdpMaxSaEntries = 255;  // Entry Count is 8 bits
inline constexpr size_t kMsdpSaRequestLen = 8;
inline constexpr size_t kMsdpKeepaliveLen = 3;
inline constexpr uint8_t kMsdpSprefixLen = 32;  // "MUST be transmitted as 32"

enum class MsdpType : uint8_t {
    kSourceActive = 1,
    kSaRequest = 2,
    kSaResponse = 3,
    kKeepalive = 4,
};

// 12.2.1 IPv4 Source-Active TLV (Type 1; SA-Response, Type 3, has the same format, 12.2.3):
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |       1       |               x               |  Entry Count  |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                          RP Address                           |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                     Reserved                  |  Sprefix Len  |  <- entry 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                         Group Address                         |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                         Source Address                        |  (entries 2..z follow)
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    (z = Entry Count; x = 8 + 12 * z, plus the length of an encapsulated IPv4 data packet, which
//    follows the last entry and fills the rest of the TLV; section 8)
struct MsdpSaEntry {
    Ipv4Address group;
    Ipv4Address source;
    uint8_t sprefix_len = kMsdpSprefixLen;
    bool operator==(const MsdpSaEntry&) const = default;
};

struct MsdpSourceActive {
    Ipv4Address rp;
    std::vector<MsdpSaEntry> entries;
    std::vector<uint8_t> data;  // encapsulated IPv4 data packet; empty when there is none
    bool operator==(const MsdpSourceActive&) const = default;
};

// 12.2.3: an SA-Response is an SA (same body) sent in answer to an SA-Request.
struct MsdpSaResponse {
    MsdpSourceActive sa;
    bool operator==(const MsdpSaResponse&) const = default;
};

// 12.2.2 IPv4 Source-Active Request TLV (Type 2):
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |       2       |               8               |    Reserved   |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                     Group Address                             |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
struct MsdpSaRequest {
    Ipv4Address group;
    bool operator==(const MsdpSaRequest&) const = default;
};

// 12.2.4 KeepAlive TLV (Type 4): the 3-octet header alone.
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |       4       |               3               |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
struct MsdpKeepalive {
    bool operator==(const MsdpKeepalive&) const = default;
};

// Any other type (5 reserved, 6-7 traceroute, unassigned, experimental): kept raw so the peer can skip it
// without dropping the session.
struct MsdpUnknown {
    uint8_t type = 0;
    uint16_t length = 0;         // the TLV's Length field (3 + value.size())
    std::vector<uint8_t> value;  // the bytes after the 3-octet header
    bool operator==(const MsdpUnknown&) const = default;
};

using MsdpMessage = std::variant<MsdpSourceActive, MsdpSaRequest, MsdpSaResponse, MsdpKeepalive, MsdpUnknown>;

// Decodes exactly one TLV: tlv must be the whole TLV, as cut by frame_msdp_stream (its Length field equals
// tlv.size()).
DecodeResult<MsdpMessage> decode_msdp(std::span<const uint8_t> tlv);

// What one pass of the framer found in the bytes received so far on a peer's TCP connection.
struct MsdpFramed {
    std::vector<std::span<const uint8_t>> tlvs;  // complete TLVs, in order (views into the input)
    size_t consumed = 0;                         // bytes the TLVs cover: drop them from the receive buffer
    // A Length field below 3 or above 9192 after the complete TLVs: the stream can no longer be framed and
    // the peer connection must be closed (after handling the TLVs before it).
    std::optional<DecodeError> fatal;
};

// Cuts complete TLVs from the front of a TCP receive buffer, at most max_tlvs of them (so one read cannot
// keep the event loop busy). A partial TLV at the end is left unconsumed for the next pass.
MsdpFramed frame_msdp_stream(std::span<const uint8_t> buffer,
                             size_t max_tlvs = std::numeric_limits<size_t>::max());

// Encodes one message as one TLV; nullopt when it cannot fit in one (more than 255 SA entries, or longer than
// 9192 octets). Reserved fields are sent as zero.
std::optional<std::vector<uint8_t>> encode_msdp(const MsdpMessage& message);

std::vector<uint8_t> encode_msdp_keepalive();
std::vector<uint8_t> encode_msdp_sa_request(Ipv4Address group);

// Encodes (S,G) entries originated by or learned from rp as Source-Active (or, with type kSaResponse,
// SA-Response) TLVs, split so that each holds at most 255 entries and 9192 octets. A data packet rides in the
// first TLV, which then carries only the entries that fit beside it; a data packet too large for any TLV
// (over 9192 - 20 octets) is left out. No entries: no TLV.
std::vector<std::vector<uint8_t>> encode_msdp_source_active(Ipv4Address rp,
                                                            std::span<const MsdpSaEntry> entries,
                                                            std::span<const uint8_t> data = {},
                                                            MsdpType type = MsdpType::kSourceActive);

}  // namespace fanout::packet
