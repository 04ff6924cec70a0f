#include "common/sys/running_config.hpp"

namespace fanout::sys {

std::string yaml_duration(Duration d) {
    return ConfigValue<Duration>::show(d);
}

void render_daemon_section(std::ostream& os, const DaemonCommonConfig& d) {
    os << "daemon:\n"
       << "  status-socket: " << d.status_socket << "\n"
       << "  ipc-socket: " << d.ipc_socket << "\n"
       << "  pid-file: " << d.pid_file << "\n"
       << "  log-level: " << std::string(spdlog::level::to_string_view(d.log_level).data()) << "\n"
       << "  debug: [";
    for (size_t i = 0; i < d.debug.size(); ++i)
        os << (i ? ", " : "") << log::category_name(d.debug[i]);
    os << "]\n";
    if (!d.metrics_listen.empty()) os << "metrics:\n  listen: " << d.metrics_listen << "\n";
}

}  // namespace fanout::sys
