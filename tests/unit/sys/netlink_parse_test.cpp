// Pure parsing of rtnetlink messages (links, addresses, routes) built in memory with libmnl: no socket, no
// root.
#include <gtest/gtest.h>

#include <cerrno>

#include "common/sys/interface_source.hpp"
#include "common/sys/rib_lookup.hpp"
#include "tests/unit/sys/netlink_message_builder.hpp"

namespace fanout::sys {
namespace {

using packet::DecodeErrorKind;
using test::addr_msg;
using test::link_msg;
using test::Msg;
using test::route_msg;

constexpr Ipv4Address A(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    return Ipv4Address(a, b, c, d);
}

// --- links ---

TEST(NetlinkParseLink, NewLinkFlagsNameAndMtu) {
    auto m = link_msg(RTM_NEWLINK, 7, IFF_UP | IFF_RUNNING | IFF_MULTICAST | IFF_BROADCAST, "veth0", 9000);
    auto r = parse_link_message(m.hdr());
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->deleted);
    EXPECT_EQ(r->info.ifindex, 7);
    EXPECT_EQ(r->info.name, "veth0");
    EXPECT_EQ(r->info.mtu, 9000u);
    EXPECT_TRUE(r->info.admin_up);
    EXPECT_TRUE(r->info.oper_up);
    EXPECT_TRUE(r->info.multicast);
    EXPECT_FALSE(r->info.loopback);
    EXPECT_FALSE(r->info.point_to_point);
    EXPECT_TRUE(r->info.addrs.empty());
}

TEST(NetlinkParseLink, LowerUpAloneMeansOperUpAndAdminDownIsSeen) {
    auto m = link_msg(RTM_NEWLINK, 3, IFF_LOWER_UP | IFF_POINTOPOINT, "tun0");
    auto r = parse_link_message(m.hdr());
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->info.admin_up);
    EXPECT_TRUE(r->info.oper_up);
    EXPECT_TRUE(r->info.point_to_point);
    EXPECT_FALSE(r->info.multicast);

    auto down = link_msg(RTM_NEWLINK, 3, IFF_UP | IFF_LOOPBACK, "lo");
    auto d = parse_link_message(down.hdr());
    ASSERT_TRUE(d.ok());
    EXPECT_TRUE(d->info.admin_up);
    EXPECT_FALSE(d->info.oper_up);
    EXPECT_TRUE(d->info.loopback);
}

TEST(NetlinkParseLink, DelLinkIsMarkedDeleted) {
    auto m = link_msg(RTM_DELLINK, 9, 0, "gone0");
    auto r = parse_link_message(m.hdr());
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->deleted);
    EXPECT_EQ(r->info.ifindex, 9);
}

TEST(NetlinkParseLink, BridgePortEventsAreAnotherFamily) {
    auto m = link_msg(RTM_DELLINK, 9, 0, "port0", 1500, AF_BRIDGE);
    auto r = parse_link_message(m.hdr());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, DecodeErrorKind::kBadAddressFamily);
}

TEST(NetlinkParseLink, RejectsMalformedMessages) {
    // The wrong message type.
    auto a = addr_msg(RTM_NEWADDR, 1, A(10, 0, 0, 1), 24);
    EXPECT_EQ(parse_link_message(a.hdr()).error().kind, DecodeErrorKind::kBadType);
    // Shorter than ifinfomsg.
    auto t = link_msg(RTM_NEWLINK, 1, 0, "x");
    t.hdr().nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg) - 1);
    EXPECT_EQ(parse_link_message(t.hdr()).error().kind, DecodeErrorKind::kTruncated);
    // An attribute longer than the message.
    auto l = link_msg(RTM_NEWLINK, 1, 0, "abc");
    l.hdr().nlmsg_len -= 4;
    EXPECT_EQ(parse_link_message(l.hdr()).error().kind, DecodeErrorKind::kBadLength);
    // A name without its NUL.
    Msg n(RTM_NEWLINK);
    n.family<ifinfomsg>()->ifi_index = 2;
    n.raw(IFLA_IFNAME, "eth0", 4);
    EXPECT_EQ(parse_link_message(n.hdr()).error().kind, DecodeErrorKind::kBadField);
    // A new link without a name; a zero ifindex.
    auto nn = link_msg(RTM_NEWLINK, 2, 0, nullptr);
    EXPECT_EQ(parse_link_message(nn.hdr()).error().kind, DecodeErrorKind::kTruncated);
    auto z = link_msg(RTM_NEWLINK, 0, 0, "x");
    EXPECT_EQ(parse_link_message(z.hdr()).error().kind, DecodeErrorKind::kBadField);
    // A 2-byte MTU.
    Msg mt(RTM_NEWLINK);
    mt.family<ifinfomsg>()->ifi_index = 2;
    mt.str(IFLA_IFNAME, "e");
    uint16_t small = 1500;
    mt.raw(IFLA_MTU, &small, sizeof(small));
    EXPECT_EQ(parse_link_message(mt.hdr()).error().kind, DecodeErrorKind::kBadLength);
}

// --- addresses ---

TEST(NetlinkParseAddress, BroadcastLinkAddress) {
    auto m = addr_msg(RTM_NEWADDR, 4, A(10, 1, 2, 3), 24);
    auto r = parse_address_message(m.hdr());
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->deleted);
    EXPECT_EQ(r->ifindex, 4);
    EXPECT_EQ(r->address.addr, A(10, 1, 2, 3));
    EXPECT_EQ(r->address.prefix_len, 24);
    EXPECT_TRUE(r->address.peer.is_unspecified());
    EXPECT_FALSE(r->address.secondary);
    EXPECT_EQ(r->address.prefix().to_string(), "10.1.2.0/24");
}

TEST(NetlinkParseAddress, PointToPointPeerAndSecondaryFlags) {
    auto p = addr_msg(RTM_NEWADDR, 5, A(192, 0, 2, 1), 32, 0, A(192, 0, 2, 2));
    auto r = parse_address_message(p.hdr());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->address.addr, A(192, 0, 2, 1));
    EXPECT_EQ(r->address.peer, A(192, 0, 2, 2));
    EXPECT_EQ(r->address.prefix().to_string(), "192.0.2.2/32");

    auto s = addr_msg(RTM_DELADDR, 5, A(10, 0, 0, 9), 24, IFA_F_SECONDARY);
    auto rs = parse_address_message(s.hdr());
    ASSERT_TRUE(rs.ok());
    EXPECT_TRUE(rs->deleted);
    EXPECT_TRUE(rs->address.secondary);

    // IFA_FLAGS (32 bits) overrides the 8-bit ifa_flags.
    auto f = addr_msg(RTM_NEWADDR, 5, A(10, 0, 0, 9), 24, 0);
    f.u32(IFA_FLAGS, IFA_F_SECONDARY | IFA_F_NOPREFIXROUTE);
    auto rf = parse_address_message(f.hdr());
    ASSERT_TRUE(rf.ok());
    EXPECT_TRUE(rf->address.secondary);
}

TEST(NetlinkParseAddress, OnlyIfaAddressIsEnough) {
    Msg m(RTM_NEWADDR);
    auto* ifa = m.family<ifaddrmsg>();
    ifa->ifa_family = AF_INET;
    ifa->ifa_prefixlen = 16;
    ifa->ifa_index = 3;
    m.addr(IFA_ADDRESS, A(172, 16, 0, 1));
    auto r = parse_address_message(m.hdr());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->address.addr, A(172, 16, 0, 1));
    EXPECT_TRUE(r->address.peer.is_unspecified());
}

TEST(NetlinkParseAddress, RejectsOtherFamiliesAndBadFields) {
    auto v6 = addr_msg(RTM_NEWADDR, 1, A(10, 0, 0, 1), 64);
    reinterpret_cast<ifaddrmsg*>(mnl_nlmsg_get_payload(&v6.hdr()))->ifa_family = AF_INET6;
    EXPECT_EQ(parse_address_message(v6.hdr()).error().kind, DecodeErrorKind::kBadAddressFamily);
    auto len = addr_msg(RTM_NEWADDR, 1, A(10, 0, 0, 1), 33);
    EXPECT_EQ(parse_address_message(len.hdr()).error().kind, DecodeErrorKind::kBadField);
    auto idx = addr_msg(RTM_NEWADDR, 0, A(10, 0, 0, 1), 8);
    EXPECT_EQ(parse_address_message(idx.hdr()).error().kind, DecodeErrorKind::kBadField);
    Msg none(RTM_NEWADDR);
    auto* ifa = none.family<ifaddrmsg>();
    ifa->ifa_family = AF_INET;
    ifa->ifa_index = 1;
    EXPECT_EQ(parse_address_message(none.hdr()).error().kind, DecodeErrorKind::kTruncated);
    Msg shortaddr(RTM_NEWADDR);
    auto* ifa2 = shortaddr.family<ifaddrmsg>();
    ifa2->ifa_family = AF_INET;
    ifa2->ifa_index = 1;
    uint16_t two = 0;
    shortaddr.raw(IFA_LOCAL, &two, sizeof(two));
    EXPECT_EQ(parse_address_message(shortaddr.hdr()).error().kind, DecodeErrorKind::kBadLength);
}

// --- routes ---

TEST(NetlinkParseRoute, SinglePathViaGateway) {
    auto m = route_msg(RTM_NEWROUTE, *Ipv4Prefix::parse("198.19.0.0/16"), RTN_UNICAST, RTPROT_STATIC);
    m.addr(RTA_GATEWAY, A(10, 0, 0, 2)).u32(RTA_OIF, 4).u32(RTA_PRIORITY, 20);
    auto r = parse_route_message(m.hdr());
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->deleted);
    EXPECT_EQ(r->prefix.to_string(), "198.19.0.0/16");
    EXPECT_EQ(r->gateway, A(10, 0, 0, 2));
    EXPECT_EQ(r->oif, 4);
    EXPECT_EQ(r->metric, 20u);
    EXPECT_EQ(r->table, uint32_t{RT_TABLE_MAIN});
    ASSERT_EQ(r->nexthops.size(), 1u);
    EXPECT_EQ(r->nexthops[0], (NextHop{4, A(10, 0, 0, 2), 1}));

    auto rpf = rpf_from_route(*r);
    ASSERT_TRUE(rpf.ok());
    EXPECT_EQ(rpf->gateway, A(10, 0, 0, 2));
    EXPECT_EQ(rpf->protocol, RTPROT_STATIC);
    EXPECT_FALSE(rpf->connected());
    EXPECT_EQ(default_metric_preference(*rpf), 1u);
}

TEST(NetlinkParseRoute, ConnectedRouteHasNoGateway) {
    auto m = route_msg(RTM_NEWROUTE, *Ipv4Prefix::parse("10.0.0.0/24"), RTN_UNICAST, RTPROT_KERNEL);
    m.u32(RTA_OIF, 2);
    auto r = parse_route_message(m.hdr());
    ASSERT_TRUE(r.ok());
    auto rpf = rpf_from_route(*r);
    ASSERT_TRUE(rpf.ok());
    EXPECT_TRUE(rpf->gateway.is_unspecified());
    EXPECT_EQ(rpf->oif, 2);
    EXPECT_TRUE(rpf->connected());
    EXPECT_EQ(default_metric_preference(*rpf), 0u);
}

TEST(NetlinkParseRoute, MultipathListsEveryNextHopWithWeights) {
    auto m = route_msg(RTM_NEWROUTE, *Ipv4Prefix::parse("198.18.0.0/15"), RTN_UNICAST, RTPROT_OSPF);
    m.u32(RTA_PRIORITY, 10)
        .multipath({{3, A(10, 0, 0, 2), 3}, {5, A(10, 0, 1, 2), 1}, {6, Ipv4Address(), 256}});
    auto r = parse_route_message(m.hdr());
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->nexthops.size(), 3u);
    EXPECT_EQ(r->nexthops[0], (NextHop{3, A(10, 0, 0, 2), 3}));
    EXPECT_EQ(r->nexthops[1], (NextHop{5, A(10, 0, 1, 2), 1}));
    EXPECT_EQ(r->nexthops[2], (NextHop{6, Ipv4Address(), 256}));
    EXPECT_EQ(r->oif, 3);  // the first next hop
    EXPECT_EQ(r->gateway, A(10, 0, 0, 2));
    auto rpf = rpf_from_route(*r);
    ASSERT_TRUE(rpf.ok());
    EXPECT_EQ(rpf->nexthops.size(), 3u);
    EXPECT_EQ(default_metric_preference(*rpf), 110u);
}

TEST(NetlinkParseRoute, DefaultRouteTableCloneAndDelete) {
    auto m = route_msg(RTM_DELROUTE, Ipv4Prefix(), RTN_UNICAST, RTPROT_BOOT, 1000, RTM_F_CLONED);
    m.addr(RTA_GATEWAY, A(10, 0, 0, 1));
    auto r = parse_route_message(m.hdr());
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->deleted);
    EXPECT_EQ(r->prefix.to_string(), "0.0.0.0/0");
    EXPECT_EQ(r->table, 1000u);  // RTA_TABLE wins over rtm_table (RT_TABLE_COMPAT)
    EXPECT_TRUE(r->cloned());
}

TEST(NetlinkParseRoute, RejectsMalformedRoutes) {
    auto v6 = route_msg(RTM_NEWROUTE, Ipv4Prefix());
    reinterpret_cast<rtmsg*>(mnl_nlmsg_get_payload(&v6.hdr()))->rtm_family = AF_INET6;
    EXPECT_EQ(parse_route_message(v6.hdr()).error().kind, DecodeErrorKind::kBadAddressFamily);
    auto len = route_msg(RTM_NEWROUTE, Ipv4Prefix());
    reinterpret_cast<rtmsg*>(mnl_nlmsg_get_payload(&len.hdr()))->rtm_dst_len = 40;
    EXPECT_EQ(parse_route_message(len.hdr()).error().kind, DecodeErrorKind::kBadField);
    // A next hop whose length runs past RTA_MULTIPATH.
    auto mp = route_msg(RTM_NEWROUTE, *Ipv4Prefix::parse("10.0.0.0/8"));
    mp.multipath({{3, A(10, 0, 0, 2), 1}});
    auto* nest = static_cast<nlattr*>(mnl_nlmsg_get_payload_offset(&mp.hdr(), sizeof(rtmsg)));
    // Walk to RTA_MULTIPATH (the last attribute) and corrupt its first rtnexthop's length.
    const nlattr* last = nullptr;
    int left = static_cast<int>(mp.hdr().nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(sizeof(rtmsg)));
    for (nlattr* a = nest; mnl_attr_ok(a, left); a = mnl_attr_next(a)) {
        left -= static_cast<int>(NLA_ALIGN(a->nla_len));
        last = a;
    }
    ASSERT_NE(last, nullptr);
    ASSERT_EQ(mnl_attr_get_type(last), RTA_MULTIPATH);
    auto* rtnh = static_cast<rtnexthop*>(mnl_attr_get_payload(last));
    rtnh->rtnh_len = 200;
    EXPECT_EQ(parse_route_message(mp.hdr()).error().kind, DecodeErrorKind::kBadLength);
    auto wrong = link_msg(RTM_NEWLINK, 1, 0, "x");
    EXPECT_EQ(parse_route_message(wrong.hdr()).error().kind, DecodeErrorKind::kBadType);
}

TEST(NetlinkParseRoute, RouteTypesMapToTypedRpfErrors) {
    struct Case {
        unsigned char type;
        RpfErrorKind kind;
    };
    for (auto c : {Case{RTN_UNREACHABLE, RpfErrorKind::kUnreachable},
                   Case{RTN_PROHIBIT, RpfErrorKind::kProhibit}, Case{RTN_BLACKHOLE, RpfErrorKind::kBlackhole},
                   Case{RTN_THROW, RpfErrorKind::kNoRoute}, Case{RTN_BROADCAST, RpfErrorKind::kNoRoute}}) {
        auto m = route_msg(RTM_NEWROUTE, *Ipv4Prefix::parse("203.0.113.0/24"), c.type);
        auto r = parse_route_message(m.hdr());
        ASSERT_TRUE(r.ok());
        auto rpf = rpf_from_route(*r);
        ASSERT_FALSE(rpf.ok()) << int{c.type};
        EXPECT_EQ(rpf.error().kind, c.kind) << int{c.type};
    }
    auto local =
        route_msg(RTM_NEWROUTE, *Ipv4Prefix::parse("10.0.0.1/32"), RTN_LOCAL, RTPROT_KERNEL, RT_TABLE_LOCAL);
    local.u32(RTA_OIF, 2);
    auto rl = parse_route_message(local.hdr());
    ASSERT_TRUE(rl.ok());
    ASSERT_TRUE(rpf_from_route(*rl).ok());
    EXPECT_EQ(rpf_from_route(*rl)->table, uint32_t{RT_TABLE_LOCAL});
}

TEST(NetlinkParseRoute, KernelErrnosMapToTypedRpfErrors) {
    EXPECT_EQ(rpf_error_from_errno(ENETUNREACH), RpfErrorKind::kNoRoute);
    EXPECT_EQ(rpf_error_from_errno(EHOSTUNREACH), RpfErrorKind::kUnreachable);
    EXPECT_EQ(rpf_error_from_errno(EACCES), RpfErrorKind::kProhibit);
    EXPECT_EQ(rpf_error_from_errno(EINVAL), RpfErrorKind::kBlackhole);
    EXPECT_EQ(rpf_error_from_errno(ETIMEDOUT), RpfErrorKind::kNetlink);
    EXPECT_EQ(to_string(RpfErrorKind::kProhibit), "prohibit");
}

TEST(NetlinkRoutePreference, DefaultsFollowAdministrativeDistances) {
    EXPECT_EQ(default_metric_preference(RTPROT_KERNEL, true), 0u);
    EXPECT_EQ(default_metric_preference(RTPROT_KERNEL, false), 1u);
    EXPECT_EQ(default_metric_preference(RTPROT_BOOT, false), 1u);
    EXPECT_EQ(default_metric_preference(RTPROT_STATIC, false), 1u);
    EXPECT_EQ(default_metric_preference(RTPROT_BGP, false), 20u);
    EXPECT_EQ(default_metric_preference(RTPROT_OSPF, false), 110u);
    EXPECT_EQ(default_metric_preference(RTPROT_ISIS, false), 115u);
    EXPECT_EQ(default_metric_preference(RTPROT_RIP, false), 120u);
    EXPECT_EQ(default_metric_preference(RTPROT_EIGRP, false), 90u);
    EXPECT_EQ(default_metric_preference(RTPROT_DHCP, false), 255u);
}

TEST(NetlinkRouteChange, CoveredAddressesByPrefix) {
    std::set<Ipv4Address> tracked{A(10, 0, 0, 1), A(10, 0, 255, 255), A(10, 1, 0, 0), A(9, 255, 255, 255),
                                  A(198, 19, 4, 4)};
    EXPECT_EQ(covered_addresses(tracked, *Ipv4Prefix::parse("10.0.0.0/16")),
              (std::vector<Ipv4Address>{A(10, 0, 0, 1), A(10, 0, 255, 255)}));
    EXPECT_EQ(covered_addresses(tracked, *Ipv4Prefix::parse("10.1.0.0/32")),
              (std::vector<Ipv4Address>{A(10, 1, 0, 0)}));
    EXPECT_EQ(covered_addresses(tracked, Ipv4Prefix()).size(), tracked.size());
    EXPECT_TRUE(covered_addresses(tracked, *Ipv4Prefix::parse("172.16.0.0/12")).empty());
    std::vector<RouteChange> changes{{*Ipv4Prefix::parse("10.0.0.0/8"), false, 254, 4, false},
                                     {*Ipv4Prefix::parse("10.0.0.0/24"), true, 254, 4, false},
                                     {*Ipv4Prefix::parse("198.19.0.0/16"), false, 254, 4, false}};
    EXPECT_EQ(
        covered_addresses(tracked, changes),
        (std::vector<Ipv4Address>{A(10, 0, 0, 1), A(10, 0, 255, 255), A(10, 1, 0, 0), A(198, 19, 4, 4)}));
}

TEST(NetlinkAttrs, BlockParsingIsBoundsChecked) {
    std::array<const nlattr*, 4> tb{};
    // Two attributes: type 1 (4 bytes), type 9 (skipped: beyond the table).
    alignas(4) std::array<unsigned char, 16> ok{8, 0, 1, 0, 1, 2, 3, 4, 8, 0, 9, 0, 5, 6, 7, 8};
    ASSERT_TRUE(netlink_parse_attr_block(ok.data(), ok.size(), tb));
    ASSERT_NE(tb[1], nullptr);
    EXPECT_EQ(attr_payload(tb[1]).size(), 4u);
    EXPECT_EQ(tb[2], nullptr);
    // Length field past the end.
    alignas(4) std::array<unsigned char, 8> over{12, 0, 1, 0, 1, 2, 3, 4};
    EXPECT_FALSE(netlink_parse_attr_block(over.data(), over.size(), tb));
    // Length below the header size.
    alignas(4) std::array<unsigned char, 8> under{2, 0, 1, 0, 1, 2, 3, 4};
    EXPECT_FALSE(netlink_parse_attr_block(under.data(), under.size(), tb));
    // Trailing garbage shorter than a header.
    alignas(4) std::array<unsigned char, 10> tail{8, 0, 1, 0, 1, 2, 3, 4, 0, 0};
    EXPECT_FALSE(netlink_parse_attr_block(tail.data(), tail.size(), tb));
    // An empty block is fine.
    EXPECT_TRUE(netlink_parse_attr_block(ok.data(), 0, tb));
    // Value readers check the payload size.
    EXPECT_FALSE(attr_in_addr(nullptr).has_value());
    ASSERT_TRUE(netlink_parse_attr_block(ok.data(), ok.size(), tb));
    EXPECT_TRUE(attr_u32(tb[1]).has_value());
    EXPECT_TRUE(attr_u8(tb[1]).has_value());
    EXPECT_FALSE(attr_string(tb[1]).has_value());  // no NUL
}

}  // namespace
}  // namespace fanout::sys
