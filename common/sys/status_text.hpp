// Helpers shared by the daemons' status commands (pimd and igmpd): FRR-like text tables and durations, the
// logging view, and the control commands every daemon answers the same way (`show logging`,
// `debug CATEGORY on|off`, `reload`).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/core/result.hpp"
#include "common/sys/config_yaml.hpp"
#include "common/sys/status_server.hpp"

namespace fanout::sys {

// Columns padded to the widest cell, two spaces apart (FRR's `show` style).
std::string render_table(const std::vector<std::string>& headers,
                         const std::vector<std::vector<std::string>>& rows);
// "01:02:03" (hh:mm:ss) for durations under a day, "3d04h05m" above; "--:--:--" for none.
std::string format_hms(std::optional<int64_t> ms);

struct LoggingView {
    std::string level;
    std::vector<std::string> debug_on;
};
LoggingView logging_view();
nlohmann::json to_json(const LoggingView& v);
std::string to_text(const LoggingView& v);

// Registers `show logging`, `debug CATEGORY on|off` and `reload` (reload: the daemon-main reload function).
void register_control_commands(StatusServer& s, std::function<Result<Unit, ConfigError>()> reload);

}  // namespace fanout::sys
