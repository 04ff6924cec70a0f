// The `beacons:` section of pimd.yaml (register beacons, pimd/core/beacon/beacon_config.hpp), read with
// common/sys/config_yaml.hpp. For the pimd config engineer: in the pimd parse function call
//   cfg.beacons = parse_beacons_section(root);      // std::vector<pim::BeaconSpec>
// and hand cfg.beacons to BeaconService::apply_config at start-up and on every reload (beacon_wiring.hpp).
//
//   beacons:
//     - interface: tun500           # required: the tunnel interface
//       rp: 10.0.0.0                # optional; default 10.0.0.0 (applied by make_beacon_config only)
//       interval: 10s               # optional; default 10s, [100ms, 1h]
//       first-send-spread: 1s       # optional; spread of the first sends of many groups
//       heartbeat:                  # optional; defaults: 5765 -> 5765, payload 445a0001
//         source-port: 5765
//         dest-port: 5765
//         payload: 445a0001         # hex, at most 1400 bytes
//       published:                  # the (S,G)s beaconed; may be empty
//         - {source: 148.51.120.0, group: 233.84.178.0}
//
// Errors carry file:line:column and key path; each entry is validated with make_beacon_config at parse
// time, so a reload with a bad beacon is refused before anything changes. Duplicate interfaces and duplicate
// (S,G)s within a beacon are errors.
#pragma once

#include <vector>

#include "common/sys/config_yaml.hpp"
#include "pimd/core/beacon/beacon_config.hpp"

namespace fanout::pimd {

// Reads the optional `beacons:` list of root (absent: none).
std::vector<pim::BeaconSpec> parse_beacons_section(sys::ConfigObject& root);
// One entry of the list.
pim::BeaconSpec parse_beacon(const sys::ConfigNode& node);

}  // namespace fanout::pimd
