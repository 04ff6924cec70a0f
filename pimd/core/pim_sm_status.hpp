// PIM-SM status snapshots (typed, pure) and their JSON form: `show ip pim join` (downstream state per
// interface), `show ip pim upstream`, `show ip mroute`, `show ip pim rpf`. Times are milliseconds left on a
// timer (null: not running; -1: running forever) and milliseconds since an entry was created.
//
// mroute flags (FRR / EOS style): S sparse, C local receivers (pim_include non-empty), P pruned (empty
// olist), R (S,G,rpt) pruned upstream, F first hop (source directly connected, we are DR there: register
// side), T SPTbit set, J upstream Joined, W wildcard (*,G), N learned from a DR's Register at this RP and may
// notify MSDP (EOS's N; EOS's C for register-learned is taken by FRR's C for local receivers here).
//
// to_json is a header-only template over the JSON type (see pim_status_json.hpp for why).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/core/ip.hpp"

namespace fanout::pim {

class PimCore;

struct JoinStatus {
    std::string interface;
    std::string source;  // "*" for (*,G)
    std::string group;
    std::string kind;  // "(*,G)", "(S,G)", "(S,G,rpt)"
    std::string state;
    std::optional<int64_t> expiry_ms;
    std::optional<int64_t> prune_pending_ms;
};

struct UpstreamStatus {
    std::string source;
    std::string group;
    std::string kind;
    std::string state;
    std::optional<int64_t> join_timer_ms;  // (S,G,rpt): the Override Timer
    std::string rpf_interface;
    std::string rpf_neighbor;
    bool spt_bit = false;
    std::optional<int64_t> keepalive_ms;
    int64_t uptime_ms = 0;
};

struct MrouteStatus {
    std::string source;
    std::string group;
    std::string flags;
    std::string iif;
    std::vector<std::string> oifs;
    int64_t uptime_ms = 0;
};

struct RpfStatus {
    std::string address;
    std::string interface;
    std::string next_hop;
    std::string rpf_neighbor;
    bool reachable = false;
};

std::vector<JoinStatus> join_status(const PimCore& core);
std::vector<UpstreamStatus> upstream_status(const PimCore& core);
std::vector<MrouteStatus> mroute_status(const PimCore& core);
std::vector<RpfStatus> rpf_status(const PimCore& core);

namespace sm_json {
template <typename Json, typename T>
Json opt(const std::optional<T>& v) {
    return v ? Json(*v) : Json(nullptr);
}
}  // namespace sm_json

template <typename Json>
void to_json(Json& j, const JoinStatus& s) {
    j = Json{{"interface", s.interface},
             {"source", s.source},
             {"group", s.group},
             {"kind", s.kind},
             {"state", s.state},
             {"expiry_ms", sm_json::opt<Json>(s.expiry_ms)},
             {"prune_pending_ms", sm_json::opt<Json>(s.prune_pending_ms)}};
}

template <typename Json>
void to_json(Json& j, const UpstreamStatus& s) {
    j = Json{{"source", s.source},
             {"group", s.group},
             {"kind", s.kind},
             {"state", s.state},
             {"join_timer_ms", sm_json::opt<Json>(s.join_timer_ms)},
             {"rpf_interface", s.rpf_interface},
             {"rpf_neighbor", s.rpf_neighbor},
             {"spt_bit", s.spt_bit},
             {"keepalive_ms", sm_json::opt<Json>(s.keepalive_ms)},
             {"uptime_ms", s.uptime_ms}};
}

template <typename Json>
void to_json(Json& j, const MrouteStatus& s) {
    j = Json{{"source", s.source}, {"group", s.group}, {"flags", s.flags},
             {"iif", s.iif},       {"oifs", s.oifs},   {"uptime_ms", s.uptime_ms}};
}

template <typename Json>
void to_json(Json& j, const RpfStatus& s) {
    j = Json{{"address", s.address},
             {"interface", s.interface},
             {"next_hop", s.next_hop},
             {"rpf_neighbor", s.rpf_neighbor},
             {"reachable", s.reachable}};
}

}  // namespace fanout::pim
