// igmpd: the Fanout IGMP daemon (IGMP v1/v2/v3 router, RFC 4605 proxy). Arguments, configuration check,
// logging, pid file, status socket and signals come from common/sys/daemon_main; this file hands it igmpd's
// hooks:
//   start  -> IgmpDaemon::start (IGMP socket, netlink, IPC to pimd; kernel MRT in proxy mode) and the status
//             commands
//   reload -> IgmpDaemon::reload (SIGHUP or `fanout reload`; a bad file was already refused by daemon_main)
//   stop   -> IgmpDaemon::stop (memberships withdrawn, proxy MFCs and VIFs removed, MRT_DONE)
#include <memory>

#include "common/sys/daemon_main.hpp"
#include "common/sys/kernel_mrt_linux.hpp"
#include "igmpd/igmpd_config.hpp"
#include "igmpd/igmpd_status.hpp"
#include "igmpd/igmpd_wiring.hpp"

namespace {

using fanout::igmpd::IgmpDaemon;
using fanout::igmpd::IgmpdConfig;

// Owned here, destroyed by the stop hook while the loop still exists.
std::unique_ptr<IgmpDaemon> g_daemon;

fanout::Result<fanout::Unit, std::string> start(fanout::sys::DaemonContext& ctx,
                                                std::shared_ptr<const IgmpdConfig> config) {
    fanout::igmpd::register_igmpd_commands(
        ctx.status, [] { return static_cast<const IgmpDaemon*>(g_daemon.get()); }, ctx.reload);
    auto d = IgmpDaemon::start(ctx.loop, std::move(config), std::make_unique<fanout::sys::LinuxKernelMrt>());
    if (!d) return fanout::make_err(d.error());
    g_daemon = std::move(d).value();
    return fanout::Unit{};
}

void reload(fanout::sys::DaemonContext&, std::shared_ptr<const IgmpdConfig>,
            std::shared_ptr<const IgmpdConfig> next) {
    if (g_daemon) g_daemon->reload(std::move(next));
}

void stop(fanout::sys::DaemonContext&) {
    if (!g_daemon) return;
    g_daemon->stop();
    g_daemon.reset();
}

}  // namespace

int main(int argc, char** argv) {
    fanout::sys::DaemonHooks<IgmpdConfig> hooks;
    hooks.name = "igmpd";
    hooks.default_config = "/etc/fanout/igmpd.yaml";
    hooks.load_config = [](const std::string& path) { return fanout::igmpd::load_igmpd_config(path); };
    hooks.common = [](const IgmpdConfig& c) -> const fanout::sys::DaemonCommonConfig& { return c.daemon; };
    hooks.start = start;
    hooks.reload = reload;
    hooks.stop = stop;
    int rc = fanout::sys::run_daemon(argc, argv, std::move(hooks));
    // Still set only when the loop ended without the stop hook: the loop is gone, so its watches must not be
    // unregistered; the process exits and the kernel releases the sockets (and the MRT table).
    (void)g_daemon.release();
    return rc;
}
