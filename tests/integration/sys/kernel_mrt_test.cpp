// LinuxKernelMrt against the real kernel, each case in a fresh network namespace (root only). Router = the
// test process's namespace; a second namespace plays the hosts. Facts checked: /work/shared/LINUX-MROUTE.md.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstring>
#include <sstream>

#include "common/core/checksum.hpp"
#include "common/sys/kernel_mrt_linux.hpp"
#include "common/sys/raw_socket.hpp"
#include "tests/integration/sys/mroute_lab.hpp"

namespace fanout::sys {
namespace {

using fanout::test::HostNetns;
using fanout::test::ifindex_of;
using fanout::test::read_text_file;
using fanout::test::sh;
using fanout::test::wait_until;

const Ipv4Address kHost{198, 18, 0, 2};
const Ipv4Address kGroup{239, 1, 1, 1};

// One line of /proc/net/ip_mr_cache: "Group Origin Iif Pkts Bytes Wrong Oifs" with addresses as raw hex of
// the big-endian value (LINUX-MROUTE.md) and oifs as "vif:ttl".
struct ProcMfc {
    int iif = -2;
    uint64_t packets = 0;
    std::map<int, int> oifs;
};

std::string proc_hex(Ipv4Address a) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%08X", a.network_order());
    return buf;
}

std::optional<ProcMfc> proc_mfc(Ipv4Address source, Ipv4Address group) {
    std::istringstream in(read_text_file("/proc/net/ip_mr_cache"));
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string g, o;
        ls >> g >> o;
        if (g != proc_hex(group) || o != proc_hex(source)) continue;
        ProcMfc m;
        uint64_t bytes = 0, wrong = 0;
        ls >> m.iif >> m.packets >> bytes >> wrong;
        std::string oif;
        while (ls >> oif) {
            auto colon = oif.find(':');
            if (colon == std::string::npos) continue;
            m.oifs[std::stoi(oif.substr(0, colon))] = std::stoi(oif.substr(colon + 1));
        }
        return m;
    }
    return std::nullopt;
}

// Interface names listed in /proc/net/ip_mr_vif ("Interface BytesIn PktsIn BytesOut PktsOut Flags Local
// Remote", each row starting with the VIF index).
std::map<int, std::string> proc_vifs() {
    std::map<int, std::string> out;
    std::istringstream in(read_text_file("/proc/net/ip_mr_vif"));
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        int index = -1;
        std::string name;
        if (ls >> index >> name) out[index] = name;
    }
    return out;
}

MfcEntry mfc(VifIndex iif, std::map<VifIndex, uint8_t> oifs) {
    MfcEntry e;
    e.source = kHost;
    e.group = kGroup;
    e.iif = iif;
    e.oifs = std::move(oifs);
    return e;
}

// A UDP sender in the host namespace, bound to the host's address, multicasting out of `ifname` with TTL 8.
UniqueFd host_udp_sender(const HostNetns& host, const std::string& ifname) {
    return host.inside([&] {
        UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        ip_mreqn mreq{};
        mreq.imr_ifindex = ifindex_of(ifname);
        EXPECT_GT(mreq.imr_ifindex, 0);
        EXPECT_EQ(::setsockopt(fd.get(), IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq)), 0);
        int ttl = 8;
        EXPECT_EQ(::setsockopt(fd.get(), IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)), 0);
        return fd;
    });
}

void send_udp(int fd, Ipv4Address group, int count) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(5001);
    sa.sin_addr.s_addr = group.network_order();
    const char payload[] = "fanout-mrt-test";
    for (int i = 0; i < count; ++i) {
        ASSERT_GT(::sendto(fd, payload, sizeof(payload), 0, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
    }
}

// Router with r0 (198.18.0.1, peer h0 = 198.18.0.2 in the host namespace) and r1 (198.18.1.1, peer h1).
class MrtLab : public ::testing::Test {
  protected:
    void SetUp() override {
        FANOUT_REQUIRE_FRESH_NETNS();
        host_ = std::make_unique<HostNetns>();
        ASSERT_TRUE(host_->ok());
        ASSERT_TRUE(fanout::test::router_sysctls());
        ASSERT_TRUE(host_->add_link("r0", "198.18.0.1/24", "h0", "198.18.0.2/24"));
        ASSERT_TRUE(host_->add_link("r1", "198.18.1.1/24", "h1", "198.18.1.2/24"));
        ASSERT_TRUE(mrt_.init(MrtOptions{}).ok());
        ASSERT_TRUE(mrt_.add_vif(0, ifindex_of("r0")).ok());
        ASSERT_TRUE(mrt_.add_vif(1, ifindex_of("r1")).ok());
    }
    std::unique_ptr<HostNetns> host_;
    LinuxKernelMrt mrt_;
};

TEST(KernelMrt, SecondInitInTheSameNamespaceFailsWithAddressInUse) {
    FANOUT_REQUIRE_FRESH_NETNS();
    LinuxKernelMrt first;
    auto r1 = first.init(MrtOptions{});
    ASSERT_TRUE(r1.ok()) << r1.error().message;
    EXPECT_GE(first.receive_buffer_bytes(), 8 * 1024 * 1024);  // SO_RCVBUFFORCE as root
    LinuxKernelMrt second;
    auto r2 = second.init(MrtOptions{});
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.error().error, EADDRINUSE);
    EXPECT_NE(r2.error().message.find("already owned by another process"), std::string::npos)
        << r2.error().message;
    EXPECT_NE(r2.error().message.find("table 253"), std::string::npos) << r2.error().message;
    first.done();
    auto r3 = second.init(MrtOptions{});
    EXPECT_TRUE(r3.ok()) << r3.error().message;
}

TEST(KernelMrt, NonDefaultTableHasItsOwnOwner) {
    FANOUT_REQUIRE_FRESH_NETNS();
    LinuxKernelMrt def;
    ASSERT_TRUE(def.init(MrtOptions{}).ok());
    LinuxKernelMrt other;
    MrtOptions o;
    o.table = 100;
    auto r = other.init(o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(other.add_register_vif(0).ok());
    EXPECT_GT(ifindex_of("pimreg100"), 0);  // pimregN for table N
    EXPECT_EQ(ifindex_of("pimreg"), 0);
}

TEST(KernelMrt, ThirtyTwoVifsShowInProcAndTheThirtyThirdIsRefusedClearly) {
    FANOUT_REQUIRE_FRESH_NETNS();
    for (int i = 0; i < 16; ++i) {
        ASSERT_EQ(sh("ip link add va" + std::to_string(i) + " type veth peer name vb" + std::to_string(i)),
                  0);
    }
    LinuxKernelMrt mrt;
    ASSERT_TRUE(mrt.init(MrtOptions{}).ok());
    for (VifIndex v = 0; v < 32; ++v) {
        std::string name = (v % 2 == 0 ? "va" : "vb") + std::to_string(v / 2);
        auto r = mrt.add_vif(v, ifindex_of(name));
        ASSERT_TRUE(r.ok()) << r.error().message;
    }
    auto vifs = proc_vifs();
    ASSERT_EQ(vifs.size(), 32u);
    EXPECT_EQ(vifs[0], "va0");
    EXPECT_EQ(vifs[31], "vb15");
    ASSERT_EQ(sh("ip link add extra type veth peer name extrb"), 0);
    auto r = mrt.add_vif(32, ifindex_of("extra"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().error, ENFILE);
    EXPECT_NE(r.error().message.find("at most 32 VIFs"), std::string::npos) << r.error().message;
    EXPECT_EQ(proc_vifs().size(), 32u);
    // A VIF index already in use is reported as such.
    auto dup = mrt.add_vif(3, ifindex_of("extra"));
    ASSERT_FALSE(dup.ok());
    EXPECT_NE(dup.error().message.find("already in use"), std::string::npos) << dup.error().message;
    mrt.done();
    EXPECT_TRUE(proc_vifs().empty());
}

TEST(KernelMrt, RegisterVifCreatesPimreg) {
    FANOUT_REQUIRE_FRESH_NETNS();
    LinuxKernelMrt mrt;
    ASSERT_TRUE(mrt.init(MrtOptions{}).ok());
    EXPECT_EQ(ifindex_of("pimreg"), 0);
    auto r = mrt.add_register_vif(4);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_GT(ifindex_of("pimreg"), 0);
    EXPECT_EQ(proc_vifs()[4], "pimreg");
    EXPECT_TRUE(mrt.vifs().at(4).register_vif);
    ASSERT_TRUE(mrt.del_vif(4).ok());
    EXPECT_TRUE(wait_until([] { return ifindex_of("pimreg") == 0; }));
}

TEST_F(MrtLab, VifsOfTheLabAreInProc) {
    auto vifs = fanout::test::read_text_file("/proc/net/ip_mr_vif");
    EXPECT_EQ(proc_vifs(), (std::map<int, std::string>{{0, "r0"}, {1, "r1"}})) << vifs;
    EXPECT_EQ(read_text_file("/proc/sys/net/ipv4/conf/r0/mc_forwarding"), "1\n");
}

TEST_F(MrtLab, MfcIsAddedUpdatedInPlaceAndDeleted) {
    ASSERT_EQ(sh("ip link add r2 type veth peer name r2b"), 0);
    ASSERT_TRUE(mrt_.add_vif(2, ifindex_of("r2")).ok());
    auto r = mrt_.add_mfc(mfc(0, {{1, 1}}));
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto m = proc_mfc(kHost, kGroup);
    ASSERT_TRUE(m.has_value()) << read_text_file("/proc/net/ip_mr_cache");
    EXPECT_EQ(m->iif, 0);
    EXPECT_EQ(m->oifs, (std::map<int, int>{{1, 1}}));

    ASSERT_TRUE(mrt_.add_mfc(mfc(1, {{0, 1}, {2, 3}})).ok());
    m = proc_mfc(kHost, kGroup);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->iif, 1);
    EXPECT_EQ(m->oifs, (std::map<int, int>{{0, 1}, {2, 3}}));

    ASSERT_TRUE(mrt_.del_mfc(kHost, kGroup).ok());
    EXPECT_FALSE(proc_mfc(kHost, kGroup).has_value());
    EXPECT_TRUE(mrt_.mfcs().empty());
    auto again = mrt_.del_mfc(kHost, kGroup);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().error, ENOENT);
}

TEST_F(MrtLab, DeletingAVifClearsItsOifsSoReAddingTheIndexDoesNotReviveThem) {
    ASSERT_EQ(sh("ip link add r2 type veth peer name r2b"), 0);
    ASSERT_TRUE(mrt_.add_vif(2, ifindex_of("r2")).ok());
    ASSERT_TRUE(mrt_.add_mfc(mfc(0, {{1, 1}, {2, 1}})).ok());
    ASSERT_TRUE(mrt_.del_vif(2).ok());
    ASSERT_TRUE(mrt_.add_vif(2, ifindex_of("r2")).ok());
    auto m = proc_mfc(kHost, kGroup);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->oifs, (std::map<int, int>{{1, 1}})) << read_text_file("/proc/net/ip_mr_cache");
    EXPECT_EQ(mrt_.mfcs().at(SGKey{kHost, kGroup}).oifs, (std::map<VifIndex, uint8_t>{{1, 1}}));
}

TEST_F(MrtLab, NoCacheUpcallArrivesThenCountersFollowTheTraffic) {
    UniqueFd tx = host_udp_sender(*host_, "h0");
    std::vector<Upcall> got;
    bool seen = wait_until([&] {
        send_udp(tx.get(), kGroup, 1);
        pollfd p{mrt_.upcall_fd(), POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) return false;
        for (auto& u : mrt_.read_upcalls())
            got.push_back(u);
        return !got.empty();
    });
    ASSERT_TRUE(seen) << "no upcall; nocache=" << mrt_.upcall_counters().nocache;
    EXPECT_EQ(got[0].type, UpcallType::kNoCache);
    EXPECT_EQ(got[0].vif, 0);
    EXPECT_EQ(got[0].source, kHost);
    EXPECT_EQ(got[0].group, kGroup);
    EXPECT_GE(mrt_.upcall_counters().nocache, 1u);
    EXPECT_EQ(mrt_.upcall_counters().malformed, 0u);

    ASSERT_TRUE(mrt_.add_mfc(mfc(0, {{1, 1}})).ok());
    auto before = mrt_.get_sg_counters(kHost, kGroup);
    ASSERT_TRUE(before.ok()) << before.error().message;
    send_udp(tx.get(), kGroup, 20);
    bool counted = wait_until([&] {
        auto c = mrt_.get_sg_counters(kHost, kGroup);
        return c.ok() && c->packets >= before->packets + 20;
    });
    auto after = mrt_.get_sg_counters(kHost, kGroup);
    ASSERT_TRUE(after.ok());
    EXPECT_TRUE(counted) << "packets " << before->packets << " -> " << after->packets;
    EXPECT_GT(after->bytes, before->bytes);
    EXPECT_EQ(after->wrong_if, 0u);
    auto out = mrt_.get_vif_counters(1);
    ASSERT_TRUE(out.ok()) << out.error().message;
    EXPECT_GE(out->out_packets, 20u);
    auto missing = mrt_.get_sg_counters(kHost, Ipv4Address(239, 9, 9, 9));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().error, EADDRNOTAVAIL);
}

TEST_F(MrtLab, WrongVifUpcallWhenTrafficArrivesOnAnotherVif) {
    ASSERT_TRUE(mrt_.add_mfc(mfc(1, {{0, 1}})).ok());  // expects the source on r1; it is on r0
    UniqueFd tx = host_udp_sender(*host_, "h0");
    std::vector<Upcall> got;
    ASSERT_TRUE(wait_until([&] {
        send_udp(tx.get(), kGroup, 1);
        for (auto& u : mrt_.read_upcalls())
            got.push_back(u);
        return !got.empty();
    }));
    EXPECT_EQ(got[0].type, UpcallType::kWrongVif);
    EXPECT_EQ(got[0].vif, 0);
    EXPECT_EQ(got[0].source, kHost);
    auto c = mrt_.get_sg_counters(kHost, kGroup);
    ASSERT_TRUE(c.ok());
    EXPECT_GE(c->wrong_if, 1u);
}

TEST_F(MrtLab, BpfFilterKeepsRealIgmpOffTheUpcallSocket) {
    // Positive control: an IGMP socket on r0 sees the report, so it did reach the router.
    auto igmp = IgmpSocket::open();
    ASSERT_TRUE(igmp.ok());
    const int r0 = ifindex_of("r0");
    ASSERT_TRUE(igmp->add_interface(r0).ok());
    auto host_igmp = host_->inside([] { return IgmpSocket::open(); });
    ASSERT_TRUE(host_igmp.ok());
    ASSERT_TRUE(host_->inside([&] { return host_igmp->add_interface(ifindex_of("h0")); }).ok());
    // IGMPv2 Membership Report (RFC 2236 section 2) for 239.5.5.5.
    std::vector<uint8_t> report{0x16, 0x00, 0x00, 0x00, 239, 5, 5, 5};
    uint16_t ck = internet_checksum(report);
    report[2] = static_cast<uint8_t>(ck >> 8);
    report[3] = static_cast<uint8_t>(ck & 0xff);
    int h0 = host_->inside([] { return ifindex_of("h0"); });
    std::vector<RxPacket> seen;
    ASSERT_TRUE(wait_until([&] {
        EXPECT_TRUE(host_igmp->send(h0, Ipv4Address(239, 5, 5, 5), report).ok());
        for (auto& p : igmp->receive_from(r0))
            seen.push_back(p);
        return !seen.empty();
    }));
    EXPECT_TRUE(mrt_.read_upcalls().empty());
    EXPECT_EQ(mrt_.upcall_counters().malformed,
              0u);  // without the filter the report would be read and rejected
}

TEST_F(MrtLab, PacketsForwardedToTheRegisterVifComeUpWhole) {
    ASSERT_TRUE(mrt_.add_register_vif(2).ok());
    ASSERT_TRUE(mrt_.add_mfc(mfc(0, {{2, 1}})).ok());
    UniqueFd tx = host_udp_sender(*host_, "h0");
    std::vector<Upcall> got;
    ASSERT_TRUE(wait_until([&] {
        send_udp(tx.get(), kGroup, 1);
        for (auto& u : mrt_.read_upcalls())
            got.push_back(u);
        return !got.empty();
    }));
    EXPECT_EQ(got[0].type, UpcallType::kWholePacket);
    EXPECT_EQ(got[0].vif, 2);
    EXPECT_EQ(got[0].source, kHost);
    EXPECT_EQ(got[0].group, kGroup);
    // The inner packet: IPv4/UDP from the host to the group, with our payload at the end.
    ASSERT_GE(got[0].packet.size(), 28u + 16u);
    EXPECT_EQ(got[0].packet[0], 0x45);
    EXPECT_EQ(got[0].packet[9], 17);
    EXPECT_EQ(Ipv4Address(got[0].packet[16], got[0].packet[17], got[0].packet[18], got[0].packet[19]),
              kGroup);
    EXPECT_EQ(std::string(got[0].packet.end() - 16, got[0].packet.end() - 1), "fanout-mrt-test");
}

// What the kernel does with a (*,G) entry (origin 0.0.0.0), documented in kernel_mrt.hpp: it is used only
// when the arrival VIF has a TTL < 255 in it, so an ordinary (*,G) with iif 0 and oif 1 never matches traffic
// on VIF 0 (NOCACHE keeps coming); listing the iif among the oifs makes it forward and suppresses NOCACHE.
TEST_F(MrtLab, StarGEntriesMatchOnlyWhenTheArrivalVifIsListed) {
    MfcEntry star = mfc(0, {{1, 1}});
    star.source = Ipv4Address::any();
    ASSERT_TRUE(mrt_.add_mfc(star).ok());
    UniqueFd tx = host_udp_sender(*host_, "h0");
    std::vector<Upcall> got;
    ASSERT_TRUE(wait_until([&] {
        send_udp(tx.get(), kGroup, 1);
        for (auto& u : mrt_.read_upcalls())
            got.push_back(u);
        return !got.empty();
    }));
    EXPECT_EQ(got[0].type, UpcallType::kNoCache);
    auto unused = mrt_.get_sg_counters(Ipv4Address::any(), kGroup);
    ASSERT_TRUE(unused.ok()) << unused.error().message;
    EXPECT_EQ(unused->packets, 0u);

    star.oifs[0] = 1;
    ASSERT_TRUE(mrt_.add_mfc(star).ok());
    // The unresolved (S,G) queued by the kernel expires on its own; new packets now match the (*,G).
    ASSERT_TRUE(wait_until(
        [&] {
            send_udp(tx.get(), kGroup, 1);
            auto c = mrt_.get_sg_counters(Ipv4Address::any(), kGroup);
            return c.ok() && c->packets >= 3;
        },
        std::chrono::milliseconds(15000)));
    auto out = mrt_.get_vif_counters(1);
    ASSERT_TRUE(out.ok());
    EXPECT_GE(out->out_packets, 1u);
}

// A tiny receive buffer overflows with a burst of NOCACHE upcalls (one per new group); the loss is counted.
TEST(KernelMrt, UpcallOverrunsAreCounted) {
    FANOUT_REQUIRE_FRESH_NETNS();
    HostNetns host;
    ASSERT_TRUE(host.ok());
    ASSERT_TRUE(fanout::test::router_sysctls());
    ASSERT_TRUE(host.add_link("r0", "198.18.0.1/24", "h0", "198.18.0.2/24"));
    LinuxKernelMrt mrt;
    MrtOptions o;
    o.receive_buffer_bytes = 4096;
    ASSERT_TRUE(mrt.init(o).ok());
    ASSERT_TRUE(mrt.add_vif(0, ifindex_of("r0")).ok());
    UniqueFd tx = host_udp_sender(host, "h0");
    send_udp(tx.get(), kGroup, 1);  // wait for the link: the first upcall proves packets get through
    ASSERT_TRUE(wait_until([&] {
        send_udp(tx.get(), kGroup, 1);
        return !mrt.read_upcalls().empty();
    }));
    for (int i = 0; i < 400; ++i)
        send_udp(tx.get(), Ipv4Address(239, 2, static_cast<uint8_t>(i / 250), static_cast<uint8_t>(i % 250)),
                 1);
    // The drop count rides on the next upcall queued after the loss (SO_RXQ_OVFL): drain, then make one more.
    size_t read = 0;
    int extra = 0;
    wait_until([&] {
        read += mrt.read_upcalls().size();
        send_udp(tx.get(), Ipv4Address(239, 3, 0, static_cast<uint8_t>(++extra)), 1);
        read += mrt.read_upcalls().size();
        return mrt.upcall_counters().overruns > 0;
    });
    EXPECT_GT(mrt.upcall_counters().overruns, 0u) << "read " << read << "\n"
                                                  << read_text_file("/proc/net/raw");
    EXPECT_LT(read, 400u);
}

}  // namespace
}  // namespace fanout::sys
