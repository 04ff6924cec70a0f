#include "common/sys/rib_lookup.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <tuple>

#include "common/core/log.hpp"

namespace fanout::sys {
namespace {

using packet::decode_error;
using packet::DecodeErrorKind;

// RTA_MULTIPATH: a sequence of struct rtnexthop {len, flags, hops, ifindex}, each followed by its attributes.
bool parse_multipath(const nlattr* mp, std::vector<NextHop>& out) {
    auto p = attr_payload(mp);
    size_t off = 0;
    while (p.size() - off >= sizeof(rtnexthop)) {
        rtnexthop nh;
        std::memcpy(&nh, p.data() + off, sizeof(nh));
        if (nh.rtnh_len < sizeof(rtnexthop) || nh.rtnh_len > p.size() - off) return false;
        NextHop hop;
        hop.oif = nh.rtnh_ifindex;
        hop.weight = static_cast<uint16_t>(nh.rtnh_hops + 1);
        std::array<const nlattr*, RTA_MAX + 1> tb{};
        const size_t attrs = RTNH_LENGTH(0);
        if (nh.rtnh_len > attrs && !netlink_parse_attr_block(p.data() + off + attrs, nh.rtnh_len - attrs, tb))
            return false;
        if (tb[RTA_GATEWAY]) {
            auto gw = attr_in_addr(tb[RTA_GATEWAY]);
            if (!gw) return false;
            hop.gateway = *gw;
        }
        out.push_back(hop);
        off += RTNH_ALIGN(nh.rtnh_len);
        if (off >= p.size()) return true;
    }
    return off == p.size();
}

Err<RpfError> rpf_err(RpfErrorKind kind, int error, std::string detail) {
    return make_err(RpfError{kind, error, std::move(detail)});
}

}  // namespace

bool RpfRoute::connected() const {
    if (protocol != RTPROT_KERNEL) return false;
    return std::all_of(nexthops.begin(), nexthops.end(),
                       [](const NextHop& h) { return h.gateway.is_unspecified(); });
}

std::string RpfRoute::to_string() const {
    std::string s = prefix.to_string();
    for (const auto& h : nexthops) {
        s += h.gateway.is_unspecified() ? " dev " : " via " + h.gateway.to_string() + " dev ";
        s += std::to_string(h.oif);
        if (nexthops.size() > 1) s += " weight " + std::to_string(h.weight);
    }
    return s + " proto " + std::to_string(protocol) + " metric " + std::to_string(metric) + " table " +
           std::to_string(table);
}

std::string_view to_string(RpfErrorKind k) {
    switch (k) {
        case RpfErrorKind::kNoRoute:
            return "no-route";
        case RpfErrorKind::kUnreachable:
            return "unreachable";
        case RpfErrorKind::kProhibit:
            return "prohibit";
        case RpfErrorKind::kBlackhole:
            return "blackhole";
        case RpfErrorKind::kNetlink:
            return "netlink-error";
        case RpfErrorKind::kBadReply:
            return "bad-reply";
    }
    return "?";
}

bool RouteMessage::cloned() const {
    return flags & RTM_F_CLONED;
}

packet::DecodeResult<RouteMessage> parse_route_message(const nlmsghdr& nlh) {
    if (nlh.nlmsg_type != RTM_NEWROUTE && nlh.nlmsg_type != RTM_DELROUTE)
        return decode_error(DecodeErrorKind::kBadType, "route message type");
    auto rtm = netlink_family_header<rtmsg>(nlh);
    if (!rtm) return decode_error(DecodeErrorKind::kTruncated, "rtmsg");
    if (rtm->rtm_family != AF_INET) return decode_error(DecodeErrorKind::kBadAddressFamily, "route family");
    if (rtm->rtm_dst_len > 32) return decode_error(DecodeErrorKind::kBadField, "route prefix length");
    std::array<const nlattr*, RTA_MAX + 1> tb{};
    if (!netlink_parse_attrs(nlh, sizeof(rtmsg), tb))
        return decode_error(DecodeErrorKind::kBadLength, "route attribute");
    RouteMessage m;
    m.deleted = nlh.nlmsg_type == RTM_DELROUTE;
    m.type = rtm->rtm_type;
    m.protocol = rtm->rtm_protocol;
    m.scope = rtm->rtm_scope;
    m.flags = rtm->rtm_flags;
    m.table = rtm->rtm_table;
    Ipv4Address dst;
    if (tb[RTA_DST]) {
        auto d = attr_in_addr(tb[RTA_DST]);
        if (!d) return decode_error(DecodeErrorKind::kBadLength, "RTA_DST");
        dst = *d;
    }
    m.prefix = Ipv4Prefix(dst, rtm->rtm_dst_len);
    if (tb[RTA_TABLE] && !attr_u32(tb[RTA_TABLE]))
        return decode_error(DecodeErrorKind::kBadLength, "RTA_TABLE");
    if (tb[RTA_TABLE]) m.table = *attr_u32(tb[RTA_TABLE]);
    if (tb[RTA_PRIORITY] && !attr_u32(tb[RTA_PRIORITY]))
        return decode_error(DecodeErrorKind::kBadLength, "RTA_PRIORITY");
    if (tb[RTA_PRIORITY]) m.metric = *attr_u32(tb[RTA_PRIORITY]);
    if (tb[RTA_OIF] && !attr_u32(tb[RTA_OIF])) return decode_error(DecodeErrorKind::kBadLength, "RTA_OIF");
    if (tb[RTA_OIF]) m.oif = static_cast<int>(*attr_u32(tb[RTA_OIF]));
    if (tb[RTA_GATEWAY]) {
        auto gw = attr_in_addr(tb[RTA_GATEWAY]);
        if (!gw) return decode_error(DecodeErrorKind::kBadLength, "RTA_GATEWAY");
        m.gateway = *gw;
    }
    if (tb[RTA_MULTIPATH]) {
        if (!parse_multipath(tb[RTA_MULTIPATH], m.nexthops))
            return decode_error(DecodeErrorKind::kBadLength, "RTA_MULTIPATH");
        if (!m.nexthops.empty() && m.oif == 0 && m.gateway.is_unspecified()) {
            m.oif = m.nexthops.front().oif;
            m.gateway = m.nexthops.front().gateway;
        }
    } else if (m.oif != 0 || !m.gateway.is_unspecified()) {
        m.nexthops.push_back(NextHop{m.oif, m.gateway, 1});
    }
    return m;
}

Result<RpfRoute, RpfError> rpf_from_route(const RouteMessage& m) {
    const std::string where = m.prefix.to_string();
    switch (m.type) {
        case RTN_UNICAST:
        case RTN_LOCAL:
            break;
        case RTN_UNREACHABLE:
            return rpf_err(RpfErrorKind::kUnreachable, 0, "unreachable route " + where);
        case RTN_PROHIBIT:
            return rpf_err(RpfErrorKind::kProhibit, 0, "prohibit route " + where);
        case RTN_BLACKHOLE:
            return rpf_err(RpfErrorKind::kBlackhole, 0, "blackhole route " + where);
        default:
            return rpf_err(RpfErrorKind::kNoRoute, 0,
                           "route of type " + std::to_string(m.type) + " " + where);
    }
    RpfRoute r;
    r.prefix = m.prefix;
    r.oif = m.oif;
    r.gateway = m.gateway;
    r.type = m.type;
    r.protocol = m.protocol;
    r.scope = m.scope;
    r.metric = m.metric;
    r.table = m.table;
    r.nexthops = m.nexthops;
    return r;
}

RpfErrorKind rpf_error_from_errno(int error) {
    // What fib_lookup reports per route type (verified with `ip route get fibmatch` on kernel 6.18).
    switch (error) {
        case ENETUNREACH:
        case EAGAIN:  // a throw route with nothing behind it
            return RpfErrorKind::kNoRoute;
        case EHOSTUNREACH:
            return RpfErrorKind::kUnreachable;
        case EACCES:
            return RpfErrorKind::kProhibit;
        case EINVAL:  // our request is well formed: EINVAL is the blackhole route's error
            return RpfErrorKind::kBlackhole;
        default:
            return RpfErrorKind::kNetlink;
    }
}

uint32_t default_metric_preference(uint8_t protocol, bool connected) {
    if (connected) return 0;
    switch (protocol) {
        case RTPROT_KERNEL:
        case RTPROT_BOOT:
        case RTPROT_STATIC:
            return 1;
        case RTPROT_BGP:
            return 20;
        case RTPROT_EIGRP:
            return 90;
        case RTPROT_BABEL:
            return 100;
        case RTPROT_OSPF:
            return 110;
        case RTPROT_ISIS:
            return 115;
        case RTPROT_RIP:
            return 120;
        default:
            return 255;
    }
}

std::vector<Ipv4Address> covered_addresses(const std::set<Ipv4Address>& tracked, const Ipv4Prefix& prefix) {
    std::vector<Ipv4Address> out;
    const Ipv4Address last(prefix.address().value() | ~prefix.mask());
    for (auto it = tracked.lower_bound(prefix.address()); it != tracked.end() && *it <= last; ++it)
        out.push_back(*it);
    return out;
}

std::vector<Ipv4Address> covered_addresses(const std::set<Ipv4Address>& tracked,
                                           std::span<const RouteChange> changes) {
    std::vector<Ipv4Address> out;
    for (const auto& c : changes) {
        auto part = covered_addresses(tracked, c.prefix);
        out.insert(out.end(), part.begin(), part.end());
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// --- RibLookup ---

RibLookup::RibLookup(EventLoop& loop, RibLookupOptions opts) : loop_(loop), opts_(opts) {}

Result<RpfRoute, RpfError> RibLookup::lookup(Ipv4Address addr) {
    ++counters_.lookups;
    if (!request_) {
        auto sock = NetlinkSocket::open();
        if (!sock) {
            ++counters_.lookup_failures;
            return rpf_err(RpfErrorKind::kNetlink, sock.error().error, sock.error().to_string());
        }
        request_.emplace(std::move(*sock));
    }
    NetlinkRequest req(RTM_GETROUTE, 0);
    auto* rtm = req.put_extra_header<rtmsg>();
    rtm->rtm_family = AF_INET;
    rtm->rtm_dst_len = 32;
    rtm->rtm_flags = RTM_F_FIB_MATCH;
    req.put_in_addr(RTA_DST, addr);
    std::optional<packet::DecodeResult<RouteMessage>> reply;
    auto r = request_->transact(
        req, [&](const nlmsghdr& nlh) { reply.emplace(parse_route_message(nlh)); }, opts_.request_timeout);
    if (!r) {
        RpfErrorKind kind = rpf_error_from_errno(r.error().error);
        if (kind == RpfErrorKind::kNetlink) ++counters_.lookup_failures;
        return rpf_err(kind, r.error().error, "lookup " + addr.to_string() + ": " + r.error().to_string());
    }
    if (!reply || !*reply) {
        ++counters_.lookup_failures;
        return rpf_err(RpfErrorKind::kBadReply, 0, "lookup " + addr.to_string() + ": unparsable reply");
    }
    return rpf_from_route(reply->value());
}

Result<Unit, NetlinkError> RibLookup::watch_routes(RouteChangeCallback cb) {
    const std::array<unsigned, 1> groups{RTNLGRP_IPV4_ROUTE};
    auto sock = NetlinkSocket::open(groups);
    if (!sock) return make_err(sock.error());
    if (auto r = sock->set_receive_buffer(opts_.monitor_receive_buffer); !r) return r;
    monitor_.emplace(std::move(*sock));
    on_change_ = std::move(cb);
    watch_ = loop_.watch_readable(monitor_->fd(), [this] { on_readable(); });
    return Unit{};
}

void RibLookup::apply_message(const nlmsghdr& nlh) {
    auto m = parse_route_message(nlh);
    if (!m || m->cloned()) {
        ++counters_.ignored_notifications;
        return;
    }
    ++counters_.route_notifications;
    queue_change(RouteChange{m->prefix, m->deleted, m->table, m->protocol, false});
}

void RibLookup::on_readable() {
    auto r = monitor_->drain([this](const nlmsghdr& nlh) { apply_message(nlh); });
    if (r) return;
    if (r.error().error != ENOBUFS) {
        FANOUT_LOG_WARN("route monitor: {}", r.error().to_string());
        return;
    }
    ++counters_.overruns;
    FANOUT_LOG_WARN("route monitor overrun: every RPF answer must be re-resolved");
    queue_change(RouteChange{Ipv4Prefix(), false, 0, 0, true});
}

void RibLookup::queue_change(const RouteChange& c) {
    FANOUT_LOG_DEBUG(LogCategory::kEvents, "route {} {} table {}", c.removed ? "removed" : "changed",
                     c.prefix.to_string(), c.table);
    pending_.push_back(c);
    if (opts_.coalesce_window <= Duration::zero()) {
        flush();
        return;
    }
    if (!flush_timer_.armed()) flush_timer_ = TimerHandle(loop_, opts_.coalesce_window, [this] { flush(); });
}

void RibLookup::flush() {
    if (pending_.empty()) return;
    // One entry per (prefix, table), the last one seen, in the order of their last change.
    std::vector<RouteChange> batch;
    std::set<std::tuple<Ipv4Prefix, uint32_t, bool>> seen;
    for (auto it = pending_.rbegin(); it != pending_.rend(); ++it)
        if (seen.emplace(it->prefix, it->table, it->overrun).second) batch.push_back(*it);
    std::reverse(batch.begin(), batch.end());
    pending_.clear();
    ++counters_.notify_batches;
    if (on_change_) on_change_(batch);
}

}  // namespace fanout::sys
