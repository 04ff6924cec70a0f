// `fanout`: the Fanout shell. One-shot (`fanout show ip mroute`, `fanout -j ...`, `fanout -c A -c B`) or
// interactive (vtysh-like). Talks to pimd and igmpd over their status sockets
// (/work/notes/STATUS-PROTOCOL.md); exit codes are listed in `fanout --help`.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "common/shell/app/line_editor.hpp"
#include "common/shell/app/status_transport.hpp"
#include "common/shell/options.hpp"
#include "common/shell/shell.hpp"

namespace {

std::string host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "fanout";
    return buf;
}

std::string history_path() {
    const char* home = std::getenv("HOME");
    return home != nullptr && *home != '\0' ? std::string(home) + "/.fanout_history" : std::string();
}

}  // namespace

int main(int argc, char** argv) {
    using namespace fanout::shell;
    std::signal(SIGPIPE, SIG_IGN);
    auto parsed = parse_options(std::vector<std::string>(argv + 1, argv + argc), std::getenv);
    if (!parsed) {
        std::cerr << "fanout: " << parsed.error() << "\n";
        return kExitUsage;
    }
    const Options& o = parsed.value();
    if (o.help) {
        std::cout << usage_text();
        return kExitOk;
    }
    if (o.version) {
        std::cout << "fanout " << FANOUT_VERSION << "\n";
        return kExitOk;
    }
    auto timeout =
        std::chrono::duration_cast<fanout::Duration>(std::chrono::duration<double>(o.timeout_seconds));
    StatusTransport transport(timeout);
    Shell shell({{"pimd", o.pimd_socket}, {"igmpd", o.igmpd_socket}}, transport, o.json);
    shell.discover();
    int code = kExitOk;
    for (const auto& cmd : o.commands) {
        code = std::max(code, shell.execute(cmd, std::cout, std::cerr));
        if (shell.exit_requested()) return code;
    }
    std::cout << std::flush;
    if (!o.commands.empty() && !o.interactive) return code;
    if (::isatty(STDIN_FILENO) != 0 && ::isatty(STDOUT_FILENO) != 0)
        return run_editline(shell, host_name() + "# ", history_path());
    return std::max(code, run_plain(shell));
}
