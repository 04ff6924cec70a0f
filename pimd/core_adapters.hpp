// The seams between the system layer and the PIM-SM pieces of the core (pure conversions plus two small
// adapters), so that wiring the TIB in is one call per event in pimd_wiring.cpp:
//   kernel upcall (sys::Upcall, KernelMrt::read_upcalls)      -> pim::KernelUpcall      (core.handle)
//   igmpd membership change (sys::MembershipTable listener)   -> pim::MembershipChanged (core.handle)
//   route to an address (sys::RibLookup, netlink)             -> pim::RibView for RpfTracker
//   (S,G) counters (KernelMrt::get_sg_counters, SIOCGETSGCNT) -> pim::CounterSource for KeepAlive / SPT
//   rp: / ssm-range: / spt-switchover: (PimdConfig)           -> pim::RpSetConfig, pim::SptThreshold
#pragma once

#include <optional>

#include "common/sys/ipc_membership_table.hpp"
#include "common/sys/kernel_mrt.hpp"
#include "common/sys/rib_lookup.hpp"
#include "pimd/core/keepalive.hpp"
#include "pimd/core/kernel_events.hpp"
#include "pimd/core/local_membership.hpp"
#include "pimd/core/rib_view.hpp"
#include "pimd/core/rp_set.hpp"
#include "pimd/pimd_config.hpp"

namespace fanout::pimd {

pim::KernelUpcall to_core_upcall(const sys::Upcall& u);

// A removed record, or an INCLUDE with no sources, is INCLUDE {} (no receivers) for the core.
pim::MembershipChanged to_membership_changed(sys::MembershipChange change, const sys::MembershipEntry& e);

// The RIB's answer as the core sees it (preference left 0: RpfTracker fills it from its table).
pim::RpfRoute to_core_route(const sys::RpfRoute& r);

pim::RpSetConfig to_rp_set_config(const PimdConfig& c);
pim::SptThreshold to_spt_threshold(const SptSwitchover& s);

// pim::RibView over netlink RTM_GETROUTE (RTM_F_FIB_MATCH). No route, unreachable, prohibit and blackhole are
// "unreachable"; a failed request too (and is counted by RibLookup).
class NetlinkRibView final : public pim::RibView {
  public:
    explicit NetlinkRibView(sys::RibLookup& rib) : rib_(rib) {}
    std::optional<pim::RpfRoute> lookup(Ipv4Address addr) override;

  private:
    sys::RibLookup& rib_;
};

// pim::CounterSource over the kernel MFC counters (SIOCGETSGCNT); nothing for an (S,G) not installed.
class KernelCounterSource final : public pim::CounterSource {
  public:
    explicit KernelCounterSource(sys::KernelMrt& mrt) : mrt_(mrt) {}
    std::optional<pim::SgCounterSample> sg_counters(const SGKey& key) override;

  private:
    sys::KernelMrt& mrt_;
};

}  // namespace fanout::pimd
