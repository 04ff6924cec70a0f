// The igmpd <-> pimd link over a Unix stream socket (messages: ipc_messages.hpp).
//
// pimd runs IpcServer (listening on /run/fanout/pimd-ipc.sock by default) and feeds a MembershipTable. igmpd
// runs IpcClient: it connects with exponential back-off (100 ms doubling to 5 s), and on every (re)connect
// sends Hello, then its full state (SnapshotBegin, one Membership per (interface, group),
// SnapshotEnd{count}), then deltas as they happen. Both sides send Hello first and a Keepalive every
// keepalive interval, and drop a peer silent for the dead interval. Buffers are bounded: a peer that stops
// reading is disconnected. Deltas produced while disconnected are not queued: the snapshot at the next
// connect carries the state.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/result.hpp"
#include "common/sys/event_loop.hpp"
#include "common/sys/ipc_membership_table.hpp"
#include "common/sys/ipc_messages.hpp"
#include "common/sys/unix_socket.hpp"

namespace fanout::sys {

struct IpcLinkCounters {
    uint64_t connects = 0;  // connections established (client) or accepted (server)
    uint64_t connect_failures = 0;
    uint64_t disconnects = 0;
    uint64_t frames_rx = 0;
    uint64_t frames_tx = 0;
    uint64_t unknown_types = 0;  // frames of unknown type, skipped
    uint64_t decode_errors = 0;  // fatal for the connection
    uint64_t buffer_overflows = 0;
    uint64_t dead_peers = 0;
    uint64_t protocol_errors = 0;  // e.g. a first frame that is not Hello
};

// One framed connection: bounded buffers, keepalives and dead-peer detection. Closing calls on_closed once;
// the owner then keeps the object until a later loop turn (it must not be destroyed inside its own
// callbacks).
class IpcConnection {
  public:
    struct Options {
        Duration keepalive = 5s;
        Duration dead = 20s;
        size_t max_out = 1u << 20;  // queued outgoing octets before the peer counts as not reading
    };
    using MessageFn = std::function<void(ipc::Message&&)>;
    using ClosedFn = std::function<void(const std::string& reason)>;

    IpcConnection(EventLoop& loop, UniqueFd fd, Options options, IpcLinkCounters& counters,
                  MessageFn on_message, ClosedFn on_closed);
    ~IpcConnection();
    IpcConnection(const IpcConnection&) = delete;
    IpcConnection& operator=(const IpcConnection&) = delete;

    // Queues a frame and writes what the socket takes. False when the connection is (or just got) closed.
    bool send(const ipc::Message& m);
    void close(const std::string& reason);
    bool open() const { return !closed_; }
    size_t queued() const { return out_.size() - out_off_; }

  private:
    void on_readable();
    void on_writable();
    bool flush();
    void arm_dead_timer(TimePoint deadline);
    void dead_timer_fired();
    void send_keepalive();

    EventLoop& loop_;
    UniqueFd fd_;
    Options options_;
    IpcLinkCounters& counters_;
    MessageFn on_message_;
    ClosedFn on_closed_;
    // One read's bytes, on the heap rather than in a 64 KB stack frame below which every frame's handling
    // would run (a membership change runs the whole PIM recompute). Frames are decoded where the read put
    // them unless the start of one waits in in_.
    static constexpr size_t kReadChunk = 65536;
    std::unique_ptr<uint8_t[]> rx_;
    std::vector<uint8_t> in_;  // the start of a frame that a read ended inside of
    std::vector<uint8_t> out_;
    size_t out_off_ = 0;
    bool closed_ = false;
    Watch rd_;
    Watch wr_;
    TimerHandle stop_writing_;
    TimerHandle keepalive_timer_;
    TimerHandle dead_timer_;
    // The dead timer runs from here: set per frame; the timer is re-armed from it when it fires.
    TimePoint last_frame_;
};

// ---- pimd side -----------------------------------------------------------------------------------------

struct IpcServerOptions {
    std::string path = std::string(ipc::kDefaultSocketPath);
    std::string name = "pimd";
    uint64_t session_id = 0;  // 0: random
    IpcConnection::Options link;
};

class IpcServer {
  public:
    static Result<std::unique_ptr<IpcServer>, std::string> listen(EventLoop& loop, IpcServerOptions options,
                                                                  MembershipTable& table);
    ~IpcServer();
    IpcServer(const IpcServer&) = delete;
    IpcServer& operator=(const IpcServer&) = delete;

    bool peer_connected() const { return peer_ != nullptr; }
    // The current peer's Hello (none before it arrives).
    const std::optional<ipc::Hello>& peer_hello() const { return peer_hello_; }
    const IpcLinkCounters& counters() const { return counters_; }
    nlohmann::json to_json() const;

  private:
    IpcServer(EventLoop& loop, IpcServerOptions options, MembershipTable& table, UnixListener listener);
    void on_accept();
    void on_message(ipc::Message&& m);
    void drop_peer(const std::string& reason);
    void bury(std::unique_ptr<IpcConnection> c);

    EventLoop& loop_;
    IpcServerOptions options_;
    MembershipTable& table_;
    UnixListener listener_;
    Watch accept_watch_;
    std::unique_ptr<IpcConnection> peer_;
    uint64_t peer_id_ = 0;  // identifies the current peer's connection in its callbacks
    std::optional<ipc::Hello> peer_hello_;
    std::vector<std::unique_ptr<IpcConnection>> graveyard_;
    TimerHandle reap_timer_;
    IpcLinkCounters counters_;
};

// ---- igmpd side ----------------------------------------------------------------------------------------

struct IpcClientOptions {
    std::string path = std::string(ipc::kDefaultSocketPath);
    std::string name = "igmpd";
    uint64_t session_id = 0;  // 0: random
    Duration backoff_min = 100ms;
    Duration backoff_max = 5s;
    IpcConnection::Options link{5s, 20s, 64u << 20};
};

class IpcClient {
  public:
    // snapshot() returns the full current membership state; it is called on every (re)connect.
    using SnapshotFn = std::function<std::vector<ipc::Membership>()>;
    IpcClient(EventLoop& loop, IpcClientOptions options, SnapshotFn snapshot);
    ~IpcClient();
    IpcClient(const IpcClient&) = delete;
    IpcClient& operator=(const IpcClient&) = delete;

    // Connects now (later attempts follow the back-off).
    void start();
    // Deltas: sent when connected, otherwise left to the next snapshot.
    void update(const ipc::Membership& m);
    void remove(const ipc::MembershipRemoved& m);

    bool connected() const { return conn_ != nullptr; }
    // The server's Hello arrived on the current connection.
    bool peer_seen() const { return peer_seen_; }
    // The delay before the next connection attempt.
    Duration backoff() const { return backoff_; }
    uint64_t session_id() const { return options_.session_id; }
    const IpcLinkCounters& counters() const { return counters_; }
    nlohmann::json to_json() const;

  private:
    void try_connect();
    void schedule_retry();
    void on_message(ipc::Message&& m);
    void on_closed(const std::string& reason);
    void send_snapshot();

    EventLoop& loop_;
    IpcClientOptions options_;
    SnapshotFn snapshot_;
    std::unique_ptr<IpcConnection> conn_;
    std::vector<std::unique_ptr<IpcConnection>> graveyard_;
    TimerHandle retry_timer_;
    TimerHandle reap_timer_;
    Duration backoff_;
    bool peer_seen_ = false;
    IpcLinkCounters counters_;
};

}  // namespace fanout::sys
