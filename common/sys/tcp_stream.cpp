// Non-blocking TCP streams and listener on the EventLoop (see tcp_stream.hpp). Linux facts used: tcp(7)
// TCP_MD5SIG with struct tcp_md5sig; connect(2) EINPROGRESS then SO_ERROR when writable; accept4(2).
#include "common/sys/tcp_stream.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace fanout::sys {

std::string_view to_string(TcpCloseReason r) {
    switch (r) {
        case TcpCloseReason::kRemoteClosed:
            return "remote-closed";
        case TcpCloseReason::kError:
            return "error";
        case TcpCloseReason::kConnectFailed:
            return "connect-failed";
        case TcpCloseReason::kConnectTimeout:
            return "connect-timeout";
        case TcpCloseReason::kOutputOverflow:
            return "output-overflow";
    }
    return "?";
}

namespace {

sockaddr_in make_sockaddr(Ipv4Address a, uint16_t port) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(a.value());
    return sin;
}

SocketError sys_error(std::string what) {
    return SocketError{errno, std::move(what)};
}

}  // namespace

std::optional<SocketError> set_tcp_md5sig(int fd, Ipv4Address peer, const std::string& key) {
    struct tcp_md5sig md5 {};
    if (key.size() > TCP_MD5SIG_MAXKEYLEN)
        return SocketError{EINVAL, "TCP_MD5SIG key for " + peer.to_string() + " longer than 80 octets"};
    auto sin = make_sockaddr(peer, 0);
    std::memcpy(&md5.tcpm_addr, &sin, sizeof sin);
    md5.tcpm_keylen = static_cast<uint16_t>(key.size());
    std::memcpy(md5.tcpm_key, key.data(), key.size());
    if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof md5) == 0) return std::nullopt;
    const int err = errno;
    if (err == ENOPROTOOPT || (err == EINVAL && !key.empty()))
        return SocketError{err, "TCP_MD5SIG for " + peer.to_string() +
                                    " (TCP_MD5SIG unsupported by this kernel? CONFIG_TCP_MD5SIG)"};
    if (err == ENOENT && key.empty()) return std::nullopt;  // removing a key that was never set
    return SocketError{err, "TCP_MD5SIG for " + peer.to_string()};
}

TcpStream::TcpStream(EventLoop& loop, UniqueFd fd, Ipv4Address remote, TcpStreamOptions options,
                     TcpStreamCallbacks callbacks)
    : loop_(loop), fd_(std::move(fd)), remote_(remote), options_(options), cb_(std::move(callbacks)) {
    in_.resize(options_.read_chunk);
}

TcpStream::~TcpStream() {
    *alive_ = false;
}

Result<std::unique_ptr<TcpStream>, SocketError> TcpStream::connect(EventLoop& loop, Ipv4Address local,
                                                                   Ipv4Address remote, uint16_t port,
                                                                   const std::string& md5_key,
                                                                   TcpStreamOptions options,
                                                                   TcpStreamCallbacks callbacks) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return make_err(sys_error("socket(SOCK_STREAM)"));
    const int one = 1;
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (!local.is_unspecified()) {
        auto sin = make_sockaddr(local, 0);
        if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0)
            return make_err(sys_error("bind " + local.to_string()));
    }
    if (!md5_key.empty())
        if (auto e = set_tcp_md5sig(fd.get(), remote, md5_key)) return make_err(*e);
    std::unique_ptr<TcpStream> s(new TcpStream(loop, std::move(fd), remote, options, std::move(callbacks)));
    auto sin = make_sockaddr(remote, port);
    const int rc = ::connect(s->fd_.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin);
    if (rc == 0) {
        s->connected_ = true;
        std::weak_ptr<bool> alive = s->alive_;
        TcpStream* raw = s.get();
        loop.defer([alive, raw] {
            auto a = alive.lock();
            if (a && *a) raw->on_connect_ready();
        });
        return s;
    }
    if (errno != EINPROGRESS) {
        s->fail_later(TcpCloseReason::kConnectFailed, errno);
        return s;
    }
    s->write_watch_ = loop.watch_writable(s->fd_.get(), [raw = s.get()] { raw->on_connect_ready(); });
    s->connect_timer_ = TimerHandle(loop, options.connect_timeout, [raw = s.get()] {
        raw->fail(TcpCloseReason::kConnectTimeout, ETIMEDOUT);
    });
    return s;
}

std::unique_ptr<TcpStream> TcpStream::adopt(EventLoop& loop, UniqueFd fd, Ipv4Address remote,
                                            TcpStreamOptions options, TcpStreamCallbacks callbacks) {
    std::unique_ptr<TcpStream> s(new TcpStream(loop, std::move(fd), remote, options, std::move(callbacks)));
    s->connected_ = true;
    s->read_watch_ = loop.watch_readable(s->fd_.get(), [raw = s.get()] { raw->on_readable(); });
    return s;
}

void TcpStream::on_connect_ready() {
    if (!fd_.valid()) return;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) return fail(TcpCloseReason::kConnectFailed, err);
    connect_timer_.cancel();
    write_watch_.reset();
    connected_ = true;
    read_watch_ = loop_.watch_readable(fd_.get(), [this] { on_readable(); });
    std::weak_ptr<bool> alive = alive_;
    if (cb_.on_connected) cb_.on_connected();
    auto a = alive.lock();
    if (a && *a) update_write_watch();  // bytes queued before the connection completed
}

void TcpStream::on_readable() {
    if (!fd_.valid()) return;
    const ssize_t n = ::read(fd_.get(), in_.data(), in_.size());
    if (n > 0) {
        bytes_in_ += static_cast<uint64_t>(n);
        if (cb_.on_data) cb_.on_data(std::span<const uint8_t>(in_.data(), static_cast<size_t>(n)));
        return;  // `this` may be gone now
    }
    if (n == 0) return fail(TcpCloseReason::kRemoteClosed, 0);
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    fail(TcpCloseReason::kError, errno);
}

bool TcpStream::flush() {
    while (out_off_ < out_.size()) {
        const ssize_t n = ::send(fd_.get(), out_.data() + out_off_, out_.size() - out_off_, MSG_NOSIGNAL);
        if (n > 0) {
            out_off_ += static_cast<size_t>(n);
            bytes_out_ += static_cast<uint64_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) break;
        fail_later(TcpCloseReason::kError, errno);
        return false;
    }
    if (out_off_ == out_.size()) {
        out_.clear();
        out_off_ = 0;
    } else if (out_off_ > out_.size() / 2) {
        out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_off_));
        out_off_ = 0;
    }
    return true;
}

bool TcpStream::send(std::span<const uint8_t> bytes) {
    if (!fd_.valid()) return false;
    if (queued() + bytes.size() > options_.max_output) {
        fail_later(TcpCloseReason::kOutputOverflow, 0);
        return false;
    }
    out_.insert(out_.end(), bytes.begin(), bytes.end());
    if (!connected_) return true;  // sent once the active open completes
    if (!flush()) return false;
    update_write_watch();
    return true;
}

void TcpStream::on_writable() {
    if (!fd_.valid()) return;
    if (flush()) update_write_watch();
}

void TcpStream::update_write_watch() {
    if (!fd_.valid()) return;
    if (queued() > 0 && !write_watch_.active())
        write_watch_ = loop_.watch_writable(fd_.get(), [this] { on_writable(); });
    else if (queued() == 0)
        write_watch_.reset();
}

void TcpStream::close() {
    read_watch_.reset();
    write_watch_.reset();
    connect_timer_.cancel();
    fd_.reset();
    out_.clear();
    out_off_ = 0;
    connected_ = false;
}

void TcpStream::fail(TcpCloseReason reason, int error) {
    close();
    if (cb_.on_closed) cb_.on_closed(reason, error);  // may destroy this
}

void TcpStream::fail_later(TcpCloseReason reason, int error) {
    close();
    std::weak_ptr<bool> alive = alive_;
    loop_.defer([alive, this, reason, error] {
        auto a = alive.lock();
        if (a && *a && cb_.on_closed) cb_.on_closed(reason, error);
    });
}

Result<std::unique_ptr<TcpListener>, SocketError> TcpListener::listen(EventLoop& loop, Ipv4Address local,
                                                                      uint16_t port, AcceptFn on_accept) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return make_err(sys_error("socket(SOCK_STREAM)"));
    const int one = 1;
    if (setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
        return make_err(sys_error("SO_REUSEADDR"));
    auto sin = make_sockaddr(local, port);
    const std::string where = local.to_string() + ":" + std::to_string(port);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0)
        return make_err(sys_error("bind " + where));
    if (::listen(fd.get(), 64) != 0) return make_err(sys_error("listen " + where));
    sockaddr_in bound{};
    socklen_t len = sizeof bound;
    if (getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &len) != 0)
        return make_err(sys_error("getsockname " + where));
    std::unique_ptr<TcpListener> l(new TcpListener(std::move(fd), ntohs(bound.sin_port)));
    l->on_accept_ = std::move(on_accept);
    l->watch_ = loop.watch_readable(l->fd_.get(), [raw = l.get()] { raw->on_readable(); });
    return l;
}

std::optional<SocketError> TcpListener::set_md5(Ipv4Address peer, const std::string& key) {
    return set_tcp_md5sig(fd_.get(), peer, key);
}

void TcpListener::on_readable() {
    for (int i = 0; i < 16; ++i) {  // bounded per loop turn
        sockaddr_in sin{};
        socklen_t len = sizeof sin;
        UniqueFd c(
            ::accept4(fd_.get(), reinterpret_cast<sockaddr*>(&sin), &len, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!c.valid()) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ++accept_errors_;
            return;
        }
        ++accepted_;
        on_accept_(std::move(c), Ipv4Address(ntohl(sin.sin_addr.s_addr)), ntohs(sin.sin_port));
    }
}

}  // namespace fanout::sys
