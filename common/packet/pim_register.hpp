// PIM Register (RFC 7761 4.9.3) and Register-Stop (RFC 7761 4.9.4).
//
// Register:
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |PIM Ver| Type  |   Reserved    |           Checksum            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |B|N|                       Reserved2                           |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    .                     Multicast data packet                     .
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   B: Border bit (RFC 4601 PMBR; RFC 7761 says send 0, ignore on receipt, but we report it).
//   N: Null-Register: the data packet is only a dummy IP header with S as source and G as destination.
//   The checksum covers only the first 8 bytes (pim_header.hpp has the send/accept rules).
//
// Register decoding: the inner packet must start with an IPv4 header (version 4, IHL >= 5, IHL*4 <= Total
// Length <= the bytes present: a cut-off inner packet is kTruncated; bytes beyond Total Length are kept);
// its source and destination are reported as inner_sg. For a Null-Register the dummy header's checksum is
// verified when it is non-zero and accepted when zero, so both forms seen in the wild decode:
//   FRR 8.4:  protocol 103, TTL 0, header checksum 0;
//   pimd 2.3: protocol 17, TTL 1, valid header checksum.
// What we SEND (null_register_inner_header): the RFC's form made fully well-formed: version 4, IHL 5, TOS 0,
// total length 20, ID 0, no fragmentation, TTL 1, protocol 103 (PIM: nothing follows the dummy header), a
// valid header checksum, S -> G. A valid checksum is accepted by every receiver (the zero checksum relies on
// the receiver's exemption for zero).
//
// Register-Stop:
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |PIM Ver| Type  |   Reserved    |           Checksum            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |             Group Address (Encoded-Group format)              |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |            Source Address (Encoded-Unicast format)            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   Source 0.0.0.0 means every source of the group ((*,G) Register-Stop of RFC 2362); it is accepted.
//   Bytes after the source address are ignored.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "common/core/byte_writer.hpp"
#include "common/core/ip.hpp"
#include "common/packet/decode_error.hpp"
#include "common/packet/pim_address.hpp"

namespace fanout::packet {

// Size of the dummy IPv4 header of a Null-Register (and the least an inner packet can be).
inline constexpr size_t kNullRegisterInnerHeaderSize = 20;

struct Register {
    bool border = false;         // B
    bool null_register = false;  // N
    // The encapsulated IPv4 packet (a bare 20-byte dummy header for a Null-Register).
    std::vector<uint8_t> inner;
    // Filled by the decoder from the inner header (source, destination); ignored by the encoder.
    SGKey inner_sg;
    bool operator==(const Register&) const = default;
};

struct RegisterStop {
    EncodedGroup group;
    Ipv4Address source;  // 0.0.0.0: all sources of the group
    bool operator==(const RegisterStop&) const = default;
};

DecodeResult<Register> decode_register(std::span<const uint8_t> message);
DecodeResult<Register> decode_register_body(std::span<const uint8_t> body);

// Appends a complete Register (checksum over the first 8 bytes) carrying `inner` as is.
void encode_register(ByteWriter& w, bool border, bool null_register, std::span<const uint8_t> inner);
// A data-bearing Register (N=0) around the IPv4 packet `inner`.
std::vector<uint8_t> encode_register(std::span<const uint8_t> inner, bool border = false);
// A Null-Register (N=1) for (S,G), with the dummy header of null_register_inner_header.
std::vector<uint8_t> encode_null_register(SGKey sg, bool border = false);
// The 20-byte dummy IPv4 header we put in Null-Registers (form described above).
std::array<uint8_t, kNullRegisterInnerHeaderSize> null_register_inner_header(SGKey sg);

DecodeResult<RegisterStop> decode_register_stop(std::span<const uint8_t> message);
DecodeResult<RegisterStop> decode_register_stop_body(std::span<const uint8_t> body);
void encode_register_stop(ByteWriter& w, const RegisterStop& rs);
std::vector<uint8_t> encode_register_stop(const RegisterStop& rs);

}  // namespace fanout::packet
