// Counters of the PIM core: messages received/sent by type, drops by reason, decode errors by kind. Every
// dropped message has exactly one reason, named so that `show ip pim statistics` can display it.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "common/packet/decode_error.hpp"
#include "common/packet/pim_header.hpp"

namespace fanout::pim {

// Why a received PIM message was dropped. Append new reasons before kCount and name them in
// kPimDropReasonNames (pim_counters.cpp).
enum class PimDropReason : uint8_t {
    kDecodeError,       // header, checksum or body did not decode (see the decode error kinds)
    kUnknownInterface,  // arrived on an ifindex the core was never told about
    kNotPimInterface,   // arrived on an interface where PIM is not enabled (for link-scoped types)
    kInterfaceDown,     // PIM enabled but the interface is not up (no address, link down...)
    kOwnAddress,        // sent by one of our own addresses (looped back)
    kBadSource,         // source is not a unicast address
    kBadDestination,    // link-scoped type not sent to ALL-PIM-ROUTERS
    kNotNeighbor,       // type accepted only from a neighbor (we have not heard its hello)
    kUnsupportedType,   // no subsystem handles this type (yet), or an unknown type value
    kNeighborFiltered,  // hello from a source outside the interface's neighbor filter
    kNeighborLimit,     // hello from a new neighbor past the interface's max_neighbors
    kCount
};

std::string_view to_string(PimDropReason r);

inline constexpr size_t kPimTypeSlots = 16;  // the 4-bit type field

struct PimCounters {
    std::array<uint64_t, kPimTypeSlots> rx_by_type{};  // accepted (handled) messages
    std::array<uint64_t, kPimTypeSlots> tx_by_type{};
    std::array<uint64_t, static_cast<size_t>(PimDropReason::kCount)> drops{};
    packet::DecodeErrorCounters decode_errors;
    uint64_t vif_table_full = 0;         // VIF wanted but all kMaxVifs indexes in use
    uint64_t hello_options_ignored = 0;  // known hello options with a bad length/encoding (codec policy)

    void count_rx(packet::PimType t) { ++rx_by_type[static_cast<size_t>(t) & 0xf]; }
    void count_tx(packet::PimType t) { ++tx_by_type[static_cast<size_t>(t) & 0xf]; }
    void count_drop(PimDropReason r) { ++drops[static_cast<size_t>(r)]; }
    uint64_t dropped(PimDropReason r) const { return drops[static_cast<size_t>(r)]; }
};

// Per-interface counters (shown per interface; the core-wide PimCounters hold the totals).
struct PimInterfaceCounters {
    uint64_t hellos_rx = 0;
    uint64_t hellos_tx = 0;
    uint64_t neighbors_up = 0;       // neighbors learned
    uint64_t neighbors_down = 0;     // neighbors lost (expiry, goodbye, filter, interface down)
    uint64_t neighbor_restarts = 0;  // GenID changes
    uint64_t neighbors_filtered = 0;
    uint64_t neighbor_limit_drops = 0;
    uint64_t secondary_conflicts = 0;  // a secondary address moved from one neighbor to another (4.3.4)
    uint64_t dr_changes = 0;
    uint64_t drops = 0;  // all drops on this interface, whatever the reason
};

}  // namespace fanout::pim
