#include "common/sys/ipc_link.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "common/core/latency_probe.hpp"
#include "common/core/log.hpp"

namespace fanout::sys {
namespace {

uint64_t random_session_id() {
    std::random_device rd;
    uint64_t id = (uint64_t{rd()} << 32) | rd();
    return id == 0 ? 1 : id;
}

std::string seconds_text(Duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

nlohmann::json counters_json(const IpcLinkCounters& c) {
    return {{"connects", c.connects},           {"connect_failures", c.connect_failures},
            {"disconnects", c.disconnects},     {"frames_rx", c.frames_rx},
            {"frames_tx", c.frames_tx},         {"unknown_types", c.unknown_types},
            {"decode_errors", c.decode_errors}, {"buffer_overflows", c.buffer_overflows},
            {"dead_peers", c.dead_peers},       {"protocol_errors", c.protocol_errors}};
}

}  // namespace

// ---- IpcConnection -------------------------------------------------------------------------------------

IpcConnection::IpcConnection(EventLoop& loop, UniqueFd fd, Options options, IpcLinkCounters& counters,
                             MessageFn on_message, ClosedFn on_closed)
    : loop_(loop),
      fd_(std::move(fd)),
      options_(options),
      counters_(counters),
      on_message_(std::move(on_message)),
      on_closed_(std::move(on_closed)),
      rx_(std::make_unique_for_overwrite<uint8_t[]>(kReadChunk)) {
    rd_ = loop_.watch_readable(fd_.get(), [this] { on_readable(); });
    keepalive_timer_ = TimerHandle(loop_, options_.keepalive, [this] { send_keepalive(); });
    last_frame_ = loop_.now();
    arm_dead_timer(last_frame_ + options_.dead);
}

IpcConnection::~IpcConnection() {
    rd_.reset();
    wr_.reset();
}

// A frame only notes its time: re-arming a timer for every frame costs a timer allocation and two event
// loop heap operations on the path of every membership change. When the timer fires it looks at the last
// frame and waits for the rest of the dead interval, or declares the peer dead.
void IpcConnection::arm_dead_timer(TimePoint deadline) {
    dead_timer_ = TimerHandle(loop_, deadline, [this] { dead_timer_fired(); });
}

void IpcConnection::dead_timer_fired() {
    const TimePoint deadline = last_frame_ + options_.dead;
    if (loop_.now() < deadline) {
        arm_dead_timer(deadline);
        return;
    }
    ++counters_.dead_peers;
    close("peer silent for " + seconds_text(options_.dead));
}

void IpcConnection::send_keepalive() {
    keepalive_timer_ = TimerHandle(loop_, options_.keepalive, [this] { send_keepalive(); });
    send(ipc::Keepalive{});
}

bool IpcConnection::send(const ipc::Message& m) {
    if (closed_) return false;
    ipc::encode_into(m, out_);
    ++counters_.frames_tx;
    if (queued() > options_.max_out) {
        ++counters_.buffer_overflows;
        close("peer not reading (" + std::to_string(queued()) + " octets queued)");
        return false;
    }
    return flush();
}

bool IpcConnection::flush() {
    while (out_off_ < out_.size()) {
        FANOUT_PROBE(kIpcSendStart);
        ssize_t n = ::send(fd_.get(), out_.data() + out_off_, out_.size() - out_off_, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                if (!wr_.active()) wr_ = loop_.watch_writable(fd_.get(), [this] { on_writable(); });
                return true;
            }
            close(std::string("write failed: ") + std::strerror(errno));
            return false;
        }
        out_off_ += static_cast<size_t>(n);
    }
    out_.clear();
    out_off_ = 0;
    return true;
}

void IpcConnection::on_writable() {
    if (closed_) return;
    if (!flush() || queued() != 0) return;
    // Drained: stop watching for writability on a later turn (not inside this watch's own callback).
    stop_writing_ = TimerHandle(loop_, 0ms, [this] {
        if (queued() == 0) wr_.reset();
    });
}

void IpcConnection::on_readable() {
    if (closed_) return;
    ssize_t n = ::recv(fd_.get(), rx_.get(), kReadChunk, 0);
    FANOUT_PROBE(kIpcReadDone);
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) return;
        close(std::string("read failed: ") + std::strerror(errno));
        return;
    }
    if (n == 0) {
        close("closed by peer");
        return;
    }
    // Usually no partial frame waits, and the frames are decoded where the read put them.
    std::span<const uint8_t> data(rx_.get(), static_cast<size_t>(n));
    if (!in_.empty()) {
        in_.insert(in_.end(), data.begin(), data.end());
        data = in_;
    }
    size_t off = 0;
    while (!closed_) {
        size_t used = 0;
        auto r = ipc::decode_frame(data.subspan(off), used);
        if (!r.ok()) {
            ++counters_.decode_errors;
            close("bad frame: " + std::string(packet::to_string(r.error().kind)) + " (" +
                  std::string(r.error().what) + ")");
            return;
        }
        if (!r.value().has_value()) break;
        off += used;
        ++counters_.frames_rx;
        last_frame_ = loop_.now();
        if (std::holds_alternative<ipc::UnknownMessage>(*r.value())) {
            ++counters_.unknown_types;
            continue;
        }
        on_message_(std::move(*r.value()));
    }
    if (closed_) return;
    if (in_.empty())
        in_.assign(data.begin() + static_cast<ptrdiff_t>(off), data.end());
    else
        in_.erase(in_.begin(), in_.begin() + static_cast<ptrdiff_t>(off));
}

void IpcConnection::close(const std::string& reason) {
    if (closed_) return;
    closed_ = true;
    ++counters_.disconnects;
    ::shutdown(fd_.get(), SHUT_RDWR);
    keepalive_timer_.cancel();
    dead_timer_.cancel();
    stop_writing_.cancel();
    if (on_closed_) on_closed_(reason);
}

// ---- IpcServer -----------------------------------------------------------------------------------------

Result<std::unique_ptr<IpcServer>, std::string> IpcServer::listen(EventLoop& loop, IpcServerOptions options,
                                                                  MembershipTable& table) {
    UnixListenOptions lo;
    lo.path = options.path;
    lo.mode = 0600;  // only igmpd (root) connects
    lo.group.clear();
    auto l = listen_unix(lo);
    if (!l.ok()) return make_err(l.error());
    if (options.session_id == 0) options.session_id = random_session_id();
    return std::unique_ptr<IpcServer>(new IpcServer(loop, std::move(options), table, std::move(l.value())));
}

IpcServer::IpcServer(EventLoop& loop, IpcServerOptions options, MembershipTable& table, UnixListener listener)
    : loop_(loop), options_(std::move(options)), table_(table), listener_(std::move(listener)) {
    accept_watch_ = loop_.watch_readable(listener_.fd.get(), [this] { on_accept(); });
}

IpcServer::~IpcServer() {
    peer_.reset();
    graveyard_.clear();
    accept_watch_.reset();
    unlink_if_ours(listener_.path, listener_.inode);
}

void IpcServer::bury(std::unique_ptr<IpcConnection> c) {
    graveyard_.push_back(std::move(c));
    if (!reap_timer_.armed()) reap_timer_ = TimerHandle(loop_, 0ms, [this] { graveyard_.clear(); });
}

void IpcServer::drop_peer(const std::string& reason) {
    if (!peer_) return;
    std::unique_ptr<IpcConnection> gone = std::move(peer_);
    FANOUT_LOG_INFO("ipc: {} disconnected: {}", peer_hello_ ? peer_hello_->sender : std::string("peer"),
                    reason);
    peer_hello_.reset();
    gone->close(reason);  // its on_closed finds no current peer: nothing more happens
    bury(std::move(gone));
    table_.peer_lost();
}

void IpcServer::on_accept() {
    for (;;) {
        UniqueFd fd = accept_nonblocking(listener_.fd.get());
        if (!fd.valid()) return;
        ++counters_.connects;
        if (peer_) drop_peer("replaced by a new connection");
        uint64_t id = ++peer_id_;
        peer_ = std::make_unique<IpcConnection>(
            loop_, std::move(fd), options_.link, counters_,
            [this, id](ipc::Message&& m) {
                if (id == peer_id_) on_message(std::move(m));
            },
            [this, id](const std::string& reason) {
                if (id == peer_id_ && peer_) drop_peer(reason);
            });
        peer_->send(ipc::Hello{ipc::kProtocolVersion, options_.name, options_.session_id});
    }
}

void IpcServer::on_message(ipc::Message&& m) {
    if (!peer_hello_ && !std::holds_alternative<ipc::Hello>(m)) {
        ++counters_.protocol_errors;
        drop_peer("first frame is " + std::string(ipc::message_name(m)) + ", expected hello");
        return;
    }
    std::visit(
        [this](auto&& msg) {
            using T = std::decay_t<decltype(msg)>;
            if constexpr (std::is_same_v<T, ipc::Hello>) {
                FANOUT_LOG_INFO("ipc: {} connected (protocol {}, session {:016x})", msg.sender, msg.version,
                                msg.session_id);
                peer_hello_ = std::move(msg);
            } else if constexpr (std::is_same_v<T, ipc::SnapshotBegin>) {
                table_.snapshot_begin();
            } else if constexpr (std::is_same_v<T, ipc::Membership> ||
                                 std::is_same_v<T, ipc::MembershipRemoved>) {
                table_.apply(msg);
            } else if constexpr (std::is_same_v<T, ipc::SnapshotEnd>) {
                table_.snapshot_end(msg.count);
            }
            // Keepalive: only refreshes the dead timer (done by the connection). Unknown: skipped there.
        },
        std::move(m));
}

nlohmann::json IpcServer::to_json() const {
    nlohmann::json j{
        {"socket", options_.path}, {"connected", peer_ != nullptr}, {"counters", counters_json(counters_)}};
    if (peer_hello_) {
        char sid[17];
        std::snprintf(sid, sizeof(sid), "%016llx", static_cast<unsigned long long>(peer_hello_->session_id));
        j["peer"] = {{"name", peer_hello_->sender}, {"protocol", peer_hello_->version}, {"session", sid}};
    }
    return j;
}

// ---- IpcClient -----------------------------------------------------------------------------------------

IpcClient::IpcClient(EventLoop& loop, IpcClientOptions options, SnapshotFn snapshot)
    : loop_(loop),
      options_(std::move(options)),
      snapshot_(std::move(snapshot)),
      backoff_(options_.backoff_min) {
    if (options_.session_id == 0) options_.session_id = random_session_id();
}

IpcClient::~IpcClient() {
    conn_.reset();
    graveyard_.clear();
}

void IpcClient::start() {
    if (!conn_) try_connect();
}

void IpcClient::schedule_retry() {
    retry_timer_ = TimerHandle(loop_, backoff_, [this] { try_connect(); });
    backoff_ = std::min<Duration>(backoff_ * 2, options_.backoff_max);
}

void IpcClient::try_connect() {
    retry_timer_.cancel();
    auto c = connect_unix(options_.path, true);
    if (!c.ok()) {
        ++counters_.connect_failures;
        FANOUT_LOG_DEBUG(LogCategory::kIpc, "ipc: {} (retry in {})", c.error(), seconds_text(backoff_));
        schedule_retry();
        return;
    }
    ++counters_.connects;
    peer_seen_ = false;
    conn_ = std::make_unique<IpcConnection>(
        loop_, std::move(c.value()), options_.link, counters_,
        [this](ipc::Message&& m) { on_message(std::move(m)); },
        [this](const std::string& reason) { on_closed(reason); });
    if (conn_->send(ipc::Hello{ipc::kProtocolVersion, options_.name, options_.session_id})) send_snapshot();
}

void IpcClient::send_snapshot() {
    std::vector<ipc::Membership> all = snapshot_ ? snapshot_() : std::vector<ipc::Membership>{};
    if (!conn_->send(ipc::SnapshotBegin{})) return;
    for (const ipc::Membership& m : all)
        if (!conn_ || !conn_->send(m)) return;
    if (conn_) conn_->send(ipc::SnapshotEnd{static_cast<uint32_t>(all.size())});
}

void IpcClient::on_message(ipc::Message&& m) {
    if (const auto* h = std::get_if<ipc::Hello>(&m)) {
        FANOUT_LOG_INFO("ipc: connected to {} at {}", h->sender, options_.path);
        peer_seen_ = true;
        backoff_ = options_.backoff_min;
    }
}

void IpcClient::on_closed(const std::string& reason) {
    FANOUT_LOG_INFO("ipc: connection to {} lost: {} (retry in {})", options_.path, reason,
                    seconds_text(backoff_));
    graveyard_.push_back(std::move(conn_));
    peer_seen_ = false;
    if (!reap_timer_.armed()) reap_timer_ = TimerHandle(loop_, 0ms, [this] { graveyard_.clear(); });
    schedule_retry();
}

void IpcClient::update(const ipc::Membership& m) {
    if (conn_) conn_->send(m);
}

void IpcClient::remove(const ipc::MembershipRemoved& m) {
    if (conn_) conn_->send(m);
}

nlohmann::json IpcClient::to_json() const {
    return {{"socket", options_.path},
            {"connected", conn_ != nullptr},
            {"peer_seen", peer_seen_},
            {"backoff_ms", std::chrono::duration_cast<std::chrono::milliseconds>(backoff_).count()},
            {"counters", counters_json(counters_)}};
}

}  // namespace fanout::sys
