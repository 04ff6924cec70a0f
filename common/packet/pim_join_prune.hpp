// PIM Join/Prune (RFC 7761 4.9.5), and PIM-DM Graft / Graft-Ack which reuse its body (RFC 3973 4.7.3).
//
//     0                   1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |PIM Ver| Type  |   Reserved    |           Checksum            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |        Upstream Neighbor Address (Encoded-Unicast format)     |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |  Reserved     | Num groups    |          Holdtime             |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |         Multicast Group Address 1 (Encoded-Group format)      |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |   Number of Joined Sources    |   Number of Pruned Sources    |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |        Joined Source Address 1 (Encoded-Source format)        |
//    |                             .  .  .                           |
//    |        Joined Source Address n (Encoded-Source format)        |
//    |        Pruned Source Address 1 (Encoded-Source format)        |
//    |                             .  .  .                           |
//    |        Pruned Source Address n (Encoded-Source format)        |
//    |         Multicast Group Address m (Encoded-Group format)      |
//    |                             .  .  .                           |
//
// Graft (type 6) and Graft-Ack (type 7) of PIM-DM have exactly this body (RFC 3973 4.7.3: Hold Time is unused
// in a Graft and sent as 0; a Graft-Ack echoes the Graft).
//
// Decoding: Num groups and each group's source counts are checked against the bytes present before anything
// is allocated (kBadLength when the counts promise more than the message holds); bytes after the last group
// are ignored. The same group may appear in several records (kept as separate records, in order).
//
// Encoding:
//  - encode_join_prune writes one message exactly as given (at most 255 group records and 65535 sources per
//    list are written, so the counts always describe the bytes; larger inputs belong to split_join_prune).
//  - split_join_prune packs groups into as few messages as fit in max_message_bytes (the PIM message size,
//  i.e.
//    the IP payload: interface MTU - 20 - IP options). A group record holds at most max_sources_per_list
//    joined and as many pruned sources (default 255: the count field is 16 bits, but implementations size
//    their buffers for much less, and an MTU of 1500 holds only 181 sources anyway). A group with more
//    sources, or that does not fit in the rest of a message, continues in further records for the same group:
//    in the same message when there is room (the RFC lets a group appear more than once), else in the next.
//    One exception keeps the RFC 7761 4.5 End-of-Message semantics intact: a group that carries a (*,G) Join
//    (W bit) or (S,G,rpt) Prunes (R bit) is not split between messages when it fits whole in an empty
//    message; the current message is sent first instead. No message exceeds max_message_bytes (raised to the
//    34-byte minimum that holds one source), and none has more than 255 group records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/core/byte_writer.hpp"
#include "common/core/ip.hpp"
#include "common/packet/decode_error.hpp"
#include "common/packet/pim_address.hpp"
#include "common/packet/pim_header.hpp"

namespace fanout::packet {

inline constexpr size_t kJoinPruneFixedSize = kPimHeaderSize + kEncodedUnicastSize + 4;  // 14
inline constexpr size_t kJoinPruneGroupHeaderSize = kEncodedGroupSize + 4;               // 12
inline constexpr size_t kJoinPruneMaxGroups = 255;
inline constexpr size_t kJoinPruneMaxSourcesPerList = 255;
inline constexpr size_t kJoinPruneMinMessageSize =
    kJoinPruneFixedSize + kJoinPruneGroupHeaderSize + kEncodedSourceSize;  // 34

struct JoinPruneGroup {
    EncodedGroup group;
    std::vector<EncodedSource> joins;
    std::vector<EncodedSource> prunes;
    bool operator==(const JoinPruneGroup&) const = default;
};

struct JoinPrune {
    Ipv4Address upstream_neighbor;
    uint16_t holdtime_s = 0;
    std::vector<JoinPruneGroup> groups;
    bool operator==(const JoinPrune&) const = default;
};

// Whole messages of type Join/Prune, Graft, Graft-Ack respectively.
DecodeResult<JoinPrune> decode_join_prune(std::span<const uint8_t> message);
DecodeResult<JoinPrune> decode_graft(std::span<const uint8_t> message);
DecodeResult<JoinPrune> decode_graft_ack(std::span<const uint8_t> message);
DecodeResult<JoinPrune> decode_join_prune_body(std::span<const uint8_t> body);

// type: kJoinPrune, kGraft or kGraftAck.
void encode_join_prune(ByteWriter& w, const JoinPrune& jp, PimType type = PimType::kJoinPrune);
std::vector<uint8_t> encode_join_prune(const JoinPrune& jp, PimType type = PimType::kJoinPrune);
// Bytes encode_join_prune produces for jp (when within its limits).
size_t join_prune_encoded_size(const JoinPrune& jp);

// The packing described above, as messages to encode one by one.
std::vector<JoinPrune> split_join_prune(const JoinPrune& jp, size_t max_message_bytes,
                                        size_t max_sources_per_list = kJoinPruneMaxSourcesPerList);
// split_join_prune + encode_join_prune.
std::vector<std::vector<uint8_t>> encode_join_prune_packed(
    const JoinPrune& jp, size_t max_message_bytes, PimType type = PimType::kJoinPrune,
    size_t max_sources_per_list = kJoinPruneMaxSourcesPerList);

}  // namespace fanout::packet
