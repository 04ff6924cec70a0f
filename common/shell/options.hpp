// Command-line options of the `fanout` shell, its exit codes and its --help text.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/core/result.hpp"

namespace fanout::shell {

// Exit codes of `fanout` (documented in --help).
enum ExitCode : int {
    kExitOk = 0,           // every command succeeded
    kExitDaemonError = 1,  // a daemon answered with an error (or a malformed reply)
    kExitUsage = 2,        // unknown, ambiguous or incomplete command, bad argument, bad option
    kExitUnreachable = 3,  // a daemon the command needs is not running or did not answer in time
};

inline constexpr const char* kDefaultPimdSocket = "/run/fanout/pimd.sock";
inline constexpr const char* kDefaultIgmpdSocket = "/run/fanout/igmpd.sock";
inline constexpr double kDefaultTimeoutSeconds = 5.0;

struct Options {
    bool json = false;
    bool interactive = false;
    bool help = false;
    bool version = false;
    std::vector<std::string> commands;  // from -c, in order; the trailing words form one more command
    std::string pimd_socket = kDefaultPimdSocket;
    std::string igmpd_socket = kDefaultIgmpdSocket;
    double timeout_seconds = kDefaultTimeoutSeconds;
};

// Reads the environment (FANOUT_PIMD_SOCKET, FANOUT_IGMPD_SOCKET), then the arguments (argv without the
// program name). Options come before the command words; `--` ends them.
using GetEnv = std::function<const char*(const char*)>;
Result<Options, std::string> parse_options(const std::vector<std::string>& args, const GetEnv& getenv);

std::string usage_text();

}  // namespace fanout::shell
