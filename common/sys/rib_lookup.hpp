// RibLookup: RPF answers from the kernel FIB and notification of the routes that change them.
// - lookup(addr): RTM_GETROUTE, AF_INET, RTA_DST=addr, RTM_F_FIB_MATCH, on a dedicated request socket (a
//   synchronous request/reply of a few microseconds, with sequence numbers and a timeout guard). The kernel
//   answers with the matching FIB entry: prefix, table, protocol, metric (RTA_PRIORITY), oif and gateway, or
//   RTA_MULTIPATH for ECMP; or an error (no route, unreachable, prohibit, blackhole).
// - watch_routes(cb): RTNLGRP_IPV4_ROUTE notifications (RTM_NEWROUTE/RTM_DELROUTE of every table, except
// cache
//   and clone entries), optionally coalesced over a short window so a flapping route costs one re-resolution;
//   covered_addresses() picks the tracked RPF addresses a change can affect. An overrun of the monitor socket
//   is reported as a change of 0.0.0.0/0 (everything must be re-resolved).
// - default_metric_preference(): the kernel has no administrative distance, so the Assert metric preference
//   (RFC 7761 4.6.1) is derived from the route protocol, with FRR's default distances.
// References: rtnetlink(7); /work/shared/LINUX-MROUTE.md, section Netlink.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/ip.hpp"
#include "common/packet/decode_error.hpp"
#include "common/sys/event_loop.hpp"
#include "common/sys/netlink_socket.hpp"

namespace fanout::sys {

struct NextHop {
    int oif = 0;
    Ipv4Address gateway;  // 0 when the destination is directly connected through oif
    uint16_t weight = 1;  // rtnh_hops + 1, as `ip route ... weight N` (1..256, hence not 8 bits)
    bool operator==(const NextHop&) const = default;
};

struct RpfRoute {
    Ipv4Prefix prefix;
    int oif = 0;           // the first next hop's
    Ipv4Address gateway;   // the first next hop's; 0 if connected
    uint8_t type = 0;      // RTN_UNICAST or RTN_LOCAL (an address of this host)
    uint8_t protocol = 0;  // RTPROT_*
    uint8_t scope = 0;     // RT_SCOPE_*
    uint32_t metric = 0;   // RTA_PRIORITY
    uint32_t table = 0;
    std::vector<NextHop> nexthops;  // every next hop: one for a single-path route, several for ECMP
    // A connected route: installed by the kernel for an interface address, no gateway.
    bool connected() const;
    std::string to_string() const;
};

enum class RpfErrorKind : uint8_t {
    kNoRoute,      // no matching route (ENETUNREACH)
    kUnreachable,  // an unreachable route (RTN_UNREACHABLE, EHOSTUNREACH)
    kProhibit,     // a prohibit route (RTN_PROHIBIT, EACCES)
    kBlackhole,    // a blackhole route (RTN_BLACKHOLE)
    kNetlink,      // the request failed (socket error, timeout guard, unexpected errno)
    kBadReply,     // the reply could not be parsed
};
std::string_view to_string(RpfErrorKind k);

struct RpfError {
    RpfErrorKind kind = RpfErrorKind::kNetlink;
    int error = 0;  // errno when the kernel or the socket gave one
    std::string detail;
};

// A decoded RTM_NEWROUTE / RTM_DELROUTE (AF_INET).
struct RouteMessage {
    bool deleted = false;
    Ipv4Prefix prefix;
    uint8_t type = 0;  // RTN_*
    uint8_t protocol = 0;
    uint8_t scope = 0;
    uint32_t flags = 0;  // rtm_flags (RTM_F_CLONED ...)
    uint32_t table = 0;  // RTA_TABLE, else rtm_table
    uint32_t metric = 0;
    int oif = 0;
    Ipv4Address gateway;
    std::vector<NextHop> nexthops;  // from RTA_MULTIPATH, else the single (oif, gateway)
    bool cloned() const;
};

packet::DecodeResult<RouteMessage> parse_route_message(const nlmsghdr& nlh);
// The RPF answer a route gives: unicast and local routes resolve; unreachable/prohibit/blackhole/throw do
// not.
Result<RpfRoute, RpfError> rpf_from_route(const RouteMessage& m);
// The RPF error for an errno returned by RTM_GETROUTE.
RpfErrorKind rpf_error_from_errno(int error);

// Default Assert metric preference by route protocol (lower wins), as FRR's administrative distances:
// connected 0, static/boot/kernel 1, eBGP 20 (iBGP would be 200: the kernel cannot tell them apart),
// OSPF 110, IS-IS 115, RIP 120, EIGRP 90, Babel 100; other protocols 255.
uint32_t default_metric_preference(uint8_t protocol, bool connected);
inline uint32_t default_metric_preference(const RpfRoute& r) {
    return default_metric_preference(r.protocol, r.connected());
}

struct RouteChange {
    Ipv4Prefix prefix;
    bool removed = false;  // RTM_DELROUTE (the last one seen in a coalescing window)
    uint32_t table = 0;
    uint8_t protocol = 0;
    bool overrun = false;  // notifications were lost: prefix is 0.0.0.0/0
};

// The tracked addresses inside `prefix` (ordered set: O(log n + k)).
std::vector<Ipv4Address> covered_addresses(const std::set<Ipv4Address>& tracked, const Ipv4Prefix& prefix);
// The tracked addresses inside any of the changed prefixes, each once, in order.
std::vector<Ipv4Address> covered_addresses(const std::set<Ipv4Address>& tracked,
                                           std::span<const RouteChange> changes);

struct RibLookupOptions {
    Duration request_timeout = std::chrono::milliseconds(500);
    // Changes are collected for this long after the first one, then reported together (0: report each).
    Duration coalesce_window = std::chrono::milliseconds(50);
    int monitor_receive_buffer = 4 << 20;
};

struct RibLookupCounters {
    uint64_t lookups = 0;
    uint64_t lookup_failures = 0;  // kNetlink and kBadReply (not "no route")
    uint64_t route_notifications = 0;
    uint64_t ignored_notifications = 0;  // clones, cache entries, other families
    uint64_t notify_batches = 0;         // callback invocations
    uint64_t overruns = 0;
};

class RibLookup {
  public:
    // Changes, deduplicated by (prefix, table) within a coalescing window.
    using RouteChangeCallback = std::function<void(std::span<const RouteChange>)>;

    explicit RibLookup(EventLoop& loop, RibLookupOptions opts = {});
    RibLookup(const RibLookup&) = delete;
    RibLookup& operator=(const RibLookup&) = delete;

    // The route the kernel would use to reach addr (opens the request socket on first use).
    Result<RpfRoute, RpfError> lookup(Ipv4Address addr);

    // Subscribes to RTNLGRP_IPV4_ROUTE and reports changes through cb.
    Result<Unit, NetlinkError> watch_routes(RouteChangeCallback cb);
    // Sets (or replaces) the change callback without opening the monitor (tests feed apply_message()).
    void set_change_callback(RouteChangeCallback cb) { on_change_ = std::move(cb); }

    // Feeds one route notification (the monitor's path; public so the coalescing is testable without a
    // kernel).
    void apply_message(const nlmsghdr& nlh);

    const RibLookupCounters& counters() const { return counters_; }

  private:
    void on_readable();
    void queue_change(const RouteChange& c);
    void flush();

    EventLoop& loop_;
    RibLookupOptions opts_;
    std::optional<NetlinkSocket> request_;
    std::optional<NetlinkSocket> monitor_;
    Watch watch_;
    RouteChangeCallback on_change_;
    std::vector<RouteChange> pending_;
    TimerHandle flush_timer_;
    RibLookupCounters counters_;
};

}  // namespace fanout::sys
