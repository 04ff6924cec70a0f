// Static multicast routes (the `static-mroutes:` section; like FRR's `ip mroute`): kernel MFC entries for
// fixed (S,G) with an incoming interface and outgoing interfaces, installed as soon as their VIFs exist.
//
// sync() makes the kernel match the configuration, given the current VIF of each interface name:
//  - an entry whose iif has no VIF is not installed (and removed if it was): state "waiting for VIF";
//  - oifs without a VIF are left out until their VIF appears (the entry is re-programmed then);
//  - an entry no longer configured is removed; a changed one is updated in place (MRT_ADD_MFC).
// The daemon calls sync() at start, after every VIF change (an interface that goes and comes back gets its
// entries back, whatever index its new VIF has) and after a reload. KernelMrt keeps what it installed, so the
// comparison is against KernelMrt::mfcs() (which also reflects del_vif clearing oifs).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/sys/kernel_mrt.hpp"
#include "pimd/pimd_config.hpp"

namespace fanout::pimd {

struct StaticMrouteCounters {
    uint64_t installs = 0;
    uint64_t updates = 0;
    uint64_t removals = 0;
    uint64_t failures = 0;
};

struct StaticMrouteState {
    StaticMroute route;
    bool installed = false;
    std::optional<sys::VifIndex> iif_vif;
    std::vector<std::string> missing_oifs;  // configured oifs without a VIF now
    std::string error;                      // why it is not installed ("" when installed)
};

class StaticMroutes {
  public:
    // The VIF of an interface name, if it has one.
    using VifResolver = std::function<std::optional<sys::VifIndex>(const std::string& ifname)>;

    explicit StaticMroutes(sys::KernelMrt& mrt) : mrt_(mrt) {}

    // The configured routes (start and reload); takes effect at the next sync().
    void set_routes(std::vector<StaticMroute> routes) { routes_ = std::move(routes); }
    const std::vector<StaticMroute>& routes() const { return routes_; }

    void sync(const VifResolver& vif_of);
    // Deletes every entry installed here (shutdown).
    void remove_all();

    bool is_static(const SGKey& key) const { return installed_.count(key) != 0 || configured(key); }
    std::vector<StaticMrouteState> states() const { return states_; }
    const StaticMrouteCounters& counters() const { return counters_; }

  private:
    bool configured(const SGKey& key) const;
    void remove(const SGKey& key);

    sys::KernelMrt& mrt_;
    std::vector<StaticMroute> routes_;
    std::set<SGKey> installed_;  // keys this class installed
    std::vector<StaticMrouteState> states_;
    StaticMrouteCounters counters_;
};

}  // namespace fanout::pimd
