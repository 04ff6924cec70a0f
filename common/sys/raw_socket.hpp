// Raw IPv4 sockets for IGMP (protocol 2) and PIM (protocol 103): receive with the arrival ifindex, send
// pinned to one interface with the header fields the protocols require.
//
// Kernel facts relied on (verified, /work/shared/LINUX-MROUTE.md sections "IGMP for a separate igmpd" and
// "The PIM socket"; ip(7), raw(7)):
// - IGMP v1/v2 reports for ordinary groups reach a raw socket only through the router-alert chain
//   (IP_ROUTER_ALERT), and only when the arrival interface has a VIF. The router-alert chain honours
//   SO_BINDTODEVICE.
// - Reports sent as a host and queries carry TTL 1, TOS 0xc0 (Internetwork Control) and the Router Alert
// option
//   (RFC 2113: 94 04 00 00; RFC 2236 section 2, RFC 3376 section 4).
// - PIM link-local messages go to 224.0.0.13 with TTL 1 (RFC 7761 section 4.9); hellos arrive only after a
// join
//   of 224.0.0.13 on the interface; unicast (Register, Register-Stop) arrives without joins.
// - One socket holds at most net.ipv4.igmp_max_memberships (20) group joins.
//
// How the 20-joins limit is handled (neither design needs a sysctl change):
// - IgmpSocket: one raw socket per interface, bound with SO_BINDTOIFINDEX, IP_MULTICAST_ALL=0, with its own
//   three joins (224.0.0.1, .2, .22), so any number of interfaces works. The event loop watches each socket
//   (fd_of) and reads the readable one (receive_from): a report costs one readiness wait and one read (no
//   second epoll in front of the sockets). Binding also keeps reports from non-IGMP interfaces out.
// - PimSocket: one unbound raw socket does all sending and receiving (so unicast Registers arrive once). The
//   224.0.0.13 membership of each interface is held by a small UDP socket that never receives anything (it is
//   never bound to a port). The raw socket keeps IP_MULTICAST_ALL=1 so it sees those joined groups, and
//   receive() drops multicast that arrived on an interface this PimSocket did not join (another process's
//   joins).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/core/ip.hpp"
#include "common/core/result.hpp"
#include "common/sys/unix_socket.hpp"

namespace fanout::sys {

// A failed system call: errno and what was being done ("IP_ADD_MEMBERSHIP 224.0.0.2 on ifindex 3").
struct SocketError {
    int error = 0;
    std::string what;
    std::string to_string() const;  // "<what>: <strerror(error)>"
};

// One received IPv4 packet, header included, exactly as the kernel delivered it.
struct RxPacket {
    int ifindex = 0;  // arrival interface (IP_PKTINFO)
    Ipv4Address src;  // from the IPv4 header
    Ipv4Address dst;  // from the IPv4 header
    std::vector<uint8_t> packet;
};

struct RawSocketCounters {
    uint64_t received = 0;        // packets returned to the caller
    uint64_t truncated = 0;       // larger than the receive buffer: dropped (MSG_TRUNC)
    uint64_t malformed = 0;       // shorter than an IPv4 header, bad version/IHL, or no IP_PKTINFO: dropped
    uint64_t filtered = 0;        // dropped by policy (local source, interface not enabled)
    uint64_t receive_errors = 0;  // recvmsg failures other than EAGAIN/EINTR
    uint64_t kernel_drops = 0;  // dropped by the kernel before we read them (socket buffer full, SO_RXQ_OVFL)
    uint64_t sent = 0;
    uint64_t send_errors = 0;
};

// Packets per read call (PimSocket::receive, IgmpSocket::receive_from), so one socket cannot starve others.
constexpr size_t kDefaultReceiveBudget = 256;
constexpr size_t kDefaultReceiveBufferBytes = 65536;  // any IPv4 packet fits
// Kernel socket receive buffer for control-plane sockets: absorbs report floods and bursts of
// J/P while the loop is busy (the default ~208 KB holds only a few hundred small packets).
constexpr int kControlSocketRcvbufBytes = 4 * 1024 * 1024;

// A large receive buffer (SO_RCVBUFFORCE as root, else SO_RCVBUF up to rmem_max) and SO_RXQ_OVFL, so that
// packets the kernel drops on a full buffer are counted (RawSocketCounters::kernel_drops).
void tune_receive_buffer(int fd);

// The receive engine shared by both sockets: one reusable buffer, recvmsg with IP_PKTINFO, strict length
// checks.
class PacketReader {
  public:
    explicit PacketReader(size_t buffer_bytes = kDefaultReceiveBufferBytes) : buf_(buffer_bytes) {}
    enum class Status { kPacket, kDropped, kEmpty, kError };
    // Reads one datagram from fd into out. kDropped: one datagram consumed and discarded (counted).
    Status read_one(int fd, RxPacket& out, RawSocketCounters& counters);
    // Forget a socket's SO_RXQ_OVFL baseline (when the socket is closed).
    void forget(int fd) { ovfl_last_.erase(fd); }

  private:
    std::vector<uint8_t> buf_;
    std::unordered_map<int, uint32_t> ovfl_last_;  // per fd: the last cumulative SO_RXQ_OVFL value
};

// Per-interface raw IGMP sockets. The event loop watches each one (fd_of) and reads it with receive_from, so
// a report reaches igmpd with one readiness wait and one read. The loop calls every readable socket's
// callback each turn and each reads at most a budget, so a flooded interface cannot starve the others.
class IgmpSocket {
  public:
    struct Options {
        bool join_all_systems = true;  // 224.0.0.1: hear other queriers' general queries
        size_t buffer_bytes = kDefaultReceiveBufferBytes;
    };
    static Result<IgmpSocket, SocketError> open(Options options);
    static Result<IgmpSocket, SocketError> open();

    IgmpSocket(IgmpSocket&&) noexcept = default;
    IgmpSocket& operator=(IgmpSocket&&) noexcept = default;

    // Opens this interface's socket: bound to ifindex, IP_PKTINFO, IP_ROUTER_ALERT, IP_MULTICAST_ALL=0, joins
    // of 224.0.0.2, 224.0.0.22 (and 224.0.0.1), IP_MULTICAST_IF=ifindex, TTL 1, TOS 0xc0, Router Alert
    // option, loop off.
    Result<Unit, SocketError> add_interface(int ifindex);
    // Closes the interface's socket (its joins go with it). Unknown ifindex: no-op.
    void remove_interface(int ifindex);
    bool has_interface(int ifindex) const { return per_if_.count(ifindex) != 0; }
    size_t interface_count() const { return per_if_.size(); }

    // Packets whose source is one of these (the router's own addresses) are dropped and counted as filtered.
    void set_local_addresses(std::unordered_set<Ipv4Address> addrs) { local_ = std::move(addrs); }

    // The interface's socket (-1 without one): give it to EventLoop::watch_readable, and call receive_from
    // when it is readable. Remove the watch before remove_interface closes the socket.
    int fd_of(int ifindex) const;
    // Up to budget packets from that interface's socket; empty when nothing is pending (or no such socket).
    std::vector<RxPacket> receive_from(int ifindex, size_t budget = kDefaultReceiveBudget);

    // Sends one IGMP message (checksum already computed by the encoder) out of ifindex to dst: a query to
    // 224.0.0.1 or a group, a report to a group, 224.0.0.22 or a unicast address (proxy upstream). The kernel
    // adds the IPv4 header: TTL 1, TOS 0xc0, Router Alert.
    Result<Unit, SocketError> send(int ifindex, Ipv4Address dst, std::span<const uint8_t> igmp);

    const RawSocketCounters& counters() const { return counters_; }

  private:
    IgmpSocket() = default;
    // Reads one datagram from fd into out unless it comes from a local address; false once fd has nothing
    // more.
    bool read_into(int fd, std::vector<RxPacket>& out);
    Options options_;
    std::map<int, UniqueFd> per_if_;  // ifindex -> socket
    std::unordered_set<Ipv4Address> local_;
    std::unique_ptr<PacketReader> reader_;
    RawSocketCounters counters_;
};

// One raw PIM socket; interface memberships of 224.0.0.13 held by per-interface UDP sockets.
class PimSocket {
  public:
    struct Options {
        size_t buffer_bytes = kDefaultReceiveBufferBytes;
    };
    static Result<PimSocket, SocketError> open(Options options);
    static Result<PimSocket, SocketError> open();

    PimSocket(PimSocket&&) noexcept = default;
    PimSocket& operator=(PimSocket&&) noexcept = default;

    // Joins / leaves ALL-PIM-ROUTERS (224.0.0.13) on ifindex. join twice is a no-op.
    Result<Unit, SocketError> join(int ifindex);
    void leave(int ifindex);
    bool joined(int ifindex) const { return members_.count(ifindex) != 0; }

    int fd() const { return sock_.get(); }
    // Up to budget packets. Multicast arriving on an interface not joined here is dropped (counted as
    // filtered).
    std::vector<RxPacket> receive(size_t budget = kDefaultReceiveBudget);

    // Link-local multicast (hello, join/prune, assert...) out of ifindex: TTL 1, TOS 0xc0.
    Result<Unit, SocketError> send_multicast(int ifindex, Ipv4Address group, std::span<const uint8_t> pim);
    // Unicast (Register, Register-Stop, BSR...) with TTL 64, TOS 0xc0. egress_ifindex pins the packet to one
    // interface even without a route (the beacon); source picks the IPv4 source address (must be local).
    Result<Unit, SocketError> send_unicast(Ipv4Address dst, std::span<const uint8_t> pim,
                                           std::optional<int> egress_ifindex = std::nullopt,
                                           std::optional<Ipv4Address> source = std::nullopt);

    const RawSocketCounters& counters() const { return counters_; }

  private:
    PimSocket() = default;
    Result<Unit, SocketError> send_pktinfo(Ipv4Address dst, std::span<const uint8_t> pim, int ifindex,
                                           std::optional<Ipv4Address> source);
    UniqueFd sock_;
    std::map<int, UniqueFd> members_;  // ifindex -> UDP socket holding the 224.0.0.13 join
    std::unique_ptr<PacketReader> reader_;
    RawSocketCounters counters_;
};

// Helpers shared with the kernel MRT socket.
Result<UniqueFd, SocketError> open_raw_socket(int protocol);
Result<Unit, SocketError> set_int_option(int fd, int level, int name, int value, const char* what);

}  // namespace fanout::sys
