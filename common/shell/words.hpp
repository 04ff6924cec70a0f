// Splitting a shell line into words, and the line left of the cursor into finished words and the word being
// typed (for `?` help and TAB completion).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fanout::shell {

// Words separated by spaces or tabs (commands and their arguments never contain blanks).
std::vector<std::string> split_words(std::string_view line);

struct LineAtCursor {
    std::vector<std::string> words;  // finished words
    std::string partial;             // the word being typed ("" after a blank)
};

LineAtCursor split_at_cursor(std::string_view before_cursor);

}  // namespace fanout::shell
