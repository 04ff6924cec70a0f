// Non-blocking TCP on the EventLoop, for MSDP (RFC 3618 section 4: peers talk over TCP port 639) and any
// other stream protocol: an active open with a timeout, a listener bound to a local address, and a stream
// with a bounded output queue (a peer that never reads cannot make us buffer without limit: past the cap the
// stream is closed and reported as kOutputOverflow) and bounded reads (at most read_chunk bytes per readable
// event, so one busy peer cannot starve the loop).
//
// TCP_MD5SIG (RFC 2385, Linux tcp(7)): optional per peer, set on the connecting socket before connect() and
// on the listener for each peer address. A kernel without CONFIG_TCP_MD5SIG fails the setsockopt (ENOPROTOOPT
// or EINVAL): the error says "TCP_MD5SIG unsupported by this kernel" so the operator knows why.
//
// Callbacks run on the loop. A callback may destroy the stream that called it (the stream notices and stops);
// closes decided inside send() (overflow) are reported on a later loop turn, never from inside send().
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/core/ip.hpp"
#include "common/core/result.hpp"
#include "common/sys/event_loop.hpp"
#include "common/sys/raw_socket.hpp"
#include "common/sys/unix_socket.hpp"

namespace fanout::sys {

enum class TcpCloseReason : uint8_t {
    kRemoteClosed,    // orderly shutdown (read returned 0)
    kError,           // read/write error (ECONNRESET, ...)
    kConnectFailed,   // active open refused / unreachable
    kConnectTimeout,  // active open did not complete within connect_timeout
    kOutputOverflow,  // more than max_output bytes queued: the peer does not read
};
std::string_view to_string(TcpCloseReason r);

struct TcpStreamOptions {
    size_t max_output = 256 * 1024;  // bytes queued in user space before the stream is closed
    size_t read_chunk = 16 * 1024;   // bytes read per readable event
    Duration connect_timeout = std::chrono::seconds(10);
};

struct TcpStreamCallbacks {
    std::function<void()> on_connected;                        // active open completed
    std::function<void(std::span<const uint8_t>)> on_data;     // bytes received
    std::function<void(TcpCloseReason, int error)> on_closed;  // the stream is closed (fd released)
};

class TcpStream {
  public:
    // Starts an active open from local (port 0: any; local unspecified: any) to remote:port. Local failures
    // (socket, bind, TCP_MD5SIG) are returned; the outcome of the connection arrives through the callbacks.
    static Result<std::unique_ptr<TcpStream>, SocketError> connect(EventLoop& loop, Ipv4Address local,
                                                                   Ipv4Address remote, uint16_t port,
                                                                   const std::string& md5_key,
                                                                   TcpStreamOptions options,
                                                                   TcpStreamCallbacks callbacks);
    // Wraps an accepted, connected socket.
    static std::unique_ptr<TcpStream> adopt(EventLoop& loop, UniqueFd fd, Ipv4Address remote,
                                            TcpStreamOptions options, TcpStreamCallbacks callbacks);
    ~TcpStream();
    TcpStream(const TcpStream&) = delete;
    TcpStream& operator=(const TcpStream&) = delete;

    // Queues bytes (writing at once what the kernel takes). False when the stream is not usable or the queue
    // overflowed (then the stream is closed and on_closed(kOutputOverflow) follows on a later turn).
    bool send(std::span<const uint8_t> bytes);
    // Closes without calling on_closed.
    void close();

    bool connected() const { return connected_; }
    bool open() const { return fd_.valid(); }
    size_t queued() const { return out_.size() - out_off_; }
    Ipv4Address remote() const { return remote_; }
    uint64_t bytes_in() const { return bytes_in_; }
    uint64_t bytes_out() const { return bytes_out_; }

  private:
    TcpStream(EventLoop& loop, UniqueFd fd, Ipv4Address remote, TcpStreamOptions options,
              TcpStreamCallbacks callbacks);
    void on_connect_ready();
    void on_readable();
    void on_writable();
    bool flush();  // false: error (stream closed and reported)
    void fail(TcpCloseReason reason, int error);
    void fail_later(TcpCloseReason reason, int error);
    void update_write_watch();

    EventLoop& loop_;
    UniqueFd fd_;
    Ipv4Address remote_;
    TcpStreamOptions options_;
    TcpStreamCallbacks cb_;
    bool connected_ = false;
    Watch read_watch_;
    Watch write_watch_;
    TimerHandle connect_timer_;
    std::vector<uint8_t> out_;
    size_t out_off_ = 0;
    std::vector<uint8_t> in_;
    uint64_t bytes_in_ = 0;
    uint64_t bytes_out_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

class TcpListener {
  public:
    // fd: the accepted connection (non-blocking, close-on-exec); remote address and port.
    using AcceptFn = std::function<void(UniqueFd fd, Ipv4Address remote, uint16_t remote_port)>;
    // Listens on local:port (SO_REUSEADDR; port 0 picks one, see port()).
    static Result<std::unique_ptr<TcpListener>, SocketError> listen(EventLoop& loop, Ipv4Address local,
                                                                    uint16_t port, AcceptFn on_accept);
    // Installs (key not empty) or removes (empty) the TCP_MD5SIG key for connections from peer.
    std::optional<SocketError> set_md5(Ipv4Address peer, const std::string& key);
    uint16_t port() const { return port_; }
    uint64_t accepted() const { return accepted_; }
    uint64_t accept_errors() const { return accept_errors_; }

  private:
    TcpListener(UniqueFd fd, uint16_t port) : fd_(std::move(fd)), port_(port) {}
    void on_readable();

    UniqueFd fd_;
    uint16_t port_;
    AcceptFn on_accept_;
    Watch watch_;
    uint64_t accepted_ = 0;
    uint64_t accept_errors_ = 0;
};

// setsockopt(TCP_MD5SIG) for peer on fd (empty key: remove). Error text names the peer and says when the
// kernel lacks MD5 support.
std::optional<SocketError> set_tcp_md5sig(int fd, Ipv4Address peer, const std::string& key);

}  // namespace fanout::sys
