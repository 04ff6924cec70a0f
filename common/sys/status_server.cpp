#include "common/sys/status_server.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/core/ip.hpp"
#include "common/core/log.hpp"

namespace fanout::sys {

using nlohmann::json;

struct StatusServer::Connection {
    // Declaration order matters: the watches and the timer go before the fd is closed.
    UniqueFd fd;
    uint64_t id = 0;
    std::string in;
    std::string out;
    size_t out_off = 0;
    bool replying = false;
    bool closing = false;
    Watch rd;
    Watch wr;
    std::vector<Watch> retired;  // watches stopped from inside their own callback, freed by reap()
    TimerHandle timeout;
};

namespace {

json error_reply(const std::string& message) {
    return json{{"ok", false}, {"error", message}};
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : " ") + x;
    return s;
}

std::string format_uptime(int64_t s) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%lldd %02lld:%02lld:%02lld", static_cast<long long>(s / 86400),
                  static_cast<long long>((s / 3600) % 24), static_cast<long long>((s / 60) % 60),
                  static_cast<long long>(s % 60));
    return buf;
}

std::optional<std::string> check_kind(const ArgSpec& a, const std::string& v) {
    if (v.empty()) return "empty value for " + a.name;
    if (a.kind == kArgGroup) {
        auto g = Ipv4Address::parse(v);
        if (!g || !g->is_multicast()) return "'" + v + "' is not a multicast group address";
    } else if (a.kind == kArgAddress) {
        if (!Ipv4Address::parse(v)) return "'" + v + "' is not an IPv4 address";
    } else if (a.kind == kArgPrefix) {
        if (!Ipv4Prefix::parse(v)) return "'" + v + "' is not an IPv4 prefix";
    } else if (a.kind == kArgNumber) {
        if (!std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
            return "'" + v + "' is not a number";
    } else if (a.kind == kArgCategory) {
        if (!log::category_from_name(v)) return "unknown debug category '" + v + "'";
    }
    return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<StatusServer>, std::string> StatusServer::listen(EventLoop& loop,
                                                                        StatusServerOptions o) {
    UnixListenOptions lo;
    lo.path = o.path;
    lo.mode = 0660;
    lo.group = o.group;
    auto l = listen_unix(lo);
    if (!l.ok()) return make_err(l.error());
    return std::unique_ptr<StatusServer>(new StatusServer(loop, std::move(o), std::move(l.value())));
}

StatusServer::StatusServer(EventLoop& loop, StatusServerOptions options, UnixListener listener)
    : loop_(loop), options_(std::move(options)), listener_(std::move(listener)), started_(loop.now()) {
    accept_watch_ = loop_.watch_readable(listener_.fd.get(), [this] { on_accept(); });
    add_builtins();
}

StatusServer::~StatusServer() {
    conns_.clear();
    accept_watch_.reset();
    unlink_if_ours(listener_.path, listener_.inode);
}

void StatusServer::add(CommandSpec spec, CommandHandler handler) {
    auto path = spec.path;
    commands_[path] = Command{std::move(spec), std::move(handler)};
}

void StatusServer::add_completion(std::string kind, CompletionProvider provider) {
    completions_[std::move(kind)] = std::move(provider);
}

void StatusServer::add_builtins() {
    add({{"show", "version"}, "daemon name, version, pid, uptime and configuration file", {}},
        [this](const std::vector<std::string>&) -> Result<ShowOutput, std::string> {
            int64_t up = std::chrono::duration_cast<std::chrono::seconds>(loop_.now() - started_).count();
            ShowOutput out;
            out.json = {{"daemon", options_.daemon},
                        {"version", options_.version},
                        {"pid", static_cast<int64_t>(::getpid())},
                        {"uptime_seconds", up},
                        {"config_file", options_.config_file}};
            out.text = options_.daemon + " version " + options_.version + "\npid " +
                       std::to_string(::getpid()) + "\nuptime " + format_uptime(up) + "\nconfig " +
                       options_.config_file + "\n";
            return out;
        });
    add_completion(kArgCategory, [] {
        std::vector<std::string> v;
        for (LogCategory c : log::all_categories())
            v.emplace_back(log::category_name(c));
        return v;
    });
}

json StatusServer::commands_json() const {
    json cmds = json::array();
    for (const auto& [path, cmd] : commands_) {
        json args = json::array();
        for (const ArgSpec& a : cmd.spec.args)
            args.push_back({{"name", a.name}, {"kind", a.kind}, {"optional", a.optional}, {"help", a.help}});
        cmds.push_back({{"path", path}, {"help", cmd.spec.help}, {"args", args}});
    }
    return {{"daemon", options_.daemon}, {"version", options_.version}, {"commands", cmds}};
}

std::optional<std::string> StatusServer::check_args(const CommandSpec& spec,
                                                    const std::vector<std::string>& args) const {
    for (size_t i = 0; i < spec.args.size(); ++i) {
        const ArgSpec& a = spec.args[i];
        if (i >= args.size()) {
            if (a.optional) break;
            return "missing argument " + a.name + (a.help.empty() ? "" : " (" + a.help + ")");
        }
        if (auto bad = check_kind(a, args[i])) return bad;
    }
    if (args.size() > spec.args.size()) return "unexpected argument '" + args[spec.args.size()] + "'";
    return std::nullopt;
}

json StatusServer::dispatch(const std::vector<std::string>& argv, const std::string& format) {
    if (argv.empty()) return error_reply("empty command");
    if (argv[0] == "__commands") return {{"ok", true}, {"format", "json"}, {"data", commands_json()}};
    if (argv[0] == "__complete") {
        if (argv.size() != 2) return error_reply("usage: __complete KIND");
        json values = json::array();
        if (auto it = completions_.find(argv[1]); it != completions_.end())
            for (const std::string& v : it->second())
                values.push_back(v);
        return {{"ok", true}, {"format", "json"}, {"data", values}};
    }
    if (format != "text" && format != "json")
        return error_reply("bad request: format must be \"text\" or \"json\"");
    for (size_t n = argv.size(); n > 0; --n) {
        auto it =
            commands_.find(std::vector<std::string>(argv.begin(), argv.begin() + static_cast<ptrdiff_t>(n)));
        if (it == commands_.end()) continue;
        std::vector<std::string> args(argv.begin() + static_cast<ptrdiff_t>(n), argv.end());
        if (auto bad = check_args(it->second.spec, args)) return error_reply(*bad);
        try {
            auto r = it->second.handler(args);
            if (!r.ok()) return error_reply(r.error());
            if (format == "text") return {{"ok", true}, {"format", "text"}, {"text", r.value().text}};
            return {{"ok", true}, {"format", "json"}, {"data", std::move(r.value().json)}};
        } catch (const std::exception& e) {
            FANOUT_LOG_ERROR("status command '{}' failed: {}", join(argv), e.what());
            return error_reply(std::string("internal error: ") + e.what());
        }
    }
    return error_reply("unknown command: " + join(argv));
}

json StatusServer::handle_request(std::string_view line) {
    json req = json::parse(line, nullptr, false);
    if (req.is_discarded() || !req.is_object()) return error_reply("bad request: not a JSON object");
    auto argv_it = req.find("argv");
    if (argv_it == req.end() || !argv_it->is_array())
        return error_reply("bad request: \"argv\" must be an array");
    std::vector<std::string> argv;
    for (const json& a : *argv_it) {
        if (!a.is_string()) return error_reply("bad request: \"argv\" must hold strings");
        argv.push_back(a.get<std::string>());
    }
    std::string format = "json";
    if (auto f = req.find("format"); f != req.end()) {
        if (!f->is_string()) return error_reply("bad request: format must be \"text\" or \"json\"");
        format = f->get<std::string>();
    }
    return dispatch(argv, format);
}

// ---- connections ---------------------------------------------------------------------------------------

void StatusServer::on_accept() {
    for (;;) {
        UniqueFd fd = accept_nonblocking(listener_.fd.get());
        if (!fd.valid()) return;  // EAGAIN, or a transient error (EMFILE...): try again on the next event
        ++counters_.accepted;
        if (conns_.size() >= options_.max_connections) {
            static const std::string busy = R"({"ok":false,"error":"too many connections"})"
                                            "\n";
            (void)::send(fd.get(), busy.data(), busy.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            ++counters_.drops;
            continue;
        }
        auto c = std::make_unique<Connection>();
        c->fd = std::move(fd);
        c->id = next_conn_++;
        Connection* cp = c.get();
        c->rd = loop_.watch_readable(cp->fd.get(), [this, cp] { on_readable(*cp); });
        arm_timeout(*cp);
        conns_.emplace(cp->id, std::move(c));
    }
}

void StatusServer::on_readable(Connection& c) {
    if (c.closing || c.replying) return;
    char buf[4096];
    for (;;) {
        ssize_t n = ::recv(c.fd.get(), buf, sizeof(buf), 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            close(c, true);
            return;
        }
        if (n == 0) {  // EOF before a complete line
            close(c, true);
            return;
        }
        size_t scan_from = c.in.size();
        c.in.append(buf, static_cast<size_t>(n));
        size_t nl = c.in.find('\n', scan_from);
        if (nl == std::string::npos && c.in.size() <= options_.max_request) continue;
        if (nl == std::string::npos || nl > options_.max_request) {
            ++counters_.drops;
            start_reply(c, error_reply("request too large (limit " + std::to_string(options_.max_request) +
                                       " bytes)"));
            return;
        }
        start_reply(c, handle_request(std::string_view(c.in).substr(0, nl)));
        return;
    }
}

void StatusServer::start_reply(Connection& c, const json& reply) {
    if (!reply.value("ok", false)) ++counters_.errors;
    c.out = reply.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    c.in.clear();
    c.in.shrink_to_fit();
    c.replying = true;
    c.retired.push_back(std::move(c.rd));  // stop reading (freed by reap, outside this callback)
    if (!reap_timer_.armed()) reap_timer_ = TimerHandle(loop_, 0ms, [this] { reap(); });
    on_writable(c);
    if (!c.closing && !c.wr.active()) {
        Connection* cp = &c;
        c.wr = loop_.watch_writable(c.fd.get(), [this, cp] { on_writable(*cp); });
    }
}

void StatusServer::on_writable(Connection& c) {
    if (c.closing) return;
    while (c.out_off < c.out.size()) {
        ssize_t n = ::send(c.fd.get(), c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            close(c, true);
            return;
        }
        c.out_off += static_cast<size_t>(n);
        arm_timeout(c);  // progress: the client is reading
    }
    ++counters_.served;
    close(c, false);
}

void StatusServer::arm_timeout(Connection& c) {
    Connection* cp = &c;
    c.timeout = TimerHandle(loop_, options_.timeout, [this, cp] { close(*cp, true); });
}

void StatusServer::close(Connection& c, bool dropped) {
    if (c.closing) return;
    c.closing = true;
    if (dropped) ++counters_.drops;
    ::shutdown(c.fd.get(), SHUT_RDWR);
    if (!reap_timer_.armed()) reap_timer_ = TimerHandle(loop_, 0ms, [this] { reap(); });
}

void StatusServer::reap() {
    for (auto it = conns_.begin(); it != conns_.end();) {
        if (it->second->closing) {
            it = conns_.erase(it);
        } else {
            it->second->retired.clear();
            ++it;
        }
    }
}

}  // namespace fanout::sys
