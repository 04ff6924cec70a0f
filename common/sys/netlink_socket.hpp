// A small RAII wrapper around a libmnl NETLINK_ROUTE socket: synchronous requests and dumps with sequence
// numbers and a timeout guard, non-blocking draining of multicast notifications (with ENOBUFS overrun
// reported), and bounds-checked helpers to read the attributes of a received message. Parsing is kept apart
// from the socket so that message decoders (interface_source, rib_lookup) are testable with hand-built
// messages, without root. Netlink facts used here: /work/shared/LINUX-MROUTE.md, section Netlink;
// rtnetlink(7), netlink(7).
#pragma once

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/clock.hpp"
#include "common/core/ip.hpp"
#include "common/core/result.hpp"

namespace fanout::sys {

struct NetlinkError {
    int error = 0;     // errno value (positive), e.g. ENOBUFS for an overrun, ETIMEDOUT for the timeout guard
    std::string what;  // which operation
    std::string to_string() const;
};

// One outgoing request: a netlink header, a family header and attributes, in an aligned buffer.
class NetlinkRequest {
  public:
    NetlinkRequest(uint16_t type, uint16_t flags);
    template <typename T>
    T* put_extra_header() {
        return static_cast<T*>(put_extra(sizeof(T)));
    }
    void put_u32(uint16_t type, uint32_t value);
    void put_in_addr(uint16_t type, Ipv4Address addr);  // network order on the wire
    nlmsghdr* header() { return nlh_; }

  private:
    void* put_extra(size_t len);
    alignas(NLMSG_ALIGNTO) std::array<char, 512> buf_{};
    nlmsghdr* nlh_;
};

class NetlinkSocket {
  public:
    using MessageCallback = std::function<void(const nlmsghdr&)>;

    // A non-blocking NETLINK_ROUTE socket subscribed to the given RTNLGRP_* groups (none for a request
    // socket).
    static Result<NetlinkSocket, NetlinkError> open(std::span<const unsigned> groups = {});

    NetlinkSocket(NetlinkSocket&& o) noexcept;
    NetlinkSocket& operator=(NetlinkSocket&& o) noexcept;
    NetlinkSocket(const NetlinkSocket&) = delete;
    NetlinkSocket& operator=(const NetlinkSocket&) = delete;
    ~NetlinkSocket();

    int fd() const;
    uint32_t port_id() const { return port_id_; }
    Result<Unit, NetlinkError> set_receive_buffer(int bytes);

    // Sends `req` (a fresh sequence number is assigned, NLM_F_REQUEST set) and calls cb for each reply
    // message until NLMSG_DONE (dumps), the first reply (plain requests) or an ACK. A netlink error reply is
    // returned as NetlinkError{-nlmsgerr.error}; no answer within `timeout` is ETIMEDOUT; an interrupted dump
    // (NLM_F_DUMP_INTR) is EINTR, to be retried by the caller. Stale replies to older requests are skipped.
    Result<Unit, NetlinkError> transact(NetlinkRequest& req, const MessageCallback& cb, Duration timeout);

    // Reads every datagram queued now, calling cb for each notification. Returns the number of messages, or
    // ENOBUFS when the kernel dropped notifications because the receive buffer overflowed.
    Result<size_t, NetlinkError> drain(const MessageCallback& cb);

    uint64_t stale_replies() const { return stale_replies_; }

  private:
    NetlinkSocket(mnl_socket* nl, uint32_t port_id) : nl_(nl), port_id_(port_id) {}
    Result<Unit, NetlinkError> wait_readable(TimePoint deadline);
    enum class Step { kMore, kDone };
    Result<Step, NetlinkError> handle_reply(std::span<const char> data, uint32_t seq, bool dump,
                                            bool& interrupted, const MessageCallback& cb);

    mnl_socket* nl_ = nullptr;
    uint32_t port_id_ = 0;
    uint32_t seq_ = 0;
    uint64_t stale_replies_ = 0;
    std::vector<char> rxbuf_;
};

// --- Reading received messages (pure, bounds-checked) ---

// The family header of a message (ifinfomsg, ifaddrmsg, rtmsg ...), copied out; nullopt when too short.
template <typename T>
std::optional<T> netlink_family_header(const nlmsghdr& nlh) {
    if (nlh.nlmsg_len < NLMSG_LENGTH(sizeof(T))) return std::nullopt;
    T out;
    std::memcpy(&out, mnl_nlmsg_get_payload(&nlh), sizeof(T));
    return out;
}

// The attributes following a family header of `header_len` bytes, indexed by type (types above the table size
// are skipped). Returns false when the message is truncated or an attribute is malformed.
bool netlink_parse_attrs(const nlmsghdr& nlh, size_t header_len, std::span<const nlattr*> table);
// Same, for the attributes nested in `payload` (len bytes).
bool netlink_parse_attr_block(const void* payload, size_t len, std::span<const nlattr*> table);

std::optional<uint8_t> attr_u8(const nlattr* a);
std::optional<uint32_t> attr_u32(const nlattr* a);
std::optional<Ipv4Address> attr_in_addr(const nlattr* a);  // 4 bytes, network order on the wire
std::optional<std::string> attr_string(const nlattr* a);   // NUL-terminated within the payload
std::span<const char> attr_payload(const nlattr* a);

}  // namespace fanout::sys
