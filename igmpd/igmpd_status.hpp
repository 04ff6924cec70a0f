// igmpd's status commands: typed snapshots of the daemon taken at one instant, each rendered to JSON (stable
// snake_case keys: what tests assert on) and to text aligned in columns like FRR's (what people read). The
// core's own snapshots (igmpd/core/igmp_status.hpp) are wrapped here; links, IPC, the kernel MRT (proxy) and
// the wiring's receive counters come from the daemon.
//
//   show interface                 links known from netlink, with IGMP socket, role and proxy VIF
//   show ipc                       the link to pimd: connected, records sent, reconnects
//   show ip igmp interface [IF]    version, querier, timers, counters (core)
//   show ip igmp groups [IF]       interface, group, mode, timer, sources, version, uptime (core)
//   show ip igmp sources [IF]      per-source timers (core)
//   show ip igmp statistics        messages by type, records, drops by reason, decode errors
//   show ip igmp proxy             RFC 4605: upstream, merged membership, VIFs, MFC entries
//   show running-config            the effective configuration (YAML)
//   show logging, debug CATEGORY on|off, reload   (common/sys/status_text.hpp)
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/sys/status_server.hpp"
#include "common/sys/status_text.hpp"
#include "igmpd/core/igmp_status.hpp"
#include "igmpd/igmpd_wiring.hpp"

namespace fanout::igmpd {

struct LinkStatus {
    std::string name;
    int ifindex = 0;
    bool up = false;
    bool multicast = false;
    std::vector<std::string> addresses;
    bool configured = false;
    bool enabled = false;
    bool socket_open = false;
    std::string proxy_role;
    std::optional<int> vif;
};
struct LinksView {
    std::vector<LinkStatus> links;
};

struct IpcView {
    bool enabled = false;
    std::string socket;
    bool connected = false;
    bool peer_seen = false;
    uint64_t reconnects = 0;  // connections after the first
    IpcCounters counters;
    size_t exported = 0;  // (interface, group) records pimd has (or gets at the next connect)
    nlohmann::json link;  // IpcClient::to_json
};

struct IgmpInterfacesView {
    std::vector<igmp::InterfaceStatus> interfaces;
};
struct IgmpGroupsView {
    std::vector<igmp::GroupStatus> groups;
};
struct IgmpSourcesView {
    std::vector<igmp::SourceStatus> sources;
};
struct IgmpStatisticsView {
    igmp::StatisticsStatus core;
    RxCounters rx;
    sys::RawSocketCounters socket;
};
struct IgmpProxyView {
    igmp::ProxyStatus core;
    bool mrt_open = false;
    uint32_t table = 0;
    MrtCounters mrt;
    std::map<int, std::string> names;  // ifindex -> name, for the MFC rows
};
struct RunningConfigView {
    std::string file;
    std::string yaml;
};

LinksView links_view(const IgmpDaemon& d);
IpcView ipc_view(const IgmpDaemon& d);
IgmpStatisticsView statistics_view(const IgmpDaemon& d);
IgmpProxyView proxy_view(const IgmpDaemon& d);

nlohmann::json to_json(const LinksView& v);
std::string to_text(const LinksView& v);
nlohmann::json to_json(const IpcView& v);
std::string to_text(const IpcView& v);
nlohmann::json to_json(const IgmpInterfacesView& v);
std::string to_text(const IgmpInterfacesView& v);
nlohmann::json to_json(const IgmpGroupsView& v);
std::string to_text(const IgmpGroupsView& v);
nlohmann::json to_json(const IgmpSourcesView& v);
std::string to_text(const IgmpSourcesView& v);
nlohmann::json to_json(const IgmpStatisticsView& v);
std::string to_text(const IgmpStatisticsView& v);
nlohmann::json to_json(const IgmpProxyView& v);
std::string to_text(const IgmpProxyView& v);
nlohmann::json to_json(const RunningConfigView& v);
std::string to_text(const RunningConfigView& v);

// Registers every igmpd command on the status server. `daemon` returns the running daemon (nullptr while
// starting or once stopped); `reload` re-reads the configuration file (the daemon-main reload).
void register_igmpd_commands(sys::StatusServer& server, std::function<const IgmpDaemon*()> daemon,
                             std::function<Result<Unit, sys::ConfigError>()> reload);

}  // namespace fanout::igmpd
