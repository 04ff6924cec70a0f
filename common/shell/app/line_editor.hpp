// Interactive mode of `fanout` on libedit: prompt "<hostname># ", emacs line editing, history in
// ~/.fanout_history, '?' prints the possible next words (without consuming the line), TAB completes words and
// argument values. All decisions come from Shell (fanout_shell_lib); this file is only the terminal glue.
#pragma once

#include <string>

#include "common/shell/shell.hpp"

namespace fanout::shell {

// Runs the interactive loop on the terminal until `exit`/`quit` or end of input. Returns 0.
int run_editline(Shell& shell, const std::string& prompt, const std::string& history_file);

// The same loop without a terminal: one command per line of stdin, no prompt; a line ending in '?' prints
// help. Returns the highest exit code of the commands.
int run_plain(Shell& shell);

}  // namespace fanout::shell
