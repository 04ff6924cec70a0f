#include "common/shell/command_tree.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace fanout::shell {
namespace {

std::string join(const std::vector<std::string>& words, size_t from = 0, size_t to = std::string::npos) {
    std::string out;
    for (size_t i = from; i < words.size() && i < to; ++i) {
        if (!out.empty()) out += ' ';
        out += words[i];
    }
    return out;
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

// Children of `node` that `token` selects: the exact word if there is one, else every word it prefixes.
std::vector<const CommandNode*> match_children(const CommandNode& node, std::string_view token) {
    std::vector<const CommandNode*> out;
    if (auto it = node.children.find(std::string(token)); it != node.children.end()) {
        out.push_back(it->second.get());
        return out;
    }
    for (const auto& [word, child] : node.children) {
        if (starts_with(word, token)) out.push_back(child.get());
    }
    return out;
}

std::vector<std::string> child_words(const CommandNode& node) {
    std::vector<std::string> out;
    for (const auto& [word, child] : node.children)
        out.push_back(word);
    return out;
}

std::string arg_help(const ArgSpec& a) {
    if (!a.help.empty()) return a.help;
    switch (a.kind) {
        case ArgKind::kInterface:
            return "Interface name";
        case ArgKind::kGroup:
            return "Multicast group address";
        case ArgKind::kAddress:
            return "IPv4 address";
        case ArgKind::kPrefix:
            return "IPv4 prefix (A.B.C.D/M)";
        case ArgKind::kWord:
            return "Word";
        case ArgKind::kNumber:
            return "Number";
        case ArgKind::kCategory:
            return "Category";
    }
    return "";
}

std::string comma_list(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ", ";
        out += w;
    }
    return out;
}

ResolveError error(ResolveErrorKind kind, std::string message, std::vector<std::string> candidates = {}) {
    return ResolveError{kind, std::move(message), std::move(candidates)};
}

std::string usage(const CommandSpec& c) {
    std::string out = join(c.path);
    for (const auto& a : c.args)
        out += a.optional ? " [" + a.name + "]" : " " + a.name;
    return out;
}

void collect(const CommandNode& node, std::vector<const CommandNode*>& out) {
    if (node.command) out.push_back(&node);
    for (const auto& [word, child] : node.children)
        collect(*child, out);
}

}  // namespace

CommandTree::CommandTree() : root_(std::make_unique<CommandNode>()) {}

void CommandTree::add(const CommandSpec& spec, std::string_view owner) {
    CommandNode* node = root_.get();
    for (const auto& word : spec.path) {
        auto& child = node->children[word];
        if (!child) {
            child = std::make_unique<CommandNode>();
            child->word = word;
            child->help = std::string(word_help(word));
        }
        node = child.get();
    }
    if (!node->command) {
        node->command = spec;
        if (!spec.help.empty()) node->help = spec.help;
    }
    if (std::find(node->owners.begin(), node->owners.end(), owner) == node->owners.end())
        node->owners.emplace_back(owner);
}

void CommandTree::add_all(const DaemonCommands& d) {
    for (const auto& c : d.commands)
        add(c, d.daemon);
}

Result<CommandTree::Walk, ResolveError> CommandTree::walk(const std::vector<std::string>& words) const {
    Walk w;
    w.node = root_.get();
    size_t i = 0;
    for (; i < words.size(); ++i) {
        auto matches = match_children(*w.node, words[i]);
        if (matches.size() == 1) {
            w.node = matches.front();
            w.path.push_back(w.node->word);
            continue;
        }
        if (matches.size() > 1) {
            std::vector<std::string> cands;
            for (const auto* m : matches)
                cands.push_back(m->word);
            return make_err(error(ResolveErrorKind::kAmbiguous,
                                  "% Ambiguous command: " + join(words, 0, i + 1) + " ('" + words[i] +
                                      "' could be: " + comma_list(cands) + ")",
                                  cands));
        }
        if (w.node->command && !w.node->command->args.empty()) break;  // the rest are arguments
        return make_err(error(ResolveErrorKind::kUnknown, "% Unknown command: " + join(words)));
    }
    w.args.assign(words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
    return w;
}

Result<ResolvedCommand, ResolveError> CommandTree::resolve(const std::vector<std::string>& words) const {
    if (words.empty()) return make_err(error(ResolveErrorKind::kEmpty, "% Empty command"));
    auto w = walk(words);
    if (!w) return make_err(w.error());
    const CommandNode& node = *w.value().node;
    if (!node.command) {
        auto next = child_words(node);
        return make_err(error(ResolveErrorKind::kIncomplete,
                              "% Incomplete command: " + join(words) + " (next: " + comma_list(next) + ")",
                              next));
    }
    const CommandSpec& spec = *node.command;
    const auto& args = w.value().args;
    size_t required = required_arg_count(spec);
    if (args.size() < required) {
        return make_err(
            error(ResolveErrorKind::kMissingArg,
                  "% Missing argument " + spec.args[args.size()].name + " (usage: " + usage(spec) + ")"));
    }
    if (args.size() > spec.args.size()) {
        return make_err(error(
            ResolveErrorKind::kTooManyArgs,
            "% Too many arguments: '" + join(args, spec.args.size()) + "' (usage: " + usage(spec) + ")"));
    }
    for (size_t i = 0; i < args.size(); ++i) {
        std::string why = check_arg(spec.args[i].kind, args[i]);
        if (!why.empty()) {
            return make_err(error(ResolveErrorKind::kBadArg,
                                  "% Invalid " + spec.args[i].name + " '" + args[i] + "': " + why));
        }
    }
    return ResolvedCommand{w.value().path, args, &spec, node.owners};
}

Result<std::vector<HelpItem>, ResolveError> CommandTree::context_help(const std::vector<std::string>& words,
                                                                      std::string_view partial) const {
    auto w = walk(words);
    if (!w) return make_err(w.error());
    const CommandNode& node = *w.value().node;
    const size_t k = w.value().args.size();
    std::vector<HelpItem> items;
    if (k == 0) {
        for (const auto& [word, child] : node.children) {
            if (starts_with(word, partial)) items.push_back({word, child->help});
        }
    }
    if (node.command) {
        const auto& args = node.command->args;
        if (k < args.size()) items.push_back({args[k].name, arg_help(args[k])});
        if (partial.empty() && k >= required_arg_count(*node.command) && k <= args.size())
            items.push_back({"<cr>", ""});
    }
    if (items.empty()) return make_err(error(ResolveErrorKind::kUnknown, "% There is no matched command."));
    return items;
}

std::vector<std::string> CommandTree::complete(const std::vector<std::string>& words,
                                               std::string_view partial, const ValueSource& values) const {
    std::vector<std::string> out;
    auto w = walk(words);
    if (!w) return out;
    const CommandNode& node = *w.value().node;
    const size_t k = w.value().args.size();
    if (k == 0) {
        for (const auto& [word, child] : node.children) {
            if (starts_with(word, partial)) out.push_back(word);
        }
    }
    if (node.command && k < node.command->args.size()) {
        ArgKind kind = node.command->args[k].kind;
        if (arg_kind_completes_from_daemon(kind) && values) {
            for (auto& v : values(kind)) {
                if (starts_with(v, partial)) out.push_back(std::move(v));
            }
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<const CommandNode*> CommandTree::all_commands() const {
    std::vector<const CommandNode*> out;
    collect(*root_, out);
    return out;
}

std::string_view word_help(std::string_view word) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kWords{{
        {"show", "Show running system information"},
        {"ip", "IP information"},
        {"pim", "PIM information"},
        {"igmp", "IGMP information"},
        {"mroute", "Multicast routes"},
        {"msdp", "MSDP information"},
        {"rp", "Rendezvous points"},
        {"debug", "Debugging functions"},
        {"no", "Negate a command"},
        {"clear", "Reset functions"},
        {"interface", "Interface information"},
        {"reload", "Reload configuration"},
        {"proxy", "IGMP proxy information"},
        {"running-config", "Current configuration"},
    }};
    for (const auto& [w, h] : kWords) {
        if (w == word) return h;
    }
    return "";
}

std::string format_help(const std::vector<HelpItem>& items) {
    size_t width = 12;
    for (const auto& i : items)
        width = std::max(width, i.word.size() + 2);
    std::string out;
    for (const auto& i : items) {
        std::string line = "  " + i.word;
        if (!i.help.empty()) line += std::string(width - i.word.size(), ' ') + i.help;
        out += line + "\n";
    }
    return out;
}

std::string format_command_list(const CommandTree& tree) {
    std::vector<std::pair<std::string, std::string>> rows;
    size_t width = 0;
    for (const auto* node : tree.all_commands()) {
        std::string u = usage(*node->command);
        width = std::max(width, u.size());
        std::string help = node->command->help.empty() ? node->help : node->command->help;
        rows.emplace_back(std::move(u), std::move(help));
    }
    std::string out;
    for (const auto& [u, h] : rows) {
        out += "  " + u;
        if (!h.empty()) out += std::string(width - u.size() + 2, ' ') + h;
        out += "\n";
    }
    return out;
}

std::string common_prefix(const std::vector<std::string>& candidates) {
    if (candidates.empty()) return "";
    std::string p = candidates.front();
    for (const auto& c : candidates) {
        size_t n = 0;
        while (n < p.size() && n < c.size() && p[n] == c[n])
            ++n;
        p.resize(n);
    }
    return p;
}

}  // namespace fanout::shell
