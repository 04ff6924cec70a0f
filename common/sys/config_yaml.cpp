#include "common/sys/config_yaml.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace fanout::sys {

namespace detail {

struct ConfigContext {
    std::string file;
    std::vector<std::shared_ptr<ObjectState>> objects;  // every object of the parse, for finish_all
    std::vector<std::pair<YAML::Node, std::shared_ptr<ObjectState>>> objects_by_node;
};

struct ObjectKey {
    std::string name;
    YAML::Mark mark;
    YAML::Node value;
};

struct ObjectState {
    std::vector<ObjectKey> keys;  // in file order, no duplicates
    std::set<std::string, std::less<>> asked;
    std::vector<std::string> asked_in_order;
    std::string owner_path;
    YAML::Mark owner_mark;
};

void finish_object(const ConfigContext& ctx, const ObjectState& st);

}  // namespace detail

namespace {

[[noreturn]] void throw_at(const detail::ConfigContext& ctx, const YAML::Mark& m, const std::string& key,
                           const std::string& reason) {
    ConfigError e;
    e.file = ctx.file;
    if (!m.is_null()) {
        e.line = m.line + 1;
        e.column = m.column + 1;
    }
    e.key = key;
    e.reason = reason;
    throw detail::ConfigFailure{std::move(e)};
}

std::string join_path(const std::string& parent, std::string_view key) {
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

// Edit distance, to point out a misspelt key.
size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

std::string ConfigError::to_string() const {
    std::string out = file;
    if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
    out += ": ";
    if (!key.empty()) out += key + ": ";
    return out + reason;
}

// ---- ConfigNode ----------------------------------------------------------------------------------------

ConfigNode::ConfigNode(YAML::Node node, std::string path, std::shared_ptr<detail::ConfigContext> ctx,
                       YAML::Mark fallback)
    : node_(std::move(node)), path_(std::move(path)), ctx_(std::move(ctx)), mark_(fallback) {
    if (node_.IsDefined()) {
        YAML::Mark m = node_.Mark();
        if (!m.is_null()) mark_ = m;
    }
}

int ConfigNode::line() const {
    return mark_.is_null() ? 0 : mark_.line + 1;
}
int ConfigNode::column() const {
    return mark_.is_null() ? 0 : mark_.column + 1;
}

void ConfigNode::fail(const std::string& reason) const {
    throw_at(*ctx_, mark_, path_, reason);
}

std::string ConfigNode::describe() const {
    if (is_null()) return "null";
    if (is_map()) return "a map";
    if (is_list()) return "a list";
    return "'" + node_.Scalar() + "'";
}

const std::string& ConfigNode::scalar(std::string_view what) const {
    if (!is_scalar()) fail("expected " + std::string(what) + ", got " + describe());
    return node_.Scalar();
}

ConfigObject ConfigNode::object() const {
    return ConfigObject(*this);
}

std::vector<ConfigNode> ConfigNode::list() const {
    std::vector<ConfigNode> out;
    if (is_null()) return out;
    if (!is_list()) fail("expected a list, got " + describe());
    size_t i = 0;
    for (const YAML::Node& item : node_) {
        out.emplace_back(item, path_ + "[" + std::to_string(i) + "]", ctx_, mark_);
        ++i;
    }
    return out;
}

std::vector<std::pair<std::string, ConfigNode>> ConfigNode::entries() const {
    std::vector<std::pair<std::string, ConfigNode>> out;
    if (is_null()) return out;
    if (!is_map()) fail("expected a map, got " + describe());
    std::map<std::string, int> seen;
    for (auto it = node_.begin(); it != node_.end(); ++it) {
        ConfigNode key(it->first, path_, ctx_, mark_);
        const std::string& name = key.scalar("a name as key");
        auto [pos, inserted] = seen.emplace(name, key.line());
        if (!inserted)
            throw_at(*ctx_, it->first.Mark(), join_path(path_, name),
                     "duplicate key (first at line " + std::to_string(pos->second) + ")");
        out.emplace_back(name, ConfigNode(it->second, join_path(path_, name), ctx_, it->first.Mark()));
    }
    return out;
}

// ---- ConfigObject --------------------------------------------------------------------------------------

ConfigObject::ConfigObject(const ConfigNode& node) : self_(node) {
    if (!node.is_null() && !node.is_map()) node.fail("expected a map, got " + node.describe());
    // Viewing the same map twice shares the record of asked keys.
    for (const auto& [yaml, st] : node.ctx_->objects_by_node)
        if (node.is_map() && yaml.is(node.node_)) {
            state_ = st;
            return;
        }
    state_ = std::make_shared<detail::ObjectState>();
    if (node.is_map()) {
        node.ctx_->objects_by_node.emplace_back(node.node_, state_);
        for (auto it = node.node_.begin(); it != node.node_.end(); ++it) {
            ConfigNode key(it->first, node.path_, node.ctx_, node.mark_);
            const std::string& name = key.scalar("a name as key");
            for (const detail::ObjectKey& k : state_->keys)
                if (k.name == name)
                    throw_at(*node.ctx_, it->first.Mark(), join_path(node.path_, name),
                             "duplicate key (first at line " + std::to_string(k.mark.line + 1) + ")");
            state_->keys.push_back({name, it->first.Mark(), it->second});
        }
    }
    node.ctx_->objects.push_back(state_);
    state_->owner_path = node.path_;
    state_->owner_mark = node.mark_;
}

std::optional<ConfigNode> ConfigObject::child(std::string_view key) {
    if (state_->asked.insert(std::string(key)).second) state_->asked_in_order.emplace_back(key);
    for (const detail::ObjectKey& k : state_->keys)
        if (k.name == key) return ConfigNode(k.value, join_path(self_.path_, key), self_.ctx_, k.mark);
    return std::nullopt;
}

bool ConfigObject::has(std::string_view key) const {
    return std::any_of(state_->keys.begin(), state_->keys.end(),
                       [&](const auto& k) { return k.name == key; });
}

ConfigNode ConfigObject::node(std::string_view key) {
    auto n = child(key);
    if (n) return *n;
    std::string hint;
    for (const detail::ObjectKey& k : state_->keys)
        if (!state_->asked.count(k.name) && edit_distance(k.name, key) <= 2) {
            hint = " (found unknown key '" + k.name + "')";
            break;
        }
    throw_at(*self_.ctx_, self_.mark_, join_path(self_.path_, key), "missing required key" + hint);
}

ConfigObject ConfigObject::object(std::string_view key) {
    return node(key).object();
}

std::optional<ConfigObject> ConfigObject::optional_object(std::string_view key) {
    auto n = child(key);
    if (!n) return std::nullopt;
    return n->object();
}

std::vector<ConfigNode> ConfigObject::list(std::string_view key) {
    auto n = child(key);
    if (!n) return {};
    return n->list();
}

void ConfigObject::finish() const {
    detail::finish_object(*self_.ctx_, *state_);
}

namespace detail {

void finish_object(const ConfigContext& ctx, const ObjectState& st) {
    for (const ObjectKey& k : st.keys) {
        if (st.asked.count(k.name)) continue;
        std::string allowed;
        for (const std::string& a : st.asked_in_order)
            allowed += (allowed.empty() ? "" : ", ") + a;
        throw_at(ctx, k.mark, join_path(st.owner_path, k.name),
                 "unknown key (allowed: " + (allowed.empty() ? std::string("none") : allowed) + ")");
    }
}

std::shared_ptr<ConfigContext> new_context(const std::string& file) {
    auto ctx = std::make_shared<ConfigContext>();
    ctx->file = file;
    return ctx;
}

ConfigObject root_object(const YAML::Node& doc, const std::shared_ptr<ConfigContext>& ctx) {
    YAML::Mark start;
    start.line = 0;
    start.column = 0;
    return ConfigObject(ConfigNode(doc, "", ctx, start));
}

void finish_all(const ConfigContext& ctx) {
    // finish may not add objects, but iterate by index to stay valid regardless.
    for (size_t i = 0; i < ctx.objects.size(); ++i)
        finish_object(ctx, *ctx.objects[i]);
}

// ---- conversions ---------------------------------------------------------------------------------------

int64_t parse_signed(const ConfigNode& n, int64_t lo, int64_t hi) {
    const std::string& s = n.scalar("an integer");
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc::result_out_of_range) n.fail("value " + s + " out of range");
    if (ec != std::errc() || p != s.data() + s.size() || s.empty())
        n.fail("expected an integer, got '" + s + "'");
    if (v < lo || v > hi)
        n.fail("value " + s + " out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return v;
}

uint64_t parse_unsigned(const ConfigNode& n, uint64_t hi) {
    const std::string& s = n.scalar("a non-negative integer");
    if (!s.empty() && s[0] == '-') {
        int64_t v = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec == std::errc() && p == s.data() + s.size())
            n.fail("value " + s + " out of range [0, " + std::to_string(hi) + "]");
        n.fail("expected a non-negative integer, got '" + s + "'");
    }
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc::result_out_of_range)
        n.fail("value " + s + " out of range [0, " + std::to_string(hi) + "]");
    if (ec != std::errc() || p != s.data() + s.size() || s.empty())
        n.fail("expected a non-negative integer, got '" + s + "'");
    if (v > hi) n.fail("value " + s + " out of range [0, " + std::to_string(hi) + "]");
    return v;
}

}  // namespace detail

bool ConfigValue<bool>::parse(const ConfigNode& n) {
    std::string s = lower(n.scalar("true or false"));
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
    n.fail("expected true or false, got '" + n.yaml().Scalar() + "'");
}

double ConfigValue<double>::parse(const ConfigNode& n) {
    const std::string& s = n.scalar("a number");
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty() || !std::isfinite(v))
        n.fail("expected a number, got '" + s + "'");
    return v;
}

std::string ConfigValue<double>::show(double v) {
    std::ostringstream os;
    os << v;
    return os.str();
}

Duration ConfigValue<Duration>::parse(const ConfigNode& n) {
    const std::string& s = n.scalar("a duration");
    const std::string bad = "expected a duration like 30s, 500ms, 1m or a number of seconds, got '" + s + "'";
    size_t digits_end = 0;
    while (digits_end < s.size() &&
           (std::isdigit(static_cast<unsigned char>(s[digits_end])) || s[digits_end] == '.'))
        ++digits_end;
    if (digits_end == 0) n.fail(bad);
    double value = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + digits_end, value);
    if (ec != std::errc() || p != s.data() + digits_end) n.fail(bad);
    std::string unit = s.substr(digits_end);
    double scale = 0;  // seconds per unit
    if (unit.empty() || unit == "s")
        scale = 1;
    else if (unit == "ms")
        scale = 1e-3;
    else if (unit == "m")
        scale = 60;
    else if (unit == "h")
        scale = 3600;
    else
        n.fail(bad);
    double ns = value * scale * 1e9;
    if (!std::isfinite(ns) || ns > 1e18) n.fail("duration '" + s + "' out of range");
    return Duration(static_cast<int64_t>(std::llround(ns)));
}

std::string ConfigValue<Duration>::show(Duration d) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    if (ms % 3600000 == 0 && ms != 0) return std::to_string(ms / 3600000) + "h";
    if (ms % 60000 == 0 && ms != 0) return std::to_string(ms / 60000) + "m";
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

Ipv4Address ConfigValue<Ipv4Address>::parse(const ConfigNode& n) {
    const std::string& s = n.scalar("an IPv4 address");
    auto a = Ipv4Address::parse(s);
    if (!a) n.fail("expected an IPv4 address, got '" + s + "'");
    return *a;
}

Ipv4Prefix ConfigValue<Ipv4Prefix>::parse(const ConfigNode& n) {
    const std::string& s = n.scalar("an IPv4 prefix");
    if (auto p = Ipv4Prefix::parse(s)) return *p;
    if (auto loose = Ipv4Prefix::parse(s, true))
        n.fail("prefix '" + s + "' has host bits set (did you mean " + loose->to_string() + "?)");
    n.fail("expected an IPv4 prefix like 239.0.0.0/8, got '" + s + "'");
}

LogCategory ConfigValue<LogCategory>::parse(const ConfigNode& n) {
    const std::string& s = n.scalar("a debug category");
    if (auto c = log::category_from_name(s)) return *c;
    std::string known;
    for (LogCategory c : log::all_categories())
        known += (known.empty() ? "" : ", ") + std::string(log::category_name(c));
    n.fail("unknown debug category '" + s + "' (known: " + known + ")");
}

// ---- loading -------------------------------------------------------------------------------------------

Result<std::string, ConfigError> read_config_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return make_err(ConfigError{path, 0, 0, "", std::string("cannot read: ") + std::strerror(errno)});
    std::ostringstream os;
    os << in.rdbuf();
    if (in.bad()) return make_err(ConfigError{path, 0, 0, "", "read error"});
    return os.str();
}

Result<YAML::Node, ConfigError> parse_yaml(const std::string& text, const std::string& file) {
    try {
        YAML::Node doc = YAML::Load(text);
        if (!doc.IsDefined() || doc.IsNull()) return YAML::Node(YAML::NodeType::Map);
        return doc;
    } catch (const YAML::Exception& e) {
        ConfigError err{file, 0, 0, "", "syntax error: " + e.msg};
        if (!e.mark.is_null()) {
            err.line = e.mark.line + 1;
            err.column = e.mark.column + 1;
        }
        return make_err(std::move(err));
    }
}

// ---- the daemon section --------------------------------------------------------------------------------

std::optional<spdlog::level::level_enum> log_level_from_name(std::string_view name) {
    using L = spdlog::level::level_enum;
    static const std::pair<std::string_view, L> kLevels[] = {
        {"trace", L::trace}, {"debug", L::debug}, {"info", L::info},         {"warning", L::warn},
        {"warn", L::warn},   {"error", L::err},   {"critical", L::critical}, {"off", L::off}};
    for (const auto& [n, l] : kLevels)
        if (n == name) return l;
    return std::nullopt;
}

DaemonCommonConfig default_common_config(std::string_view daemon) {
    DaemonCommonConfig c;
    std::string d(daemon);
    c.status_socket = "/run/fanout/" + d + ".sock";
    c.ipc_socket = std::string(kDefaultIpcSocket);
    c.pid_file = "/run/fanout/" + d + ".pid";
    return c;
}

namespace {
std::string absolute_path(ConfigObject& obj, std::string_view key, const std::string& fallback) {
    auto n = obj.child(key);
    if (!n) return fallback;
    std::string p = n->as<std::string>();
    n->check(!p.empty() && p[0] == '/', "expected an absolute path, got '" + p + "'");
    return p;
}
}  // namespace

DaemonCommonConfig parse_daemon_common(ConfigObject& section, DaemonCommonConfig c) {
    c.status_socket = absolute_path(section, "status-socket", c.status_socket);
    c.ipc_socket = absolute_path(section, "ipc-socket", c.ipc_socket);
    c.pid_file = absolute_path(section, "pid-file", c.pid_file);
    if (auto n = section.child("log-level")) {
        std::string name = n->as<std::string>();
        auto l = log_level_from_name(name);
        n->check(l.has_value(), "unknown log level '" + name +
                                    "' (known: trace, debug, info, warning, error, "
                                    "critical, off)");
        c.log_level = *l;
    }
    if (auto n = section.child("debug")) {
        c.debug.clear();
        UniqueEntries<LogCategory> seen("debug category");
        for (const ConfigNode& item : n->list()) {
            LogCategory cat = item.as<LogCategory>();
            seen.add(item, cat, std::string(log::category_name(cat)));
            c.debug.push_back(cat);
        }
    }
    section.finish();
    return c;
}

std::optional<std::pair<Ipv4Address, uint16_t>> parse_host_port(std::string_view text, bool allow_port_zero) {
    std::string_view host, port = text;
    if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    Ipv4Address addr(127, 0, 0, 1);
    if (!host.empty()) {
        auto a = Ipv4Address::parse(host);
        if (!a) return std::nullopt;
        addr = *a;
    }
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || port.empty() ||
        (value == 0 && !allow_port_zero) || value > 65535)
        return std::nullopt;
    return std::make_pair(addr, static_cast<uint16_t>(value));
}

namespace {
std::string parse_metrics_section(ConfigObject& root) {
    auto section = root.optional_object("metrics");
    if (!section) return {};
    std::string listen;
    if (auto n = section->child("listen")) {
        std::string text = n->as<std::string>();
        auto hp = parse_host_port(text);
        n->check(hp.has_value(),
                 "expected ADDR:PORT (port 1-65535; ADDR defaults to 127.0.0.1), got '" + text + "'");
        listen = hp->first.to_string() + ":" + std::to_string(hp->second);
    }
    section->finish();
    return listen;
}
}  // namespace

DaemonCommonConfig parse_daemon_section(ConfigObject& root, std::string_view daemon) {
    auto section = root.optional_object("daemon");
    DaemonCommonConfig c = section ? parse_daemon_common(*section, default_common_config(daemon))
                                   : default_common_config(daemon);
    c.metrics_listen = parse_metrics_section(root);
    return c;
}

}  // namespace fanout::sys
