#include "common/shell/command_spec.hpp"

#include <array>
#include <cctype>
#include <utility>

#include "common/core/ip.hpp"

namespace fanout::shell {
namespace {

constexpr std::array<std::pair<ArgKind, std::string_view>, 7> kKindNames{{
    {ArgKind::kInterface, "interface"},
    {ArgKind::kGroup, "group"},
    {ArgKind::kAddress, "address"},
    {ArgKind::kPrefix, "prefix"},
    {ArgKind::kWord, "word"},
    {ArgKind::kNumber, "number"},
    {ArgKind::kCategory, "category"},
}};

// Linux interface names: 1..15 bytes, no '/', no whitespace, not "." or "..".
std::string check_interface_name(std::string_view v) {
    if (v.empty() || v.size() > 15) return "an interface name has 1 to 15 characters";
    if (v == "." || v == "..") return "not an interface name";
    for (char c : v) {
        if (c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c)) != 0)
            return "an interface name has no '/', ':' or spaces";
    }
    return "";
}

std::string check_number(std::string_view v) {
    if (v.empty() || v.size() > 19) return "expected a number";
    for (char c : v) {
        if (std::isdigit(static_cast<unsigned char>(c)) == 0) return "expected a number";
    }
    return "";
}

Result<ArgSpec, std::string> parse_arg(const nlohmann::json& j) {
    if (!j.is_object()) return make_err(std::string("an argument is not an object"));
    ArgSpec a;
    if (!j.contains("name") || !j["name"].is_string())
        return make_err(std::string("an argument has no name"));
    a.name = j["name"].get<std::string>();
    std::string kind = j.value("kind", std::string("word"));
    auto k = arg_kind_from_name(kind);
    if (!k) return make_err("argument " + a.name + " has unknown kind '" + kind + "'");
    a.kind = *k;
    a.optional = j.value("optional", false);
    a.help = j.value("help", std::string());
    return a;
}

Result<CommandSpec, std::string> parse_command(const nlohmann::json& j) {
    if (!j.is_object()) return make_err(std::string("a command is not an object"));
    CommandSpec c;
    if (!j.contains("path") || !j["path"].is_array() || j["path"].empty())
        return make_err(std::string("a command has no path"));
    for (const auto& w : j["path"]) {
        if (!w.is_string() || w.get<std::string>().empty())
            return make_err(std::string("a command path holds a non-word"));
        c.path.push_back(w.get<std::string>());
    }
    c.help = j.value("help", std::string());
    bool seen_optional = false;
    if (j.contains("args")) {
        if (!j["args"].is_array()) return make_err("args of '" + c.path.front() + "...' is not an array");
        for (const auto& aj : j["args"]) {
            auto a = parse_arg(aj);
            if (!a) return make_err(a.error());
            if (!a.value().optional && seen_optional)
                return make_err("required argument " + a.value().name + " follows an optional one");
            seen_optional = seen_optional || a.value().optional;
            c.args.push_back(std::move(a.value()));
        }
    }
    return c;
}

}  // namespace

std::string_view arg_kind_name(ArgKind k) {
    for (const auto& [kind, name] : kKindNames) {
        if (kind == k) return name;
    }
    return "word";
}

std::optional<ArgKind> arg_kind_from_name(std::string_view name) {
    for (const auto& [kind, n] : kKindNames) {
        if (n == name) return kind;
    }
    return std::nullopt;
}

bool arg_kind_completes_from_daemon(ArgKind k) {
    switch (k) {
        case ArgKind::kInterface:
        case ArgKind::kGroup:
        case ArgKind::kCategory:
            return true;
        case ArgKind::kAddress:
        case ArgKind::kPrefix:
        case ArgKind::kWord:
        case ArgKind::kNumber:
            return false;
    }
    return false;
}

std::string check_arg(ArgKind k, std::string_view v) {
    switch (k) {
        case ArgKind::kInterface:
            return check_interface_name(v);
        case ArgKind::kGroup: {
            auto a = Ipv4Address::parse(v);
            if (!a) return "expected a group address (A.B.C.D)";
            if (!a->is_multicast()) return "not a multicast group (224.0.0.0/4)";
            return "";
        }
        case ArgKind::kAddress:
            return Ipv4Address::parse(v) ? "" : "expected an IPv4 address (A.B.C.D)";
        case ArgKind::kPrefix:
            return Ipv4Prefix::parse(v, true) ? "" : "expected a prefix (A.B.C.D/M)";
        case ArgKind::kNumber:
            return check_number(v);
        case ArgKind::kWord:
        case ArgKind::kCategory:
            return v.empty() ? "expected a word" : "";
    }
    return "";
}

Result<DaemonCommands, std::string> parse_daemon_commands(const nlohmann::json& data) {
    if (!data.is_object()) return make_err(std::string("__commands reply is not an object"));
    DaemonCommands d;
    d.daemon = data.value("daemon", std::string());
    d.version = data.value("version", std::string());
    if (!data.contains("commands") || !data["commands"].is_array())
        return make_err(std::string("__commands reply has no commands array"));
    for (const auto& cj : data["commands"]) {
        auto c = parse_command(cj);
        if (!c) return make_err(c.error());
        d.commands.push_back(std::move(c.value()));
    }
    return d;
}

size_t required_arg_count(const CommandSpec& c) {
    size_t n = 0;
    for (const auto& a : c.args) {
        if (!a.optional) ++n;
    }
    return n;
}

}  // namespace fanout::shell
