// The PIM core (shared/ARCHITECTURE.md): one object taking one input at a time (interface changes, config
// changes, received PIM messages; timers fire through the injected TimerService) and emitting actions through
// PimActions. No I/O, no clock reads, no threads.
//
// What this layer does (RFC 7761 4.3): PIM interfaces, Hellos, neighbors, DR election, the VIF table, and the
// verified, counted receive path that dispatches each PIM message type to the subsystem that handles it.
//
// Extending it (join/prune, assert, register, BSR, MSDP, PIM-DM): add the subsystem as a member of PimCore,
// construct it with a reference to the core (or to what it needs), and in PimCore's constructor
//   - handlers().set(PimType::kX, [this](const PimRxContext& c) { return x_.receive(c); });
//   - add_observer(&x_) to hear about neighbors, GenID changes, DR changes, interfaces.
// Subsystems send with PimInterface::send() (after PimInterface::ensure_hello_sent() for J/P and Assert).
//
// Receive path, in order (each failure is one counted drop reason, see PimDropReason):
//   unknown ifindex -> own source address -> header/checksum decode (decode errors counted by kind) -> type
//   known -> per-type policy (pim_dispatch.hpp: PIM interface up, unicast source, ALL-PIM-ROUTERS, neighbor)
//   -> registered handler (else "unsupported-type") -> the handler's own verdict.
// Hellos are accepted from any unicast source on the link, not only from the interface's subnet: RFC 7761
// asks for no subnet check, and unnumbered or mis-addressed links still need adjacency (the neighbor filter
// is the tool for restricting neighbors).
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/random.hpp"
#include "pimd/core/kernel_events.hpp"
#include "pimd/core/local_membership.hpp"
#include "pimd/core/pim_actions.hpp"
#include "pimd/core/pim_config.hpp"
#include "pimd/core/pim_counters.hpp"
#include "pimd/core/pim_dispatch.hpp"
#include "pimd/core/pim_events.hpp"
#include "pimd/core/pim_interface.hpp"
#include "pimd/core/pim_observer.hpp"
#include "pimd/core/vif_table.hpp"

namespace fanout::pim {

class SparseMode;
struct RouteChanged;

class PimCore {
  public:
    PimCore(PimConfig config, TimerService& timers, Random& rng, PimActions& actions);
    ~PimCore();
    PimCore(const PimCore&) = delete;
    PimCore& operator=(const PimCore&) = delete;

    void handle(const InterfaceChanged& ev);
    void handle(const InterfaceRemoved& ev);
    void handle(const ConfigChanged& ev);
    void handle(const RxPim& ev);
    // PIM-SM inputs (sparse_mode.hpp): local membership from igmpd, unicast route changes, kernel upcalls.
    void handle(const MembershipChanged& ev);
    void handle(const RouteChanged& ev);
    void handle(const KernelUpcall& ev);
    // Upcalls read together from the mroute socket: one re-evaluation per affected group (sparse_mode.hpp).
    void handle(std::span<const KernelUpcall> batch);
    // Operator input (pim_events.hpp): returns the number of kernel entries deleted.
    size_t handle(const ClearMroutes& ev);
    // Stops PIM everywhere: a holdtime-0 Hello on every interface that can send, then every VIF removed.
    // Later inputs are ignored.
    void shutdown();

    // Extension points.
    PimHandlerTable& handlers() { return handlers_; }
    void add_observer(PimObserver* o) { observers_.push_back(o); }
    void remove_observer(PimObserver* o);
    // The register VIF (VIFF_REGISTER), for the register subsystem: allocated and announced with vif_add.
    Result<VifAdd, VifError> add_register_vif();
    void remove_register_vif();

    // The PIM-SM subsystem (TIB, join/prune, forwarding).
    SparseMode& sparse() { return *sparse_; }
    const SparseMode& sparse() const { return *sparse_; }

    // State.
    const PimConfig& config() const { return config_; }
    PimInterface* find_interface(int ifindex);
    const PimInterface* find_interface(int ifindex) const;
    const PimInterface* find_interface(const std::string& name) const;
    const std::map<int, std::unique_ptr<PimInterface>>& interfaces() const { return pim_ifs_; }
    const VifTable& vifs() const { return vifs_; }
    // The last VIF allocation error of ifindex ("" when none).
    std::string_view vif_error(int ifindex) const;
    const PimCounters& counters() const { return counters_; }
    // True when addr is one of the addresses of any known link.
    bool is_local_address(Ipv4Address addr) const;
    TimerService& timers() { return timers_; }
    Random& rng() { return rng_; }
    PimActions& actions() { return actions_; }
    TimePoint started_at() const { return started_at_; }
    TimePoint now() const { return timers_.now(); }

  private:
    void sync_interface(int ifindex);
    bool vif_wanted(int ifindex) const;
    void sync_vif(int ifindex);
    void retry_vifs();
    RxOutcome receive(const RxPim& rx, PimInterface*& pif, packet::PimType& type);
    RxOutcome receive_hello(const PimRxContext& ctx);
    void count(const RxOutcome& out, PimInterface* pif, packet::PimType type);

    PimConfig config_;
    TimerService& timers_;
    Random& rng_;
    PimActions& actions_;
    TimePoint started_at_;
    PimCounters counters_;
    std::vector<PimObserver*> observers_;
    PimContext ctx_;
    PimHandlerTable handlers_;
    VifTable vifs_;
    std::map<int, InterfaceChanged> links_;
    std::map<int, std::string_view> vif_errors_;
    std::map<int, std::unique_ptr<PimInterface>> pim_ifs_;
    std::unique_ptr<SparseMode> sparse_;  // after everything it uses; destroyed first
    bool shut_down_ = false;
};

}  // namespace fanout::pim
