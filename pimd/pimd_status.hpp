// pimd's status commands: typed snapshots of the daemon taken at one instant, each rendered to JSON (stable
// snake_case keys: what tests assert on) and to text aligned in columns like FRR's (what people read).
// The core's own snapshots (pimd/core/pim_status.hpp) are wrapped here; the rest (links, VIFs, MFC entries
// with kernel counters, IPC, membership, logging, config) come from the wiring.
//
//   show interface                 links known from netlink
//   show ipc                       the igmpd link
//   show ip igmp-membership        membership received from igmpd
//   show ip pim interface [IF]     PIM interfaces (core)
//   show ip pim neighbor [IF]      PIM neighbors (core)
//   show ip pim statistics         PIM counters (core) and the wiring's socket/kernel counters
//   show ip mroute                 kernel MFC entries with SIOCGETSGCNT counters; static ones flagged S
//   show ip multicast vif          the kernel VIF table with per-VIF counters
//   show running-config            the effective configuration (YAML)
//   show logging                   log level and debug categories on
//   debug CATEGORY on|off, reload
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/sys/status_server.hpp"
#include "common/sys/status_text.hpp"
#include "pimd/core/pim_status.hpp"
#include "pimd/core/sparse_mode.hpp"
#include "pimd/pimd_wiring.hpp"

namespace fanout::pimd {

// ---- text tables, logging (shared with igmpd: common/sys/status_text.hpp) ----

using sys::format_hms;
using sys::logging_view;
using sys::LoggingView;
using sys::render_table;

// ---- snapshots ----

struct LinkStatus {
    std::string name;
    int ifindex = 0;
    bool up = false;  // admin and carrier
    bool multicast = false;
    bool loopback = false;
    uint32_t mtu = 0;
    std::vector<std::string> addresses;  // "a.b.c.d/len", primaries first
    std::optional<int> vif;
    bool pim_configured = false;
    bool pim_enabled = false;
    bool igmp = false;
};
struct LinksView {
    std::vector<LinkStatus> links;
};

struct PimInterfacesView {
    std::vector<pim::InterfaceStatus> interfaces;
};
struct PimNeighborsView {
    std::vector<pim::NeighborStatus> neighbors;
};
struct PimStatisticsView {
    pim::StatisticsStatus core;
    sys::RawSocketCounters socket;
    RxCounters rx;
    SysActionsCounters actions;
    sys::UpcallCounters upcalls;
    pim::UpcallBacklogStats upcall_backlog;  // read, waiting for the core (upcall_backlog.hpp)
    StaticMrouteCounters static_mroutes;
    uint64_t reloads = 0;
    pim::SparseModeCounters sparse;
    sys::RibLookupCounters rib;   // netlink route lookups and the route monitor (rib_lookup.hpp)
    pim::RpfTrackerCounters rpf;  // the core's RPF answers (rpf_tracker.hpp)
};

struct MrouteOif {
    std::string name;
    int vif = 0;
    int ttl = 0;
};
struct MrouteRow {
    Ipv4Address source;
    Ipv4Address group;
    std::string iif;  // interface name ("" when waiting for its VIF)
    std::optional<int> iif_vif;
    std::vector<MrouteOif> oifs;
    std::string flags;     // "S" static, or the PIM-SM flags (see to_text)
    std::string protocol;  // who owns the entry: "static", "pim", or "kernel" (neither: left by someone else)
    bool installed = false;
    std::string state;  // "installed" or why not
    uint64_t packets = 0;
    uint64_t bytes = 0;
    uint64_t wrong_if = 0;
};
struct MroutesView {
    std::vector<MrouteRow> routes;
    uint32_t table = 0;
};

struct VifRow {
    int vif = 0;
    std::string name;
    int ifindex = 0;
    bool register_vif = false;
    Ipv4Address local_address;
    uint64_t in_packets = 0, out_packets = 0, in_bytes = 0, out_bytes = 0;
};
struct VifsView {
    std::vector<VifRow> vifs;
    std::vector<std::pair<std::string, std::string>> errors;  // interface name, reason it has no VIF
};

struct IpcView {
    std::string socket;
    std::string listen_error;
    bool listening = false;
    nlohmann::json server;  // IpcServer::to_json (connected, peer, counters)
    size_t records = 0;
    size_t stale = 0;
    bool in_snapshot = false;
    sys::MembershipTableCounters table;
};
struct MembershipView {
    std::vector<sys::MembershipEntry> entries;
};

struct RunningConfigView {
    std::string file;
    std::string yaml;
};

LinksView links_view(const PimDaemon& d);
PimInterfacesView pim_interfaces_view(const PimDaemon& d, const std::string& name);
PimNeighborsView pim_neighbors_view(const PimDaemon& d, const std::string& name);
PimStatisticsView pim_statistics_view(const PimDaemon& d);
MroutesView mroutes_view(const PimDaemon& d);
VifsView vifs_view(const PimDaemon& d);
IpcView ipc_view(const PimDaemon& d);
MembershipView membership_view(const PimDaemon& d);
RunningConfigView running_config_view(const PimdConfig& c);

nlohmann::json to_json(const LinksView& v);
std::string to_text(const LinksView& v);
nlohmann::json to_json(const PimInterfacesView& v);
std::string to_text(const PimInterfacesView& v);
nlohmann::json to_json(const PimNeighborsView& v);
std::string to_text(const PimNeighborsView& v);
nlohmann::json to_json(const PimStatisticsView& v);
std::string to_text(const PimStatisticsView& v);
nlohmann::json to_json(const MroutesView& v);
std::string to_text(const MroutesView& v);
nlohmann::json to_json(const VifsView& v);
std::string to_text(const VifsView& v);
nlohmann::json to_json(const IpcView& v);
std::string to_text(const IpcView& v);
nlohmann::json to_json(const MembershipView& v);
std::string to_text(const MembershipView& v);
nlohmann::json to_json(const RunningConfigView& v);
std::string to_text(const RunningConfigView& v);

// Registers every pimd command on the status server. `daemon` returns the running daemon (nullptr once
// stopped); `reload` re-reads the configuration file (the daemon-main reload).
void register_pimd_commands(sys::StatusServer& server, std::function<const PimDaemon*()> daemon,
                            std::function<Result<Unit, sys::ConfigError>()> reload);

}  // namespace fanout::pimd
