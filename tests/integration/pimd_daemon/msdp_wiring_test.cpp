// MsdpTcpWiring end to end: two MSDP cores (RFC 3618) on one EventLoop in a fresh network namespace, peering
// over real TCP port 639 between two addresses on lo. The lower address connects, the higher listens; an
// originated SA reaches the other side with the originator (RP) address; a session with a wrong MD5 key never
// comes up.
#include "pimd/msdp_wiring.hpp"

#include <chrono>
#include <thread>

#include "pimd/core/msdp/msdp_recording.hpp"
#include "tests/testlib/netns.hpp"

namespace fanout::pimd {
namespace {

using fanout::test::sh;

const Ipv4Address kA(198, 18, 0, 5), kB(198, 18, 0, 9), kRp(198, 18, 255, 1);

template <typename Pred>
bool run_until(sys::EventLoop& loop, Pred pred,
               std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (!pred() && std::chrono::steady_clock::now() < end) {
        loop.run_once_nonblocking();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return pred();
}

msdp::MsdpConfig config(Ipv4Address local, Ipv4Address peer, const std::string& md5) {
    msdp::MsdpConfig c;
    c.local_address = local;
    c.originator_address = local == kA ? kRp : Ipv4Address();
    msdp::MsdpPeerConfig p;
    p.address = peer;
    p.md5_password = md5;
    c.peers = {p};
    c.timers.connect_retry = std::chrono::seconds(1);
    return c;
}

struct Router {
    Router(sys::EventLoop& loop, msdp::MsdpConfig c) : io(loop), core(std::move(c), loop, io, rpf, pim) {
        io.attach(core);
        core.start();
    }
    MsdpTcpWiring io;
    msdp::MapMsdpRpfLookup rpf;
    msdp::RecordingMsdpPimHooks pim;
    msdp::MsdpCore core;
    bool up(Ipv4Address peer) const { return core.find_peer(peer)->established(); }
};

void lab() {
    ASSERT_EQ(sh("ip link set lo up && ip addr add 198.18.0.5/32 dev lo && ip addr add 198.18.0.9/32 dev lo"),
              0);
}

TEST(MsdpWiring, SessionComesUpAndCarriesAnOriginatedSa) {
    FANOUT_REQUIRE_FRESH_NETNS();
    lab();
    sys::EventLoop loop;
    Router b(loop, config(kB, kA, ""));  // higher: listens
    Router a(loop, config(kA, kB, ""));  // lower: connects
    EXPECT_EQ(b.io.listen_port(), packet::kMsdpTcpPort);
    ASSERT_TRUE(run_until(loop, [&] { return a.up(kB) && b.up(kA); }))
        << "a: " << msdp::to_string(a.core.find_peer(kB)->state())
        << " b: " << msdp::to_string(b.core.find_peer(kA)->state()) << " " << a.io.counters().last_error;
    a.core.sa_origin_add(SGKey{Ipv4Address(198, 18, 1, 1), Ipv4Address(239, 1, 1, 1)});
    ASSERT_TRUE(run_until(loop, [&] { return b.core.sa_cache().size() == 1; }));
    const auto& e = b.core.sa_cache().entries().begin()->second;
    EXPECT_EQ(e.rp, kRp);  // the RP address, not the peering address 198.18.0.5
    EXPECT_EQ(e.peer, kA);
    EXPECT_GE(b.core.find_peer(kA)->counters().keepalives_in, 1u);
    EXPECT_EQ(a.io.stream_count(), 1u);
    EXPECT_EQ(b.io.stream_count(), 1u);
}

TEST(MsdpWiring, Md5MismatchKeepsTheSessionDown) {
    FANOUT_REQUIRE_FRESH_NETNS();
    lab();
    sys::EventLoop loop;
    Router b(loop, config(kB, kA, "right-key"));
    if (b.io.counters().md5_errors) GTEST_SKIP() << b.io.counters().last_error;
    Router a(loop, config(kA, kB, "wrong-key"));
    EXPECT_FALSE(run_until(
        loop, [&] { return a.up(kB) || b.up(kA); }, std::chrono::milliseconds(2500)));
    EXPECT_FALSE(a.up(kB));
}

}  // namespace
}  // namespace fanout::pimd
