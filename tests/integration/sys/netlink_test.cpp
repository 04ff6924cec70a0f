// InterfaceSource and RibLookup against the real kernel, each case in a fresh network namespace (root).
#include <gtest/gtest.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>

#include "common/sys/interface_source.hpp"
#include "common/sys/rib_lookup.hpp"
#include "tests/testlib/netns.hpp"

namespace fanout::sys {
namespace {

using fanout::test::sh;

// Runs the loop until pred() holds or 5 s pass (never a fixed sleep).
template <typename Pred>
bool poll_until(EventLoop& loop, Pred pred, Duration limit = std::chrono::seconds(5)) {
    const auto deadline = loop.now() + limit;
    while (!pred()) {
        if (loop.now() >= deadline) return false;
        loop.run_once_nonblocking();
    }
    return true;
}

int ifindex(const char* name) {
    return static_cast<int>(if_nametoindex(name));
}

Ipv4Address ip(const char* text) {
    return *Ipv4Address::parse(text);
}

struct Recorder {
    std::vector<InterfaceChange> changes;
    bool saw(InterfaceChangeKind kind, const std::string& name) const {
        for (const auto& c : changes) {
            const auto& info = c.new_info ? *c.new_info : *c.old_info;
            if (c.kind == kind && info.name == name) return true;
        }
        return false;
    }
    const InterfaceChange* last(InterfaceChangeKind kind, const std::string& name) const {
        for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
            const auto& info = it->new_info ? *it->new_info : *it->old_info;
            if (it->kind == kind && info.name == name) return &*it;
        }
        return nullptr;
    }
};

void make_veth(const std::string& a, const std::string& b) {
    ASSERT_EQ(sh("ip link add " + a + " type veth peer name " + b), 0);
    ASSERT_EQ(sh("ip link set " + a + " up"), 0);
    ASSERT_EQ(sh("ip link set " + b + " up"), 0);
}

TEST(NetlinkInterfaces, DumpSeesLinksAndAddresses) {
    FANOUT_REQUIRE_FRESH_NETNS();
    make_veth("va", "vb");
    ASSERT_EQ(sh("ip link set va mtu 1400"), 0);
    ASSERT_EQ(sh("ip addr add 10.0.0.1/24 dev va"), 0);
    ASSERT_EQ(sh("ip addr add 10.0.0.9/24 dev va"), 0);  // secondary
    ASSERT_EQ(sh("ip addr add 192.0.2.1 peer 192.0.2.2/32 dev vb"), 0);

    EventLoop loop;
    InterfaceSource src(loop);
    Recorder rec;
    src.add_listener([&](const InterfaceChange& c) { rec.changes.push_back(c); });
    auto r = src.start();
    ASSERT_TRUE(r.ok()) << r.error().to_string();

    const InterfaceInfo* va = src.find("va");
    ASSERT_NE(va, nullptr);
    EXPECT_EQ(va->ifindex, ifindex("va"));
    EXPECT_EQ(src.find(ifindex("va")), va);
    EXPECT_TRUE(va->admin_up);
    EXPECT_TRUE(va->multicast);
    EXPECT_FALSE(va->loopback);
    EXPECT_EQ(va->mtu, 1400u);
    ASSERT_EQ(va->addrs.size(), 2u);
    EXPECT_EQ(va->primary_address()->addr, ip("10.0.0.1"));
    EXPECT_EQ(va->primary_address()->prefix_len, 24);
    EXPECT_TRUE(va->addrs[1].secondary);
    EXPECT_EQ(va->addrs[1].addr, ip("10.0.0.9"));
    // veth carrier comes up asynchronously once both ends are up.
    ASSERT_TRUE(poll_until(loop, [&] { return src.find("va")->oper_up; }));

    const InterfaceInfo* vb = src.find("vb");
    ASSERT_NE(vb, nullptr);
    ASSERT_EQ(vb->addrs.size(), 1u);
    EXPECT_EQ(vb->addrs[0].addr, ip("192.0.2.1"));
    EXPECT_EQ(vb->addrs[0].peer, ip("192.0.2.2"));

    const InterfaceInfo* lo = src.find("lo");
    ASSERT_NE(lo, nullptr);
    EXPECT_TRUE(lo->loopback);
    EXPECT_EQ(lo->primary_address()->addr, ip("127.0.0.1"));

    // The initial dump is reported to listeners registered before start().
    EXPECT_TRUE(rec.saw(InterfaceChangeKind::kLinkAdded, "va"));
    EXPECT_TRUE(rec.saw(InterfaceChangeKind::kAddressAdded, "va"));
    EXPECT_EQ(src.counters().dumps, 1u);
    EXPECT_EQ(src.counters().parse_errors, 0u);
}

TEST(NetlinkInterfaces, LateInterfaceDownUpAndAddressChangesAreReported) {
    FANOUT_REQUIRE_FRESH_NETNS();
    EventLoop loop;
    InterfaceSource src(loop);
    RibLookup rib(loop);
    Recorder rec;
    std::optional<Result<RpfRoute, RpfError>> rpf_in_callback;
    src.add_listener([&](const InterfaceChange& c) {
        rec.changes.push_back(c);
        // A listener may resolve RPF while the monitor's messages are being walked.
        if (c.kind == InterfaceChangeKind::kAddressAdded && c.address.addr == ip("10.1.0.1"))
            rpf_in_callback = rib.lookup(ip("10.1.0.7"));
    });
    ASSERT_TRUE(src.start().ok());
    EXPECT_EQ(src.find("vc"), nullptr);

    ASSERT_EQ(sh("ip link add vc type veth peer name vd"), 0);
    ASSERT_TRUE(poll_until(loop, [&] { return rec.saw(InterfaceChangeKind::kLinkAdded, "vc"); }));
    ASSERT_NE(src.find("vc"), nullptr);
    EXPECT_FALSE(src.find("vc")->admin_up);
    EXPECT_EQ(src.find("vc")->ifindex, ifindex("vc"));

    ASSERT_EQ(sh("ip link set vc up && ip link set vd up"), 0);
    ASSERT_TRUE(poll_until(loop, [&] { return src.find("vc")->admin_up && src.find("vc")->oper_up; }));
    const InterfaceChange* up = rec.last(InterfaceChangeKind::kLinkChanged, "vc");
    ASSERT_NE(up, nullptr);
    EXPECT_TRUE(up->new_info->admin_up);

    ASSERT_EQ(sh("ip addr add 10.1.0.1/24 dev vc"), 0);
    ASSERT_TRUE(poll_until(loop, [&] { return rec.saw(InterfaceChangeKind::kAddressAdded, "vc"); }));
    const InterfaceChange* added = rec.last(InterfaceChangeKind::kAddressAdded, "vc");
    EXPECT_EQ(added->address.addr, ip("10.1.0.1"));
    EXPECT_EQ(added->address.prefix_len, 24);
    EXPECT_EQ(added->new_info->primary_address()->addr, ip("10.1.0.1"));
    ASSERT_TRUE(rpf_in_callback.has_value());
    ASSERT_TRUE(rpf_in_callback->ok()) << rpf_in_callback->error().detail;
    EXPECT_EQ((*rpf_in_callback)->oif, ifindex("vc"));

    // Renumbering: the old address goes, the new one comes.
    ASSERT_EQ(sh("ip addr del 10.1.0.1/24 dev vc && ip addr add 10.1.0.2/24 dev vc"), 0);
    ASSERT_TRUE(poll_until(loop, [&] {
        const auto* vc = src.find("vc");
        return vc->addrs.size() == 1 && vc->addrs[0].addr == ip("10.1.0.2");
    }));
    const InterfaceChange* removed = rec.last(InterfaceChangeKind::kAddressRemoved, "vc");
    ASSERT_NE(removed, nullptr);
    EXPECT_EQ(removed->address.addr, ip("10.1.0.1"));
    EXPECT_TRUE(removed->new_info->addrs.empty());

    // Down: admin and oper state drop, the address stays.
    rec.changes.clear();
    ASSERT_EQ(sh("ip link set vc down"), 0);
    ASSERT_TRUE(poll_until(loop, [&] { return !src.find("vc")->admin_up; }));
    const InterfaceChange* down = rec.last(InterfaceChangeKind::kLinkChanged, "vc");
    ASSERT_NE(down, nullptr);
    EXPECT_TRUE(down->old_info->admin_up);
    EXPECT_FALSE(down->new_info->admin_up);
    EXPECT_FALSE(down->new_info->oper_up);
    EXPECT_EQ(down->new_info->addrs.size(), 1u);

    // Back up, then deleted (both ends of the pair go).
    ASSERT_EQ(sh("ip link set vc up"), 0);
    ASSERT_TRUE(poll_until(loop, [&] { return src.find("vc")->admin_up && src.find("vc")->oper_up; }));
    ASSERT_EQ(sh("ip link del vc"), 0);
    ASSERT_TRUE(poll_until(loop, [&] { return src.find("vc") == nullptr && src.find("vd") == nullptr; }));
    EXPECT_TRUE(rec.saw(InterfaceChangeKind::kLinkRemoved, "vc"));
    EXPECT_TRUE(rec.saw(InterfaceChangeKind::kLinkRemoved, "vd"));
    EXPECT_EQ(src.counters().resyncs, 0u);
}

TEST(NetlinkInterfaces, MonitorOverrunIsRecoveredByDumpAndDiff) {
    FANOUT_REQUIRE_FRESH_NETNS();
    EventLoop loop;
    InterfaceSourceOptions opts;
    opts.monitor_receive_buffer = 1;  // the kernel's minimum: a few messages overflow it
    InterfaceSource src(loop, opts);
    std::multiset<std::string> added;
    src.add_listener([&](const InterfaceChange& c) {
        if (c.kind == InterfaceChangeKind::kLinkAdded) added.insert(c.new_info->name);
    });
    ASSERT_TRUE(src.start().ok());
    // 30 pairs and addresses while the loop is not running: notifications are dropped.
    ASSERT_EQ(sh("for i in $(seq 1 30); do ip link add x$i type veth peer name y$i && "
                 "ip addr add 10.9.$i.1/24 dev x$i || exit 1; done"),
              0);
    ASSERT_TRUE(poll_until(loop, [&] { return src.table().size() == 61; }));  // lo + 60
    EXPECT_GE(src.counters().resyncs, 1u);
    // Every link was reported exactly once, and every address is known.
    for (int i = 1; i <= 30; ++i) {
        std::string x = "x" + std::to_string(i), y = "y" + std::to_string(i);
        EXPECT_EQ(added.count(x), 1u) << x;
        EXPECT_EQ(added.count(y), 1u) << y;
        ASSERT_NE(src.find(x), nullptr);
        ASSERT_EQ(src.find(x)->addrs.size(), 1u) << x;
        EXPECT_EQ(src.find(x)->addrs[0].addr, Ipv4Address(10, 9, static_cast<uint8_t>(i), 1));
    }
}

class NetlinkRpf : public ::testing::Test {
  protected:
    void SetUp() override {
        FANOUT_REQUIRE_FRESH_NETNS();
        make_veth("va", "vb");
        make_veth("vc", "vd");
        ASSERT_EQ(sh("ip addr add 10.0.0.1/24 dev va && ip addr add 10.0.1.1/24 dev vc"), 0);
        ready_ = true;
    }
    bool ready_ = false;
};

TEST_F(NetlinkRpf, ConnectedStaticEcmpAndNoRoute) {
    if (!ready_) GTEST_SKIP();
    EventLoop loop;
    RibLookup rib(loop);

    auto c = rib.lookup(ip("10.0.0.2"));
    ASSERT_TRUE(c.ok()) << c.error().detail;
    EXPECT_EQ(c->prefix.to_string(), "10.0.0.0/24");
    EXPECT_EQ(c->oif, ifindex("va"));
    EXPECT_TRUE(c->gateway.is_unspecified());
    EXPECT_EQ(c->protocol, RTPROT_KERNEL);
    EXPECT_EQ(c->table, uint32_t{RT_TABLE_MAIN});
    EXPECT_TRUE(c->connected());
    EXPECT_EQ(default_metric_preference(*c), 0u);
    ASSERT_EQ(c->nexthops.size(), 1u);

    ASSERT_EQ(sh("ip route add 198.19.0.0/16 via 10.0.0.2 proto static metric 30"), 0);
    auto s = rib.lookup(ip("198.19.7.7"));
    ASSERT_TRUE(s.ok()) << s.error().detail;
    EXPECT_EQ(s->prefix.to_string(), "198.19.0.0/16");
    EXPECT_EQ(s->gateway, ip("10.0.0.2"));
    EXPECT_EQ(s->oif, ifindex("va"));
    EXPECT_EQ(s->protocol, RTPROT_STATIC);
    EXPECT_EQ(s->metric, 30u);
    EXPECT_FALSE(s->connected());
    EXPECT_EQ(default_metric_preference(*s), 1u);

    ASSERT_EQ(sh("ip route add 198.20.0.0/16 proto ospf nexthop via 10.0.0.2 dev va weight 3 "
                 "nexthop via 10.0.1.2 dev vc"),
              0);
    auto e = rib.lookup(ip("198.20.1.1"));
    ASSERT_TRUE(e.ok()) << e.error().detail;
    EXPECT_EQ(e->prefix.to_string(), "198.20.0.0/16");
    ASSERT_EQ(e->nexthops.size(), 2u);
    EXPECT_EQ(e->nexthops[0], (NextHop{ifindex("va"), ip("10.0.0.2"), 3}));
    EXPECT_EQ(e->nexthops[1], (NextHop{ifindex("vc"), ip("10.0.1.2"), 1}));
    EXPECT_EQ(default_metric_preference(*e), 110u);

    auto n = rib.lookup(ip("203.0.113.1"));
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.error().kind, RpfErrorKind::kNoRoute);

    // A local address resolves to its local route (reported in table main: without policy rules the kernel
    // merges the local and main tables).
    auto l = rib.lookup(ip("10.0.0.1"));
    ASSERT_TRUE(l.ok()) << l.error().detail;
    EXPECT_EQ(l->type, RTN_LOCAL);
    EXPECT_EQ(l->prefix.to_string(), "10.0.0.1/32");
    EXPECT_EQ(l->oif, ifindex("va"));
    EXPECT_EQ(rib.counters().lookup_failures, 0u);
}

TEST_F(NetlinkRpf, RejectRouteTypesGiveTypedErrors) {
    if (!ready_) GTEST_SKIP();
    ASSERT_EQ(sh("ip route add unreachable 198.51.100.0/24 && ip route add prohibit 198.51.101.0/24 && "
                 "ip route add blackhole 198.51.102.0/24"),
              0);
    EventLoop loop;
    RibLookup rib(loop);
    auto u = rib.lookup(ip("198.51.100.1"));
    ASSERT_FALSE(u.ok());
    EXPECT_EQ(u.error().kind, RpfErrorKind::kUnreachable);
    auto p = rib.lookup(ip("198.51.101.1"));
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().kind, RpfErrorKind::kProhibit);
    auto b = rib.lookup(ip("198.51.102.1"));
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.error().kind, RpfErrorKind::kBlackhole);
}

TEST_F(NetlinkRpf, ManyLookupsStayFast) {
    if (!ready_) GTEST_SKIP();
    EventLoop loop;
    RibLookup rib(loop);
    const auto start = loop.now();
    for (int i = 0; i < 2000; ++i)
        ASSERT_TRUE(rib.lookup(Ipv4Address(10, 0, 0, static_cast<uint8_t>(2 + i % 200))).ok());
    const auto per_lookup = (loop.now() - start) / 2000;
    std::printf("RPF lookup: %.2f us each\n", to_seconds(per_lookup) * 1e6);
    EXPECT_LT(per_lookup, std::chrono::microseconds(500));  // ~4 us expected; generous for a loaded CI box
}

TEST_F(NetlinkRpf, RouteMonitorReportsAddedAndDeletedPrefixes) {
    if (!ready_) GTEST_SKIP();
    EventLoop loop;
    RibLookupOptions opts;
    opts.coalesce_window = std::chrono::milliseconds(20);
    RibLookup rib(loop, opts);
    std::vector<RouteChange> changes;
    auto w = rib.watch_routes(
        [&](std::span<const RouteChange> cs) { changes.insert(changes.end(), cs.begin(), cs.end()); });
    ASSERT_TRUE(w.ok()) << w.error().to_string();
    const auto p = *Ipv4Prefix::parse("198.19.0.0/16");
    auto has = [&](bool removed) {
        for (const auto& c : changes)
            if (c.prefix == p && c.removed == removed && c.table == RT_TABLE_MAIN) return true;
        return false;
    };

    ASSERT_EQ(sh("ip route add 198.19.0.0/16 via 10.0.0.2 proto static"), 0);
    ASSERT_TRUE(poll_until(loop, [&] { return has(false); }));
    const std::set<Ipv4Address> tracked{ip("198.19.1.1"), ip("198.20.1.1"), ip("10.0.0.2")};
    EXPECT_EQ(covered_addresses(tracked, changes), std::vector<Ipv4Address>{ip("198.19.1.1")});

    changes.clear();
    ASSERT_EQ(sh("ip route del 198.19.0.0/16"), 0);
    ASSERT_TRUE(poll_until(loop, [&] { return has(true); }));

    // A flap inside the window is reported once, as its final state.
    changes.clear();
    const auto batches = rib.counters().notify_batches;
    ASSERT_EQ(sh("ip route add 198.19.0.0/16 via 10.0.0.2 && ip route del 198.19.0.0/16 && "
                 "ip route add 198.19.0.0/16 via 10.0.1.2"),
              0);
    ASSERT_TRUE(poll_until(loop, [&] { return !changes.empty(); }));
    EXPECT_EQ(
        std::count_if(changes.begin(), changes.end(), [&](const RouteChange& c) { return c.prefix == p; }),
        1);
    EXPECT_TRUE(has(false));
    EXPECT_EQ(rib.counters().notify_batches, batches + 1);
}

TEST_F(NetlinkRpf, RouteMonitorOverrunMeansReResolveEverything) {
    if (!ready_) GTEST_SKIP();
    EventLoop loop;
    RibLookupOptions opts;
    opts.monitor_receive_buffer = 1;  // the kernel's minimum
    RibLookup rib(loop, opts);
    std::vector<RouteChange> changes;
    ASSERT_TRUE(rib.watch_routes([&](std::span<const RouteChange> cs) {
                       changes.insert(changes.end(), cs.begin(), cs.end());
                   })
                    .ok());
    ASSERT_EQ(sh("for i in $(seq 1 100); do ip route add 198.18.$i.0/24 via 10.0.0.2 || exit 1; done"), 0);
    auto overrun = [&] {
        return std::any_of(changes.begin(), changes.end(), [](const RouteChange& c) { return c.overrun; });
    };
    ASSERT_TRUE(poll_until(loop, overrun));
    EXPECT_GE(rib.counters().overruns, 1u);
    for (const auto& c : changes)
        if (c.overrun) {
            EXPECT_EQ(c.prefix, Ipv4Prefix());  // 0.0.0.0/0 covers every tracked address
        }
    const std::set<Ipv4Address> tracked{ip("198.18.5.1"), ip("10.0.0.2")};
    EXPECT_EQ(covered_addresses(tracked, changes).size(), 2u);
}

}  // namespace
}  // namespace fanout::sys
