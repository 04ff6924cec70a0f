// IgmpSocket and PimSocket against the real kernel, each case in a fresh network namespace (root only).
// Router = the test process's namespace; a second namespace plays the neighbours and hosts.
#include "common/sys/raw_socket.hpp"

#include <netinet/in.h>

#include "common/core/checksum.hpp"
#include "common/sys/event_loop.hpp"
#include "common/sys/kernel_mrt_linux.hpp"
#include "tests/integration/sys/mroute_lab.hpp"

namespace fanout::sys {
namespace {

using fanout::test::HostNetns;
using fanout::test::ifindex_of;
using fanout::test::read_text_file;
using fanout::test::sh;
using fanout::test::wait_until;

const Ipv4Address kRouter{198, 18, 0, 1};
const Ipv4Address kHost{198, 18, 0, 2};

std::vector<uint8_t> with_checksum(std::vector<uint8_t> msg, size_t at) {
    uint16_t ck = internet_checksum(msg);
    msg[at] = static_cast<uint8_t>(ck >> 8);
    msg[at + 1] = static_cast<uint8_t>(ck & 0xff);
    return msg;
}

// IGMPv2 Membership Report (RFC 2236 section 2): type 0x16, max resp 0, checksum, group.
std::vector<uint8_t> igmpv2_report(Ipv4Address g) {
    uint32_t v = g.value();
    return with_checksum({0x16, 0, 0, 0, static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                          static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)},
                         2);
}

// IGMPv3 Report (RFC 3376 section 4.2) with one CHANGE_TO_EXCLUDE({}) record for 239.7.7.7.
std::vector<uint8_t> igmpv3_report() {
    return with_checksum({0x22, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0, 239, 7, 7, 7}, 2);
}

// PIMv2 Hello (RFC 7761 4.9.2) with a Holdtime option of 105 s.
std::vector<uint8_t> pim_hello() {
    return with_checksum({0x20, 0, 0, 0, 0, 1, 0, 2, 0, 105}, 2);
}

std::span<const uint8_t> payload_of(const RxPacket& p) {
    size_t ihl = size_t{p.packet[0] & 0x0fu} * 4;
    return std::span<const uint8_t>(p.packet).subspan(ihl);
}

class RawLab : public ::testing::Test {
  protected:
    void SetUp() override {
        FANOUT_REQUIRE_FRESH_NETNS();
        host_ = std::make_unique<HostNetns>();
        ASSERT_TRUE(host_->ok());
        ASSERT_TRUE(fanout::test::router_sysctls());
        ASSERT_TRUE(host_->add_link("r0", "198.18.0.1/24", "h0", "198.18.0.2/24"));
        r0_ = ifindex_of("r0");
        h0_ = host_->inside([] { return ifindex_of("h0"); });
        ASSERT_GT(r0_, 0);
        ASSERT_GT(h0_, 0);
    }
    // Repeats send() until receive() returns something (first packets may race link setup), up to 5 s.
    template <typename Send, typename Recv>
    std::vector<RxPacket> exchange(Send send, Recv recv) {
        std::vector<RxPacket> got;
        wait_until([&] {
            send();
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            for (auto& p : recv())
                got.push_back(std::move(p));
            return !got.empty();
        });
        return got;
    }
    std::unique_ptr<HostNetns> host_;
    int r0_ = 0;
    int h0_ = 0;
};

TEST_F(RawLab, IgmpSocketReceivesAV2ReportOnAVifInterfaceWithItsIfindex) {
    LinuxKernelMrt mrt;  // v2 reports reach anyone only when the arrival interface has a VIF
    ASSERT_TRUE(mrt.init(MrtOptions{}).ok());
    ASSERT_TRUE(mrt.add_vif(0, r0_).ok());
    auto router = IgmpSocket::open();
    ASSERT_TRUE(router.ok()) << router.error().to_string();
    auto r = router->add_interface(r0_);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    auto host = host_->inside([] { return IgmpSocket::open(); });
    ASSERT_TRUE(host.ok());
    ASSERT_TRUE(host_->inside([&] { return host->add_interface(h0_); }).ok());

    const Ipv4Address group{239, 3, 3, 3};
    auto got = exchange([&] { ASSERT_TRUE(host->send(h0_, group, igmpv2_report(group)).ok()); },
                        [&] { return router->receive_from(r0_); });
    ASSERT_FALSE(got.empty()) << "received " << router->counters().received;
    const RxPacket& p = got[0];
    EXPECT_EQ(p.ifindex, r0_);
    EXPECT_EQ(p.src, kHost);
    EXPECT_EQ(p.dst, group);
    // What IgmpSocket::send put on the wire: IHL 6 with Router Alert, TOS 0xc0, TTL 1, protocol 2.
    ASSERT_GE(p.packet.size(), 32u);
    EXPECT_EQ(p.packet[0], 0x46);
    EXPECT_EQ(p.packet[1], 0xc0);
    EXPECT_EQ(p.packet[8], 1);
    EXPECT_EQ(p.packet[9], 2);
    EXPECT_EQ(std::vector<uint8_t>(p.packet.begin() + 20, p.packet.begin() + 24),
              (std::vector<uint8_t>{0x94, 0x04, 0x00, 0x00}));
    auto body = payload_of(p);
    EXPECT_EQ(std::vector<uint8_t>(body.begin(), body.end()), igmpv2_report(group));
    EXPECT_GE(host->counters().sent, 1u);
}

TEST_F(RawLab, IgmpSocketDropsPacketsFromLocalAddresses) {
    auto router = IgmpSocket::open();
    ASSERT_TRUE(router.ok());
    ASSERT_TRUE(router->add_interface(r0_).ok());
    router->set_local_addresses({kHost});  // pretend the host's address is ours
    auto host = host_->inside([] { return IgmpSocket::open(); });
    ASSERT_TRUE(host.ok());
    ASSERT_TRUE(host_->inside([&] { return host->add_interface(h0_); }).ok());
    bool filtered = wait_until([&] {
        EXPECT_TRUE(host->send(h0_, addr::kIgmpV3Reports, igmpv3_report()).ok());
        EXPECT_TRUE(router->receive_from(r0_).empty());
        return router->counters().filtered > 0;
    });
    EXPECT_TRUE(filtered);
    EXPECT_EQ(router->counters().received, 0u);
}

TEST_F(RawLab, TooLargePacketsAreCountedAsTruncatedAndDropped) {
    IgmpSocket::Options small;
    small.buffer_bytes = 24;  // the 24-byte header with Router Alert fits, the report after it does not
    auto router = IgmpSocket::open(small);
    ASSERT_TRUE(router.ok());
    ASSERT_TRUE(router->add_interface(r0_).ok());
    auto host = host_->inside([] { return IgmpSocket::open(); });
    ASSERT_TRUE(host.ok());
    ASSERT_TRUE(host_->inside([&] { return host->add_interface(h0_); }).ok());
    bool truncated = wait_until([&] {
        EXPECT_TRUE(host->send(h0_, addr::kIgmpV3Reports, igmpv3_report()).ok());
        EXPECT_TRUE(router->receive_from(r0_).empty());
        return router->counters().truncated > 0;
    });
    EXPECT_TRUE(truncated);
}

// A report flood larger than the socket buffer: the kernel drops the excess, and SO_RXQ_OVFL makes those
// drops visible (kernel_drops) on the next packet that gets through. Without it a flood loses reports
// silently.
TEST_F(RawLab, KernelDropsOnAFullReceiveBufferAreCounted) {
    auto router = IgmpSocket::open();
    ASSERT_TRUE(router.ok());
    ASSERT_TRUE(router->add_interface(r0_).ok());
    auto host = host_->inside([] { return IgmpSocket::open(); });
    ASSERT_TRUE(host.ok());
    ASSERT_TRUE(host_->inside([&] { return host->add_interface(h0_); }).ok());
    // Make sure the path works before the flood (link setup races).
    auto first = exchange([&] { ASSERT_TRUE(host->send(h0_, addr::kIgmpV3Reports, igmpv3_report()).ok()); },
                          [&] { return router->receive_from(r0_); });
    ASSERT_FALSE(first.empty());
    const uint64_t kFlood = 40000;
    for (uint64_t i = 0; i < kFlood; ++i)
        (void)host->send(h0_, addr::kIgmpV3Reports, igmpv3_report());
    uint64_t drained = 0;
    for (;;) {
        auto got = router->receive_from(r0_, 4096);
        if (got.empty()) break;
        drained += got.size();
    }
    // The next packet that is queued carries the socket's cumulative drop count.
    bool counted = wait_until([&] {
        EXPECT_TRUE(host->send(h0_, addr::kIgmpV3Reports, igmpv3_report()).ok());
        drained += router->receive_from(r0_).size();
        return router->counters().kernel_drops > 0;
    });
    EXPECT_TRUE(counted) << "drained " << drained << " of " << kFlood;
    EXPECT_GT(drained, 1000u) << "the enlarged receive buffer should hold thousands of reports";
    EXPECT_LE(router->counters().kernel_drops + drained, kFlood + 1000);
}

// Three joins per interface on 25 interfaces (75 > igmp_max_memberships = 20): only one socket per interface
// makes this work. A v3 report on the last interface arrives with that interface's ifindex.
TEST(RawSockets, IgmpSocketWorksOnManyMoreInterfacesThanTheJoinLimitOfOneSocket) {
    FANOUT_REQUIRE_FRESH_NETNS();
    HostNetns host;
    ASSERT_TRUE(host.ok());
    ASSERT_EQ(read_text_file("/proc/sys/net/ipv4/igmp_max_memberships"), "20\n");
    constexpr int kLinks = 25;
    for (int i = 0; i < kLinks; ++i) {
        std::string n = std::to_string(i);
        ASSERT_TRUE(host.add_link("r" + n, "198.18." + n + ".1/24", "h" + n, "198.18." + n + ".2/24")) << i;
    }
    auto router = IgmpSocket::open();
    ASSERT_TRUE(router.ok());
    for (int i = 0; i < kLinks; ++i) {
        auto r = router->add_interface(ifindex_of("r" + std::to_string(i)));
        ASSERT_TRUE(r.ok()) << i << ": " << r.error().to_string();
    }
    EXPECT_EQ(router->interface_count(), 25u);
    const int last = ifindex_of("r24");
    const int h24 = host.inside([] { return ifindex_of("h24"); });
    auto sender = host.inside([] { return IgmpSocket::open(); });
    ASSERT_TRUE(sender.ok());
    ASSERT_TRUE(host.inside([&] { return sender->add_interface(h24); }).ok());
    std::vector<RxPacket> got;  // from every interface's socket: only r24's may hold the report
    ASSERT_TRUE(wait_until([&] {
        EXPECT_TRUE(sender->send(h24, addr::kIgmpV3Reports, igmpv3_report()).ok());
        for (int i = 0; i < kLinks; ++i)
            for (auto& p : router->receive_from(ifindex_of("r" + std::to_string(i))))
                got.push_back(std::move(p));
        return !got.empty();
    }));
    for (const auto& p : got)
        EXPECT_EQ(p.ifindex, last) << "the report arrived on r24 only";
    EXPECT_EQ(got[0].src, Ipv4Address(198, 18, 24, 2));
    EXPECT_EQ(got[0].dst, addr::kIgmpV3Reports);
    router->remove_interface(last);
    EXPECT_FALSE(router->has_interface(last));
    auto err = router->send(last, addr::kAllSystems, igmpv3_report());
    ASSERT_FALSE(err.ok());
    EXPECT_EQ(err.error().error, ENODEV);
    EXPECT_EQ(router->counters().send_errors, 1u);
}

TEST_F(RawLab, PimSocketReceivesHellosOnlyAfterJoiningWithIfindexSourceAndDestination) {
    auto router = PimSocket::open();
    ASSERT_TRUE(router.ok()) << router.error().to_string();
    auto host = host_->inside([] { return PimSocket::open(); });
    ASSERT_TRUE(host.ok());
    // Not joined: nothing is delivered on r0 (the hello is link-local multicast).
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(host->send_multicast(h0_, addr::kAllPimRouters, pim_hello()).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(router->receive().empty());

    auto j = router->join(r0_);
    ASSERT_TRUE(j.ok()) << j.error().to_string();
    auto got =
        exchange([&] { ASSERT_TRUE(host->send_multicast(h0_, addr::kAllPimRouters, pim_hello()).ok()); },
                 [&] { return router->receive(); });
    ASSERT_FALSE(got.empty());
    const RxPacket& p = got[0];
    EXPECT_EQ(p.ifindex, r0_);
    EXPECT_EQ(p.src, kHost);
    EXPECT_EQ(p.dst, addr::kAllPimRouters);
    EXPECT_EQ(p.packet[1], 0xc0);  // TOS
    EXPECT_EQ(p.packet[8], 1);     // TTL
    EXPECT_EQ(p.packet[9], 103);   // PIM
    auto body = payload_of(p);
    EXPECT_EQ(std::vector<uint8_t>(body.begin(), body.end()), pim_hello());

    router->leave(r0_);
    router->receive();
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(host->send_multicast(h0_, addr::kAllPimRouters, pim_hello()).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(router->receive().empty());
}

TEST_F(RawLab, PimSocketDoesNotHearItsOwnHellos) {
    auto router = PimSocket::open();
    ASSERT_TRUE(router.ok());
    ASSERT_TRUE(router->join(r0_).ok());
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(router->send_multicast(r0_, addr::kAllPimRouters, pim_hello()).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(router->receive().empty());  // IP_MULTICAST_LOOP 0
    EXPECT_EQ(router->counters().sent, 5u);
}

TEST_F(RawLab, PimUnicastUsesTtl64AndCanBePinnedToAnInterfaceWithoutARoute) {
    auto router = PimSocket::open();
    ASSERT_TRUE(router.ok());
    auto host = host_->inside([] { return PimSocket::open(); });
    ASSERT_TRUE(host.ok());
    // Routed unicast to the router's address.
    auto got = exchange([&] { ASSERT_TRUE(host->send_unicast(kRouter, pim_hello()).ok()); },
                        [&] { return router->receive(); });
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got[0].ifindex, r0_);
    EXPECT_EQ(got[0].dst, kRouter);
    EXPECT_EQ(got[0].packet[8], 64);
    EXPECT_EQ(got[0].packet[1], 0xc0);

    // 198.19.9.9 is on the router but the host has no route to it: unpinned sends fail, pinned ones arrive.
    ASSERT_EQ(sh("ip addr add 198.19.9.9/32 dev lo"), 0);
    const Ipv4Address beacon{198, 19, 9, 9};
    auto unrouted = host->send_unicast(beacon, pim_hello());
    ASSERT_FALSE(unrouted.ok());
    EXPECT_EQ(unrouted.error().error, ENETUNREACH) << unrouted.error().to_string();
    EXPECT_EQ(host->counters().send_errors, 1u);
    router->receive();
    got = exchange([&] { ASSERT_TRUE(host->send_unicast(beacon, pim_hello(), h0_, kHost).ok()); },
                   [&] { return router->receive(); });
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got[0].ifindex, r0_);
    EXPECT_EQ(got[0].dst, beacon);
    EXPECT_EQ(got[0].src, kHost);
}

TEST_F(RawLab, PimUnicastSourceAddressCanBeChosen) {
    auto router = PimSocket::open();
    ASSERT_TRUE(router.ok());
    ASSERT_EQ(host_->run("ip addr add 198.18.0.77/32 dev lo"), 0);
    auto host = host_->inside([] { return PimSocket::open(); });
    ASSERT_TRUE(host.ok());
    const Ipv4Address src{198, 18, 0, 77};
    auto got =
        exchange([&] { ASSERT_TRUE(host->send_unicast(kRouter, pim_hello(), std::nullopt, src).ok()); },
                 [&] { return router->receive(); });
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got[0].src, src);
}

// The event loop watches the interface's own socket (fd_of) and reads it with receive_from.
TEST_F(RawLab, IgmpInterfaceSocketWakesTheEventLoop) {
    auto router = IgmpSocket::open();
    ASSERT_TRUE(router.ok());
    ASSERT_TRUE(router->add_interface(r0_).ok());
    auto host = host_->inside([] { return IgmpSocket::open(); });
    ASSERT_TRUE(host.ok());
    ASSERT_TRUE(host_->inside([&] { return host->add_interface(h0_); }).ok());
    EventLoop loop;
    std::vector<RxPacket> got;
    EXPECT_EQ(router->fd_of(r0_ + 1000), -1) << "no socket, no fd";
    EXPECT_TRUE(router->receive_from(r0_ + 1000).empty());
    Watch w = loop.watch_readable(router->fd_of(r0_), [&] {
        for (auto& p : router->receive_from(r0_))
            got.push_back(std::move(p));
        if (!got.empty()) loop.stop();
    });
    TimerHandle resend;
    std::function<void()> tick = [&] {
        EXPECT_TRUE(host->send(h0_, addr::kIgmpV3Reports, igmpv3_report()).ok());
        resend = TimerHandle(loop, std::chrono::milliseconds(50), tick);
    };
    tick();
    TimerHandle deadline(loop, std::chrono::milliseconds(5000), [&] { loop.stop(); });
    loop.run();
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(got[0].ifindex, r0_);
}

}  // namespace
}  // namespace fanout::sys
