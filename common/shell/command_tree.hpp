// The `fanout` shell's command tree: the union of every daemon's published commands plus the shell's own,
// with vtysh-like resolution of unambiguous prefixes (`sh ip mr` -> `show ip mroute`), context help (`?`) and
// completion candidates (TAB). Pure: values for arguments come from a caller-supplied source.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.hpp"
#include "common/shell/command_spec.hpp"

namespace fanout::shell {

// Owner name of the shell's built-in commands (help, exit, show daemons).
inline constexpr std::string_view kLocalOwner = "local";

struct CommandNode {
    std::string word;
    std::string help;  // the command's help when a command ends here, else a generic word help
    std::map<std::string, std::unique_ptr<CommandNode>> children;
    std::optional<CommandSpec> command;  // set when a command ends at this word
    std::vector<std::string> owners;     // who answers the command (in the order they were added)
};

struct ResolvedCommand {
    std::vector<std::string> path;  // full words
    std::vector<std::string> args;
    const CommandSpec* spec = nullptr;
    std::vector<std::string> owners;
};

enum class ResolveErrorKind { kEmpty, kUnknown, kAmbiguous, kIncomplete, kMissingArg, kTooManyArgs, kBadArg };

struct ResolveError {
    ResolveErrorKind kind = ResolveErrorKind::kUnknown;
    std::string message;                  // one line, starting with "% "
    std::vector<std::string> candidates;  // for kAmbiguous and kIncomplete: the possible words
};

// One line of `?` help: a keyword, an argument placeholder (its NAME) or "<cr>".
struct HelpItem {
    std::string word;
    std::string help;
    bool operator==(const HelpItem&) const = default;
};

// Returns the current values of an argument kind (interface names, groups...), used by completion.
using ValueSource = std::function<std::vector<std::string>(ArgKind)>;

class CommandTree {
  public:
    CommandTree();

    // Adds a command owned by `owner`. The same path from a second owner adds that owner (the command then
    // goes to both); the first spec's arguments and help are kept.
    void add(const CommandSpec& spec, std::string_view owner);
    void add_all(const DaemonCommands& d);

    const CommandNode& root() const { return *root_; }

    // Resolves a full command line (already split into words).
    Result<ResolvedCommand, ResolveError> resolve(const std::vector<std::string>& words) const;

    // `?` after `words` (complete words) and `partial` (the word being typed, may be empty).
    Result<std::vector<HelpItem>, ResolveError> context_help(const std::vector<std::string>& words,
                                                             std::string_view partial) const;

    // TAB: the words that may replace `partial` after `words`, sorted, unique.
    std::vector<std::string> complete(const std::vector<std::string>& words, std::string_view partial,
                                      const ValueSource& values) const;

    // Every command, in path order, for `help`.
    std::vector<const CommandNode*> all_commands() const;

  private:
    struct Walk {
        const CommandNode* node = nullptr;
        std::vector<std::string> path;
        std::vector<std::string> args;
    };
    Result<Walk, ResolveError> walk(const std::vector<std::string>& words) const;

    std::unique_ptr<CommandNode> root_;
};

// Generic help for a word that is not itself a command ("show", "ip", ...); empty when unknown.
std::string_view word_help(std::string_view word);

// Renders `?` help like vtysh: one line per item, words padded to a column.
std::string format_help(const std::vector<HelpItem>& items);

// Renders the `help` command: every command with its arguments and help.
std::string format_command_list(const CommandTree& tree);

// The longest common prefix of the candidates (what TAB inserts when several match).
std::string common_prefix(const std::vector<std::string>& candidates);

}  // namespace fanout::shell
