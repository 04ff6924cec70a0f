// IGMP v1/v2/v3 codec: one decoder for every IGMP message a router receives, classified by type and length as
// RFC 3376 7.1 says, with the checksum verified over the whole IGMP message (RFC 3376 4.1.2 / 4.2.2, RFC 2236
// 2.3: "the entire IP payload"). Message layouts are in igmp_query.hpp (queries: RFC 1112, RFC 2236, RFC 3376
// 4.1) and igmp_report.hpp (reports and leaves: RFC 1112, RFC 2236, RFC 3376 4.2).
//
//    type  length        message
//    0x11  8, code 0     IgmpQueryV1
//    0x11  8, code != 0  IgmpQueryV2
//    0x11  >= 12         IgmpQueryV3
//    0x11  9..11         kBadLength (RFC 3376 7.1: "MUST be silently ignored")
//    0x12  >= 8          IgmpReportV1
//    0x16  >= 8          IgmpReportV2
//    0x17  >= 8          IgmpLeaveV2
//    0x22  >= 8          IgmpReportV3
//    other               kBadType (DVMRP, mtrace, PIMv1 ... are not Fanout's)
//
// Every message has one canonical encoding: decode followed by encode gives the same octets for any message
// that has zero reserved/unused fields, no auxiliary data, no extra trailing octets and no unknown records.
#pragma once

#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "common/core/byte_writer.hpp"
#include "common/core/ip.hpp"
#include "common/packet/decode_error.hpp"
#include "common/packet/igmp_query.hpp"
#include "common/packet/igmp_report.hpp"
#include "common/packet/ipv4.hpp"

namespace fanout::packet {

inline constexpr size_t kIgmpMinLength = 8;

using IgmpMessage = std::variant<IgmpQueryV1, IgmpQueryV2, IgmpQueryV3, IgmpReportV1, IgmpReportV2,
                                 IgmpLeaveV2, IgmpReportV3>;

DecodeResult<IgmpMessage> decode_igmp(std::span<const uint8_t> message);

void encode_igmp(ByteWriter& w, const IgmpMessage& m);
std::vector<uint8_t> encode_igmp(const IgmpMessage& m);

// The IPv4 destination each message is sent to: RFC 3376 4.1.12 / RFC 2236 2.1 (general query: 224.0.0.1;
// group-specific and group-and-source-specific queries: the group), RFC 2236 3 (v1/v2 report: the group;
// leave: 224.0.0.2), RFC 3376 4.2.14 (v3 report: 224.0.0.22).
Ipv4Address igmp_destination(const IgmpMessage& m);

// An IGMP message in an IPv4 packet.
struct IgmpPacket {
    Ipv4Header ip;
    IgmpMessage igmp;
};

// Decodes the IPv4 header and the IGMP message in it. Protocol other than 2 gives kBadType; a fragment gives
// kBadField (IGMP messages are never fragmented, RFC 3376 5.2 keeps them within the MTU). The TTL 1 and
// Router Alert checks of RFC 3376 9.1 are left to the caller (it counts them and may accept v1/v2 without
// Router Alert).
DecodeResult<IgmpPacket> decode_igmp_packet(std::span<const uint8_t> ipv4_packet);

// A complete IPv4 packet as Linux and FRR send IGMP: TTL 1, TOS 0xc0, DF, Router Alert (RFC 3376 4, RFC 2236
// 2).
std::vector<uint8_t> encode_igmp_packet(Ipv4Address src, Ipv4Address dst, const IgmpMessage& m);

namespace detail {
// Body decoders called by decode_igmp once the length (>= 8) and checksum are verified.
DecodeResult<IgmpMessage> decode_igmp_query(std::span<const uint8_t> message);
DecodeResult<IgmpMessage> decode_igmp_v3_report(std::span<const uint8_t> message);
DecodeResult<IgmpMessage> decode_igmp_v1v2_report(std::span<const uint8_t> message);
// Patches the checksum of the message written from offset start.
void patch_igmp_checksum(ByteWriter& w, size_t start);
}  // namespace detail

}  // namespace fanout::packet
