// PIM Bootstrap (PIM type 4) and Candidate-RP-Advertisement (PIM type 8) messages: RFC 5059 section 4.1
// (Bootstrap Message Format) and 4.2 (Candidate-RP-Advertisement Message Format); fragmentation of large
// RP-sets: RFC 5059 section 3.5 (semantic fragmentation: each fragment is a self-contained Bootstrap message
// with the same Fragment Tag; a group's RPs may be spread over fragments, RP Count giving the total and Frag
// RP Cnt the number in this fragment).
//
// Encoded addresses are RFC 7761 4.9.1 (common/packet/pim_address.hpp); the header and checksum are RFC 7761
// 4.9 (common/packet/pim_header.hpp). Decoders check structure; values (a unicast address in a group field,
// an RP holdtime of 0, priorities) are judged by the BSR core, not here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/core/ip.hpp"
#include "common/packet/decode_error.hpp"
#include "common/packet/pim_address.hpp"

namespace fanout::packet {

// Bootstrap message:
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |PIM Ver| Type  |N|  Reserved   |           Checksum            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |         Fragment Tag          | Hash Mask Len | BSR Priority  |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |             BSR Address (Encoded-Unicast format)              |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |         Group Address 1 (Encoded-Group format)                |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | RP Count 1    | Frag RP Cnt 1 |         Reserved              |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |             RP Address 1 (Encoded-Unicast format)             |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |          RP1 Holdtime         | RP1 Priority  |   Reserved    |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |             RP Address 2 (Encoded-Unicast format)             |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |          RP2 Holdtime         | RP2 Priority  |   Reserved    |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                               .                               |
//    |         Group Address 2 (Encoded-Group format)                |
//    |                               .                               |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// N: No-Forward bit (top bit of the header's Reserved byte): set in BSMs unicast to a new neighbour, which
// must not forward them. The group records fill the rest of the message; an empty RP-set has none.

inline constexpr size_t kBootstrapFixedSize = 4 + 4 + kEncodedUnicastSize;  // 14
inline constexpr size_t kBootstrapGroupHeaderSize = kEncodedGroupSize + 4;  // 12
inline constexpr size_t kBootstrapRpEntrySize = kEncodedUnicastSize + 4;    // 10
inline constexpr uint8_t kBootstrapNoForwardBit = 0x80;                     // in PimHeader::flags

struct BootstrapRp {
    Ipv4Address rp;
    uint16_t holdtime = 0;  // seconds
    uint8_t priority = 0;   // lower is preferred
    bool operator==(const BootstrapRp&) const = default;
};

struct BootstrapGroup {
    EncodedGroup group;            // the group prefix (Z bit: admin scope zone)
    uint8_t rp_count = 0;          // RP Count: this prefix's RPs in the whole (possibly fragmented) BSM
    std::vector<BootstrapRp> rps;  // the RPs in this fragment (Frag RP Cnt = rps.size())
    bool operator==(const BootstrapGroup&) const = default;
};

struct PimBootstrap {
    bool no_forward = false;  // N
    uint16_t fragment_tag = 0;
    uint8_t hash_mask_len = 30;
    uint8_t bsr_priority = 0;
    Ipv4Address bsr;
    std::vector<BootstrapGroup> groups;
    bool operator==(const PimBootstrap&) const = default;
};

// Candidate-RP-Advertisement (unicast from a C-RP to the BSR):
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |PIM Ver| Type  |   Reserved    |           Checksum            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | Prefix Count  |   Priority    |             Holdtime          |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |               RP Address (Encoded-Unicast format)             |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |         Group Address 1 (Encoded-Group format)                |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                               .                               |
//    |         Group Address n (Encoded-Group format)                |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Prefix Count 0 means the C-RP serves all multicast groups (224.0.0.0/4); it is kept as an empty list here.

inline constexpr size_t kCrpAdvFixedSize = 4 + 4 + kEncodedUnicastSize;  // 14
inline constexpr size_t kCrpAdvMaxPrefixes = 255;

struct PimCandidateRpAdvertisement {
    uint8_t priority = 0;
    uint16_t holdtime = 0;  // seconds
    Ipv4Address rp;
    std::vector<EncodedGroup> groups;  // Prefix Count = groups.size()
    bool operator==(const PimCandidateRpAdvertisement&) const = default;
};

// Whole PIM messages (the IP payload): header, checksum (kBadChecksum), type (kBadType), then the body.
DecodeResult<PimBootstrap> decode_pim_bootstrap(std::span<const uint8_t> message);
DecodeResult<PimCandidateRpAdvertisement> decode_pim_crp_adv(std::span<const uint8_t> message);

// The body alone (what follows a verified 4-byte header), for callers that already dispatched on the header.
// Errors: kTruncated, kBadAddressFamily / kBadEncodingType (encoded addresses), kBadField (hash mask length
// above 32, Frag RP Cnt above RP Count, mask length above 32).
DecodeResult<PimBootstrap> decode_pim_bootstrap_body(std::span<const uint8_t> body, uint8_t header_flags);
DecodeResult<PimCandidateRpAdvertisement> decode_pim_crp_adv_body(std::span<const uint8_t> body);

// One Bootstrap message (one fragment) exactly as given, checksum set. A group with more than 255 RPs is
// cut to 255 (Frag RP Cnt is one octet).
std::vector<uint8_t> encode_pim_bootstrap(const PimBootstrap& bsm);

// A whole RP-set split into Bootstrap fragments of at most max_message_size bytes each (the PIM message, not
// counting the IP header; at least one group header and one RP always fit). Every fragment repeats the fixed
// part and fragment tag; a group whose RPs do not fit is continued in the next fragment with the same RP
// Count. Each group's rp_count is written as given (normally its rps.size()).
std::vector<std::vector<uint8_t>> encode_pim_bootstrap_fragments(const PimBootstrap& bsm,
                                                                 size_t max_message_size);

// One C-RP-Advertisement, checksum set; more than 255 prefixes are cut to 255 (Prefix Count is one octet).
std::vector<uint8_t> encode_pim_crp_adv(const PimCandidateRpAdvertisement& adv);

}  // namespace fanout::packet
