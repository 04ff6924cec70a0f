#include "common/sys/netlink_socket.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <vector>

namespace fanout::sys {
namespace {

constexpr size_t kReceiveBufferSize = 64 * 1024;  // larger than any dump skb the kernel builds (32 KB)
constexpr int kMaxDatagramsPerDrain = 256;        // the fd watch is level-triggered: the rest comes next turn

Err<NetlinkError> netlink_err(int error, std::string what) {
    return make_err(NetlinkError{error, std::move(what)});
}

const nlmsghdr* first_message(std::span<const char> data) {
    return static_cast<const nlmsghdr*>(static_cast<const void*>(data.data()));
}

}  // namespace

std::string NetlinkError::to_string() const {
    return what + ": " + std::strerror(error);
}

// --- NetlinkRequest ---

NetlinkRequest::NetlinkRequest(uint16_t type, uint16_t flags) {
    nlh_ = mnl_nlmsg_put_header(buf_.data());
    nlh_->nlmsg_type = type;
    nlh_->nlmsg_flags = static_cast<uint16_t>(flags | NLM_F_REQUEST);
}

void* NetlinkRequest::put_extra(size_t len) {
    return mnl_nlmsg_put_extra_header(nlh_, len);
}

void NetlinkRequest::put_u32(uint16_t type, uint32_t value) {
    mnl_attr_put_u32(nlh_, type, value);
}

void NetlinkRequest::put_in_addr(uint16_t type, Ipv4Address addr) {
    mnl_attr_put_u32(nlh_, type, addr.network_order());
}

// --- NetlinkSocket ---

Result<NetlinkSocket, NetlinkError> NetlinkSocket::open(std::span<const unsigned> groups) {
    mnl_socket* nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (!nl) return netlink_err(errno, "netlink socket");
    NetlinkSocket sock(nl, 0);
    // Each socket has its own buffer: a callback may use another socket (an RPF lookup while handling an
    // address change) while this one's messages are being walked.
    sock.rxbuf_.resize(kReceiveBufferSize);
    if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) return netlink_err(errno, "netlink bind");
    sock.port_id_ = mnl_socket_get_portid(nl);
    for (unsigned g : groups) {
        int group = static_cast<int>(g);
        if (mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
            return netlink_err(errno, "netlink add membership " + std::to_string(g));
    }
    return sock;
}

NetlinkSocket::NetlinkSocket(NetlinkSocket&& o) noexcept
    : nl_(o.nl_),
      port_id_(o.port_id_),
      seq_(o.seq_),
      stale_replies_(o.stale_replies_),
      rxbuf_(std::move(o.rxbuf_)) {
    o.nl_ = nullptr;
}

NetlinkSocket& NetlinkSocket::operator=(NetlinkSocket&& o) noexcept {
    if (this != &o) {
        if (nl_) mnl_socket_close(nl_);
        nl_ = o.nl_;
        port_id_ = o.port_id_;
        seq_ = o.seq_;
        stale_replies_ = o.stale_replies_;
        rxbuf_ = std::move(o.rxbuf_);
        o.nl_ = nullptr;
    }
    return *this;
}

NetlinkSocket::~NetlinkSocket() {
    if (nl_) mnl_socket_close(nl_);
}

int NetlinkSocket::fd() const {
    return nl_ ? mnl_socket_get_fd(nl_) : -1;
}

Result<Unit, NetlinkError> NetlinkSocket::set_receive_buffer(int bytes) {
    // SO_RCVBUFFORCE (CAP_NET_ADMIN) may exceed rmem_max; fall back to SO_RCVBUF, which the kernel caps.
    if (setsockopt(fd(), SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) == 0) return Unit{};
    if (setsockopt(fd(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) == 0) return Unit{};
    return netlink_err(errno, "netlink SO_RCVBUF");
}

Result<Unit, NetlinkError> NetlinkSocket::wait_readable(TimePoint deadline) {
    for (;;) {
        auto left = deadline - std::chrono::steady_clock::now();
        if (left <= Duration::zero()) return netlink_err(ETIMEDOUT, "netlink reply");
        auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
        struct pollfd pfd {
            fd(), POLLIN, 0
        };
        int rc = poll(&pfd, 1, static_cast<int>(ms));
        if (rc > 0) return Unit{};
        if (rc < 0 && errno != EINTR) return netlink_err(errno, "netlink poll");
    }
}

Result<Unit, NetlinkError> NetlinkSocket::transact(NetlinkRequest& req, const MessageCallback& cb,
                                                   Duration timeout) {
    nlmsghdr* nlh = req.header();
    if (++seq_ == 0) ++seq_;
    nlh->nlmsg_seq = seq_;
    nlh->nlmsg_pid = 0;
    const bool dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
    if (mnl_socket_sendto(nl_, nlh, nlh->nlmsg_len) < 0) return netlink_err(errno, "netlink send");
    const TimePoint deadline = std::chrono::steady_clock::now() + timeout;
    auto& buf = rxbuf_;
    bool interrupted = false;
    for (;;) {
        if (auto w = wait_readable(deadline); !w) return make_err(w.error());
        ssize_t n = mnl_socket_recvfrom(nl_, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            return netlink_err(errno, "netlink receive");
        }
        auto step = handle_reply(std::span<const char>(buf.data(), static_cast<size_t>(n)), seq_, dump,
                                 interrupted, cb);
        if (!step) return make_err(step.error());
        if (*step == Step::kDone) return Unit{};
    }
}

Result<NetlinkSocket::Step, NetlinkError> NetlinkSocket::handle_reply(std::span<const char> data,
                                                                      uint32_t seq, bool dump,
                                                                      bool& interrupted,
                                                                      const MessageCallback& cb) {
    const nlmsghdr* nlh = first_message(data);
    int len = static_cast<int>(data.size());
    bool got_reply = false;
    for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
        if (nlh->nlmsg_seq != seq) {
            ++stale_replies_;  // the answer to an older request that timed out
            continue;
        }
        if (nlh->nlmsg_type == NLMSG_NOOP) continue;
        if (nlh->nlmsg_type == NLMSG_OVERRUN) return netlink_err(ENOBUFS, "netlink overrun");
        if (nlh->nlmsg_type == NLMSG_ERROR) {
            auto e = netlink_family_header<nlmsgerr>(*nlh);
            if (!e) return netlink_err(EBADMSG, "netlink short error message");
            if (e->error == 0) return Step::kDone;  // ACK
            return netlink_err(-e->error, "netlink request");
        }
        if (nlh->nlmsg_type == NLMSG_DONE) {
            auto status = netlink_family_header<int>(*nlh);
            if (status && *status < 0) return netlink_err(-*status, "netlink dump");
            if (interrupted || (nlh->nlmsg_flags & NLM_F_DUMP_INTR))
                return netlink_err(EINTR, "netlink dump interrupted");
            return Step::kDone;
        }
        // Keep reading to NLMSG_DONE after an interrupted part, so the socket holds no leftovers.
        if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
        cb(*nlh);
        got_reply = true;
    }
    return (!dump && got_reply) ? Step::kDone : Step::kMore;
}

Result<size_t, NetlinkError> NetlinkSocket::drain(const MessageCallback& cb) {
    size_t count = 0;
    auto& buf = rxbuf_;
    for (int i = 0; i < kMaxDatagramsPerDrain; ++i) {
        ssize_t n = mnl_socket_recvfrom(nl_, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return count;
            if (errno == EINTR) continue;
            return netlink_err(errno, errno == ENOBUFS ? "netlink notifications overrun" : "netlink receive");
        }
        int len = static_cast<int>(n);
        for (const nlmsghdr* nlh = first_message(std::span<const char>(buf.data(), static_cast<size_t>(n)));
             mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
            if (nlh->nlmsg_type == NLMSG_OVERRUN) return netlink_err(ENOBUFS, "netlink overrun");
            if (nlh->nlmsg_type < NLMSG_MIN_TYPE) continue;  // NOOP, ERROR, DONE: not notifications
            cb(*nlh);
            ++count;
        }
    }
    return count;
}

// --- Attribute parsing ---

bool netlink_parse_attr_block(const void* payload, size_t len, std::span<const nlattr*> table) {
    std::fill(table.begin(), table.end(), nullptr);
    const char* base = static_cast<const char*>(payload);
    size_t off = 0;
    while (len - off >= sizeof(nlattr)) {
        nlattr hdr;
        std::memcpy(&hdr, base + off, sizeof(hdr));
        if (hdr.nla_len < sizeof(nlattr) || hdr.nla_len > len - off) return false;
        uint16_t type = hdr.nla_type & NLA_TYPE_MASK;
        if (type < table.size())
            table[type] = static_cast<const nlattr*>(static_cast<const void*>(base + off));
        off += NLA_ALIGN(hdr.nla_len);
        if (off >= len) return true;  // the last attribute may lack its trailing padding
    }
    return off == len;
}

bool netlink_parse_attrs(const nlmsghdr& nlh, size_t header_len, std::span<const nlattr*> table) {
    std::fill(table.begin(), table.end(), nullptr);
    const size_t start = NLMSG_HDRLEN + NLMSG_ALIGN(header_len);
    if (nlh.nlmsg_len < NLMSG_HDRLEN + header_len) return false;
    if (nlh.nlmsg_len <= start) return true;  // no attributes
    const char* msg = static_cast<const char*>(static_cast<const void*>(&nlh));
    return netlink_parse_attr_block(msg + start, nlh.nlmsg_len - start, table);
}

std::span<const char> attr_payload(const nlattr* a) {
    if (!a) return {};
    return {static_cast<const char*>(mnl_attr_get_payload(a)), mnl_attr_get_payload_len(a)};
}

std::optional<uint8_t> attr_u8(const nlattr* a) {
    auto p = attr_payload(a);
    if (p.size() < 1) return std::nullopt;
    return static_cast<uint8_t>(p[0]);
}

std::optional<uint32_t> attr_u32(const nlattr* a) {
    auto p = attr_payload(a);
    if (p.size() < sizeof(uint32_t)) return std::nullopt;
    uint32_t v;
    std::memcpy(&v, p.data(), sizeof(v));
    return v;
}

std::optional<Ipv4Address> attr_in_addr(const nlattr* a) {
    auto p = attr_payload(a);
    if (p.size() != 4) return std::nullopt;
    uint32_t n;
    std::memcpy(&n, p.data(), sizeof(n));
    return Ipv4Address::from_network_order(n);
}

std::optional<std::string> attr_string(const nlattr* a) {
    auto p = attr_payload(a);
    auto nul = std::find(p.begin(), p.end(), '\0');
    if (nul == p.end()) return std::nullopt;
    return std::string(p.begin(), nul);
}

}  // namespace fanout::sys
