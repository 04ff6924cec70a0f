// igmpd -> pimd membership export: the IPC message codec (pure: no I/O; ByteReader/ByteWriter only).
//
// igmpd tells pimd which groups and sources have local receivers on which interface, i.e. the inputs of
// RFC 7761 4.1.6's local_receiver_include(*,G,I), local_receiver_include(S,G,I) and
// local_receiver_exclude(S,G,I), taken from the router-side filter state of RFC 3376 6.4 (INCLUDE {sources}
// or EXCLUDE {sources} per interface and group; IGMPv1/v2 membership is EXCLUDE {}).
//
// Every message is one frame on a Unix stream socket, all integers big-endian:
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-------------------------------+-------------------------------+
//   |        Frame Version (1)      |             Type              |
//   +-------------------------------+-------------------------------+
//   |                  Length (octets of Payload)                   |
//   +---------------------------------------------------------------+
//   |                          Payload ...                          |
//
// A receiver skips (and counts) frames of an unknown Type, and ignores payload octets after the fields it
// knows, so later versions may add message types and append fields. A different Frame Version is fatal.
// Strings are a u8 length followed by that many octets (no terminator).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/core/ip.hpp"
#include "common/packet/decode_error.hpp"

namespace fanout::sys::ipc {

inline constexpr std::string_view kDefaultSocketPath = "/run/fanout/pimd-ipc.sock";
inline constexpr uint16_t kFrameVersion = 1;
inline constexpr uint16_t kProtocolVersion = 1;
inline constexpr size_t kHeaderSize = 8;
// Largest accepted payload (a Membership with the maximum 65535 sources is 262 KiB). Larger: a corrupt
// stream.
inline constexpr uint32_t kMaxPayload = 1u << 20;
inline constexpr size_t kMaxIfName = 15;  // IFNAMSIZ - 1
inline constexpr size_t kMaxSenderName = 64;

enum class MessageType : uint16_t {
    kHello = 1,
    kSnapshotBegin = 2,
    kMembership = 3,
    kMembershipRemoved = 4,
    kSnapshotEnd = 5,
    kKeepalive = 6,
};

enum class FilterMode : uint8_t { kInclude = 1, kExclude = 2 };

std::string_view to_string(FilterMode m);

// Hello: sent first by both sides on every connection.
//   | Protocol Version (u16) | Name Len (u8) | Sender Name ... | Session Id (u64) |
// The session id is random per process start: a new id tells pimd that igmpd restarted.
struct Hello {
    uint16_t version = kProtocolVersion;
    std::string sender;
    uint64_t session_id = 0;
    bool operator==(const Hello&) const = default;
};

// SnapshotBegin: empty payload. The Membership frames up to SnapshotEnd are the complete state.
struct SnapshotBegin {
    bool operator==(const SnapshotBegin&) const = default;
};

// Membership: the full state of one (interface, group); replaces any earlier state of that key.
//   | Name Len (u8) | Interface Name ... | Ifindex (u32) | Group Address (u32) |
//   | Filter Mode (u8: 1 INCLUDE, 2 EXCLUDE) | Reserved (u8) | Number of Sources (u16) |
//   | Source Address [1] (u32) | ... | Source Address [N] (u32) |
// INCLUDE {} means no receivers (the receiver treats it like MembershipRemoved).
struct Membership {
    std::string ifname;
    uint32_t ifindex = 0;
    Ipv4Address group;
    FilterMode mode = FilterMode::kExclude;
    std::vector<Ipv4Address> sources;
    bool operator==(const Membership&) const = default;
};

// MembershipRemoved: no receivers left for (interface, group).
//   | Name Len (u8) | Interface Name ... | Ifindex (u32) | Group Address (u32) |
struct MembershipRemoved {
    std::string ifname;
    uint32_t ifindex = 0;
    Ipv4Address group;
    bool operator==(const MembershipRemoved&) const = default;
};

// SnapshotEnd: | Count (u32): number of Membership frames since SnapshotBegin |
struct SnapshotEnd {
    uint32_t count = 0;
    bool operator==(const SnapshotEnd&) const = default;
};

// Keepalive: empty payload; sent by both sides every keepalive interval.
struct Keepalive {
    bool operator==(const Keepalive&) const = default;
};

// A frame of a type this version does not know (skipped by the link, counted).
struct UnknownMessage {
    uint16_t type = 0;
    uint32_t length = 0;
    bool operator==(const UnknownMessage&) const = default;
};

using Message =
    std::variant<Hello, SnapshotBegin, Membership, MembershipRemoved, SnapshotEnd, Keepalive, UnknownMessage>;

struct FrameHeader {
    uint16_t version = kFrameVersion;
    uint16_t type = 0;
    uint32_t length = 0;
};

// Encodes one message as a complete frame (an UnknownMessage encodes as its type with a zero-filled payload).
std::vector<uint8_t> encode(const Message& m);
// Appends the frame to out.
void encode_into(const Message& m, std::vector<uint8_t>& out);

// Decodes a frame header (kTruncated when fewer than 8 octets; kBadVersion; kBadLength above kMaxPayload).
packet::DecodeResult<FrameHeader> decode_header(std::span<const uint8_t> data);
// Decodes the payload of a frame of the given type.
packet::DecodeResult<Message> decode_payload(uint16_t type, std::span<const uint8_t> payload);

// Splits a stream: when data starts with a complete frame, decodes it and sets consumed to its size. When
// the frame is still incomplete returns std::nullopt with consumed = 0. Errors are fatal for the stream.
packet::DecodeResult<std::optional<Message>> decode_frame(std::span<const uint8_t> data, size_t& consumed);

std::string_view message_name(const Message& m);

}  // namespace fanout::sys::ipc
