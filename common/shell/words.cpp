#include "common/shell/words.hpp"

namespace fanout::shell {
namespace {
bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
}  // namespace

std::vector<std::string> split_words(std::string_view line) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_blank(line[i]))
            ++i;
        size_t start = i;
        while (i < line.size() && !is_blank(line[i]))
            ++i;
        if (i > start) out.emplace_back(line.substr(start, i - start));
    }
    return out;
}

LineAtCursor split_at_cursor(std::string_view before_cursor) {
    LineAtCursor r;
    r.words = split_words(before_cursor);
    if (!before_cursor.empty() && !is_blank(before_cursor.back()) && !r.words.empty()) {
        r.partial = std::move(r.words.back());
        r.words.pop_back();
    }
    return r;
}

}  // namespace fanout::shell
