// `show ip pim register` (RFC 7761 4.4, issue #6): what the DR registers and to which RP (state,
// Register-Stop Timer, packets/bytes encapsulated, Null-Registers, Register-Stops received), what the RP
// learned from Registers (sender, packets/bytes, Register-Stops sent), and the counters with drops by reason.
// JSON: the register_status.hpp form ({"entries": [...], "counters": {"dr": {...}, "rp": {...}}}). The
// counters count from the last `clear ip pim statistics` (pimd_clear_commands.hpp); the entries over their
// lives.
#pragma once

#include <functional>
#include <memory>

#include "common/sys/status_server.hpp"
#include "pimd/core/register_status.hpp"
#include "pimd/msdp_commands.hpp"
#include "pimd/pimd_clear_commands.hpp"
#include "pimd/pimd_wiring.hpp"

namespace fanout::pimd {

void register_register_commands(sys::StatusServer& server, std::function<const PimDaemon*()> daemon,
                                std::shared_ptr<const StatisticsBaseline> baseline);

// The register path's state with its running totals (what `show metrics` reads).
pim::RegisterStatus register_totals(const PimDaemon& d);
// The anycast-RP set and its register-forwarding totals (`show ip pim anycast-rp` shows them since the
// clear).
AnycastRpView anycast_rp_view(const PimDaemon& d);

}  // namespace fanout::pimd
