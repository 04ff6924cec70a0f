// Registration of pimd's status commands (see pimd_status.hpp for the list) and their completions.
#include <set>

#include "common/core/log.hpp"
#include "pimd/core/sparse_mode.hpp"
#include "pimd/msdp_commands.hpp"
#include "pimd/pimd_clear_commands.hpp"
#include "pimd/pimd_metrics.hpp"
#include "pimd/pimd_sm_status.hpp"
#include "pimd/pimd_status.hpp"
#include "pimd/register_commands.hpp"

namespace fanout::pimd {

using sys::ArgSpec;
using sys::CommandSpec;
using sys::ShowOutput;

namespace {

using DaemonFn = std::function<const PimDaemon*()>;
using Reply = Result<ShowOutput, std::string>;

// Wraps a snapshot builder: "pimd is stopping" once the daemon is gone.
template <typename F>
sys::CommandHandler with_daemon(DaemonFn daemon, F build) {
    return [daemon = std::move(daemon),
            build = std::move(build)](const std::vector<std::string>& args) -> Reply {
        const PimDaemon* d = daemon();
        if (!d) return make_err(std::string("pimd is not running (starting or stopping)"));
        return build(*d, args);
    };
}

std::string arg0(const std::vector<std::string>& args) {
    return args.empty() ? std::string() : args[0];
}

Reply check_interface(const PimDaemon& d, const std::string& name) {
    if (!name.empty() && !d.interfaces().find(name) && !d.core().find_interface(name))
        return make_err("unknown interface " + name);
    return ShowOutput{};
}

void register_show(sys::StatusServer& s, const DaemonFn& daemon) {
    ArgSpec ifname{"IFNAME", sys::kArgInterface, true, "only this interface"};
    s.add({{"show", "interface"}, "interfaces known from netlink: state, addresses, VIF, PIM", {}},
          with_daemon(daemon, [](const PimDaemon& d, const auto&) -> Reply {
              return ShowOutput::of(links_view(d));
          }));
    s.add({{"show", "ip", "pim", "interface"}, "PIM interfaces: state, address, neighbors, DR", {ifname}},
          with_daemon(daemon, [](const PimDaemon& d, const auto& args) -> Reply {
              if (auto c = check_interface(d, arg0(args)); !c) return c;
              return ShowOutput::of(pim_interfaces_view(d, arg0(args)));
          }));
    s.add({{"show", "ip", "pim", "neighbor"}, "PIM neighbors: uptime, holdtime, DR priority", {ifname}},
          with_daemon(daemon, [](const PimDaemon& d, const auto& args) -> Reply {
              if (auto c = check_interface(d, arg0(args)); !c) return c;
              return ShowOutput::of(pim_neighbors_view(d, arg0(args)));
          }));
    s.add({{"show", "ip", "mroute"}, "kernel multicast forwarding entries with packet counters", {}},
          with_daemon(daemon, [](const PimDaemon& d, const auto&) -> Reply {
              return ShowOutput::of(mroutes_view(d));
          }));
    s.add({{"show", "ip", "multicast", "vif"}, "the kernel VIF table with counters", {}},
          with_daemon(daemon,
                      [](const PimDaemon& d, const auto&) -> Reply { return ShowOutput::of(vifs_view(d)); }));
    s.add({{"show", "ipc"}, "the igmpd link: connection, session, membership records", {}},
          with_daemon(daemon,
                      [](const PimDaemon& d, const auto&) -> Reply { return ShowOutput::of(ipc_view(d)); }));
    s.add({{"show", "ip", "igmp-membership"}, "local receivers reported by igmpd", {}},
          with_daemon(daemon, [](const PimDaemon& d, const auto&) -> Reply {
              return ShowOutput::of(membership_view(d));
          }));
    s.add({{"show", "running-config"}, "the effective configuration, defaults included (YAML)", {}},
          with_daemon(daemon, [](const PimDaemon& d, const auto&) -> Reply {
              return ShowOutput::of(running_config_view(d.config()));
          }));
}

}  // namespace

void register_pimd_commands(sys::StatusServer& server, std::function<const PimDaemon*()> daemon,
                            std::function<Result<Unit, sys::ConfigError>()> reload) {
    register_show(server, daemon);
    register_pim_sm_commands(server, daemon);
    auto baseline = std::make_shared<StatisticsBaseline>();
    register_pimd_clear_commands(server, daemon, baseline);
    register_register_commands(server, daemon, baseline);
    register_beacon_commands(server, [daemon]() -> const BeaconService* {
        const PimDaemon* d = daemon();
        return d ? d->beacons() : nullptr;
    });
    register_msdp_commands(server, {[daemon]() -> const MsdpService* {
                                        const PimDaemon* d = daemon();
                                        return d ? d->msdp() : nullptr;
                                    },
                                    [daemon, baseline]() -> std::optional<AnycastRpView> {
                                        const PimDaemon* d = daemon();
                                        if (!d) return std::nullopt;
                                        AnycastRpView v = anycast_rp_view(*d);
                                        v.counters = baseline->display(v.counters);
                                        return v;
                                    }});
    sys::register_control_commands(server, std::move(reload));
    sys::register_metrics_command(server, pimd_metric_rules(), "pimd", statistics_totals(daemon));
    server.add_completion(sys::kArgInterface, [daemon] {
        std::vector<std::string> names;
        if (const PimDaemon* d = daemon())
            for (const auto& i : d->interfaces().all())
                names.push_back(i.name);
        return names;
    });
    server.add_completion(sys::kArgGroup, [daemon] {
        std::set<std::string> groups;
        if (const PimDaemon* d = daemon()) {
            for (const auto& [key, e] : d->mrt().mfcs())
                groups.insert(key.group.to_string());
            for (const auto& m : d->config().static_mroutes)
                groups.insert(m.group.to_string());
            for (const auto& [k, e] : d->membership().entries())
                groups.insert(k.group.to_string());
        }
        return std::vector<std::string>(groups.begin(), groups.end());
    });
}

}  // namespace fanout::pimd
