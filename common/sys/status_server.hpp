// The daemons' status socket (protocol: common/sys/status_protocol.md, shared with the `fanout` CLI).
// One request per connection: a JSON line {"argv": [...], "format": "text"|"json"} in, one JSON line out.
// Handlers return a typed snapshot rendered to both JSON (what tests assert on) and text (what people read).
// The loop is never blocked by a client: non-blocking I/O with bounded buffers, a per-connection timeout (the
// request must arrive within it, and the reply must keep moving: a slow reader of a large reply is served to
// the end as long as each write makes progress within it) and a cap on concurrent connections; every drop is
// counted.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/result.hpp"
#include "common/sys/event_loop.hpp"
#include "common/sys/unix_socket.hpp"

namespace fanout::sys {

// Argument kinds the CLI knows how to complete and check.
inline constexpr const char* kArgInterface = "interface";
inline constexpr const char* kArgGroup = "group";
inline constexpr const char* kArgAddress = "address";
inline constexpr const char* kArgPrefix = "prefix";
inline constexpr const char* kArgWord = "word";
inline constexpr const char* kArgNumber = "number";
inline constexpr const char* kArgCategory = "category";

struct ArgSpec {
    std::string name;  // "IFNAME"
    std::string kind;  // one of the kArg* kinds
    bool optional = false;
    std::string help;
};

struct CommandSpec {
    std::vector<std::string> path;  // {"show", "ip", "pim", "neighbor"}
    std::string help;
    std::vector<ArgSpec> args;  // positional; optional ones come last
};

// A rendered snapshot. Build one from any type with to_json(const T&) and to_text(const T&) found by ADL:
//   return ShowOutput::of(NeighborTable{...});
struct ShowOutput {
    nlohmann::json json;
    std::string text;

    template <typename T>
    static ShowOutput of(const T& snapshot) {
        return ShowOutput{to_json(snapshot), to_text(snapshot)};
    }
};

// Handler args: the values after the command path, already checked against the spec (count and kind).
using CommandHandler = std::function<Result<ShowOutput, std::string>(const std::vector<std::string>& args)>;
using CompletionProvider = std::function<std::vector<std::string>()>;

struct StatusServerOptions {
    std::string path;         // socket path
    std::string daemon;       // "pimd"
    std::string version;      // "0.1.0"
    std::string config_file;  // shown by `show version`
    std::string group = "fanout";
    size_t max_request = 64 * 1024;
    Duration timeout = 5s;  // for the whole request; then between two writes of the reply that make progress
    size_t max_connections = 16;
};

struct StatusServerCounters {
    uint64_t accepted = 0;
    uint64_t served = 0;  // replies fully written
    uint64_t errors = 0;  // replies with ok=false (bad request, unknown command, handler error)
    uint64_t drops = 0;   // connections closed without a complete reply (cap, timeout, oversize, I/O error)
};

class StatusServer {
  public:
    // Binds and listens (see listen_unix for stale-socket handling).
    static Result<std::unique_ptr<StatusServer>, std::string> listen(EventLoop& loop,
                                                                     StatusServerOptions options);
    ~StatusServer();
    StatusServer(const StatusServer&) = delete;
    StatusServer& operator=(const StatusServer&) = delete;

    // Registers a command. A path registered twice replaces the earlier handler.
    void add(CommandSpec spec, CommandHandler handler);
    // Registers the value source for a completion kind ("interface" -> interface names).
    void add_completion(std::string kind, CompletionProvider provider);
    void set_config_file(std::string path) { options_.config_file = std::move(path); }

    // Handles one request line and returns the reply object (also used in-process by tests).
    nlohmann::json handle_request(std::string_view line);
    // Routes argv to a command; the reply object for format ("text" or "json").
    nlohmann::json dispatch(const std::vector<std::string>& argv, const std::string& format);

    const StatusServerCounters& counters() const { return counters_; }
    size_t connection_count() const { return conns_.size(); }
    const std::string& path() const { return options_.path; }

  private:
    struct Command {
        CommandSpec spec;
        CommandHandler handler;
    };
    struct Connection;

    StatusServer(EventLoop& loop, StatusServerOptions options, UnixListener listener);
    void add_builtins();
    void on_accept();
    void on_readable(Connection& c);
    void on_writable(Connection& c);
    void start_reply(Connection& c, const nlohmann::json& reply);
    void arm_timeout(Connection& c);  // (re)starts c's timeout
    void close(Connection& c, bool dropped);
    void reap();
    nlohmann::json commands_json() const;
    std::optional<std::string> check_args(const CommandSpec& spec,
                                          const std::vector<std::string>& args) const;

    EventLoop& loop_;
    StatusServerOptions options_;
    UnixListener listener_;
    Watch accept_watch_;
    TimePoint started_;
    std::map<std::vector<std::string>, Command> commands_;
    std::map<std::string, CompletionProvider> completions_;
    std::map<uint64_t, std::unique_ptr<Connection>> conns_;
    uint64_t next_conn_ = 1;
    TimerHandle reap_timer_;
    StatusServerCounters counters_;
};

}  // namespace fanout::sys
