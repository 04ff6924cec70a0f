// Counters of the IGMP core: messages received/sent by type and version, v3 records by type, drops by reason,
// decode errors by kind. Every dropped message or record has exactly one reason, named for
// `show ip igmp statistics`.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "common/packet/decode_error.hpp"
#include "common/packet/igmp.hpp"

namespace fanout::igmp {

// Why a received message (or one record of a v3 report, or some of its sources) was not used. Append new
// reasons before kCount and name them in igmp_counters.cpp.
enum class IgmpDropReason : uint8_t {
    kUnknownInterface,    // arrived on an ifindex the core was never told about
    kInterfaceDisabled,   // IGMP not configured/enabled on the interface
    kInterfaceDown,       // enabled, but down or without an address
    kOwnAddress,          // sent from one of our own addresses (looped back)
    kForeignSubnet,       // report source neither 0.0.0.0 nor on the interface's subnets (RFC 3376 9.2)
    kNoRouterAlert,       // v3 report without Router Alert (RFC 3376 9.2 / 4)
    kQueryBadSource,      // query from 0.0.0.0 (a snooping switch): not a querier candidate
    kUpstreamReport,      // report received on the proxy upstream (the host side does not use reports)
    kOlderRouterVersion,  // v3 report while the interface runs v1/v2 (RFC 2236 routers do not know them)
    kLeaveInV1Mode,       // v2 leave for a group in v1 compatibility mode (RFC 3376 7.3.2)
    kBlockInOlderMode,    // BLOCK record for a group in v1/v2 compatibility mode (7.3.2)
    kSsmAsmRequest,       // v1/v2 report or IS_EX/TO_EX record for a group in the SSM range (RFC 4604 2.2.1)
    kLinkLocalGroup,      // 224.0.0.0/24: never tracked (RFC 4541/3376: not forwarded)
    kBadGroup,            // group field not multicast / report for 0.0.0.0
    kGroupLimit,          // would create a group beyond max_groups
    kSourceLimit,         // sources cut by max_sources_per_group (counted per source)
    kUnknownRecordType,   // v3 records of an unknown type skipped by the decoder
    kCount
};
std::string_view to_string(IgmpDropReason r);

// The seven IGMP message kinds, in the order of packet::IgmpMessage's alternatives.
inline constexpr size_t kIgmpMessageKinds = std::variant_size_v<packet::IgmpMessage>;
std::string_view igmp_message_kind_name(size_t index);  // "v1_query", "v2_query", ..., "v3_report"
inline constexpr size_t kIgmpRecordTypes = 6;           // IS_IN .. BLOCK (1..6)

struct IgmpMessageCounters {
    std::array<uint64_t, kIgmpMessageKinds> by_kind{};
    std::array<uint64_t, kIgmpRecordTypes> records{};  // v3 group records, by type

    void count(const packet::IgmpMessage& m) { ++by_kind[m.index()]; }
    void count_record(packet::IgmpRecordType t) {
        auto i = static_cast<size_t>(t);
        if (i >= 1 && i <= kIgmpRecordTypes) ++records[i - 1];
    }
};

struct IgmpCounters {
    IgmpMessageCounters rx;  // accepted
    IgmpMessageCounters tx;
    std::array<uint64_t, static_cast<size_t>(IgmpDropReason::kCount)> drops{};
    packet::DecodeErrorCounters decode_errors;

    void count_drop(IgmpDropReason r, uint64_t n = 1) { drops[static_cast<size_t>(r)] += n; }
    uint64_t dropped(IgmpDropReason r) const { return drops[static_cast<size_t>(r)]; }
};

// Per interface (shown per interface; IgmpCounters holds the core-wide totals).
struct IgmpInterfaceCounters {
    IgmpMessageCounters rx;
    IgmpMessageCounters tx;
    uint64_t drops = 0;
    uint64_t querier_changes = 0;
    uint64_t groups_created = 0;
    uint64_t groups_deleted = 0;
};

}  // namespace fanout::igmp
