// The shared main() of pimd and igmpd: arguments, configuration, logging, pid file, privileges, the event
// loop, the status socket and signals. A daemon's main.cpp is a DaemonHooks and one call:
//
//   int main(int argc, char** argv) {
//       return fanout::sys::run_daemon<PimdConfig>(argc, argv, {
//           .name = "pimd", .default_config = "/etc/fanout/pimd.yaml",
//           .load_config = load_pimd_config, .common = [](const PimdConfig& c) -> auto& { return c.common; },
//           .start = start_pimd, .reload = reload_pimd, .stop = stop_pimd});
//   }
//
// Order at start: parse arguments; load and validate the configuration (errors "FILE:LINE:COL: KEY: reason"
// on stderr, exit 1; --check-config stops here with 0 or 1); logging; optional fork into the background; pid
// file (refuses a second live instance); status socket; capability drop (see capabilities.hpp); start hook;
// loop. SIGTERM/SIGINT call the stop hook and end the loop (exit 0). SIGHUP re-reads and validates the
// configuration: on error it logs the error and keeps the running configuration; on success it calls the
// reload hook with the old and the new configuration (the daemon diffs them) and applies the new log
// settings. The status socket path, pid file and IPC socket path take effect only at the next start.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.hpp"
#include "common/sys/capabilities.hpp"
#include "common/sys/config_yaml.hpp"
#include "common/sys/event_loop.hpp"
#include "common/sys/status_server.hpp"

namespace fanout::sys {

// The project version ("0.1.0").
std::string_view fanout_version();

struct DaemonArgs {
    std::string config_file;
    std::optional<std::string> status_socket;            // -s PATH overrides the config
    std::optional<spdlog::level::level_enum> log_level;  // --log-level overrides the config
    std::optional<std::string> pid_file;                 // --pid-file overrides the config
    bool foreground = true;                              // -d/--foreground (default); -b/--background forks
    bool check_config = false;
    bool help = false;
    bool version = false;
};

// Parses the arguments after argv[0]. Errors: "unknown option '--x'", "option '-f' needs a value", ...
Result<DaemonArgs, std::string> parse_daemon_args(const std::vector<std::string>& args,
                                                  const std::string& default_config);
std::string daemon_usage(std::string_view daemon, const std::string& default_config);

// What the hooks get: the loop, the status server (to register show commands) and a few controls.
struct DaemonContext {
    std::string name;
    EventLoop& loop;
    StatusServer& status;
    const DaemonArgs& args;
    // The effective common settings (config with command-line overrides).
    DaemonCommonConfig common;
    // Ends the loop with this exit code, as SIGTERM does (the stop hook runs).
    std::function<void(int exit_code)> shutdown;
    // Re-reads the configuration as SIGHUP does; the error (if any) was already logged.
    std::function<Result<Unit, ConfigError>()> reload;
};

// Type-erased hooks; use DaemonHooks<Config> below.
using AnyConfig = std::shared_ptr<const void>;
struct ErasedDaemonHooks {
    std::string name;
    std::string default_config;
    std::function<Result<AnyConfig, ConfigError>(const std::string& path)> load_config;
    std::function<const DaemonCommonConfig&(const void* config)> common;
    std::function<Result<Unit, std::string>(DaemonContext&, const AnyConfig&)> start;
    std::function<void(DaemonContext&, const AnyConfig& old_config, const AnyConfig& new_config)> reload;
    std::function<void(DaemonContext&)> stop;
    std::vector<int> capabilities;
    bool drop_capabilities = true;
};
int run_daemon_erased(int argc, char** argv, const ErasedDaemonHooks& hooks);

template <typename Config>
struct DaemonHooks {
    std::string name;            // "pimd"
    std::string default_config;  // "/etc/fanout/pimd.yaml"
    // Usually: return load_file(path, parse_pimd_config);
    std::function<Result<Config, ConfigError>(const std::string& path)> load_config;
    std::function<const DaemonCommonConfig&(const Config&)> common;
    // Opens sockets, registers show commands, starts protocol work. An error ends the daemon (exit 1).
    std::function<Result<Unit, std::string>(DaemonContext&, std::shared_ptr<const Config>)> start;
    // Applies a validated new configuration (diff old -> new). Optional.
    std::function<void(DaemonContext&, std::shared_ptr<const Config> old_config,
                       std::shared_ptr<const Config> new_config)>
        reload;
    // Clean shutdown (e.g. MRT_DONE, goodbye hellos). Optional.
    std::function<void(DaemonContext&)> stop;
    // Kept when started as root (see capabilities.hpp).
    std::vector<int> capabilities = default_daemon_capabilities();
    bool drop_capabilities = true;
};

template <typename Config>
int run_daemon(int argc, char** argv, DaemonHooks<Config> h) {
    ErasedDaemonHooks e;
    e.name = h.name;
    e.default_config = h.default_config;
    e.load_config = [load = h.load_config](const std::string& path) -> Result<AnyConfig, ConfigError> {
        auto r = load(path);
        if (!r.ok()) return make_err(r.error());
        return AnyConfig(std::make_shared<const Config>(std::move(r).value()));
    };
    e.common = [common = h.common](const void* c) -> const DaemonCommonConfig& {
        return common(*static_cast<const Config*>(c));
    };
    e.start = [start = h.start](DaemonContext& ctx, const AnyConfig& c) -> Result<Unit, std::string> {
        if (!start) return Unit{};
        return start(ctx, std::static_pointer_cast<const Config>(c));
    };
    e.reload = [reload = h.reload](DaemonContext& ctx, const AnyConfig& o, const AnyConfig& n) {
        if (reload)
            reload(ctx, std::static_pointer_cast<const Config>(o), std::static_pointer_cast<const Config>(n));
    };
    e.stop = [stop = h.stop](DaemonContext& ctx) {
        if (stop) stop(ctx);
    };
    e.capabilities = h.capabilities;
    e.drop_capabilities = h.drop_capabilities;
    return run_daemon_erased(argc, argv, e);
}

}  // namespace fanout::sys
