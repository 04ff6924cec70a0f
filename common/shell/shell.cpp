#include "common/shell/shell.hpp"

#include <algorithm>
#include <utility>

#include "common/shell/metrics_merge.hpp"
#include "common/shell/words.hpp"

namespace fanout::shell {
namespace {

using nlohmann::json;

std::string dump(const json& j) {
    return j.dump(2, ' ', false, json::error_handler_t::replace);
}

std::string with_newline(std::string s) {
    if (!s.empty() && s.back() != '\n') s += '\n';
    return s;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

int worst(int a, int b) {
    return std::max(a, b);
}

// The payload of a successful reply: in JSON mode its data (or its text as a JSON string), in text mode its
// text (or its data, pretty).
json payload(const json& reply) {
    if (reply.contains("data")) return reply["data"];
    if (reply.contains("text") && reply["text"].is_string()) return reply["text"];
    return json();
}

std::string render_text(const json& reply) {
    if (reply.contains("text") && reply["text"].is_string())
        return with_newline(reply["text"].get<std::string>());
    if (reply.contains("data")) return dump(reply["data"]) + "\n";
    return "";
}

struct Outcome {
    int code = kExitOk;
    json reply;  // set when code == kExitOk
    std::string problem;
};

}  // namespace

json make_request(const std::vector<std::string>& argv, bool json_format) {
    return json{{"argv", argv}, {"format", json_format ? "json" : "text"}};
}

TransportError classify_client_error(const std::string& message) {
    TransportError e{TransportError::Kind::kNotRunning, message, message};
    if (message.find("timed out") != std::string::npos) {
        e.kind = TransportError::Kind::kTimeout;
    } else if (message.find("malformed") != std::string::npos ||
               message.find("too large") != std::string::npos) {
        e.kind = TransportError::Kind::kBadReply;
    }
    return e;
}

std::string transport_problem(const std::string& daemon, const TransportError& e) {
    if (!e.message.empty()) return "% " + e.message;
    switch (e.kind) {
        case TransportError::Kind::kNotRunning:
            return "% " + daemon + " is not running (" + e.detail + ")";
        case TransportError::Kind::kTimeout:
            return "% " + daemon + " is not responding (" + e.detail + ")";
        case TransportError::Kind::kBadReply:
            return "% " + daemon + " sent a malformed reply (" + e.detail + ")";
    }
    return "% " + daemon + ": " + e.detail;
}

Shell::Shell(std::vector<DaemonEndpoint> daemons, Transport& transport, bool json_output)
    : transport_(transport), json_(json_output) {
    for (auto& d : daemons)
        daemons_.push_back(DaemonState{std::move(d), false, "", ""});
    add_local_commands();
}

void Shell::add_local_commands() {
    tree_.add(CommandSpec{{"help"}, "List every command", {}}, kLocalOwner);
    tree_.add(CommandSpec{{"exit"}, "Leave the shell", {}}, kLocalOwner);
    tree_.add(CommandSpec{{"quit"}, "Leave the shell", {}}, kLocalOwner);
    tree_.add(CommandSpec{{"show", "daemons"}, "Which daemons answer on their status sockets", {}},
              kLocalOwner);
    tree_.add(CommandSpec{{"show", "metrics"},
                          "Metrics of every daemon as one Prometheus text document (a daemon label on each "
                          "sample; a stopped daemon is a comment line)",
                          {}},
              kLocalOwner);
}

void Shell::discover() {
    tree_ = CommandTree();
    add_local_commands();
    for (auto& d : daemons_) {
        d.running = false;
        d.version.clear();
        d.problem.clear();
        auto reply = transport_.request(d.endpoint, make_request({"__commands"}, true));
        if (!reply) {
            d.problem = transport_problem(d.endpoint.name, reply.error());
            continue;
        }
        const json& r = reply.value();
        if (!r.is_object() || !r.value("ok", false) || !r.contains("data")) {
            d.problem =
                transport_problem(d.endpoint.name, {TransportError::Kind::kBadReply, "no __commands data"});
            continue;
        }
        auto cmds = parse_daemon_commands(r["data"]);
        if (!cmds) {
            d.problem = transport_problem(d.endpoint.name, {TransportError::Kind::kBadReply, cmds.error()});
            continue;
        }
        d.running = true;
        d.version = cmds.value().version;
        cmds.value().daemon = d.endpoint.name;  // route by the socket we asked, whatever it calls itself
        tree_.add_all(cmds.value());
    }
}

const DaemonState* Shell::find_daemon(std::string_view name) const {
    for (const auto& d : daemons_) {
        if (d.endpoint.name == name) return &d;
    }
    return nullptr;
}

int Shell::execute(std::string_view line, std::ostream& out, std::ostream& err) {
    line = trim(line);
    if (line.empty()) return kExitOk;
    if (line.back() == '?') {
        out << help_at(line.substr(0, line.size() - 1));
        return kExitOk;
    }
    auto words = split_words(line);
    auto r = tree_.resolve(words);
    if (!r &&
        std::any_of(daemons_.begin(), daemons_.end(), [](const DaemonState& d) { return !d.running; })) {
        discover();  // a daemon may have started since: ask again before giving up
        r = tree_.resolve(words);
    }
    if (!r) return unresolved(r.error(), err);
    const auto& owners = r.value().owners;
    if (std::find(owners.begin(), owners.end(), kLocalOwner) != owners.end())
        return run_local(r.value(), out, err);
    return run_resolved(r.value(), out, err);
}

int Shell::unresolved(const ResolveError& e, std::ostream& err) {
    switch (e.kind) {
        case ResolveErrorKind::kEmpty:
            return kExitOk;
        case ResolveErrorKind::kUnknown:
        case ResolveErrorKind::kIncomplete: {
            // The command may belong to a daemon that is down: say so instead of "unknown".
            bool any_down = false;
            for (const auto& d : daemons_) {
                if (d.running) continue;
                err << d.problem << "\n";
                any_down = true;
            }
            if (any_down) return kExitUnreachable;
            break;
        }
        case ResolveErrorKind::kAmbiguous:
        case ResolveErrorKind::kMissingArg:
        case ResolveErrorKind::kTooManyArgs:
        case ResolveErrorKind::kBadArg:
            break;
    }
    err << e.message << "\n";
    return kExitUsage;
}

int Shell::run_resolved(const ResolvedCommand& cmd, std::ostream& out, std::ostream& err) {
    std::vector<std::string> argv = cmd.path;
    argv.insert(argv.end(), cmd.args.begin(), cmd.args.end());
    const json request = make_request(argv, json_);
    const bool labelled = cmd.owners.size() > 1;
    json combined = json::object();
    int code = kExitOk;
    for (const auto& owner : cmd.owners) {
        const DaemonState* d = find_daemon(owner);
        if (d == nullptr) continue;
        auto reply = transport_.request(d->endpoint, request);
        if (!reply) {
            err << transport_problem(owner, reply.error()) << "\n";
            code = worst(code, reply.error().kind == TransportError::Kind::kBadReply ? kExitDaemonError
                                                                                     : kExitUnreachable);
            continue;
        }
        const json& r = reply.value();
        if (!r.is_object() || !r.contains("ok") || !r["ok"].is_boolean()) {
            err << transport_problem(owner, {TransportError::Kind::kBadReply, "no \"ok\" field"}) << "\n";
            code = worst(code, kExitDaemonError);
            continue;
        }
        if (!r["ok"].get<bool>()) {
            std::string msg = r.contains("error") && r["error"].is_string() ? r["error"].get<std::string>()
                                                                            : std::string("error");
            err << "% " << (labelled ? owner + ": " : "") << msg << "\n";
            code = worst(code, kExitDaemonError);
            continue;
        }
        if (json_) {
            if (labelled) {
                combined[owner] = payload(r);
            } else {
                out << dump(payload(r)) << "\n";
            }
        } else {
            if (labelled) out << "--- " << owner << " ---\n";
            out << render_text(r);
        }
    }
    if (json_ && labelled && !combined.empty()) out << dump(combined) << "\n";
    return code;
}

int Shell::run_local(const ResolvedCommand& cmd, std::ostream& out, std::ostream& err) {
    const std::string& first = cmd.path.front();
    if (first == "exit" || first == "quit") {
        exit_requested_ = true;
    } else if (first == "help") {
        out << "Commands (unambiguous prefixes are accepted; '?' lists the possible next words):\n"
            << format_command_list(tree_);
    } else if (cmd.path == std::vector<std::string>{"show", "daemons"}) {
        discover();
        show_daemons(out);
    } else if (cmd.path == std::vector<std::string>{"show", "metrics"}) {
        return show_metrics(out, err);
    }
    return kExitOk;
}

// Every daemon's `show metrics` JSON merged into one document (metrics_merge.hpp). A daemon that cannot be
// asked is a comment line (text) or an "unavailable" entry (JSON); only when none answers is it an error.
int Shell::show_metrics(std::ostream& out, std::ostream& err) {
    std::vector<DaemonMetrics> got;
    std::vector<std::pair<std::string, std::string>> missing;  // daemon, one-line reason
    int code = kExitOk;
    for (const auto& d : daemons_) {
        auto reply = transport_.request(d.endpoint, make_request({"show", "metrics"}, true));
        if (!reply) {
            missing.emplace_back(d.endpoint.name,
                                 transport_problem(d.endpoint.name, reply.error()).substr(2));
            code = worst(code, reply.error().kind == TransportError::Kind::kBadReply ? kExitDaemonError
                                                                                     : kExitUnreachable);
            continue;
        }
        const json& r = reply.value();
        if (!r.is_object() || !r.value("ok", false) || !r.contains("data")) {
            std::string why = r.is_object() && r.contains("error") && r["error"].is_string()
                                  ? r["error"].get<std::string>()
                                  : std::string("no metrics in the reply");
            missing.emplace_back(d.endpoint.name, d.endpoint.name + ": " + why);
            code = worst(code, kExitDaemonError);
            continue;
        }
        got.push_back({d.endpoint.name, r["data"]});
    }
    if (got.empty()) {
        std::string names;
        for (const auto& [name, why] : missing)
            names += (names.empty() ? "" : ", ") + name;
        err << "% show metrics: no daemon answered (" << names << ")\n";
        return code == kExitOk ? kExitUnreachable : code;
    }
    json merged = merge_metrics(got);
    if (json_) {
        json unavailable = json::object();
        for (const auto& [name, why] : missing)
            unavailable[name] = why;
        merged["unavailable"] = unavailable;
        out << dump(merged) << "\n";
        return kExitOk;
    }
    for (const auto& [name, why] : missing)
        out << "# " << why << "\n";
    out << render_prometheus(metric_set_from_json(merged));
    return kExitOk;
}

void Shell::show_daemons(std::ostream& out) const {
    if (json_) {
        json arr = json::array();
        for (const auto& d : daemons_) {
            json j{{"daemon", d.endpoint.name}, {"socket", d.endpoint.socket}, {"running", d.running}};
            if (d.running) j["version"] = d.version;
            if (!d.running) j["problem"] = d.problem;
            arr.push_back(std::move(j));
        }
        out << dump(arr) << "\n";
        return;
    }
    for (const auto& d : daemons_) {
        out << d.endpoint.name << ": ";
        if (d.running) {
            out << "running, version " << (d.version.empty() ? "?" : d.version) << ", socket "
                << d.endpoint.socket << "\n";
        } else {
            out << "not running, socket " << d.endpoint.socket << "\n  " << d.problem << "\n";
        }
    }
}

std::string Shell::help_at(std::string_view before_cursor) const {
    auto lc = split_at_cursor(before_cursor);
    auto items = tree_.context_help(lc.words, lc.partial);
    if (!items) return items.error().message + "\n";
    return format_help(items.value());
}

std::vector<std::string> Shell::complete_at(std::string_view before_cursor) {
    auto lc = split_at_cursor(before_cursor);
    ValueSource values = [this](ArgKind kind) {
        std::vector<std::string> out;
        for (const auto& d : daemons_) {
            if (!d.running) continue;
            auto reply = transport_.request(
                d.endpoint, make_request({"__complete", std::string(arg_kind_name(kind))}, true));
            if (!reply || !reply.value().is_object() || !reply.value().value("ok", false)) continue;
            const json& data = reply.value().contains("data") ? reply.value()["data"] : json();
            if (!data.is_array()) continue;
            for (const auto& v : data) {
                if (v.is_string()) out.push_back(v.get<std::string>());
            }
        }
        return out;
    };
    return tree_.complete(lc.words, lc.partial, values);
}

}  // namespace fanout::shell
