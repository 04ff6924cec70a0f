// InterfaceSource and RibLookup fed with hand-built notifications (no socket, no root): listeners hear the
// right changes, other families are ignored and counted, route changes are coalesced over the window.
#include <gtest/gtest.h>

#include "common/sys/interface_source.hpp"
#include "common/sys/rib_lookup.hpp"
#include "tests/unit/sys/netlink_message_builder.hpp"

namespace fanout::sys {
namespace {

using test::addr_msg;
using test::link_msg;
using test::route_msg;

TEST(NetlinkWiring, InterfaceSourceNotifiesListenersFromMessages) {
    EventLoop loop;
    InterfaceSource src(loop);
    std::vector<InterfaceChange> seen;
    src.add_listener([&](const InterfaceChange& c) { seen.push_back(c); });

    src.apply_message(link_msg(RTM_NEWLINK, 4, IFF_UP | IFF_RUNNING | IFF_MULTICAST, "veth0").hdr());
    src.apply_message(addr_msg(RTM_NEWADDR, 4, Ipv4Address(10, 0, 0, 1), 24).hdr());
    src.apply_message(link_msg(RTM_NEWLINK, 4, IFF_MULTICAST, "veth0").hdr());       // down
    src.apply_message(link_msg(RTM_DELLINK, 4, 0, "veth0", 1500, AF_BRIDGE).hdr());  // a bridge port event
    src.apply_message(addr_msg(RTM_DELADDR, 4, Ipv4Address(10, 0, 0, 1), 24).hdr());
    src.apply_message(link_msg(RTM_DELLINK, 4, 0, "veth0").hdr());

    ASSERT_EQ(seen.size(), 5u);
    EXPECT_EQ(seen[0].kind, InterfaceChangeKind::kLinkAdded);
    EXPECT_EQ(seen[1].kind, InterfaceChangeKind::kAddressAdded);
    EXPECT_EQ(seen[1].new_info->primary_address()->addr, Ipv4Address(10, 0, 0, 1));
    EXPECT_EQ(seen[2].kind, InterfaceChangeKind::kLinkChanged);
    EXPECT_TRUE(seen[2].old_info->admin_up);
    EXPECT_FALSE(seen[2].new_info->admin_up);
    EXPECT_FALSE(seen[2].new_info->oper_up);
    EXPECT_EQ(seen[3].kind, InterfaceChangeKind::kAddressRemoved);
    EXPECT_EQ(seen[4].kind, InterfaceChangeKind::kLinkRemoved);
    EXPECT_EQ(src.find(4), nullptr);
    EXPECT_EQ(src.counters().ignored, 1u);
    EXPECT_EQ(src.counters().parse_errors, 0u);
    EXPECT_FALSE(src.resync().ok());  // not started: no socket
}

// Runs the loop until pred() or the deadline.
template <typename Pred>
bool run_until(EventLoop& loop, Pred pred, Duration limit = std::chrono::seconds(2)) {
    const auto deadline = loop.now() + limit;
    while (!pred() && loop.now() < deadline)
        loop.run_once_nonblocking();
    return pred();
}

TEST(NetlinkWiring, RouteChangesAreCoalescedPerPrefix) {
    EventLoop loop;
    RibLookupOptions opts;
    opts.coalesce_window = std::chrono::milliseconds(30);
    RibLookup rib(loop, opts);
    std::vector<std::vector<RouteChange>> batches;
    rib.set_change_callback(
        [&](std::span<const RouteChange> cs) { batches.emplace_back(cs.begin(), cs.end()); });
    auto p1 = *Ipv4Prefix::parse("198.19.0.0/16");
    auto p2 = *Ipv4Prefix::parse("10.0.0.0/8");
    const auto start = loop.now();
    rib.apply_message(route_msg(RTM_NEWROUTE, p1).hdr());
    rib.apply_message(route_msg(RTM_DELROUTE, p2).hdr());
    rib.apply_message(route_msg(RTM_DELROUTE, p1).hdr());  // p1 flaps: reported once, as its last state
    rib.apply_message(route_msg(RTM_NEWROUTE, p1, RTN_UNICAST, RTPROT_STATIC, 100).hdr());  // another table
    rib.apply_message(route_msg(RTM_NEWROUTE, p2, RTN_UNICAST, RTPROT_STATIC, 254, RTM_F_CLONED).hdr());
    EXPECT_EQ(rib.counters().route_notifications, 4u);
    EXPECT_EQ(rib.counters().ignored_notifications, 1u);
    EXPECT_TRUE(batches.empty());  // still inside the window
    ASSERT_TRUE(run_until(loop, [&] { return !batches.empty(); }));
    EXPECT_GE(loop.now() - start, std::chrono::milliseconds(30));
    ASSERT_EQ(batches.size(), 1u);
    const auto& b = batches[0];
    ASSERT_EQ(b.size(), 3u);
    EXPECT_EQ(b[0].prefix, p2);
    EXPECT_TRUE(b[0].removed);
    EXPECT_EQ(b[1].prefix, p1);
    EXPECT_TRUE(b[1].removed);
    EXPECT_EQ(b[1].table, 254u);
    EXPECT_EQ(b[2].prefix, p1);
    EXPECT_EQ(b[2].table, 100u);
    EXPECT_FALSE(b[2].removed);

    // A later change opens a new window.
    rib.apply_message(route_msg(RTM_NEWROUTE, p2).hdr());
    ASSERT_TRUE(run_until(loop, [&] { return batches.size() == 2; }));
    EXPECT_EQ(batches[1].size(), 1u);
    EXPECT_EQ(rib.counters().notify_batches, 2u);
}

TEST(NetlinkWiring, ZeroWindowReportsEachChange) {
    EventLoop loop;
    RibLookupOptions opts;
    opts.coalesce_window = Duration::zero();
    RibLookup rib(loop, opts);
    int calls = 0;
    rib.set_change_callback([&](std::span<const RouteChange> cs) {
        ++calls;
        EXPECT_EQ(cs.size(), 1u);
    });
    rib.apply_message(route_msg(RTM_NEWROUTE, *Ipv4Prefix::parse("10.0.0.0/8")).hdr());
    rib.apply_message(route_msg(RTM_NEWROUTE, *Ipv4Prefix::parse("10.0.0.0/8")).hdr());
    EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace fanout::sys
