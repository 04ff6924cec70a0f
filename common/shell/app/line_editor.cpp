#include "common/shell/app/line_editor.hpp"

#include <histedit.h>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "common/shell/words.hpp"

namespace fanout::shell {
namespace {

struct EditorState {
    Shell* shell = nullptr;
    std::string prompt;
};

EditorState* state_of(EditLine* el) {
    void* p = nullptr;
    el_get(el, EL_CLIENTDATA, &p);
    return static_cast<EditorState*>(p);
}

std::string before_cursor(EditLine* el) {
    const LineInfo* li = el_line(el);
    return std::string(li->buffer, static_cast<size_t>(li->cursor - li->buffer));
}

char* prompt_fn(EditLine* el) {
    return state_of(el)->prompt.data();
}

// '?': print the help for what is left of the cursor, then redraw the prompt and the untouched line.
unsigned char help_fn(EditLine* el, int /*ch*/) {
    std::cout << "?\n" << state_of(el)->shell->help_at(before_cursor(el)) << std::flush;
    return CC_REDISPLAY;
}

void print_columns(const std::vector<std::string>& words) {
    size_t width = 0;
    for (const auto& w : words)
        width = std::max(width, w.size() + 2);
    const size_t per_line = std::max<size_t>(1, 78 / width);
    std::cout << "\n";
    for (size_t i = 0; i < words.size(); ++i) {
        std::cout << words[i];
        if ((i + 1) % per_line == 0 || i + 1 == words.size()) {
            std::cout << "\n";
        } else {
            std::cout << std::string(width - words[i].size(), ' ');
        }
    }
    std::cout << std::flush;
}

// TAB: complete the word being typed; with several candidates, insert their common prefix or list them.
unsigned char complete_fn(EditLine* el, int /*ch*/) {
    const std::string before = before_cursor(el);
    auto candidates = state_of(el)->shell->complete_at(before);
    const std::string partial = split_at_cursor(before).partial;
    if (candidates.empty()) return CC_REFRESH_BEEP;
    if (candidates.size() == 1) {
        std::string rest = candidates.front().substr(partial.size()) + " ";
        el_insertstr(el, rest.c_str());
        return CC_REFRESH;
    }
    std::string common = common_prefix(candidates);
    if (common.size() > partial.size()) {
        el_insertstr(el, common.substr(partial.size()).c_str());
        return CC_REFRESH;
    }
    print_columns(candidates);
    return CC_REDISPLAY;
}

}  // namespace

int run_editline(Shell& shell, const std::string& prompt, const std::string& history_file) {
    EditorState st{&shell, prompt};
    EditLine* el = el_init("fanout", stdin, stdout, stderr);
    History* hist = history_init();
    HistEvent ev;
    history(hist, &ev, H_SETSIZE, 1000);
    history(hist, &ev, H_SETUNIQUE, 1);
    if (!history_file.empty()) history(hist, &ev, H_LOAD, history_file.c_str());
    el_set(el, EL_CLIENTDATA, &st);
    el_set(el, EL_EDITOR, "emacs");
    el_set(el, EL_SIGNAL, 1);
    el_set(el, EL_PROMPT, prompt_fn);
    el_set(el, EL_HIST, history, hist);
    el_set(el, EL_ADDFN, "fanout-help", "List the possible next words", help_fn);
    el_set(el, EL_BIND, "?", "fanout-help", nullptr);
    el_set(el, EL_ADDFN, "fanout-complete", "Complete the word", complete_fn);
    el_set(el, EL_BIND, "^I", "fanout-complete", nullptr);
    el_source(el, nullptr);
    while (!shell.exit_requested()) {
        int n = 0;
        const char* raw = el_gets(el, &n);
        if (raw == nullptr || n <= 0) {
            std::cout << "\n";
            break;
        }
        std::string line(raw, static_cast<size_t>(n));
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
            line.pop_back();
        if (split_words(line).empty()) continue;
        history(hist, &ev, H_ENTER, line.c_str());
        if (!history_file.empty()) history(hist, &ev, H_SAVE, history_file.c_str());
        shell.execute(line, std::cout, std::cerr);
        std::cout << std::flush;
    }
    history_end(hist);
    el_end(el);
    return 0;
}

int run_plain(Shell& shell) {
    int code = 0;
    std::string line;
    while (!shell.exit_requested() && std::getline(std::cin, line)) {
        code = std::max(code, shell.execute(line, std::cout, std::cerr));
        std::cout << std::flush;
    }
    return code;
}

}  // namespace fanout::shell
