// Raw IGMP and PIM sockets. See raw_socket.hpp for the kernel behaviour relied on and the membership design.
#include "common/sys/raw_socket.hpp"

#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/core/latency_probe.hpp"

namespace fanout::sys {
namespace {

constexpr int kIpProtoPim = 103;
constexpr int kTosInternetworkControl = 0xc0;
// RFC 2113 Router Alert: type 148 (copied, class 0, number 20), length 4, value 0 = "examine this packet".
constexpr std::array<uint8_t, 4> kRouterAlertOption{0x94, 0x04, 0x00, 0x00};
constexpr int kPimUnicastTtl = 64;

SocketError sys_error(const std::string& what) {
    return SocketError{errno, what};
}

std::string ifname_of(int ifindex) {
    return "ifindex " + std::to_string(ifindex);
}

sockaddr_in to_sockaddr(Ipv4Address a) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = a.network_order();
    return sa;
}

Result<Unit, SocketError> join_group(int fd, Ipv4Address group, int ifindex) {
    ip_mreqn mreq{};
    mreq.imr_multiaddr.s_addr = group.network_order();
    mreq.imr_ifindex = ifindex;
    if (::setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) != 0) {
        return make_err(sys_error("IP_ADD_MEMBERSHIP " + group.to_string() + " on " + ifname_of(ifindex)));
    }
    return Unit{};
}

Result<Unit, SocketError> set_multicast_if(int fd, int ifindex) {
    ip_mreqn mreq{};
    mreq.imr_ifindex = ifindex;
    if (::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq)) != 0) {
        return make_err(sys_error("IP_MULTICAST_IF " + ifname_of(ifindex)));
    }
    return Unit{};
}

// Reads the IPv4 source and destination from a received header; false when it is not a plausible header.
bool parse_ipv4_header(std::span<const uint8_t> p, RxPacket& out) {
    if (p.size() < 20) return false;
    if ((p[0] >> 4) != 4) return false;
    size_t ihl = size_t{p[0] & 0x0fu} * 4;
    if (ihl < 20 || ihl > p.size()) return false;
    out.src = Ipv4Address(p[12], p[13], p[14], p[15]);
    out.dst = Ipv4Address(p[16], p[17], p[18], p[19]);
    return true;
}

}  // namespace

std::string SocketError::to_string() const {
    return what + ": " + std::strerror(error);
}

Result<UniqueFd, SocketError> open_raw_socket(int protocol) {
    int fd = ::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    if (fd < 0) return make_err(sys_error("socket(AF_INET, SOCK_RAW, " + std::to_string(protocol) + ")"));
    return UniqueFd(fd);
}

Result<Unit, SocketError> set_int_option(int fd, int level, int name, int value, const char* what) {
    if (::setsockopt(fd, level, name, &value, sizeof(value)) != 0) {
        return make_err(sys_error(std::string(what) + "=" + std::to_string(value)));
    }
    return Unit{};
}

void tune_receive_buffer(int fd) {
    int bytes = kControlSocketRcvbufBytes;
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)) != 0) {
        // Not privileged: the kernel caps SO_RCVBUF at net.core.rmem_max; best effort.
        (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
    }
    int on = 1;
    (void)::setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on));
}

PacketReader::Status PacketReader::read_one(int fd, RxPacket& out, RawSocketCounters& counters) {
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(in_pktinfo)) + CMSG_SPACE(sizeof(uint32_t)) * 2>
        ctrl{};
    iovec iov{buf_.data(), buf_.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctrl.data();
    msg.msg_controllen = ctrl.size();
    ssize_t n;
    do {
        n = ::recvmsg(fd, &msg, MSG_DONTWAIT);
        FANOUT_PROBE(kRawRecvDone);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return Status::kEmpty;
        ++counters.receive_errors;
        return Status::kError;
    }
    if ((msg.msg_flags & MSG_TRUNC) != 0 || static_cast<size_t>(n) > buf_.size()) {
        ++counters.truncated;
        return Status::kDropped;
    }
    int ifindex = 0;
    bool have_pktinfo = false;
    if ((msg.msg_flags & MSG_CTRUNC) == 0) {
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
                c->cmsg_len >= CMSG_LEN(sizeof(in_pktinfo))) {
                in_pktinfo info{};
                std::memcpy(&info, CMSG_DATA(c), sizeof(info));
                ifindex = info.ipi_ifindex;
                have_pktinfo = true;
            } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL &&
                       c->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
                uint32_t total = 0;
                std::memcpy(&total, CMSG_DATA(c), sizeof(total));
                uint32_t& last = ovfl_last_[fd];
                counters.kernel_drops += total - last;  // cumulative per socket; unsigned wrap is fine
                last = total;
            }
        }
    }
    std::span<const uint8_t> bytes(buf_.data(), static_cast<size_t>(n));
    if (!have_pktinfo || !parse_ipv4_header(bytes, out)) {
        ++counters.malformed;
        return Status::kDropped;
    }
    out.ifindex = ifindex;
    out.packet.assign(bytes.begin(), bytes.end());
    return Status::kPacket;
}

// ----------------------------------------------------------------------------------------------------
// IgmpSocket

Result<IgmpSocket, SocketError> IgmpSocket::open() {
    return open(Options{});
}

Result<IgmpSocket, SocketError> IgmpSocket::open(Options options) {
    IgmpSocket s;
    s.options_ = options;
    s.reader_ = std::make_unique<PacketReader>(options.buffer_bytes);
    return s;
}

Result<Unit, SocketError> IgmpSocket::add_interface(int ifindex) {
    if (per_if_.count(ifindex) != 0) return Unit{};
    auto sock = open_raw_socket(IPPROTO_IGMP);
    if (!sock) return make_err(sock.error());
    int fd = sock->get();
    if (::setsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, &ifindex, sizeof(ifindex)) != 0) {
        return make_err(sys_error("SO_BINDTOIFINDEX " + ifname_of(ifindex)));
    }
    tune_receive_buffer(fd);
    struct IntOpt {
        int name;
        int value;
        const char* what;
    };
    const IntOpt opts[] = {
        {IP_PKTINFO, 1, "IP_PKTINFO"},
        {IP_ROUTER_ALERT, 1, "IP_ROUTER_ALERT"},
        {IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL"},
        {IP_MULTICAST_TTL, 1, "IP_MULTICAST_TTL"},
        {IP_TTL, 1, "IP_TTL"},
        {IP_TOS, kTosInternetworkControl, "IP_TOS"},
        {IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP"},
    };
    for (const auto& o : opts) {
        if (auto r = set_int_option(fd, IPPROTO_IP, o.name, o.value, o.what); !r) return r;
    }
    if (::setsockopt(fd, IPPROTO_IP, IP_OPTIONS, kRouterAlertOption.data(), kRouterAlertOption.size()) != 0) {
        return make_err(sys_error("IP_OPTIONS router alert"));
    }
    if (auto r = set_multicast_if(fd, ifindex); !r) return r;
    std::vector<Ipv4Address> groups{addr::kAllRouters, addr::kIgmpV3Reports};
    if (options_.join_all_systems) groups.push_back(addr::kAllSystems);
    for (Ipv4Address g : groups) {
        if (auto r = join_group(fd, g, ifindex); !r) return r;
    }
    per_if_.emplace(ifindex, std::move(sock.value()));
    return Unit{};
}

void IgmpSocket::remove_interface(int ifindex) {
    auto it = per_if_.find(ifindex);
    if (it == per_if_.end()) return;
    reader_->forget(it->second.get());
    per_if_.erase(it);
}

int IgmpSocket::fd_of(int ifindex) const {
    auto it = per_if_.find(ifindex);
    return it == per_if_.end() ? -1 : it->second.get();
}

bool IgmpSocket::read_into(int fd, std::vector<RxPacket>& out) {
    RxPacket p;
    auto st = reader_->read_one(fd, p, counters_);
    if (st == PacketReader::Status::kEmpty || st == PacketReader::Status::kError) return false;
    if (st != PacketReader::Status::kPacket) return true;  // dropped and counted by the reader
    if (local_.count(p.src) != 0) {
        ++counters_.filtered;
        return true;
    }
    ++counters_.received;
    out.push_back(std::move(p));
    return true;
}

std::vector<RxPacket> IgmpSocket::receive_from(int ifindex, size_t budget) {
    std::vector<RxPacket> out;
    const int fd = fd_of(ifindex);
    if (fd < 0) return out;
    for (size_t used = 0; used < budget && read_into(fd, out); ++used) {
    }
    return out;
}

Result<Unit, SocketError> IgmpSocket::send(int ifindex, Ipv4Address dst, std::span<const uint8_t> igmp) {
    auto it = per_if_.find(ifindex);
    if (it == per_if_.end()) {
        ++counters_.send_errors;
        return make_err(SocketError{ENODEV, "send IGMP on " + ifname_of(ifindex) + " (interface not added)"});
    }
    sockaddr_in sa = to_sockaddr(dst);
    ssize_t n =
        ::sendto(it->second.get(), igmp.data(), igmp.size(), 0, reinterpret_cast<sockaddr*>(&sa), sizeof(sa));
    if (n < 0) {
        ++counters_.send_errors;
        return make_err(sys_error("send IGMP to " + dst.to_string() + " on " + ifname_of(ifindex)));
    }
    ++counters_.sent;
    return Unit{};
}

// -----------------------------------------------------------------------------------------------------
// PimSocket

Result<PimSocket, SocketError> PimSocket::open() {
    return open(Options{});
}

Result<PimSocket, SocketError> PimSocket::open(Options options) {
    auto sock = open_raw_socket(kIpProtoPim);
    if (!sock) return make_err(sock.error());
    int fd = sock->get();
    struct IntOpt {
        int name;
        int value;
        const char* what;
    };
    const IntOpt opts[] = {
        {IP_PKTINFO, 1, "IP_PKTINFO"},
        {IP_MULTICAST_TTL, 1, "IP_MULTICAST_TTL"},
        {IP_TTL, kPimUnicastTtl, "IP_TTL"},
        {IP_TOS, kTosInternetworkControl, "IP_TOS"},
        {IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP"},
        {IP_MULTICAST_ALL, 1, "IP_MULTICAST_ALL"},
    };
    for (const auto& o : opts) {
        if (auto r = set_int_option(fd, IPPROTO_IP, o.name, o.value, o.what); !r) return make_err(r.error());
    }
    tune_receive_buffer(fd);
    PimSocket s;
    s.sock_ = std::move(sock.value());
    s.reader_ = std::make_unique<PacketReader>(options.buffer_bytes);
    return s;
}

Result<Unit, SocketError> PimSocket::join(int ifindex) {
    if (members_.count(ifindex) != 0) return Unit{};
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return make_err(sys_error("socket(AF_INET, SOCK_DGRAM) for the 224.0.0.13 membership"));
    UniqueFd holder(fd);
    if (auto r = join_group(fd, addr::kAllPimRouters, ifindex); !r) return r;
    members_.emplace(ifindex, std::move(holder));
    return Unit{};
}

void PimSocket::leave(int ifindex) {
    members_.erase(ifindex);
}

std::vector<RxPacket> PimSocket::receive(size_t budget) {
    std::vector<RxPacket> out;
    for (size_t used = 0; used < budget; ++used) {
        RxPacket p;
        auto st = reader_->read_one(sock_.get(), p, counters_);
        if (st == PacketReader::Status::kEmpty || st == PacketReader::Status::kError) break;
        if (st != PacketReader::Status::kPacket) continue;
        if (p.dst.is_multicast() && members_.count(p.ifindex) == 0) {
            ++counters_.filtered;
            continue;
        }
        ++counters_.received;
        out.push_back(std::move(p));
    }
    return out;
}

Result<Unit, SocketError> PimSocket::send_multicast(int ifindex, Ipv4Address group,
                                                    std::span<const uint8_t> pim) {
    if (ifindex <= 0) {
        ++counters_.send_errors;
        return make_err(SocketError{EINVAL, "send PIM to " + group.to_string() + ": no interface given"});
    }
    return send_pktinfo(group, pim, ifindex, std::nullopt);
}

Result<Unit, SocketError> PimSocket::send_unicast(Ipv4Address dst, std::span<const uint8_t> pim,
                                                  std::optional<int> egress_ifindex,
                                                  std::optional<Ipv4Address> source) {
    return send_pktinfo(dst, pim, egress_ifindex.value_or(0), source);
}

Result<Unit, SocketError> PimSocket::send_pktinfo(Ipv4Address dst, std::span<const uint8_t> pim, int ifindex,
                                                  std::optional<Ipv4Address> source) {
    sockaddr_in sa = to_sockaddr(dst);
    iovec iov{const_cast<uint8_t*>(pim.data()), pim.size()};
    alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(in_pktinfo))> ctrl{};
    msghdr msg{};
    msg.msg_name = &sa;
    msg.msg_namelen = sizeof(sa);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (ifindex != 0 || source) {
        msg.msg_control = ctrl.data();
        msg.msg_controllen = ctrl.size();
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = IPPROTO_IP;
        c->cmsg_type = IP_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
        in_pktinfo info{};
        info.ipi_ifindex = ifindex;
        if (source) info.ipi_spec_dst.s_addr = source->network_order();
        std::memcpy(CMSG_DATA(c), &info, sizeof(info));
    }
    FANOUT_PROBE(kRawSendStart);
    const bool failed = ::sendmsg(sock_.get(), &msg, 0) < 0;
    FANOUT_PROBE(kRawSendDone);
    if (failed) {
        ++counters_.send_errors;
        std::string via = ifindex != 0 ? " via " + ifname_of(ifindex) : "";
        return make_err(sys_error("send PIM to " + dst.to_string() + via));
    }
    ++counters_.sent;
    return Unit{};
}

}  // namespace fanout::sys
