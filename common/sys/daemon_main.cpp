#include "common/sys/daemon_main.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "common/core/log.hpp"
#include "common/sys/latency_probe_file.hpp"
#include "common/sys/metrics_http.hpp"
#include "common/sys/pid_file.hpp"

#ifndef FANOUT_VERSION
#define FANOUT_VERSION "0.0.0"
#endif

namespace fanout::sys {
namespace {

// Splits "--opt=value"; takes the value from the next argument otherwise.
Result<std::string, std::string> option_value(const std::vector<std::string>& args, size_t& i,
                                              const std::string& name,
                                              const std::optional<std::string>& inline_value) {
    if (inline_value) return *inline_value;
    if (i + 1 >= args.size()) return make_err("option '" + name + "' needs a value");
    return args[++i];
}

void apply_logging(const DaemonCommonConfig& c) {
    log::logger().set_level(c.log_level);
    for (LogCategory cat : log::all_categories())
        log::set_debug(cat, false);
    for (LogCategory cat : c.debug)
        log::set_debug(cat, true);
}

DaemonCommonConfig effective_common(const DaemonCommonConfig& from_config, const DaemonArgs& a) {
    DaemonCommonConfig c = from_config;
    if (a.status_socket) c.status_socket = *a.status_socket;
    if (a.pid_file) c.pid_file = *a.pid_file;
    if (a.log_level) c.log_level = *a.log_level;
    return c;
}

// Classic double fork; the parent returns false and exits 0.
bool daemonize() {
    pid_t p = ::fork();
    if (p < 0) return true;  // stay in the foreground rather than fail
    if (p > 0) ::_exit(0);
    ::setsid();
    p = ::fork();
    if (p > 0) ::_exit(0);
    if (::chdir("/") != 0) return true;
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
        if (null > 2) ::close(null);
    }
    return true;
}

}  // namespace

std::string_view fanout_version() {
    return FANOUT_VERSION;
}

std::string daemon_usage(std::string_view daemon, const std::string& default_config) {
    std::string d(daemon);
    return "usage: " + d +
           " [options]\n"
           "  -f, --config FILE       configuration file (default " +
           default_config +
           ")\n"
           "  -s, --status-socket P   status socket path (overrides the configuration)\n"
           "      --log-level LEVEL   trace, debug, info, warning, error, critical or off\n"
           "      --pid-file FILE     pid file (overrides the configuration)\n"
           "  -d, --foreground        stay in the foreground (the default; for systemd)\n"
           "  -b, --background        fork into the background\n"
           "      --check-config      validate the configuration and exit (0 valid, 1 invalid)\n"
           "  -v, --version           print the version and exit\n"
           "  -h, --help              print this help and exit\n";
}

Result<DaemonArgs, std::string> parse_daemon_args(const std::vector<std::string>& args,
                                                  const std::string& default_config) {
    DaemonArgs a;
    a.config_file = default_config;
    for (size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        std::optional<std::string> inline_value;
        if (arg.rfind("--", 0) == 0) {
            if (auto eq = arg.find('='); eq != std::string::npos) {
                inline_value = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
            }
        }
        auto value = [&]() { return option_value(args, i, arg, inline_value); };
        if (arg == "-f" || arg == "--config") {
            auto v = value();
            if (!v.ok()) return make_err(v.error());
            a.config_file = v.value();
        } else if (arg == "-s" || arg == "--status-socket") {
            auto v = value();
            if (!v.ok()) return make_err(v.error());
            a.status_socket = v.value();
        } else if (arg == "--pid-file") {
            auto v = value();
            if (!v.ok()) return make_err(v.error());
            a.pid_file = v.value();
        } else if (arg == "--log-level") {
            auto v = value();
            if (!v.ok()) return make_err(v.error());
            auto l = log_level_from_name(v.value());
            if (!l) return make_err("unknown log level '" + v.value() + "'");
            a.log_level = *l;
        } else if ((arg == "-d" || arg == "--foreground") && !inline_value) {
            a.foreground = true;
        } else if ((arg == "-b" || arg == "--background") && !inline_value) {
            a.foreground = false;
        } else if (arg == "--check-config" && !inline_value) {
            a.check_config = true;
        } else if ((arg == "-h" || arg == "--help") && !inline_value) {
            a.help = true;
        } else if ((arg == "-v" || arg == "--version") && !inline_value) {
            a.version = true;
        } else if (!arg.empty() && arg[0] == '-') {
            return make_err("unknown option '" + args[i] + "'");
        } else {
            return make_err("unexpected argument '" + arg + "'");
        }
    }
    return a;
}

namespace {

// The running daemon: everything after the configuration was validated.
class DaemonRunner {
  public:
    DaemonRunner(const ErasedDaemonHooks& h, const DaemonArgs& a, AnyConfig cfg)
        : h_(h), args_(a), config_(std::move(cfg)) {}

    int run() {
        DaemonCommonConfig common = effective_common(h_.common(config_.get()), args_);
        auto pid = PidFile::acquire(common.pid_file, h_.name);
        if (!pid.ok()) return fail(pid.error());
        pid_ = std::move(pid.value());
        StatusServerOptions so{common.status_socket, h_.name, std::string(fanout_version()),
                               args_.config_file};
        auto status = StatusServer::listen(loop_, so);
        if (!status.ok()) return fail(status.error());
        status_ = std::move(status.value());
        if (h_.drop_capabilities) {
            auto caps = drop_capabilities(h_.capabilities);
            if (!caps.ok()) return fail(caps.error());
        }
        ctx_.emplace(DaemonContext{h_.name, loop_, *status_, args_, common,
                                   [this](int code) { shutdown(code); }, [this] { return reload(); }});
        Watch term = loop_.on_signal(SIGTERM, [this] { shutdown(0); });
        Watch intr = loop_.on_signal(SIGINT, [this] { shutdown(0); });
        Watch hup = loop_.on_signal(SIGHUP, [this] { (void)reload(); });
        auto started = h_.start(*ctx_, config_);
        if (!started.ok()) return fail(started.error());
        if (!common.metrics_listen.empty()) {
            auto m =
                MetricsHttpServer::listen(loop_, common.metrics_listen, [this] { return metrics_text(); });
            if (!m.ok()) {
                shutdown(1);
                return fail(m.error());
            }
            metrics_ = std::move(m.value());
        }
        FANOUT_LOG_INFO("{} {} started (pid {}, config {}, status socket {})", h_.name, fanout_version(),
                        ::getpid(), args_.config_file, common.status_socket);
        if (!stopping_) loop_.run();
        FANOUT_LOG_INFO("{} stopped", h_.name);
        return exit_code_;
    }

  private:
    // The body of a scrape: `show metrics` as text (the daemon registers it; empty when it has not).
    std::string metrics_text() {
        nlohmann::json r = status_->dispatch({"show", "metrics"}, "text");
        return r.value("ok", false) ? r.value("text", std::string()) : std::string();
    }

    int fail(const std::string& why) {
        FANOUT_LOG_ERROR("{}: {}", h_.name, why);
        return 1;
    }

    void shutdown(int code) {
        if (stopping_) return;
        stopping_ = true;
        exit_code_ = code;
        FANOUT_LOG_INFO("{} shutting down", h_.name);
        h_.stop(*ctx_);
        loop_.stop();
    }

    Result<Unit, ConfigError> reload() {
        auto next = h_.load_config(args_.config_file);
        if (!next.ok()) {
            FANOUT_LOG_ERROR("{}: reload failed, keeping the running configuration: {}", h_.name,
                             next.error().to_string());
            return make_err(next.error());
        }
        AnyConfig old = config_;
        config_ = std::move(next.value());
        DaemonCommonConfig common = effective_common(h_.common(config_.get()), args_);
        if (common.status_socket != ctx_->common.status_socket || common.pid_file != ctx_->common.pid_file ||
            common.ipc_socket != ctx_->common.ipc_socket ||
            common.metrics_listen != ctx_->common.metrics_listen)
            FANOUT_LOG_WARN("{}: socket, metrics listener and pid file paths change at the next restart",
                            h_.name);
        apply_logging(common);
        ctx_->common.log_level = common.log_level;
        ctx_->common.debug = common.debug;
        h_.reload(*ctx_, old, config_);
        FANOUT_LOG_INFO("{}: configuration {} reloaded", h_.name, args_.config_file);
        return Unit{};
    }

    const ErasedDaemonHooks& h_;
    const DaemonArgs& args_;
    AnyConfig config_;
    PidFile pid_;  // released after the status server (declared first, destroyed last)
    EventLoop loop_;
    std::unique_ptr<StatusServer> status_;
    std::unique_ptr<MetricsHttpServer> metrics_;  // optional Prometheus listener (metrics: listen)
    std::optional<DaemonContext> ctx_;
    bool stopping_ = false;
    int exit_code_ = 0;
};

}  // namespace

int run_daemon_erased(int argc, char** argv, const ErasedDaemonHooks& h) {
    std::vector<std::string> raw(argv + (argc > 0 ? 1 : 0), argv + argc);
    auto parsed = parse_daemon_args(raw, h.default_config);
    if (!parsed.ok()) {
        std::fprintf(stderr, "%s: %s\n%s", h.name.c_str(), parsed.error().c_str(),
                     daemon_usage(h.name, h.default_config).c_str());
        return 2;
    }
    const DaemonArgs& a = parsed.value();
    if (a.help) {
        std::fputs(daemon_usage(h.name, h.default_config).c_str(), stdout);
        return 0;
    }
    if (a.version) {
        std::printf("%s (fanout) %s\n", h.name.c_str(), std::string(fanout_version()).c_str());
        return 0;
    }
    auto cfg = h.load_config(a.config_file);
    if (!cfg.ok()) {
        std::fprintf(stderr, "%s: %s\n", h.name.c_str(), cfg.error().to_string().c_str());
        return 1;
    }
    if (a.check_config) {
        std::printf("%s: configuration %s is valid\n", h.name.c_str(), a.config_file.c_str());
        return 0;
    }
    apply_logging(effective_common(h.common(cfg.value().get()), a));
    std::signal(SIGPIPE, SIG_IGN);
    if (!a.foreground) daemonize();
    write_latency_probes_at_exit(h.name);
    DaemonRunner runner(h, a, std::move(cfg.value()));
    return runner.run();
}

}  // namespace fanout::sys
