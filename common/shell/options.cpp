#include "common/shell/options.hpp"

#include <charconv>
#include <optional>
#include <tuple>

namespace fanout::shell {
namespace {

// The value of an option given as "--name VALUE", "--name=VALUE" or (short) "-xVALUE".
struct ValueOption {
    std::string long_name;
    std::string short_name;  // "" when none
};

std::optional<double> parse_seconds(const std::string& s) {
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || !(v > 0) || v > 3600) return std::nullopt;
    return v;
}

// Tries to read option `o` at args[i]; advances i past its value. nullopt when args[i] is not `o`.
Result<std::optional<std::string>, std::string> take_value(const std::vector<std::string>& args, size_t& i,
                                                           const ValueOption& o) {
    const std::string& a = args[i];
    std::string value;
    if (a == o.long_name || (!o.short_name.empty() && a == o.short_name)) {
        if (i + 1 >= args.size()) return make_err("option " + a + " needs a value");
        value = args[++i];
    } else if (a.rfind(o.long_name + "=", 0) == 0) {
        value = a.substr(o.long_name.size() + 1);
    } else if (!o.short_name.empty() && a.size() > 2 && a.rfind(o.short_name, 0) == 0) {
        value = a.substr(2);
    } else {
        return std::optional<std::string>();
    }
    return std::optional<std::string>(value);
}

}  // namespace

Result<Options, std::string> parse_options(const std::vector<std::string>& args, const GetEnv& getenv) {
    Options o;
    if (const char* v = getenv ? getenv("FANOUT_PIMD_SOCKET") : nullptr; v && *v) o.pimd_socket = v;
    if (const char* v = getenv ? getenv("FANOUT_IGMPD_SOCKET") : nullptr; v && *v) o.igmpd_socket = v;
    std::vector<std::string> words;
    size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            ++i;
            break;
        }
        if (a.empty() || a[0] != '-') break;
        if (a == "-j" || a == "--json") {
            o.json = true;
        } else if (a == "-i" || a == "--interactive") {
            o.interactive = true;
        } else if (a == "-h" || a == "--help") {
            o.help = true;
        } else if (a == "-V" || a == "--version") {
            o.version = true;
        } else {
            bool matched = false;
            for (auto [name, shortn, target] :
                 {std::tuple{"--command", "-c", 0}, std::tuple{"--pimd-socket", "", 1},
                  std::tuple{"--igmpd-socket", "", 2}, std::tuple{"--timeout", "-t", 3}}) {
                auto v = take_value(args, i, ValueOption{name, shortn});
                if (!v) return make_err(v.error());
                if (!v.value()) continue;
                matched = true;
                const std::string& val = *v.value();
                if (target == 0) o.commands.push_back(val);
                if (target == 1) o.pimd_socket = val;
                if (target == 2) o.igmpd_socket = val;
                if (target == 3) {
                    auto s = parse_seconds(val);
                    if (!s) return make_err("--timeout wants seconds (0 < t <= 3600), not '" + val + "'");
                    o.timeout_seconds = *s;
                }
                break;
            }
            if (!matched) return make_err("unknown option " + a + " (see fanout --help)");
        }
    }
    for (; i < args.size(); ++i)
        words.push_back(args[i]);
    if (!words.empty()) {
        std::string line;
        for (const auto& w : words)
            line += (line.empty() ? "" : " ") + w;
        o.commands.push_back(line);
    }
    return o;
}

std::string usage_text() {
    return R"(Usage: fanout [OPTIONS] [COMMAND WORDS...]
       fanout [OPTIONS] -c "COMMAND" [-c "COMMAND"...]
       fanout [OPTIONS] [-i]

The Fanout shell: talks to pimd and igmpd over their status sockets. With no command and a terminal on stdin
(or with -i) it is interactive: line editing, history (~/.fanout_history), '?' for help on the next word, TAB
completion. Unambiguous prefixes are accepted everywhere ("sh ip mr" is "show ip mroute").

Options:
  -j, --json              print the daemons' JSON replies (pretty) instead of text
  -c, --command CMD       run CMD (repeatable; run in order, all of them)
  -i, --interactive       interactive shell (commands from stdin when it is not a terminal)
      --pimd-socket PATH  pimd's status socket (env FANOUT_PIMD_SOCKET, default /run/fanout/pimd.sock)
      --igmpd-socket PATH igmpd's status socket (env FANOUT_IGMPD_SOCKET, default /run/fanout/igmpd.sock)
  -t, --timeout SECONDS   give up on a daemon after this long (default 5)
  -V, --version           print the shell's version
  -h, --help              this text

Built-in commands: help, exit, quit, show daemons. The rest come from the running daemons; a command both
daemons answer (show version, show running-config) goes to both, each reply labelled.

Exit status (with several commands: the highest of their statuses):
  0  success
  1  a daemon answered with an error
  2  unknown, ambiguous or incomplete command, invalid argument, or bad option
  3  a daemon the command needs is not running or did not answer in time
)";
}

}  // namespace fanout::shell
