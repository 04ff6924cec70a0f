// The whole main() of a Fanout daemon built on daemon_main.hpp: one daemon object owning the kernel's
// multicast routing table, started, reloaded and stopped by the hooks. pimd/main.cpp and igmpd/main.cpp are
// one DaemonProgram each:
//
//   Daemon::start(EventLoop&, std::shared_ptr<const Config>, std::unique_ptr<KernelMrt>)
//       -> Result<std::unique_ptr<Daemon>, std::string>   (opens everything; the error names what failed)
//   Daemon::reload(std::shared_ptr<const Config>)         (a validated new configuration: apply the diff)
//   Daemon::stop()                                        (clean shutdown while the loop still exists)
//   Config::daemon                                        (the common daemon settings)
//
// The status commands are registered before the daemon starts, with an accessor that answers nullptr until
// the daemon runs and once it has stopped.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/sys/daemon_main.hpp"
#include "common/sys/kernel_mrt_linux.hpp"

namespace fanout::sys {

template <typename Daemon, typename Config>
struct DaemonProgram {
    std::string name;            // "pimd"
    std::string default_config;  // "/etc/fanout/pimd.yaml"
    std::function<Result<Config, ConfigError>(const std::string& path)> load_config;
    std::function<void(StatusServer&, std::function<const Daemon*()> daemon,
                       std::function<Result<Unit, ConfigError>()> reload)>
        register_commands;
};

template <typename Daemon, typename Config>
int run_daemon_program(int argc, char** argv, DaemonProgram<Daemon, Config> program) {
    // One per program; destroyed by the stop hook while the loop still exists.
    static std::unique_ptr<Daemon> running;
    DaemonHooks<Config> hooks;
    hooks.name = program.name;
    hooks.default_config = program.default_config;
    hooks.load_config = program.load_config;
    hooks.common = [](const Config& c) -> const DaemonCommonConfig& { return c.daemon; };
    hooks.start = [commands = program.register_commands](
                      DaemonContext& ctx, std::shared_ptr<const Config> config) -> Result<Unit, std::string> {
        commands(
            ctx.status, [] { return static_cast<const Daemon*>(running.get()); }, ctx.reload);
        auto d = Daemon::start(ctx.loop, std::move(config), std::make_unique<LinuxKernelMrt>());
        if (!d) return make_err(d.error());
        running = std::move(d).value();
        return Unit{};
    };
    hooks.reload = [](DaemonContext&, std::shared_ptr<const Config>, std::shared_ptr<const Config> next) {
        if (running) running->reload(std::move(next));
    };
    hooks.stop = [](DaemonContext&) {
        if (!running) return;
        running->stop();
        running.reset();
    };
    int rc = run_daemon(argc, argv, std::move(hooks));
    // Still set only when the loop ended without the stop hook: the loop is gone, so the daemon's watches
    // must not be unregistered; the process exits and the kernel releases the sockets (and the MRT table).
    (void)running.release();
    return rc;
}

}  // namespace fanout::sys
