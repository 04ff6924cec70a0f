// Command descriptions as the daemons publish them on their status socket (`["__commands"]`, see
// /work/notes/STATUS-PROTOCOL.md), and the syntax check of each argument kind.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.hpp"

namespace fanout::shell {

// What an argument holds; decides how it is checked and what TAB completes it with.
enum class ArgKind { kInterface, kGroup, kAddress, kPrefix, kWord, kNumber, kCategory };

std::string_view arg_kind_name(ArgKind k);
std::optional<ArgKind> arg_kind_from_name(std::string_view name);

// True when the kind's values come from the daemon (`["__complete", kind]`).
bool arg_kind_completes_from_daemon(ArgKind k);

// Syntax check of one value: empty string when it fits the kind, else why not.
std::string check_arg(ArgKind k, std::string_view value);

struct ArgSpec {
    std::string name;  // e.g. "IFNAME", shown in help
    ArgKind kind = ArgKind::kWord;
    bool optional = false;
    std::string help;
};

struct CommandSpec {
    std::vector<std::string> path;  // full words, e.g. {"show","ip","pim","neighbor"}
    std::string help;
    std::vector<ArgSpec> args;  // required ones come first
};

// One daemon's answer to `["__commands"]`: {"daemon": ..., "version": ..., "commands": [...]}.
struct DaemonCommands {
    std::string daemon;
    std::string version;
    std::vector<CommandSpec> commands;
};

// Parses the `data` of a `__commands` reply. Errors name what is malformed.
Result<DaemonCommands, std::string> parse_daemon_commands(const nlohmann::json& data);

// Number of required arguments (a required argument after an optional one is a malformed spec and is
// rejected by the parser, so this is a prefix of args).
size_t required_arg_count(const CommandSpec& c);

}  // namespace fanout::shell
