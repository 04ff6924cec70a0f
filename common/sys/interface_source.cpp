#include "common/sys/interface_source.hpp"

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>

#include "common/core/log.hpp"

namespace fanout::sys {
namespace {

using packet::decode_error;
using packet::DecodeErrorKind;

constexpr int kDumpAttempts = 3;  // an interrupted dump (NLM_F_DUMP_INTR) is retried

}  // namespace

packet::DecodeResult<LinkMessage> parse_link_message(const nlmsghdr& nlh) {
    if (nlh.nlmsg_type != RTM_NEWLINK && nlh.nlmsg_type != RTM_DELLINK)
        return decode_error(DecodeErrorKind::kBadType, "link message type");
    auto ifi = netlink_family_header<ifinfomsg>(nlh);
    if (!ifi) return decode_error(DecodeErrorKind::kTruncated, "ifinfomsg");
    if (ifi->ifi_family != AF_UNSPEC) return decode_error(DecodeErrorKind::kBadAddressFamily, "link family");
    if (ifi->ifi_index <= 0) return decode_error(DecodeErrorKind::kBadField, "link ifindex");
    std::array<const nlattr*, IFLA_MAX + 1> tb{};
    if (!netlink_parse_attrs(nlh, sizeof(ifinfomsg), tb))
        return decode_error(DecodeErrorKind::kBadLength, "link attribute");
    LinkMessage out;
    out.deleted = nlh.nlmsg_type == RTM_DELLINK;
    InterfaceInfo& info = out.info;
    info.ifindex = ifi->ifi_index;
    if (tb[IFLA_IFNAME]) {
        auto name = attr_string(tb[IFLA_IFNAME]);
        if (!name || name->empty()) return decode_error(DecodeErrorKind::kBadField, "IFLA_IFNAME");
        info.name = *name;
    } else if (!out.deleted) {
        return decode_error(DecodeErrorKind::kTruncated, "IFLA_IFNAME missing");
    }
    if (tb[IFLA_MTU]) {
        auto mtu = attr_u32(tb[IFLA_MTU]);
        if (!mtu) return decode_error(DecodeErrorKind::kBadLength, "IFLA_MTU");
        info.mtu = *mtu;
    }
    const unsigned flags = ifi->ifi_flags;
    info.admin_up = flags & IFF_UP;
    info.oper_up = (flags & IFF_RUNNING) || (flags & IFF_LOWER_UP);
    info.multicast = flags & IFF_MULTICAST;
    info.loopback = flags & IFF_LOOPBACK;
    info.point_to_point = flags & IFF_POINTOPOINT;
    return out;
}

packet::DecodeResult<AddressMessage> parse_address_message(const nlmsghdr& nlh) {
    if (nlh.nlmsg_type != RTM_NEWADDR && nlh.nlmsg_type != RTM_DELADDR)
        return decode_error(DecodeErrorKind::kBadType, "address message type");
    auto ifa = netlink_family_header<ifaddrmsg>(nlh);
    if (!ifa) return decode_error(DecodeErrorKind::kTruncated, "ifaddrmsg");
    if (ifa->ifa_family != AF_INET) return decode_error(DecodeErrorKind::kBadAddressFamily, "address family");
    if (ifa->ifa_index == 0) return decode_error(DecodeErrorKind::kBadField, "address ifindex");
    if (ifa->ifa_prefixlen > 32) return decode_error(DecodeErrorKind::kBadField, "address prefix length");
    std::array<const nlattr*, IFA_MAX + 1> tb{};
    if (!netlink_parse_attrs(nlh, sizeof(ifaddrmsg), tb))
        return decode_error(DecodeErrorKind::kBadLength, "address attribute");
    // IFA_LOCAL is the local address; IFA_ADDRESS is the same, or the peer on a point-to-point link.
    std::optional<Ipv4Address> local, address;
    if (tb[IFA_LOCAL] && !(local = attr_in_addr(tb[IFA_LOCAL])))
        return decode_error(DecodeErrorKind::kBadLength, "IFA_LOCAL");
    if (tb[IFA_ADDRESS] && !(address = attr_in_addr(tb[IFA_ADDRESS])))
        return decode_error(DecodeErrorKind::kBadLength, "IFA_ADDRESS");
    if (!local) local = address;
    if (!local) return decode_error(DecodeErrorKind::kTruncated, "IFA_LOCAL and IFA_ADDRESS missing");
    uint32_t flags = ifa->ifa_flags;
    if (tb[IFA_FLAGS]) {
        auto f = attr_u32(tb[IFA_FLAGS]);  // the full 32-bit flags; ifa_flags holds only the low 8
        if (!f) return decode_error(DecodeErrorKind::kBadLength, "IFA_FLAGS");
        flags = *f;
    }
    AddressMessage out;
    out.deleted = nlh.nlmsg_type == RTM_DELADDR;
    out.ifindex = static_cast<int>(ifa->ifa_index);
    out.address.addr = *local;
    out.address.prefix_len = ifa->ifa_prefixlen;
    if (address && *address != *local) out.address.peer = *address;
    out.address.secondary = flags & IFA_F_SECONDARY;
    return out;
}

InterfaceSource::InterfaceSource(EventLoop& loop, InterfaceSourceOptions opts) : loop_(loop), opts_(opts) {}

Result<Unit, NetlinkError> InterfaceSource::start() {
    const std::array<unsigned, 2> groups{RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR};
    auto monitor = NetlinkSocket::open(groups);
    if (!monitor) return make_err(monitor.error());
    if (auto r = monitor->set_receive_buffer(opts_.monitor_receive_buffer); !r) return r;
    auto request = NetlinkSocket::open();
    if (!request) return make_err(request.error());
    monitor_.emplace(std::move(*monitor));
    request_.emplace(std::move(*request));
    if (auto r = resync(); !r) return r;
    watch_ = loop_.watch_readable(monitor_->fd(), [this] { on_readable(); });
    return Unit{};
}

Result<std::vector<InterfaceInfo>, NetlinkError> InterfaceSource::dump_once() {
    std::vector<InterfaceInfo> links;
    NetlinkRequest link_req(RTM_GETLINK, NLM_F_DUMP);
    link_req.put_extra_header<ifinfomsg>()->ifi_family = AF_UNSPEC;
    auto r = request_->transact(
        link_req,
        [&](const nlmsghdr& nlh) {
            auto link = parse_link_message(nlh);
            if (link && !link->deleted) links.push_back(std::move(link->info));
            if (!link) ++counters_.parse_errors;
        },
        opts_.request_timeout);
    if (!r) return make_err(r.error());
    NetlinkRequest addr_req(RTM_GETADDR, NLM_F_DUMP);
    addr_req.put_extra_header<ifaddrmsg>()->ifa_family = AF_INET;
    r = request_->transact(
        addr_req,
        [&](const nlmsghdr& nlh) {
            auto a = parse_address_message(nlh);
            if (!a) {
                ++counters_.parse_errors;
                return;
            }
            for (auto& link : links)
                if (link.ifindex == a->ifindex) link.addrs.push_back(a->address);
        },
        opts_.request_timeout);
    if (!r) return make_err(r.error());
    return links;
}

Result<std::vector<InterfaceInfo>, NetlinkError> InterfaceSource::dump_all() {
    for (int attempt = 1;; ++attempt) {
        auto r = dump_once();
        if (r || r.error().error != EINTR || attempt == kDumpAttempts) return r;
    }
}

Result<Unit, NetlinkError> InterfaceSource::resync() {
    if (!request_) return make_err(NetlinkError{EBADF, "interface source not started"});
    auto snapshot = dump_all();
    if (!snapshot) return make_err(snapshot.error());
    ++counters_.dumps;
    emit(table_.replace_all(*snapshot));
    return Unit{};
}

void InterfaceSource::apply_message(const nlmsghdr& nlh) {
    if (nlh.nlmsg_type == RTM_NEWLINK || nlh.nlmsg_type == RTM_DELLINK) {
        auto link = parse_link_message(nlh);
        if (!link) {
            ++(link.error().kind == DecodeErrorKind::kBadAddressFamily ? counters_.ignored
                                                                       : counters_.parse_errors);
            return;
        }
        emit(link->deleted ? table_.remove_link(link->info.ifindex) : table_.upsert_link(link->info));
    } else if (nlh.nlmsg_type == RTM_NEWADDR || nlh.nlmsg_type == RTM_DELADDR) {
        auto a = parse_address_message(nlh);
        if (!a) {
            ++(a.error().kind == DecodeErrorKind::kBadAddressFamily ? counters_.ignored
                                                                    : counters_.parse_errors);
            return;
        }
        emit(a->deleted ? table_.remove_address(a->ifindex, a->address)
                        : table_.add_address(a->ifindex, a->address));
    } else {
        ++counters_.ignored;
    }
}

void InterfaceSource::flush_monitor() {
    // Notifications queued before an overrun describe a history with holes: drop them, the dump replaces
    // them.
    for (int i = 0; i < 1024; ++i) {
        auto r = monitor_->drain([](const nlmsghdr&) {});
        if (r && *r == 0) return;
    }
}

void InterfaceSource::on_readable() {
    auto r = monitor_->drain([this](const nlmsghdr& nlh) {
        ++counters_.notifications;
        apply_message(nlh);
    });
    if (r) return;
    if (r.error().error != ENOBUFS) {
        ++counters_.receive_errors;
        FANOUT_LOG_WARN("interface monitor: {}", r.error().to_string());
        return;
    }
    ++counters_.resyncs;
    FANOUT_LOG_WARN("interface monitor overrun: dumping links and addresses again");
    flush_monitor();
    resync_or_retry();
}

void InterfaceSource::resync_or_retry() {
    retry_.cancel();
    if (auto s = resync(); !s) {
        FANOUT_LOG_ERROR("interface resync failed, retrying in 1 s: {}", s.error().to_string());
        retry_ = TimerHandle(loop_, std::chrono::seconds(1), [this] { resync_or_retry(); });
    }
}

void InterfaceSource::emit(const std::vector<InterfaceChange>& changes) {
    for (const auto& c : changes) {
        FANOUT_LOG_DEBUG(
            LogCategory::kEvents, "interface {} {}{}", c.ifindex, to_string(c.kind),
            (c.kind == InterfaceChangeKind::kAddressAdded || c.kind == InterfaceChangeKind::kAddressRemoved)
                ? " " + c.address.to_string()
                : std::string());
        for (size_t i = 0; i < listeners_.size(); ++i)  // a listener may add another
            listeners_[i](c);
    }
}

}  // namespace fanout::sys
