// pimd's PIM-SM status commands: the core's tree information base as users query it (RFC 7761 4.1, 4.5, 4.6).
//
//   show ip pim join        downstream (*,G), (S,G), (S,G,rpt) state per interface, expiry/prune-pending
//   timers show ip pim upstream    upstream state, RPF interface and neighbor, Join Timer, SPT bit, KeepAlive
//   show ip pim assert      (S,G,I) and (*,G,I) assert state, winner and its metric, Assert Timer
//   show ip pim rpf         RPF lookups of sources and RPs: interface, next hop, RPF neighbor
//
// Each is a typed snapshot (pimd/core/pim_sm_status.hpp, pimd/core/assert.hpp) rendered to JSON with stable
// snake_case keys and to an FRR-style text table. core_mroute_flags() gives `show ip mroute` the core's flags
// for an (S,G) the kernel holds.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/core/ip.hpp"
#include "common/sys/status_server.hpp"
#include "common/sys/status_text.hpp"
#include "pimd/core/pim_sm_status.hpp"
#include "pimd/pimd_wiring.hpp"

namespace fanout::pimd {

struct PimJoinView {
    std::vector<pim::JoinStatus> rows;
};
// The DR register state of an (S,G) upstream row (RFC 7761 4.4.1; FRR's RegJ/RegP and RSTimer columns).
struct UpstreamRegister {
    std::string state;                              // Join / JoinPending / Prune
    std::optional<int64_t> register_stop_timer_ms;  // JoinPending / Prune
};
struct PimUpstreamView {
    std::vector<pim::UpstreamStatus> rows;
    std::vector<std::optional<UpstreamRegister>> registers;  // parallel to rows; (S,G) rows at a DR only
};
struct PimAssertRow {
    std::string interface;
    std::string source;  // "*" for (*,G)
    std::string group;
    std::string state;  // "winner", "loser"
    std::string winner;
    bool winner_rpt_bit = false;
    uint32_t winner_preference = 0;
    uint32_t winner_metric = 0;
    int64_t timer_ms = 0;
};
struct PimAssertView {
    std::vector<PimAssertRow> rows;
};
struct PimRpfView {
    std::vector<pim::RpfStatus> rows;
};

PimJoinView pim_join_view(const PimDaemon& d);
PimUpstreamView pim_upstream_view(const PimDaemon& d);
PimAssertView pim_assert_view(const PimDaemon& d);
PimRpfView pim_rpf_view(const PimDaemon& d);

// The core's `show ip mroute` flags of every (S,G) it holds (S sparse, C local receivers, P pruned, R rpt
// pruned, F first hop, T SPT bit, J joined upstream), keyed by (S,G).
std::map<SGKey, std::string> core_mroute_flags(const PimDaemon& d);

nlohmann::json to_json(const PimJoinView& v);
std::string to_text(const PimJoinView& v);
nlohmann::json to_json(const PimUpstreamView& v);
std::string to_text(const PimUpstreamView& v);
nlohmann::json to_json(const PimAssertView& v);
std::string to_text(const PimAssertView& v);
nlohmann::json to_json(const PimRpfView& v);
std::string to_text(const PimRpfView& v);

// Registers the four commands above.
void register_pim_sm_commands(sys::StatusServer& server, std::function<const PimDaemon*()> daemon);

}  // namespace fanout::pimd
