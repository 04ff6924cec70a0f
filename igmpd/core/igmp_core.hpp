// The IGMP core (shared/ARCHITECTURE.md): one object taking one input at a time (interface changes, config
// changes, received IGMP messages, kernel upcalls in proxy mode; timers fire through the injected
// TimerService) and emitting actions through IgmpActions. No I/O, no clock reads, no threads.
//
// What it does: the IGMP v1/v2/v3 router side on every enabled interface (igmp_interface.hpp: querier
// election, group and source state, compatibility, SSM, limits, static groups) with the membership exported
// per (interface, group); and RFC 4605 proxying when an interface has the upstream role: the merged
// membership of the downstream interfaces is reported upstream by the host side (proxy_host.hpp), and the
// core owns the proxy's VIFs and MFC entries (proxy_forwarding.hpp).
//
// Receive path (each failure one counted drop reason): unknown ifindex -> source is one of our addresses ->
// IGMP not enabled on the interface -> proxy upstream: queries go to the host side, reports are dropped ->
// the interface's router side (igmp_interface.hpp).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/random.hpp"
#include "igmpd/core/igmp_actions.hpp"
#include "igmpd/core/igmp_config.hpp"
#include "igmpd/core/igmp_counters.hpp"
#include "igmpd/core/igmp_events.hpp"
#include "igmpd/core/igmp_interface.hpp"
#include "igmpd/core/proxy_forwarding.hpp"
#include "igmpd/core/proxy_host.hpp"

namespace fanout::igmp {

class IgmpCore {
  public:
    IgmpCore(IgmpConfig config, TimerService& timers, Random& rng, IgmpActions& actions);
    ~IgmpCore();
    IgmpCore(const IgmpCore&) = delete;
    IgmpCore& operator=(const IgmpCore&) = delete;

    void handle(const InterfaceChanged& ev);
    void handle(const InterfaceRemoved& ev);
    void handle(const ConfigChanged& ev);
    void handle(const RxIgmp& ev);
    void handle(const RxDecodeError& ev);
    void handle(const KernelNoCache& ev);
    void handle(const MfcIdle& ev);
    // Returns the number of groups cleared.
    size_t handle(const ClearGroups& ev);
    // Withdraws every membership and proxy VIF/MFC; later inputs are ignored.
    void shutdown();

    const IgmpConfig& config() const { return config_; }
    const std::map<int, std::unique_ptr<IgmpInterface>>& interfaces() const { return ifs_; }
    const IgmpInterface* find_interface(int ifindex) const;
    const IgmpInterface* find_interface(const std::string& name) const;
    const IgmpCounters& counters() const { return counters_; }
    TimePoint now() const { return timers_.now(); }

    // Proxy state.
    bool proxy_mode() const;
    int active_upstream() const { return upstream_; }  // 0 when none
    const ProxyHost& proxy_host() const { return proxy_host_; }
    const std::map<SGKey, ProxyMfc>& proxy_mfc() const { return mfc_; }
    const ProxyVifTable& proxy_vifs() const { return vifs_; }
    // RFC 4605 4.1: the merged membership of every downstream interface for group.
    FilterState merged_membership(Ipv4Address group) const;
    // The downstream views of group used by proxy_oifs().
    std::vector<DownstreamView> downstream_views(Ipv4Address group) const;

  private:
    IgmpInterfaceConfig interface_config(const std::string& name, const IgmpInterfaceConfig& c) const;
    void sync_interface(int ifindex);
    void on_membership_changed(IgmpInterface& i, Ipv4Address group);
    void on_querier_changed(IgmpInterface& i);
    bool is_local_address(Ipv4Address a) const;
    bool is_proxy_interface(const IgmpInterface& i) const;
    void update_upstream();
    void sync_vif(IgmpInterface& i);
    void reprogram(Ipv4Address group);
    void reprogram_all();
    void program(const SGKey& sg, int iif);

    IgmpConfig config_;
    TimerService& timers_;
    Random& rng_;
    IgmpActions& actions_;
    IgmpCounters counters_;
    IgmpContext ctx_;
    std::map<int, InterfaceChanged> links_;
    std::map<int, std::unique_ptr<IgmpInterface>> ifs_;
    ProxyHost proxy_host_;
    int upstream_ = 0;
    ProxyVifTable vifs_;
    std::map<int, ProxyVif> vif_info_;
    std::map<SGKey, ProxyMfc> mfc_;
    bool shut_down_ = false;
};

// The most MFC entries the proxy keeps (further NOCACHE upcalls are ignored until entries go idle).
inline constexpr size_t kProxyMaxMfcEntries = 16384;

}  // namespace fanout::igmp
