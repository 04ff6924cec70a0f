// The `fanout` shell's logic, independent of terminals and sockets: it discovers each daemon's commands
// (`["__commands"]`), resolves a line against the merged tree, routes it to the daemon(s) owning it, renders
// the replies (text, or pretty JSON with -j) and maps outcomes to exit codes. The socket side is a Transport.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.hpp"
#include "common/shell/command_tree.hpp"
#include "common/shell/options.hpp"

namespace fanout::shell {

struct DaemonEndpoint {
    std::string name;    // "pimd", "igmpd"
    std::string socket;  // status socket path
};

struct TransportError {
    enum class Kind { kNotRunning, kTimeout, kBadReply };
    Kind kind = Kind::kNotRunning;
    std::string detail;  // e.g. "cannot connect to /run/fanout/pimd.sock: No such file or directory"
    // A complete sentence from the client ("pimd is not running (...)"); printed as is instead of a message
    // built from kind and detail.
    std::string message = {};
};

// Classifies a status client's one-line error: "... is not running ..." and "timed out ..." are kNotRunning
// and kTimeout (exit 3), a malformed or oversized reply is kBadReply (exit 1); a connection lost mid-request
// counts as the daemon not running.
TransportError classify_client_error(const std::string& message);

// One request to one daemon over its status socket: the reply object, or why there is none.
class Transport {
  public:
    virtual ~Transport() = default;
    virtual Result<nlohmann::json, TransportError> request(const DaemonEndpoint& daemon,
                                                           const nlohmann::json& request) = 0;
};

// What discovery learned about one daemon.
struct DaemonState {
    DaemonEndpoint endpoint;
    bool running = false;
    std::string version;
    std::string problem;  // one line, "% pimd is not running (...)", when not running
};

// The status request for a command: {"argv": [...], "format": "text"|"json"}.
nlohmann::json make_request(const std::vector<std::string>& argv, bool json);

// The one-line message for a daemon that could not be asked.
std::string transport_problem(const std::string& daemon, const TransportError& e);

class Shell {
  public:
    Shell(std::vector<DaemonEndpoint> daemons, Transport& transport, bool json);

    // Asks every daemon for its commands and rebuilds the tree.
    void discover();

    // Runs one line; returns its exit code. A line ending in '?' prints context help instead.
    int execute(std::string_view line, std::ostream& out, std::ostream& err);

    // `?` at the end of `before_cursor`: the help text to print (help lines, or one "% ..." line).
    std::string help_at(std::string_view before_cursor) const;

    // TAB at the end of `before_cursor`: the candidate words (values of interfaces, groups... come from the
    // daemons' `["__complete", kind]`).
    std::vector<std::string> complete_at(std::string_view before_cursor);

    bool exit_requested() const { return exit_requested_; }
    const CommandTree& tree() const { return tree_; }
    const std::vector<DaemonState>& daemons() const { return daemons_; }

  private:
    int run_resolved(const ResolvedCommand& cmd, std::ostream& out, std::ostream& err);
    int run_local(const ResolvedCommand& cmd, std::ostream& out, std::ostream& err);
    int show_metrics(std::ostream& out, std::ostream& err);
    int unresolved(const ResolveError& e, std::ostream& err);
    void show_daemons(std::ostream& out) const;
    const DaemonState* find_daemon(std::string_view name) const;
    void add_local_commands();

    Transport& transport_;
    bool json_;
    std::vector<DaemonState> daemons_;
    CommandTree tree_;
    bool exit_requested_ = false;
};

}  // namespace fanout::shell
