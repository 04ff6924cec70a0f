// PIMv2 common header and checksum rules.
//
// RFC 7761 4.9 "PIM Packet Formats":
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |PIM Ver| Type  |   Reserved    |           Checksum            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//  PIM Ver: 2.  Type: 0 Hello, 1 Register, 2 Register-Stop, 3 Join/Prune, 4 Bootstrap, 5 Assert, 6 Graft
//  (PIM-DM only), 7 Graft-Ack (PIM-DM only), 8 Candidate-RP-Advertisement, 9 State Refresh (RFC 3973 4.7.1).
//  Reserved: set to zero on transmission, ignored on receipt (RFC 8736 later uses it as a flags field, so it
//  is kept as `flags`). Checksum: the 16-bit one's complement of the one's complement sum of the entire PIM
//  message, excluding the data packet portion of a Register. For Registers the checksum covers only the first
//  8 bytes (the PIM header and the Register flags word). Over IPv4 there is no pseudo-header.
//
// Our policy: we SEND Register checksums over the 8-byte header only (as the RFC says); on RECEIVE we accept
// a Register whose checksum verifies either over the first 8 bytes or over the whole packet (some old
// implementations sum the whole packet). Every other type must verify over the whole message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/core/byte_reader.hpp"
#include "common/core/byte_writer.hpp"
#include "common/packet/decode_error.hpp"

namespace fanout::packet {

inline constexpr uint8_t kPimVersion = 2;
inline constexpr size_t kPimHeaderSize = 4;
// Bytes of a Register covered by its checksum: PIM header + B/N flags word.
inline constexpr size_t kPimRegisterChecksumBytes = 8;

// Message types (4 bits). Values outside this list can still appear on the wire; decode_pim_header keeps them
// (as a PimType holding the raw value) and callers reject what they do not handle.
enum class PimType : uint8_t {
    kHello = 0,
    kRegister = 1,
    kRegisterStop = 2,
    kJoinPrune = 3,
    kBootstrap = 4,
    kAssert = 5,
    kGraft = 6,
    kGraftAck = 7,
    kCandidateRpAdvertisement = 8,
    kStateRefresh = 9,
};

// "hello", "register", ...; "unknown" for other values.
std::string_view to_string(PimType t);
// True for the types listed in PimType.
bool is_known_pim_type(uint8_t raw_type);

struct PimHeader {
    uint8_t version = kPimVersion;
    PimType type = PimType::kHello;
    uint8_t flags = 0;  // the "Reserved" byte
    uint16_t checksum = 0;
};

// Reads the 4-byte header (no checksum check; that needs the whole message). Errors: kTruncated,
// kBadVersion (version != 2).
DecodeResult<PimHeader> decode_pim_header(ByteReader& r);

// Checks the checksum of a whole PIM message (header included) by the rules above.
bool pim_checksum_ok(std::span<const uint8_t> message);

// A verified PIM message: the header and the bytes after it.
struct PimMessageView {
    PimHeader header;
    std::span<const uint8_t> body;  // everything after the 4-byte header
};

// Decodes the header of a whole PIM message (the IP payload) and verifies its checksum. Errors: kTruncated,
// kBadVersion, kBadChecksum. The type is not checked.
DecodeResult<PimMessageView> decode_pim_message(std::span<const uint8_t> message);

// decode_pim_message, then checks that the type is `expected` (kBadType otherwise); returns the body.
DecodeResult<PimMessageView> decode_pim_message_of_type(std::span<const uint8_t> message, PimType expected);

// Writes a PIM header with a zero checksum; returns the offset of the message start (pass it to
// finish_pim_message once the body is written).
size_t begin_pim_message(ByteWriter& w, PimType type, uint8_t flags = 0);

// Patches the checksum of the PIM message that starts at `start` in w and runs to the end of w: over the
// first 8 bytes for a Register, over the whole message for every other type. Any previous checksum value is
// ignored.
void finish_pim_message(ByteWriter& w, size_t start = 0);

// The checksum a message should carry (checksum field treated as zero), by the rules above.
uint16_t pim_checksum(std::span<const uint8_t> message);

}  // namespace fanout::packet
