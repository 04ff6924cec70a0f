// `show ip pim register`: typed snapshot of the register path (RFC 7761 4.4.1 DR machines, 4.4.2 RP
// records) and its JSON form. to_json is a header-only template over the JSON type (see pim_status_json.hpp:
// pimd_core cannot include nlohmann/json.hpp).
//
// Per (S,G): role "dr" (a Register state machine out of NoInfo) or "rp" (Registers received within
// RP_Keepalive_Period), state (DR: Join / JoinPending / Prune; RP: "forwarding" when the last data Register
// was left for decapsulation, else "stopped"), RP (DR: the encapsulation target; RP: the address registered
// to is ours, so the sender is reported), register-stop timer (ms left, DR only), packets/bytes encapsulated
// (DR) or accepted (RP), null-registers sent (DR) / received (RP), register-stops received (DR) / sent (RP),
// drops by reason.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"
#include "pimd/core/register_dr.hpp"
#include "pimd/core/register_rp.hpp"

namespace fanout::pim {

struct RegisterSgStatus {
    std::string role;  // "dr" | "rp"
    Ipv4Address source;
    Ipv4Address group;
    std::string state;
    Ipv4Address rp;                                 // DR: RP(G) registered to
    std::optional<Ipv4Address> sender;              // RP: outer source of the last Register
    std::optional<Ipv4Address> pmbr;                // RP: PMBR(S,G)
    std::optional<int64_t> register_stop_timer_ms;  // DR: RST remaining (JoinPending / Prune)
    int64_t uptime_ms = 0;                          // DR: in this state; RP: since the first Register
    uint64_t packets = 0;
    uint64_t bytes = 0;
    uint64_t null_registers = 0;
    uint64_t register_stops = 0;
    std::map<std::string, uint64_t> drops;  // non-zero reasons only
};

struct RegisterCountersStatus {
    RegisterDrCounters dr;
    RegisterDrFsmCounters fsm;
    RegisterRpCounters rp;
};

struct RegisterStatus {
    std::vector<RegisterSgStatus> entries;  // DR entries first, then RP, each ascending by (S,G)
    RegisterCountersStatus counters;
};

RegisterStatus register_status(const RegisterDr& dr, const RegisterRp& rp, TimePoint now);

template <typename Json>
void to_json(Json& j, const RegisterSgStatus& s) {
    j = Json{{"role", s.role},   {"source", s.source.to_string()},     {"group", s.group.to_string()},
             {"state", s.state}, {"uptime_ms", s.uptime_ms},           {"packets", s.packets},
             {"bytes", s.bytes}, {"null_registers", s.null_registers}, {"register_stops", s.register_stops},
             {"drops", s.drops}};
    j["rp"] = s.role == "dr" ? Json(s.rp.to_string()) : Json(nullptr);
    j["sender"] = s.sender ? Json(s.sender->to_string()) : Json(nullptr);
    j["pmbr"] = s.pmbr ? Json(s.pmbr->to_string()) : Json(nullptr);
    j["register_stop_timer_ms"] = s.register_stop_timer_ms ? Json(*s.register_stop_timer_ms) : Json(nullptr);
}

template <typename Json>
void to_json(Json& j, const RegisterCountersStatus& c) {
    Json dr_drops = Json::object();
    for (size_t i = 0; i < c.dr.drops.size(); ++i)
        dr_drops[std::string(to_string(static_cast<RegisterDrDrop>(i)))] = c.dr.drops[i];
    Json rp_drops = Json::object();
    for (size_t i = 0; i < c.rp.drops.size(); ++i)
        rp_drops[std::string(to_string(static_cast<RegisterRpDrop>(i)))] = c.rp.drops[i];
    Json rp_stops = Json::object();
    for (size_t i = 0; i < c.rp.register_stops_sent.size(); ++i)
        rp_stops[std::string(to_string(static_cast<RegisterStopReason>(i)))] = c.rp.register_stops_sent[i];
    j = Json{{"dr",
              {{"registers_sent", c.dr.registers_sent},
               {"null_registers_sent", c.dr.null_registers_sent},
               {"register_stops_rx", c.dr.register_stops_rx},
               {"register_stops_wildcard", c.dr.register_stops_wildcard},
               {"register_stops_unknown", c.dr.register_stops_unknown},
               {"register_source_not_local", c.dr.register_source_not_local},
               {"upcalls_unknown", c.dr.upcalls_unknown},
               {"fsm_transitions", c.fsm.transitions},
               {"fsm_ignored", c.fsm.ignored},
               {"fsm_unexpected", c.fsm.unexpected},
               {"drops", dr_drops}}},
             {"rp",
              {{"registers_rx", c.rp.registers_rx},
               {"null_registers_rx", c.rp.null_registers_rx},
               {"forwarded", c.rp.forwarded},
               {"drops", rp_drops},
               {"register_stops_sent", rp_stops}}}};
}

template <typename Json>
void to_json(Json& j, const RegisterStatus& s) {
    Json entries = Json::array();
    for (const auto& e : s.entries) {
        Json x;
        to_json(x, e);
        entries.push_back(x);
    }
    Json counters;
    to_json(counters, s.counters);
    j = Json{{"entries", entries}, {"counters", counters}};
}

}  // namespace fanout::pim
