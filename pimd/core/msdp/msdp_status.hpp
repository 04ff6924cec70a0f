// Status snapshots of the MSDP core, typed, for `show ip msdp peer`, `show ip msdp sa` and
// `show ip msdp mesh-group` (columns as FRR's, INTEROP.md "show commands"), plus their JSON form.
// to_json is a header-only template over the JSON type (see pimd/core/pim_status_json.hpp for why):
//   nlohmann::json j = msdp::peer_status(core);
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pimd/core/msdp/msdp_core.hpp"

namespace fanout::msdp {

struct MsdpPeerStatus {
    Ipv4Address peer;
    Ipv4Address local;
    std::string state;
    std::string role;      // "active" (we connect) or "passive" (we listen)
    int64_t uptime_s = 0;  // time in the current state
    size_t sa_count = 0;   // SA-cache entries learned from this peer
    std::optional<std::string> mesh_group;
    std::string description;
    bool md5 = false;
    std::string last_down_reason;
    int64_t hold_remaining_ms = 0;
    int64_t keepalive_remaining_ms = 0;
    int64_t connect_retry_remaining_ms = 0;
    MsdpPeerCounters counters;
};

struct MsdpSaStatus {
    Ipv4Address source;
    Ipv4Address group;
    Ipv4Address rp;
    std::optional<Ipv4Address> peer;  // none for local (originated) entries
    bool local = false;
    bool announced = false;  // handed to PIM (receivers present)
    int64_t uptime_s = 0;
    std::optional<int64_t> expires_s;  // none for local entries
};

struct MsdpMeshGroupStatus {
    std::string name;
    Ipv4Address source;                                        // the local address
    std::vector<std::pair<Ipv4Address, std::string>> members;  // address, state
};

std::vector<MsdpPeerStatus> peer_status(const MsdpCore& core);
// Originated entries first (local = true, RP = originator address), then the cache.
std::vector<MsdpSaStatus> sa_status(const MsdpCore& core);
std::vector<MsdpMeshGroupStatus> mesh_group_status(const MsdpCore& core);

template <typename Json>
void to_json(Json& j, const MsdpPeerCounters& c) {
    Json drops = Json::object();
    for (size_t i = 0; i < c.drops.size(); ++i)
        drops[std::string(to_string(static_cast<MsdpDrop>(i)))] = c.drops[i];
    Json downs = Json::object();
    for (size_t i = 0; i < c.downs.size(); ++i)
        downs[std::string(to_string(static_cast<MsdpDownReason>(i)))] = c.downs[i];
    j = Json{{"tlvs_in", c.tlvs_in},
             {"tlvs_out", c.tlvs_out},
             {"sa_in", c.sa_in},
             {"sa_out", c.sa_out},
             {"keepalives_in", c.keepalives_in},
             {"keepalives_out", c.keepalives_out},
             {"established", c.established},
             {"unexpected_events", c.unexpected_events},
             {"drops", drops},
             {"downs", downs}};
}

template <typename Json>
void to_json(Json& j, const MsdpPeerStatus& s) {
    j = Json{{"peer", s.peer.to_string()},
             {"local", s.local.to_string()},
             {"state", s.state},
             {"role", s.role},
             {"uptime_s", s.uptime_s},
             {"sa_count", s.sa_count},
             {"mesh_group", s.mesh_group ? Json(*s.mesh_group) : Json(nullptr)},
             {"description", s.description},
             {"md5", s.md5},
             {"last_down_reason", s.last_down_reason},
             {"hold_remaining_ms", s.hold_remaining_ms},
             {"keepalive_remaining_ms", s.keepalive_remaining_ms},
             {"connect_retry_remaining_ms", s.connect_retry_remaining_ms},
             {"counters", Json(s.counters)}};
}

template <typename Json>
void to_json(Json& j, const MsdpSaStatus& s) {
    j = Json{{"source", s.source.to_string()},
             {"group", s.group.to_string()},
             {"rp", s.rp.to_string()},
             {"peer", s.peer ? Json(s.peer->to_string()) : Json(nullptr)},
             {"local", s.local},
             {"announced", s.announced},
             {"uptime_s", s.uptime_s},
             {"expires_s", s.expires_s ? Json(*s.expires_s) : Json(nullptr)}};
}

template <typename Json>
void to_json(Json& j, const MsdpMeshGroupStatus& s) {
    Json members = Json::array();
    for (const auto& [addr, state] : s.members)
        members.push_back(Json{{"peer", addr.to_string()}, {"state", state}});
    j = Json{{"name", s.name}, {"source", s.source.to_string()}, {"members", members}};
}

}  // namespace fanout::msdp
