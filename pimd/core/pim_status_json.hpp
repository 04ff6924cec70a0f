// JSON form of the status snapshots (pim_status.hpp), for nlohmann::json.
//
// Header-only templates over the JSON type on purpose: pimd_core is a pure library whose sources are compiled
// with the socket API poisoned (common/core/pure_guard.hpp), and nlohmann/json.hpp cannot be included there
// (its json::accept() and <filesystem>'s file_type::socket trip the poison). The daemon, the tests and the
// conformance driver include nlohmann/json.hpp and this header; nlohmann finds these to_json() by ADL:
//   nlohmann::json j = pim::interface_status(core);
#pragma once

#include <optional>
#include <vector>

#include "common/core/status_json.hpp"
#include "pimd/core/pim_status.hpp"

namespace fanout::pim {

template <typename Json>
void to_json(Json& j, const PimInterfaceCounters& c) {
    j = Json{{"hellos_rx", c.hellos_rx},
             {"hellos_tx", c.hellos_tx},
             {"neighbors_up", c.neighbors_up},
             {"neighbors_down", c.neighbors_down},
             {"neighbor_restarts", c.neighbor_restarts},
             {"neighbors_filtered", c.neighbors_filtered},
             {"neighbor_limit_drops", c.neighbor_limit_drops},
             {"secondary_conflicts", c.secondary_conflicts},
             {"dr_changes", c.dr_changes},
             {"drops", c.drops}};
}

template <typename Json>
void to_json(Json& j, const InterfaceStatus& s) {
    j = Json{{"ifindex", s.ifindex},
             {"name", s.name},
             {"state", s.state},
             {"down_reason", s.down_reason},
             {"address", s.address.to_string()},
             {"secondary_addresses", status_json::addresses<Json>(s.secondary_addresses)},
             {"dr", s.dr.to_string()},
             {"i_am_dr", s.i_am_dr},
             {"dr_priority", s.dr_priority},
             {"generation_id", s.generation_id},
             {"neighbor_count", s.neighbor_count},
             {"hello_interval_ms", s.hello_interval_ms},
             {"hello_holdtime_s", s.hello_holdtime_s},
             {"next_hello_ms", status_json::opt<Json>(s.next_hello_ms)},
             {"vif", status_json::opt<Json>(s.vif)},
             {"vif_error", s.vif_error},
             {"lan_delay_enabled", s.lan_delay_enabled},
             {"effective_propagation_delay_ms", s.effective_propagation_delay_ms},
             {"effective_override_interval_ms", s.effective_override_interval_ms},
             {"suppression_enabled", s.suppression_enabled},
             {"counters", s.counters}};
}

template <typename Json>
void to_json(Json& j, const NeighborStatus& s) {
    Json lpd = nullptr;
    if (s.lan_prune_delay)
        lpd = Json{{"t", s.lan_prune_delay->tracking_support},
                   {"propagation_delay_ms", s.lan_prune_delay->propagation_delay_ms},
                   {"override_interval_ms", s.lan_prune_delay->override_interval_ms}};
    j = Json{{"interface", s.interface},
             {"ifindex", s.ifindex},
             {"address", s.address.to_string()},
             {"uptime_ms", s.uptime_ms},
             {"expires_ms", status_json::opt<Json>(s.expires_ms)},
             {"holdtime_s", s.holdtime_s},
             {"dr_priority", status_json::opt<Json>(s.dr_priority)},
             {"generation_id", status_json::opt<Json>(s.generation_id)},
             {"lan_prune_delay", lpd},
             {"options", s.options},
             {"secondary_addresses", status_json::addresses<Json>(s.secondary_addresses)},
             {"is_dr", s.is_dr}};
}

template <typename Json>
void to_json(Json& j, const StatisticsStatus& s) {
    j = Json{{"rx", s.rx},
             {"tx", s.tx},
             {"drops", s.drops},
             {"decode_errors", s.decode_errors},
             {"vif_table_full", s.vif_table_full},
             {"hello_options_ignored", s.hello_options_ignored},
             {"mroute_clears", s.mroute_clears},
             {"mroutes_cleared", s.mroutes_cleared}};
}

}  // namespace fanout::pim
