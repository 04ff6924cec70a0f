// The `msdp:` and `anycast-rp:` sections of pimd.yaml (MSDP: RFC 3618, pimd/core/msdp/msdp_config.hpp;
// anycast RP: RFC 4610, pimd/core/anycast_rp.hpp), read with common/sys/config_yaml.hpp. Every error names
// file:line:col and the key path; the core's own checks (msdp::validate, pim::validate) run at parse time so
// a reload with a bad section is refused before anything changes.
//
//   msdp:
//     local-address: 192.0.2.1      # required: source of our TCP connections, address we listen on
//     originator-id: 10.0.0.0       # RP address put in originated SAs; default: the anycast-rp address
//     max-sa-cache: 100000          # learned SAs, all peers together
//     encapsulate-data: true        # first data packet of a new local source rides in its SA (RFC 3618 14)
//     keepalive: 60s                # RFC 3618 5.4
//     hold-time: 75s                # 5.3
//     connect-retry: 30s            # 5.5
//     sa-advertisement: 60s         # 5.1
//     sa-state: 150s                # 5.2 (at least 90 s)
//     peers:
//       - address: 192.0.2.2        # required
//         local-address: 192.0.2.1  # connect source for this peer (default: msdp.local-address)
//         mesh-group: anycast       # RFC 3618 10.2
//         password: secret          # TCP MD5 (RFC 2385)
//         description: rp2 in pop 7
//         sa-limit: 10000           # SAs learned from this peer (0: no limit)
//         sa-filter-in:             # first match wins; no match denies; no rules permits all
//           - {action: permit, source: 0.0.0.0/0, group: 239.0.0.0/8}
//         sa-filter-out: []
//   anycast-rp:                     # RFC 4610 register forwarding
//     address: 10.0.0.0             # the anycast RP address (also an rp: entry, on a loopback)
//     members: [192.0.2.1, 192.0.2.2]   # every member's own address, ours included
#pragma once

#include <optional>

#include "common/sys/config_yaml.hpp"
#include "pimd/core/anycast_rp.hpp"
#include "pimd/core/msdp/msdp_config.hpp"

namespace fanout::pimd {

// The optional `anycast-rp:` map of root.
std::optional<pim::AnycastRpConfig> parse_anycast_rp_section(sys::ConfigObject& root);
// The optional `msdp:` map of root; the originator defaults to anycast->address when anycast is given.
std::optional<msdp::MsdpConfig> parse_msdp_section(sys::ConfigObject& root,
                                                   const std::optional<pim::AnycastRpConfig>& anycast);

}  // namespace fanout::pimd
