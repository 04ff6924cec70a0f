#include "common/sys/running_config.hpp"

namespace fanout::sys {

void render_daemon_section(std::ostream& os, const DaemonCommonConfig& d) {
    os << "daemon:\n"
       << "  status-socket: " << d.status_socket << "\n"
       << "  ipc-socket: " << d.ipc_socket << "\n"
       << "  pid-file: " << d.pid_file << "\n"
       << "  log-level: " << std::string(spdlog::level::to_string_view(d.log_level).data()) << "\n"
       << "  debug: " << yaml_flow_list(d.debug) << "\n";
    if (!d.metrics_listen.empty()) os << "metrics:\n  listen: " << d.metrics_listen << "\n";
}

}  // namespace fanout::sys
