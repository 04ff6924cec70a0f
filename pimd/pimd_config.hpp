// pimd's configuration file (YAML), parsed with common/sys/config_yaml into one immutable PimdConfig. Every
// error names FILE:LINE:COL and the key path (config_yaml does that). The documented example with every key
// is etc/pimd.yaml; etc/pimd-static-demo.yaml is the demo's.
//
//   daemon:            # common daemon section (status socket, IPC socket, pid file, log level, debug)
//   interfaces:        # list: name, pim, igmp, hello-interval, hello-holdtime, dr-priority, ...
//   rp:                # static RPs: address, groups, override
//   ssm-range:         # prefixes (default 232.0.0.0/8)
//   spt-switchover:    # immediate | never | <kbps>
//   join-prune-interval, assert-time, assert-override-interval, keepalive-period,
//   register-suppression-time, register-probe-time
//   mroute-table:      # kernel multicast routing table id (0: the default table)
//   static-mroutes:    # list of {source, group, iif, oifs}: static kernel forwarding entries
//   beacons:           # register beacons (pimd/beacon_config_yaml.hpp)
//   msdp:, anycast-rp: # MSDP peers and the RFC 4610 anycast-RP set (pimd/msdp_config_yaml.hpp)
//
// Defaults are the RFC's (pimd/core/pim_config.hpp). rp, ssm-range and spt-switchover are kept here as
// written (for `show running-config`) and also converted into pim.rp_set / pim.spt_threshold for the core.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/core/ip.hpp"
#include "common/core/result.hpp"
#include "common/sys/config_yaml.hpp"
#include "pimd/core/anycast_rp.hpp"
#include "pimd/core/beacon/beacon_config.hpp"
#include "pimd/core/msdp/msdp_config.hpp"
#include "pimd/core/pim_config.hpp"

namespace fanout::pimd {

// RFC 7761 4.7: one static Group-to-RP mapping.
struct StaticRpConfig {
    Ipv4Address address;
    std::vector<Ipv4Prefix> groups{addr::kMulticast};  // default: 224.0.0.0/4
    bool override_dynamic = false;                     // wins over RPs learned by BSR
    bool operator==(const StaticRpConfig&) const = default;
};

// RFC 7761 4.2.1 / 4.5.6: when a last-hop router switches from the RP tree to the source tree.
struct SptSwitchover {
    enum class Mode : uint8_t { kImmediate, kNever, kThreshold };
    Mode mode = Mode::kImmediate;
    uint32_t kbps = 0;  // kThreshold: switch once a source sends faster than this
    bool operator==(const SptSwitchover&) const = default;
    std::string to_string() const;  // "immediate", "never", "1000"
};

// A static kernel forwarding entry (like FRR's `ip mroute`): (source, group) arriving on iif leaves by oifs.
struct StaticMroute {
    Ipv4Address source;
    Ipv4Address group;
    std::string iif;
    std::vector<std::string> oifs;
    bool operator==(const StaticMroute&) const = default;
    SGKey key() const { return SGKey{source, group}; }
};

// 0 in the file means the kernel's default multicast table (RT_TABLE_DEFAULT, 253).
inline constexpr uint32_t kDefaultMrouteTableId = 253;

struct PimdConfig {
    std::string file;  // where it was read from
    sys::DaemonCommonConfig daemon;
    pim::PimConfig pim;  // interfaces and protocol timers, as the core takes them
    std::vector<StaticRpConfig> rps;
    std::vector<Ipv4Prefix> ssm_ranges{addr::kDefaultSsm};
    SptSwitchover spt;
    uint32_t mroute_table = 0;  // as written; kernel_table() maps 0 to 253
    std::vector<StaticMroute> static_mroutes;
    std::vector<pim::BeaconSpec> beacons;
    std::optional<msdp::MsdpConfig> msdp;            // absent: MSDP off
    std::optional<pim::AnycastRpConfig> anycast_rp;  // absent: no RFC 4610 register forwarding

    uint32_t kernel_table() const { return mroute_table == 0 ? kDefaultMrouteTableId : mroute_table; }
    const StaticMroute* find_static_mroute(const SGKey& key) const;
};

// Parses YAML text; `file` names the source in errors.
Result<PimdConfig, sys::ConfigError> parse_pimd_config(const std::string& text, const std::string& file);
// Reads and parses a file.
Result<PimdConfig, sys::ConfigError> load_pimd_config(const std::string& path);

// The effective configuration, defaults included, as YAML that parse_pimd_config accepts back.
std::string render_running_config(const PimdConfig& c);

}  // namespace fanout::pimd
