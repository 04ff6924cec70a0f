// `show ip pim register` (RFC 7761 4.4, issue #6): what the DR registers and to which RP (state,
// Register-Stop Timer, packets/bytes encapsulated, Null-Registers, Register-Stops received), what the RP
// learned from Registers (sender, packets/bytes, Register-Stops sent), and the counters with drops by reason.
// JSON: the register_status.hpp form ({"entries": [...], "counters": {"dr": {...}, "rp": {...}}}).
#pragma once

#include <functional>

#include "common/sys/status_server.hpp"
#include "pimd/pimd_wiring.hpp"

namespace fanout::pimd {

void register_register_commands(sys::StatusServer& server, std::function<const PimDaemon*()> daemon);

}  // namespace fanout::pimd
