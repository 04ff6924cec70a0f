// pimd: the Fanout PIM daemon. Arguments, configuration check, logging, pid file, status socket and signals
// come from common/sys/daemon_main; this file hands it pimd's hooks:
//   start  -> PimDaemon::start (kernel MRT, PIM socket, netlink, IPC) and the status commands
//   reload -> PimDaemon::reload (SIGHUP or `fanout reload`; a bad file was already refused by daemon_main)
//   stop   -> PimDaemon::stop (holdtime-0 hellos, static MFCs and VIFs removed, MRT_DONE)
#include <memory>

#include "common/core/log.hpp"
#include "common/sys/daemon_main.hpp"
#include "common/sys/kernel_mrt_linux.hpp"
#include "pimd/pimd_config.hpp"
#include "pimd/pimd_status.hpp"
#include "pimd/pimd_wiring.hpp"

namespace {

using fanout::pimd::PimDaemon;
using fanout::pimd::PimdConfig;

// Owned here, destroyed by the stop hook while the loop still exists.
std::unique_ptr<PimDaemon> g_daemon;

fanout::Result<fanout::Unit, std::string> start(fanout::sys::DaemonContext& ctx,
                                                std::shared_ptr<const PimdConfig> config) {
    fanout::pimd::register_pimd_commands(
        ctx.status, [] { return static_cast<const PimDaemon*>(g_daemon.get()); }, ctx.reload);
    auto d = PimDaemon::start(ctx.loop, std::move(config), std::make_unique<fanout::sys::LinuxKernelMrt>());
    if (!d) return fanout::make_err(d.error());
    g_daemon = std::move(d).value();
    return fanout::Unit{};
}

void reload(fanout::sys::DaemonContext&, std::shared_ptr<const PimdConfig>,
            std::shared_ptr<const PimdConfig> next) {
    if (g_daemon) g_daemon->reload(std::move(next));
}

void stop(fanout::sys::DaemonContext&) {
    if (!g_daemon) return;
    g_daemon->stop();
    g_daemon.reset();
}

}  // namespace

int main(int argc, char** argv) {
    fanout::sys::DaemonHooks<PimdConfig> hooks;
    hooks.name = "pimd";
    hooks.default_config = "/etc/fanout/pimd.yaml";
    hooks.load_config = [](const std::string& path) { return fanout::pimd::load_pimd_config(path); };
    hooks.common = [](const PimdConfig& c) -> const fanout::sys::DaemonCommonConfig& { return c.daemon; };
    hooks.start = start;
    hooks.reload = reload;
    hooks.stop = stop;
    int rc = fanout::sys::run_daemon(argc, argv, std::move(hooks));
    // Still set only when the loop ended without the stop hook: the loop is gone, so its watches must not be
    // unregistered; the process exits and the kernel releases the sockets (and the MRT table).
    (void)g_daemon.release();
    return rc;
}
