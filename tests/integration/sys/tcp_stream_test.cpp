// TcpStream / TcpListener against the real kernel, each case in a fresh network namespace (root only):
// bytes exchanged both ways, connect refused reported, a peer that never reads hits the output cap, the MSDP
// port 639 bound on a local address, TCP_MD5SIG accepted when keys match and blocking when they do not.
#include "common/sys/tcp_stream.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "common/packet/msdp.hpp"
#include "tests/testlib/netns.hpp"

namespace fanout::sys {
namespace {

using fanout::test::sh;

const Ipv4Address kLo{127, 0, 0, 1};

void bring_up_lo() {
    ASSERT_EQ(sh("ip link set lo up"), 0);
}

// Runs the loop until pred() or the deadline; returns pred().
template <typename Pred>
bool run_until(EventLoop& loop, Pred pred, std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (!pred() && std::chrono::steady_clock::now() < end) {
        loop.run_once_nonblocking();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return pred();
}

struct Side {
    std::unique_ptr<TcpStream> stream;
    std::string received;
    bool connected = false;
    std::optional<TcpCloseReason> closed;
    int error = 0;
    TcpStreamCallbacks callbacks() {
        return TcpStreamCallbacks{[this] { connected = true; },
                                  [this](std::span<const uint8_t> b) { received.append(b.begin(), b.end()); },
                                  [this](TcpCloseReason r, int e) {
                                      closed = r;
                                      error = e;
                                  }};
    }
};

TEST(TcpStream, TwoStreamsExchangeBytesOverLoopback) {
    FANOUT_REQUIRE_FRESH_NETNS();
    bring_up_lo();
    EventLoop loop;
    Side server, client;
    Ipv4Address accepted_from;
    auto listener = TcpListener::listen(loop, kLo, 0, [&](UniqueFd fd, Ipv4Address remote, uint16_t) {
        accepted_from = remote;
        server.stream = TcpStream::adopt(loop, std::move(fd), remote, {}, server.callbacks());
    });
    ASSERT_TRUE(listener.ok()) << listener.error().to_string();
    auto c = TcpStream::connect(loop, kLo, kLo, listener.value()->port(), "", {}, client.callbacks());
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    client.stream = std::move(c.value());
    ASSERT_TRUE(run_until(loop, [&] { return client.connected && server.stream; }));
    EXPECT_EQ(accepted_from, kLo);
    const std::string hello = "hello from the client", world = "and back from the server";
    ASSERT_TRUE(client.stream->send(std::span(reinterpret_cast<const uint8_t*>(hello.data()), hello.size())));
    ASSERT_TRUE(server.stream->send(std::span(reinterpret_cast<const uint8_t*>(world.data()), world.size())));
    ASSERT_TRUE(run_until(loop, [&] { return server.received == hello && client.received == world; }))
        << "server got '" << server.received << "', client got '" << client.received << "'";
    client.stream->close();
    ASSERT_TRUE(run_until(loop, [&] { return server.closed.has_value(); }));
    EXPECT_EQ(*server.closed, TcpCloseReason::kRemoteClosed);
    EXPECT_EQ(listener.value()->accepted(), 1u);
}

TEST(TcpStream, ConnectRefusedIsReported) {
    FANOUT_REQUIRE_FRESH_NETNS();
    bring_up_lo();
    EventLoop loop;
    Side client;
    auto c = TcpStream::connect(loop, kLo, kLo, packet::kMsdpTcpPort, "", {}, client.callbacks());
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    client.stream = std::move(c.value());
    ASSERT_TRUE(run_until(loop, [&] { return client.closed.has_value(); }));
    EXPECT_EQ(*client.closed, TcpCloseReason::kConnectFailed);
    EXPECT_EQ(client.error, ECONNREFUSED);
    EXPECT_FALSE(client.connected);
}

TEST(TcpStream, PeerThatNeverReadsHitsTheOutputCap) {
    FANOUT_REQUIRE_FRESH_NETNS();
    bring_up_lo();
    EventLoop loop;
    UniqueFd never_read;  // the accepted socket is held and never read
    auto listener = TcpListener::listen(
        loop, kLo, 0, [&](UniqueFd fd, Ipv4Address, uint16_t) { never_read = std::move(fd); });
    ASSERT_TRUE(listener.ok()) << listener.error().to_string();
    Side client;
    TcpStreamOptions opts;
    opts.max_output = 64 * 1024;
    auto c = TcpStream::connect(loop, kLo, kLo, listener.value()->port(), "", opts, client.callbacks());
    ASSERT_TRUE(c.ok());
    client.stream = std::move(c.value());
    ASSERT_TRUE(run_until(loop, [&] { return client.connected && never_read.valid(); }));
    const std::vector<uint8_t> chunk(16 * 1024, 0x5a);
    size_t sent = 0;
    bool refused = false;
    for (int i = 0; i < 8192 && !refused; ++i) {  // at most 128 MB
        if (client.stream->send(chunk))
            sent += chunk.size();
        else
            refused = true;
        EXPECT_LE(client.stream->queued(), opts.max_output);
        loop.run_once_nonblocking();
    }
    ASSERT_TRUE(refused) << "sent " << sent << " bytes without hitting the cap";
    ASSERT_TRUE(run_until(loop, [&] { return client.closed.has_value(); }));
    EXPECT_EQ(*client.closed, TcpCloseReason::kOutputOverflow);
    EXPECT_FALSE(client.stream->open());
    EXPECT_FALSE(client.stream->send(chunk));
}

TEST(TcpStream, ListensOnTheMsdpPortOfALocalAddress) {
    FANOUT_REQUIRE_FRESH_NETNS();
    bring_up_lo();
    ASSERT_EQ(sh("ip addr add 198.18.0.5/32 dev lo"), 0);
    EventLoop loop;
    int accepted = 0;
    auto listener = TcpListener::listen(loop, Ipv4Address(198, 18, 0, 5), packet::kMsdpTcpPort,
                                        [&](UniqueFd, Ipv4Address, uint16_t) { ++accepted; });
    ASSERT_TRUE(listener.ok()) << listener.error().to_string();
    EXPECT_EQ(listener.value()->port(), packet::kMsdpTcpPort);
    Side client;
    auto c = TcpStream::connect(loop, kLo, Ipv4Address(198, 18, 0, 5), packet::kMsdpTcpPort, "", {},
                                client.callbacks());
    ASSERT_TRUE(c.ok());
    client.stream = std::move(c.value());
    ASSERT_TRUE(run_until(loop, [&] { return accepted == 1 && client.connected; }));
}

TEST(TcpStream, Md5KeysMustMatch) {
    FANOUT_REQUIRE_FRESH_NETNS();
    bring_up_lo();
    ASSERT_EQ(sh("ip addr add 198.18.0.5/32 dev lo && ip addr add 198.18.0.9/32 dev lo"), 0);
    const Ipv4Address local(198, 18, 0, 5), peer(198, 18, 0, 9);
    EventLoop loop;
    Side server;
    auto listener = TcpListener::listen(loop, local, 0, [&](UniqueFd fd, Ipv4Address remote, uint16_t) {
        server.stream = TcpStream::adopt(loop, std::move(fd), remote, {}, server.callbacks());
    });
    ASSERT_TRUE(listener.ok());
    if (auto e = listener.value()->set_md5(peer, "fanout-key")) {
        std::fprintf(stderr, "SKIP: %s\n", e->to_string().c_str());
        GTEST_SKIP() << e->to_string();
    }
    TcpStreamOptions opts;
    opts.connect_timeout = std::chrono::milliseconds(1500);
    Side wrong;  // no key: the listener drops the unsigned SYNs
    auto w = TcpStream::connect(loop, peer, local, listener.value()->port(), "", opts, wrong.callbacks());
    ASSERT_TRUE(w.ok());
    wrong.stream = std::move(w.value());
    ASSERT_TRUE(run_until(loop, [&] { return wrong.closed.has_value(); }));
    EXPECT_EQ(*wrong.closed, TcpCloseReason::kConnectTimeout);
    EXPECT_FALSE(server.stream);
    Side right;
    auto r = TcpStream::connect(loop, peer, local, listener.value()->port(), "fanout-key", opts,
                                right.callbacks());
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    right.stream = std::move(r.value());
    ASSERT_TRUE(run_until(loop, [&] { return right.connected && server.stream; }));
    const auto ka = packet::encode_msdp_keepalive();
    ASSERT_TRUE(right.stream->send(ka));
    ASSERT_TRUE(run_until(loop, [&] { return server.received.size() == ka.size(); }));
}

}  // namespace
}  // namespace fanout::sys
