// Join/Prune receive classification, RFC 7761 4.5 and 4.9.5.1 (Encoded-Source flags): which state machine
// an entry of a received Join/Prune feeds.
//
//   W=1 R=1  (*,G)       the source address is the RP                          (4.5.1)
//   W=0 R=0  (S,G)                                                             (4.5.2)
//   W=0 R=1  (S,G,rpt)                                                         (4.5.3)
//   W=1 R=0  invalid in a PIM-SM Join/Prune ("the WC bit MUST be set with the RPT bit"): ignored, counted.
//
// Processing order of one group record addressed to us (4.5, 4.5.3): the (*,G) Join first (it moves every
// (S,G,rpt) Prune of the interface into a temporary state), then the other Joins, then the Prunes; after the
// whole message the End-of-Message event ends the temporary states. A message whose Upstream Neighbor
// Address is not one of our addresses on the interface is "seen" traffic for the upstream machines (join
// suppression, prune override: 4.5.4, 4.5.5, 4.5.7). SSM groups (4.8) take only (S,G) entries.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string_view>

#include "common/core/ip.hpp"
#include "common/packet/pim_address.hpp"
#include "common/packet/pim_join_prune.hpp"

namespace fanout::pim {

enum class JpEntryKind : uint8_t { kStarG, kSG, kSGRpt, kInvalid };
std::string_view to_string(JpEntryKind k);

JpEntryKind classify_jp_source(const packet::EncodedSource& s);
// A group record we act on: a single multicast group (mask 32), not link-local (224.0.0.0/24).
bool jp_group_acceptable(const packet::EncodedGroup& g);
// The sources of a group record that names only (S,G) entries (join_prune_rx.cpp); nullopt otherwise.
std::optional<std::set<Ipv4Address>> sg_sources_only(const packet::JoinPruneGroup& g);

}  // namespace fanout::pim
