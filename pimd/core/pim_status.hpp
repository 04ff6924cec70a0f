// Typed status snapshots of the PIM core (`show ip pim interface|neighbor|statistics`), built from the core's
// state at one instant and rendered separately: to JSON here (nlohmann, pure), to text by the daemon.
// Times are milliseconds relative to the snapshot instant; an absent "expires" means never (holdtime 0xffff).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/core/ip.hpp"
#include "common/packet/pim_hello.hpp"
#include "pimd/core/pim_counters.hpp"

namespace fanout::pim {

class PimCore;

struct InterfaceStatus {
    int ifindex = 0;
    std::string name;
    std::string state;        // "up" | "down"
    std::string down_reason;  // "" when up; "disabled", "link-down", "no-address", "loopback", ...
    Ipv4Address address;      // primary
    std::vector<Ipv4Address> secondary_addresses;
    Ipv4Address dr;
    bool i_am_dr = false;
    uint32_t dr_priority = 0;
    uint32_t generation_id = 0;
    size_t neighbor_count = 0;
    int64_t hello_interval_ms = 0;
    uint16_t hello_holdtime_s = 0;
    std::optional<int64_t> next_hello_ms;  // absent while down
    std::optional<int> vif;                // absent when the interface has no VIF
    std::string vif_error;                 // why it has none ("vif-table-full"), "" otherwise
    bool lan_delay_enabled = false;
    int64_t effective_propagation_delay_ms = 0;
    int64_t effective_override_interval_ms = 0;
    bool suppression_enabled = true;
    PimInterfaceCounters counters;
};

struct NeighborStatus {
    std::string interface;
    int ifindex = 0;
    Ipv4Address address;
    int64_t uptime_ms = 0;
    std::optional<int64_t> expires_ms;  // absent: never expires
    uint16_t holdtime_s = 0;
    std::optional<uint32_t> dr_priority;
    std::optional<uint32_t> generation_id;
    std::optional<packet::LanPruneDelay> lan_prune_delay;
    std::vector<uint16_t> options;  // option types seen in the last hello
    std::vector<Ipv4Address> secondary_addresses;
    bool is_dr = false;
};

struct StatisticsStatus {
    std::map<std::string, uint64_t> rx;  // accepted, by PIM type name
    std::map<std::string, uint64_t> tx;
    std::map<std::string, uint64_t> drops;          // by PimDropReason name
    std::map<std::string, uint64_t> decode_errors;  // by DecodeErrorKind name
    uint64_t vif_table_full = 0;
    uint64_t hello_options_ignored = 0;
    uint64_t mroute_clears = 0;    // `clear ip mroute [G]` commands
    uint64_t mroutes_cleared = 0;  // kernel entries they deleted
};

// Snapshots; an empty `name` means every interface.
std::vector<InterfaceStatus> interface_status(const PimCore& core, const std::string& name = {});
std::vector<NeighborStatus> neighbor_status(const PimCore& core, const std::string& name = {});
StatisticsStatus statistics_status(const PimCore& core);

// JSON rendering: pim_status_json.hpp.

}  // namespace fanout::pim
