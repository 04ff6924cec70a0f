// InterfaceSource: the host's links and IPv4 addresses from rtnetlink, kept in an InterfaceTable
// (common/core/interface_table.hpp), with change notifications for the daemons'
// InterfaceChanged/AddressChanged events. At start it subscribes to RTNLGRP_LINK and RTNLGRP_IPV4_IFADDR on a
// monitor socket watched by the EventLoop, then dumps links (RTM_GETLINK) and addresses (RTM_GETADDR) on a
// request socket: subscribing first means no change is lost between the dump and the monitor (replaying one
// already seen is a no-op). When the monitor socket overruns (ENOBUFS: the kernel dropped notifications) the
// queue is flushed, everything is dumped again and diffed against the table, so listeners still see exactly
// the changes that happened. Message parsing (parse_link_message, parse_address_message) is pure and tested
// with hand-built messages. References: rtnetlink(7); /work/shared/LINUX-MROUTE.md, section Netlink.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "common/core/interface_table.hpp"
#include "common/packet/decode_error.hpp"
#include "common/sys/event_loop.hpp"
#include "common/sys/netlink_socket.hpp"

namespace fanout::sys {

// RTM_NEWLINK / RTM_DELLINK (family AF_UNSPEC). info.addrs is empty: addresses come in their own messages.
struct LinkMessage {
    bool deleted = false;
    InterfaceInfo info;
};
// RTM_NEWADDR / RTM_DELADDR (family AF_INET).
struct AddressMessage {
    bool deleted = false;
    int ifindex = 0;
    InterfaceAddress address;
};

// Other families (AF_BRIDGE port events, AF_INET6 addresses) are kBadAddressFamily: callers ignore them.
packet::DecodeResult<LinkMessage> parse_link_message(const nlmsghdr& nlh);
packet::DecodeResult<AddressMessage> parse_address_message(const nlmsghdr& nlh);

struct InterfaceSourceOptions {
    int monitor_receive_buffer = 1 << 20;  // bytes; overruns are survived by a resync, but are slow
    Duration request_timeout = std::chrono::seconds(2);
};

struct InterfaceSourceCounters {
    uint64_t dumps = 0;           // full dumps (start and resyncs)
    uint64_t resyncs = 0;         // dumps caused by a monitor overrun (ENOBUFS)
    uint64_t notifications = 0;   // link/address messages received on the monitor socket
    uint64_t ignored = 0;         // messages of other families (AF_BRIDGE, AF_INET6)
    uint64_t parse_errors = 0;    // malformed messages
    uint64_t receive_errors = 0;  // monitor socket errors other than ENOBUFS
};

class InterfaceSource {
  public:
    using ChangeCallback = std::function<void(const InterfaceChange&)>;

    explicit InterfaceSource(EventLoop& loop, InterfaceSourceOptions opts = {});
    InterfaceSource(const InterfaceSource&) = delete;
    InterfaceSource& operator=(const InterfaceSource&) = delete;

    // Listeners added before start() also hear about the interfaces found by the initial dump (kLinkAdded and
    // kAddressAdded), so "present at start" and "appeared later" take the same path.
    void add_listener(ChangeCallback cb) { listeners_.push_back(std::move(cb)); }

    // Opens the sockets, subscribes, dumps, and starts watching for changes.
    Result<Unit, NetlinkError> start();
    // Dumps everything again and reports the difference (done automatically after an overrun).
    Result<Unit, NetlinkError> resync();

    const InterfaceInfo* find(int ifindex) const { return table_.find(ifindex); }
    const InterfaceInfo* find(std::string_view name) const { return table_.find(name); }
    std::vector<InterfaceInfo> all() const { return table_.all(); }
    const InterfaceTable& table() const { return table_; }
    const InterfaceSourceCounters& counters() const { return counters_; }

    // Applies one link or address message to the table and notifies listeners (used for monitor messages;
    // public so the wiring can be tested without a kernel).
    void apply_message(const nlmsghdr& nlh);

  private:
    void on_readable();
    void flush_monitor();
    void resync_or_retry();
    Result<std::vector<InterfaceInfo>, NetlinkError> dump_once();
    Result<std::vector<InterfaceInfo>, NetlinkError> dump_all();
    void emit(const std::vector<InterfaceChange>& changes);

    EventLoop& loop_;
    InterfaceSourceOptions opts_;
    InterfaceTable table_;
    std::optional<NetlinkSocket> monitor_;
    std::optional<NetlinkSocket> request_;
    Watch watch_;
    TimerHandle retry_;
    std::vector<ChangeCallback> listeners_;
    InterfaceSourceCounters counters_;
};

}  // namespace fanout::sys
