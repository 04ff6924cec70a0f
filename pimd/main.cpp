// pimd: the Fanout PIM daemon. Arguments, configuration check, logging, pid file, status socket and signals
// come from common/sys/daemon_main (through daemon_program.hpp):
//   start  -> PimDaemon::start (kernel MRT, PIM socket, netlink, IPC) and the status commands
//   reload -> PimDaemon::reload (SIGHUP or `fanout reload`; a bad file was already refused by daemon_main)
//   stop   -> PimDaemon::stop (holdtime-0 hellos, static MFCs and VIFs removed, MRT_DONE)
#include "common/sys/daemon_program.hpp"
#include "pimd/pimd_config.hpp"
#include "pimd/pimd_status.hpp"
#include "pimd/pimd_wiring.hpp"

int main(int argc, char** argv) {
    using fanout::pimd::PimDaemon;
    using fanout::pimd::PimdConfig;
    return fanout::sys::run_daemon_program<PimDaemon, PimdConfig>(
        argc, argv,
        {.name = "pimd",
         .default_config = "/etc/fanout/pimd.yaml",
         .load_config = [](const std::string& path) { return fanout::pimd::load_pimd_config(path); },
         .register_commands = fanout::pimd::register_pimd_commands});
}
