// The `register:` section of pimd.yaml (RFC 7761 4.4, issue #6): settings of the DR and RP register path
// beyond the two 4.11 timers (register-suppression-time, register-probe-time, which stay top-level keys).
//
//   register:
//     source: 10.0.0.1            # outer source of Registers; must be one of our addresses when used
//                                 # (default: the address of the interface toward the RP)
//     rate-limit:                 # DR: encapsulated data Registers per (S,G)
//       pps: 1000                 #   0 = unlimited
//       burst: 200
//     accept:                     # RP: accept-register filter (a Register is accepted when its inner
//       sources: [10.0.0.0/8]     #   source is inside one of `sources` and its group inside one of
//       groups: [239.0.0.0/8]     #   `groups`; an empty or missing list accepts everything)
//     rp-rate-limit:              # RP: Registers accepted per sending DR
//       pps: 0                    #   0 = unlimited
//       burst: 100
// Bad values are refused with file:line:col (ConfigNode::check).
#pragma once

#include <ostream>

#include "common/sys/config_yaml.hpp"
#include "pimd/core/pim_config.hpp"

namespace fanout::pimd {

void parse_register_section(sys::ConfigObject& root, pim::PimConfig& p);
// The section as `show running-config` prints it.
void render_register_section(std::ostream& os, const pim::PimConfig& p);

}  // namespace fanout::pimd
