// igmpd: the Fanout IGMP daemon (IGMP v1/v2/v3 router, RFC 4605 proxy). Arguments, configuration check,
// logging, pid file, status socket and signals come from common/sys/daemon_main (through daemon_program.hpp):
//   start  -> IgmpDaemon::start (IGMP socket, netlink, IPC to pimd; kernel MRT in proxy mode) and the status
//             commands
//   reload -> IgmpDaemon::reload (SIGHUP or `fanout reload`; a bad file was already refused by daemon_main)
//   stop   -> IgmpDaemon::stop (memberships withdrawn, proxy MFCs and VIFs removed, MRT_DONE)
#include "common/sys/daemon_program.hpp"
#include "igmpd/igmpd_config.hpp"
#include "igmpd/igmpd_status.hpp"
#include "igmpd/igmpd_wiring.hpp"

int main(int argc, char** argv) {
    using fanout::igmpd::IgmpDaemon;
    using fanout::igmpd::IgmpdConfig;
    return fanout::sys::run_daemon_program<IgmpDaemon, IgmpdConfig>(
        argc, argv,
        {.name = "igmpd",
         .default_config = "/etc/fanout/igmpd.yaml",
         .load_config = [](const std::string& path) { return fanout::igmpd::load_igmpd_config(path); },
         .register_commands = fanout::igmpd::register_igmpd_commands});
}
