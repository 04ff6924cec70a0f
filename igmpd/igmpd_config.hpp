// igmpd's configuration file (YAML), parsed with common/sys/config_yaml into one immutable IgmpdConfig. Every
// error names FILE:LINE:COL and the key path. The documented example with every key is etc/igmpd.yaml (a
// last-hop router next to pimd); etc/igmpd-proxy.yaml is an RFC 4605 proxy.
//
//   daemon:      # common daemon section (status socket, IPC socket, pid file, log level, debug)
//   interfaces:  # list: name, enabled, version, robustness, query-interval, ... (igmpd/core/igmp_config.hpp)
//   ssm-range:   # prefixes (default 232.0.0.0/8)
//   proxy:       # RFC 4605: upstream, alternate-upstream, downstreams, mroute-table
//   ipc:         # the link to pimd: enabled (default: true unless every interface is a proxy interface),
//                # socket (default: daemon.ipc-socket)
//
// Ranges come from the wire formats: the Max Resp Code and QQIC of RFC 3376 4.1.1/4.1.7 (at most 3174.4 s
// and 31744 s; 25.5 s for v1/v2 routers, RFC 2236 2.2), QRV (3 bits, RFC 3376 4.1.6), and 8.3 (the Query
// Response Interval must be shorter than the Query Interval).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/core/result.hpp"
#include "common/sys/config_yaml.hpp"
#include "igmpd/core/igmp_config.hpp"

namespace fanout::igmpd {

// 0 in the file means the kernel's default multicast table (RT_TABLE_DEFAULT, 253).
inline constexpr uint32_t kDefaultMrouteTableId = 253;

// RFC 4605 proxy: the roles are also in each interface's proxy_role (what the core reads); this keeps the
// section as written for `show running-config` and the MRT table that igmpd owns in proxy mode.
struct ProxyConfig {
    std::string upstream;
    std::string alternate_upstream;
    std::vector<std::string> downstreams;
    uint32_t mroute_table = 0;  // as written; kernel_table() maps 0 to 253
    bool operator==(const ProxyConfig&) const = default;
};

struct IpcConfig {
    bool enabled = true;
    std::string socket;  // pimd's IPC socket (the daemon section's ipc-socket unless set here)
    bool operator==(const IpcConfig&) const = default;
};

struct IgmpdConfig {
    std::string file;  // where it was read from
    sys::DaemonCommonConfig daemon;
    igmp::IgmpConfig
        igmp;  // interfaces (with proxy roles), SSM ranges, alternate upstream: what the core takes
    ProxyConfig proxy;
    IpcConfig ipc;

    bool proxy_enabled() const { return !proxy.upstream.empty(); }
    uint32_t kernel_table() const {
        return proxy.mroute_table == 0 ? kDefaultMrouteTableId : proxy.mroute_table;
    }
    // Every enabled interface has a proxy role: nothing to export to pimd.
    bool proxy_only() const;
};

// Parses YAML text; `file` names the source in errors.
Result<IgmpdConfig, sys::ConfigError> parse_igmpd_config(const std::string& text, const std::string& file);
// Reads and parses a file.
Result<IgmpdConfig, sys::ConfigError> load_igmpd_config(const std::string& path);

// The effective configuration, defaults included, as YAML that parse_igmpd_config accepts back.
std::string render_running_config(const IgmpdConfig& c);

}  // namespace fanout::igmpd
