// Typed reading of YAML configuration (yaml-cpp) with errors that name the file, line, column and key path:
//
//   /etc/fanout/pimd.yaml:12:5: interfaces[1].hello-interval: value 0 out of range [1, 18000]
//
// A parse function receives the root ConfigObject and pulls typed values out of it:
//
//   auto cfg = load_file(path, [](ConfigObject& root) {
//       PimdConfig c;
//       c.common = parse_daemon_section(root, "pimd");
//       for (ConfigNode& n : root.list("interfaces")) {
//           ConfigObject i = n.object();
//           c.ifs.push_back({i.required<std::string>("name"),
//                            i.optional<Duration>("hello-interval", 30s, 1s, 18000s)});
//       }
//       return c;
//   });
//
// The first error stops the parse (it is carried by an internal exception that never leaves load_file or
// parse_config, which return Result<Config, ConfigError>). Every ConfigObject created during a parse is
// checked for unknown keys when the parse function returns (finish() may also be called earlier); the error
// lists the keys that were asked for. List indices in key paths are 0-based; lines and columns are 1-based.
#pragma once

#include <spdlog/common.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"
#include "common/core/log.hpp"
#include "common/core/result.hpp"
#include "common/sys/ipc_messages.hpp"

namespace fanout::sys {

struct ConfigError {
    std::string file;
    int line = 0;     // 1-based; 0 when unknown (e.g. the file cannot be read)
    int column = 0;   // 1-based
    std::string key;  // "interfaces[1].hello-interval"; empty for syntax and file errors
    std::string reason;
    // "FILE:LINE:COL: KEY: reason" (the KEY part is left out when empty, LINE:COL when unknown).
    std::string to_string() const;
};

namespace detail {
struct ConfigFailure {
    ConfigError error;
};
struct ConfigContext;
struct ObjectState;
}  // namespace detail

class ConfigObject;
class ConfigNode;

// Conversions from a scalar node: specialized for bool, integers, double, std::string, Duration, Ipv4Address,
// Ipv4Prefix and LogCategory. Add a specialization for a new type.
template <typename T, typename Enable = void>
struct ConfigValue;

// One YAML node with its key path. All accessors report errors at this node's position.
class ConfigNode {
  public:
    ConfigNode(YAML::Node node, std::string path, std::shared_ptr<detail::ConfigContext> ctx,
               YAML::Mark fallback);

    const std::string& path() const { return path_; }
    const YAML::Node& yaml() const { return node_; }
    int line() const;    // 1-based
    int column() const;  // 1-based
    [[noreturn]] void fail(const std::string& reason) const;
    // Fails with reason unless ok.
    void check(bool ok, const std::string& reason) const {
        if (!ok) fail(reason);
    }

    bool is_map() const { return node_.IsMap(); }
    bool is_list() const { return node_.IsSequence(); }
    bool is_scalar() const { return node_.IsScalar(); }
    bool is_null() const { return !node_.IsDefined() || node_.IsNull(); }
    // "a map", "a list", "null", "'text'": for "expected X, got Y" messages.
    std::string describe() const;
    // The scalar text; fails with "expected <what>, got ..." when this is not a scalar.
    const std::string& scalar(std::string_view what) const;

    template <typename T>
    T as() const {
        return ConfigValue<T>::parse(*this);
    }
    template <typename T>
    T as(T min, T max) const {
        T v = as<T>();
        if (v < min || v > max)
            fail("value " + ConfigValue<T>::show(v) + " out of range [" + ConfigValue<T>::show(min) + ", " +
                 ConfigValue<T>::show(max) + "]");
        return v;
    }

    // This node as an object with fixed keys (fails unless it is a map; duplicate keys are errors).
    ConfigObject object() const;
    // This node as a list (fails unless it is a list; null is an empty list).
    std::vector<ConfigNode> list() const;
    // This node as a map with free-form keys ("interfaces: {eth0: {...}}"), in file order.
    std::vector<std::pair<std::string, ConfigNode>> entries() const;

  private:
    friend class ConfigObject;
    YAML::Node node_;
    std::string path_;
    std::shared_ptr<detail::ConfigContext> ctx_;
    YAML::Mark mark_;
};

// A map with a fixed set of keys. Each accessor marks its key as known; unknown keys are reported by
// finish().
class ConfigObject {
  public:
    explicit ConfigObject(const ConfigNode& node);

    const ConfigNode& self() const { return self_; }
    // The node of key when present (marks the key as known).
    std::optional<ConfigNode> child(std::string_view key);
    // The node of key; "missing required key" when absent.
    ConfigNode node(std::string_view key);
    bool has(std::string_view key) const;

    template <typename T>
    T required(std::string_view key) {
        return node(key).template as<T>();
    }
    template <typename T>
    T required(std::string_view key, T min, T max) {
        return node(key).template as<T>(min, max);
    }
    template <typename T>
    T optional(std::string_view key, T fallback) {
        auto n = child(key);
        return n ? n->template as<T>() : fallback;
    }
    template <typename T>
    T optional(std::string_view key, T fallback, T min, T max) {
        auto n = child(key);
        return n ? n->template as<T>(min, max) : fallback;
    }
    template <typename T>
    std::optional<T> maybe(std::string_view key) {
        auto n = child(key);
        if (!n) return std::nullopt;
        return n->template as<T>();
    }

    ConfigObject object(std::string_view key);
    std::optional<ConfigObject> optional_object(std::string_view key);
    // A list under key (missing: empty).
    std::vector<ConfigNode> list(std::string_view key);
    template <typename T>
    std::vector<T> list_of(std::string_view key) {
        std::vector<T> out;
        for (const ConfigNode& n : list(key))
            out.push_back(n.template as<T>());
        return out;
    }

    // Fails on the first key that no accessor asked for, listing the allowed ones.
    void finish() const;

  private:
    ConfigNode self_;
    std::shared_ptr<detail::ObjectState> state_;
};

// Rejects duplicate entries in a list ("duplicate interface 'eth0' (first at line 4)").
template <typename K>
class UniqueEntries {
  public:
    explicit UniqueEntries(std::string what) : what_(std::move(what)) {}
    void add(const ConfigNode& at, const K& key, const std::string& shown) {
        auto [it, inserted] = seen_.emplace(key, at.line());
        if (!inserted)
            at.fail("duplicate " + what_ + " '" + shown + "' (first at line " + std::to_string(it->second) +
                    ")");
    }

  private:
    std::string what_;
    std::map<K, int> seen_;
};

// ---- conversions ---------------------------------------------------------------------------------------

template <>
struct ConfigValue<bool> {
    static bool parse(const ConfigNode& n);
    static std::string show(bool v) { return v ? "true" : "false"; }
};
template <>
struct ConfigValue<std::string> {
    static std::string parse(const ConfigNode& n) { return n.scalar("a string"); }
    static std::string show(const std::string& v) { return v; }
};
template <>
struct ConfigValue<double> {
    static double parse(const ConfigNode& n);
    static std::string show(double v);
};
template <>
struct ConfigValue<Duration> {
    // "30s", "500ms", "1m", "2h", or a (possibly fractional) number of seconds.
    static Duration parse(const ConfigNode& n);
    static std::string show(Duration d);
};
template <>
struct ConfigValue<Ipv4Address> {
    static Ipv4Address parse(const ConfigNode& n);
    static std::string show(Ipv4Address a) { return a.to_string(); }
};
template <>
struct ConfigValue<Ipv4Prefix> {
    static Ipv4Prefix parse(const ConfigNode& n);
    static std::string show(const Ipv4Prefix& p) { return p.to_string(); }
};
template <>
struct ConfigValue<LogCategory> {
    static LogCategory parse(const ConfigNode& n);
    static std::string show(LogCategory c) { return std::string(log::category_name(c)); }
};

namespace detail {
// Parses a decimal integer into [lo, hi]; fails with a type or range error.
int64_t parse_signed(const ConfigNode& n, int64_t lo, int64_t hi);
uint64_t parse_unsigned(const ConfigNode& n, uint64_t hi);
}  // namespace detail

template <typename T>
struct ConfigValue<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>> {
    static T parse(const ConfigNode& n) {
        if constexpr (std::is_signed_v<T>)
            return static_cast<T>(
                detail::parse_signed(n, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
        else
            return static_cast<T>(detail::parse_unsigned(n, std::numeric_limits<T>::max()));
    }
    static std::string show(T v) { return std::to_string(v); }
};

// ---- loading -------------------------------------------------------------------------------------------

// Reads a whole file ("cannot read FILE: reason" on failure).
Result<std::string, ConfigError> read_config_file(const std::string& path);
// Parses YAML text; syntax errors carry the position. An empty document is an empty map.
Result<YAML::Node, ConfigError> parse_yaml(const std::string& text, const std::string& file);

namespace detail {
std::shared_ptr<ConfigContext> new_context(const std::string& file);
ConfigObject root_object(const YAML::Node& doc, const std::shared_ptr<ConfigContext>& ctx);
// Runs finish() on every object created under ctx.
void finish_all(const ConfigContext& ctx);
}  // namespace detail

// Parses text (named file in errors) with fn(ConfigObject& root) -> Config.
template <typename F>
auto parse_config(const std::string& text, const std::string& file, F&& fn)
    -> Result<std::invoke_result_t<F, ConfigObject&>, ConfigError> {
    auto doc = parse_yaml(text, file);
    if (!doc.ok()) return make_err(doc.error());
    try {
        auto ctx = detail::new_context(file);
        ConfigObject root = detail::root_object(doc.value(), ctx);
        auto cfg = fn(root);
        detail::finish_all(*ctx);
        return cfg;
    } catch (const detail::ConfigFailure& f) {
        return make_err(f.error);
    }
}

// Reads and parses a configuration file. The returned Config is meant to be held as immutable
// (std::shared_ptr<const Config>) and replaced as a whole on reload.
template <typename F>
auto load_file(const std::string& path, F&& fn)
    -> Result<std::invoke_result_t<F, ConfigObject&>, ConfigError> {
    auto text = read_config_file(path);
    if (!text.ok()) return make_err(text.error());
    return parse_config(text.value(), path, std::forward<F>(fn));
}

// ---- the section every daemon shares -------------------------------------------------------------------

//   daemon:
//     status-socket: /run/fanout/pimd.sock
//     ipc-socket: /run/fanout/pimd-ipc.sock
//     pid-file: /run/fanout/pimd.pid
//     log-level: info            # trace | debug | info | warning | error | critical | off
//     debug: [packet, fsm]       # debug categories from common/core/log.hpp
struct DaemonCommonConfig {
    std::string status_socket;
    std::string ipc_socket;
    std::string pid_file;
    spdlog::level::level_enum log_level = spdlog::level::info;
    std::vector<LogCategory> debug;
    // Top-level `metrics: {listen: ADDR:PORT}` (both daemons): the Prometheus HTTP listener, "" = off.
    // Normalised to "A.B.C.D:PORT"; "PORT" and ":PORT" mean 127.0.0.1:PORT. Takes effect at start.
    std::string metrics_listen;
};

inline constexpr std::string_view kDefaultIpcSocket = ipc::kDefaultSocketPath;

// /run/fanout/<daemon>.sock, /run/fanout/pimd-ipc.sock, /run/fanout/<daemon>.pid, info, no debug.
DaemonCommonConfig default_common_config(std::string_view daemon);
// Reads the keys above from section, starting from defaults.
DaemonCommonConfig parse_daemon_common(ConfigObject& section, DaemonCommonConfig defaults);
// Reads the optional "daemon:" section of root (defaults for daemon when absent) and the optional
// top-level "metrics:" section (listen).
DaemonCommonConfig parse_daemon_section(ConfigObject& root, std::string_view daemon);
// "ADDR:PORT", ":PORT" or "PORT" (ADDR defaults to 127.0.0.1; PORT 1-65535, or 0 when allow_port_zero:
// tests bind an ephemeral port); nullopt when malformed.
std::optional<std::pair<Ipv4Address, uint16_t>> parse_host_port(std::string_view text,
                                                                bool allow_port_zero = false);
// spdlog level from its name ("warn" and "warning" both accepted).
std::optional<spdlog::level::level_enum> log_level_from_name(std::string_view name);

}  // namespace fanout::sys
