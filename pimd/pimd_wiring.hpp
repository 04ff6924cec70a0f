// The pimd daemon's wiring (shared/ARCHITECTURE.md: "pimd/main.cpp ... is wiring"): one EventLoop turning
// real happenings into PimCore events and executing its actions.
//
//   netlink links/addresses (InterfaceSource)  -> PimCore InterfaceChanged / InterfaceRemoved (every link:
//                                                 the core runs PIM only on configured ones, and uses the
//                                                 others' addresses to recognise its own packets)
//   PIM raw socket (PimSocket)                 -> IPv4 header stripped (common/packet/ipv4) -> RxPim
//   PimCore actions (SysActions)               -> PimSocket sends, KernelMrt VIFs and MFCs
//   PimCore interface up/down (observer)       -> join/leave ALL-PIM-ROUTERS (224.0.0.13) on the interface
//   mroute socket upcalls (KernelMrt)          -> counted by type -> UpcallBacklog (NOCACHE newest first, in
//                                                 chunks; upcall_backlog.hpp) -> PimCore KernelUpcall
//   igmpd over the IPC socket (IpcServer)      -> MembershipTable -> PimCore MembershipChanged
//   netlink route changes (RibLookup)          -> PimCore RouteChanged; RPF lookups through NetlinkRibView
//   kernel (S,G) counters (SIOCGETSGCNT)       -> the core's KeepAlive / SPT sampling (KernelCounterSource)
//   static-mroutes                             -> StaticMroutes, re-synced after every VIF change and reload
//
// core_adapters.hpp converts between the system types and the core's.
// Start-up fails (and pimd exits 1) when the kernel has no multicast routing, another daemon owns the table,
// or the PIM socket cannot be opened.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/core/random.hpp"
#include "common/sys/event_loop.hpp"
#include "common/sys/interface_source.hpp"
#include "common/sys/ipc_link.hpp"
#include "common/sys/ipc_membership_table.hpp"
#include "common/sys/kernel_mrt.hpp"
#include "common/sys/raw_socket.hpp"
#include "common/sys/rib_lookup.hpp"
#include "pimd/beacon_wiring.hpp"
#include "pimd/core/pim_core.hpp"
#include "pimd/core/pim_observer.hpp"
#include "pimd/core/upcall_backlog.hpp"
#include "pimd/core_adapters.hpp"
#include "pimd/msdp_service.hpp"
#include "pimd/pimd_config.hpp"
#include "pimd/static_mroutes.hpp"
#include "pimd/sys_actions.hpp"

namespace fanout::pimd {

// Receive-path counters of the wiring (before the core sees a packet).
struct RxCounters {
    uint64_t packets = 0;           // handed to the core
    uint64_t ip_decode_errors = 0;  // the IPv4 header did not decode (bad checksum, length...)
    uint64_t fragments = 0;         // fragmented PIM: never reassembled
    uint64_t not_pim = 0;           // IP protocol other than 103
};

// Converts a netlink interface to the core's event.
pim::InterfaceChanged to_interface_changed(const InterfaceInfo& info);

class PimDaemon : private pim::PimObserver {
  public:
    // Opens everything and starts; the error names what failed and why.
    static Result<std::unique_ptr<PimDaemon>, std::string> start(sys::EventLoop& loop,
                                                                 std::shared_ptr<const PimdConfig> config,
                                                                 std::unique_ptr<sys::KernelMrt> mrt);
    ~PimDaemon() override;
    PimDaemon(const PimDaemon&) = delete;
    PimDaemon& operator=(const PimDaemon&) = delete;

    // A validated new configuration (SIGHUP, `reload`): the core gets ConfigChanged, static mroutes are
    // re-applied (difference only).
    void reload(std::shared_ptr<const PimdConfig> config);
    // `clear ip mroute [G]` (pim::ClearMroutes): the kernel entries PIM installed for group (all when unset)
    // are deleted and what PIM still wants is installed again; returns the number deleted. Static mroutes
    // stay.
    size_t clear_mroutes(std::optional<Ipv4Address> group);
    // Clean shutdown: static MFCs removed, core.shutdown() (holdtime-0 hellos, VIFs deleted), MRT_DONE.
    void stop();

    // State for the status commands.
    const PimdConfig& config() const { return *config_; }
    const pim::PimCore& core() const { return *core_; }
    sys::KernelMrt& mrt() const { return *mrt_; }
    const sys::InterfaceSource& interfaces() const { return ifsrc_; }
    const sys::PimSocket& socket() const { return *sock_; }
    const SysActions& actions() const { return *actions_; }
    const StaticMroutes& static_mroutes() const { return statics_; }
    const sys::MembershipTable& membership() const { return membership_; }
    const sys::IpcServer* ipc() const { return ipc_.get(); }
    const std::string& ipc_error() const { return ipc_error_; }
    const RxCounters& rx_counters() const { return rx_; }
    pim::UpcallBacklogStats upcall_backlog() const { return upcalls_.stats(); }
    const BeaconService* beacons() const { return beacons_.get(); }
    const MsdpService* msdp() const { return msdp_.get(); }  // MSDP (msdp_service.hpp)
    uint64_t reloads() const { return reloads_; }
    pim::RibView& rib_view() { return rib_view_; }
    const sys::RibLookupCounters& rib_counters() const { return rib_.counters(); }
    pim::CounterSource& counter_source() { return counters_; }
    // The ifindex of an interface name (netlink), if present.
    std::optional<int> ifindex_of(const std::string& name) const;
    // The name of an ifindex ("ifindex N" when unknown).
    std::string ifname_of(int ifindex) const;
    // The VIF index of an interface name, if it has one in the kernel.
    std::optional<sys::VifIndex> vif_of(const std::string& ifname) const;

  private:
    PimDaemon(sys::EventLoop& loop, std::shared_ptr<const PimdConfig> config,
              std::unique_ptr<sys::KernelMrt> mrt, sys::PimSocket sock);
    Result<Unit, std::string> open_rest();
    void on_interface_change(const InterfaceChange& c);
    void on_pim_readable();
    void on_upcalls();
    void read_upcalls();
    void serve_upcalls();
    void sync_static_mroutes();
    void on_interface_up(const pim::PimInterface& pif) override;
    void on_interface_down(const pim::PimInterface& pif) override;

    sys::EventLoop& loop_;
    std::shared_ptr<const PimdConfig> config_;
    std::unique_ptr<sys::KernelMrt> mrt_;
    std::optional<sys::PimSocket> sock_;
    std::unique_ptr<PimSocketTransmitter> tx_;
    std::unique_ptr<SysActions> actions_;
    std::unique_ptr<PimSocketBeaconActions> beacon_actions_;
    SeededRandom rng_;
    sys::RibLookup rib_;
    NetlinkRibView rib_view_;
    KernelCounterSource counters_;
    std::unique_ptr<pim::PimCore> core_;
    std::unique_ptr<BeaconService> beacons_;  // register beacons (beacon_wiring.hpp)
    std::unique_ptr<MsdpService> msdp_;       // after core_ and rib_: destroyed before them
    sys::InterfaceSource ifsrc_;
    StaticMroutes statics_;
    sys::MembershipTable membership_;
    std::unique_ptr<sys::IpcServer> ipc_;
    std::string ipc_error_;
    sys::Watch pim_watch_;
    sys::Watch upcall_watch_;
    pim::UpcallBacklog upcalls_;  // read, not yet handed to the core (upcall_backlog.hpp)
    TimerHandle upcalls_later_;   // the rest of the backlog, on a later loop turn
    RxCounters rx_;
    uint64_t reloads_ = 0;
    bool stopped_ = false;
};

}  // namespace fanout::pimd
