// In-process tests of the igmpd <-> pimd link: real Unix sockets in a temp dir, one EventLoop, short timers.
#include "common/sys/ipc_link.hpp"
#include "tests/testlib/temp_dir.hpp"

#include <gtest/gtest.h>

#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <algorithm>

namespace fanout::sys {
namespace {

using ipc::FilterMode;

const Ipv4Address kG1(239, 1, 1, 1);
const Ipv4Address kG2(239, 2, 2, 2);
const Ipv4Address kG3(239, 3, 3, 3);

ipc::Membership m(uint32_t ifindex, Ipv4Address g, FilterMode mode = FilterMode::kExclude,
                  std::vector<Ipv4Address> sources = {}) {
    return ipc::Membership{"eth" + std::to_string(ifindex), ifindex, g, mode, std::move(sources)};
}

class IpcLinkTest : public ::testing::Test {
  protected:
    void SetUp() override {
        path_ = dir_ + "/pimd-ipc.sock";
        table_ = make_table();
    }
    void TearDown() override {
        client_.reset();
        server_.reset();
    }

    std::unique_ptr<MembershipTable> make_table() {
        auto t = std::make_unique<MembershipTable>(loop_, MembershipTableOptions{300ms, 1000});
        t->set_listener([this](MembershipChange c, const MembershipEntry& e) {
            events_.push_back(std::string(to_string(c)) + " " + e.ifname + " " + e.group.to_string());
        });
        return t;
    }

    void start_server(Duration dead = 2s) {
        IpcServerOptions o;
        o.path = path_;
        o.link.keepalive = 50ms;
        o.link.dead = dead;
        auto s = IpcServer::listen(loop_, o, *table_);
        ASSERT_TRUE(s.ok()) << s.error();
        server_ = std::move(s.value());
    }

    void start_client(size_t max_out = 1u << 20) {
        IpcClientOptions o;
        o.path = path_;
        o.backoff_min = 20ms;
        o.backoff_max = 80ms;
        o.link.keepalive = 50ms;
        o.link.dead = 2s;
        o.link.max_out = max_out;
        client_ = std::make_unique<IpcClient>(loop_, o, [this] { return state_; });
        client_->start();
    }

    // Runs the loop until pred() holds or the deadline passes; returns pred().
    bool run_until(const std::function<bool()>& pred, Duration deadline = 3s) {
        bool timed_out = false;
        TimerHandle limit(loop_, deadline, [&] {
            timed_out = true;
            loop_.stop();
        });
        TimerHandle poll;
        std::function<void()> tick = [&] {
            if (pred())
                loop_.stop();
            else
                poll = TimerHandle(loop_, 1ms, tick);
        };
        poll = TimerHandle(loop_, 0ms, tick);
        loop_.run();
        return pred();
    }
    void spin(Duration d) {
        TimerHandle h(loop_, d, [&] { loop_.stop(); });
        loop_.run();
    }
    bool synced() { return table_->counters().snapshots > 0 && !table_->in_snapshot(); }

    // A hand-driven peer speaking raw frames.
    int raw_client(const std::vector<ipc::Message>& msgs) {
        auto c = connect_unix(path_, false);
        EXPECT_TRUE(c.ok());
        int fd = c.value().release();
        std::vector<uint8_t> bytes;
        for (const auto& x : msgs)
            ipc::encode_into(x, bytes);
        EXPECT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
        return fd;
    }

    EventLoop loop_;
    testlib::TempDir tmp_{"fanout-ipc"};
    const std::string dir_ = tmp_.path();
    std::string path_;
    std::unique_ptr<MembershipTable> table_;
    std::unique_ptr<IpcServer> server_;
    std::unique_ptr<IpcClient> client_;
    std::vector<ipc::Membership> state_;
    std::vector<std::string> events_;
};

TEST_F(IpcLinkTest, SnapshotThenDeltasReachTheTable) {
    start_server();
    state_ = {m(2, kG1), m(3, kG2, FilterMode::kInclude, {Ipv4Address(198, 18, 0, 5)})};
    start_client();
    ASSERT_TRUE(run_until([&] { return synced() && client_->peer_seen(); }));
    EXPECT_EQ(events_, (std::vector<std::string>{"added eth2 239.1.1.1", "added eth3 239.2.2.2"}));
    ASSERT_TRUE(server_->peer_hello().has_value());
    EXPECT_EQ(server_->peer_hello()->sender, "igmpd");
    EXPECT_EQ(server_->peer_hello()->session_id, client_->session_id());
    events_.clear();
    client_->update(m(2, kG1, FilterMode::kExclude, {Ipv4Address(198, 18, 0, 9)}));
    client_->update(m(4, kG3));
    client_->remove(ipc::MembershipRemoved{"eth3", 3, kG2});
    ASSERT_TRUE(run_until([&] { return events_.size() == 3; }));
    EXPECT_EQ(events_, (std::vector<std::string>{"updated eth2 239.1.1.1", "added eth4 239.3.3.3",
                                                 "removed eth3 239.2.2.2"}));
    EXPECT_TRUE(table_->find(2, kG1)->receiver_exclude_sg(Ipv4Address(198, 18, 0, 9)));
    spin(200ms);  // keepalives flow both ways, nobody is declared dead
    EXPECT_TRUE(server_->peer_connected());
    EXPECT_GT(server_->counters().frames_rx, 6u);
    EXPECT_EQ(client_->counters().dead_peers + server_->counters().dead_peers, 0u);
}

TEST_F(IpcLinkTest, ClientDeathMarksStaleThenAgesOut) {
    start_server();
    state_ = {m(2, kG1), m(3, kG2)};
    start_client();
    ASSERT_TRUE(run_until([&] { return synced(); }));
    client_.reset();  // igmpd dies
    ASSERT_TRUE(run_until([&] { return table_->stale_count() == 2; }));
    EXPECT_FALSE(server_->peer_connected());
    spin(100ms);
    EXPECT_EQ(table_->size(), 2u);  // still forwarding for them
    ASSERT_TRUE(run_until([&] { return table_->size() == 0; }));
    EXPECT_EQ(table_->counters().stale_expired, 2u);
}

TEST_F(IpcLinkTest, ReconnectResyncsWithoutFlappingSurvivors) {
    start_server();
    state_ = {m(2, kG1), m(3, kG2)};
    start_client();
    ASSERT_TRUE(run_until([&] { return synced(); }));
    uint64_t first_session = client_->session_id();
    client_.reset();
    ASSERT_TRUE(run_until([&] { return table_->stale_count() == 2; }));
    events_.clear();
    state_ = {m(2, kG1), m(4, kG3)};  // restarted igmpd: eth2/G1 again, eth3/G2 gone, eth4/G3 new
    start_client();
    ASSERT_TRUE(run_until([&] { return table_->counters().snapshots == 2 && !table_->in_snapshot(); }));
    EXPECT_EQ(events_, (std::vector<std::string>{"added eth4 239.3.3.3", "removed eth3 239.2.2.2"}));
    EXPECT_NE(server_->peer_hello()->session_id, first_session);
    EXPECT_EQ(table_->stale_count(), 0u);
    spin(500ms);  // past the stale timeout: the survivor stays
    EXPECT_NE(table_->find(2, kG1), nullptr);
    EXPECT_EQ(table_->size(), 2u);
}

TEST_F(IpcLinkTest, ServerRestartClientBacksOffAndResendsSnapshot) {
    state_ = {m(2, kG1), m(3, kG2)};
    start_client();  // no server yet
    ASSERT_TRUE(run_until([&] { return client_->counters().connect_failures >= 4; }));
    EXPECT_EQ(client_->backoff(), 80ms);  // 20, 40, 80, capped
    EXPECT_FALSE(client_->connected());
    start_server();
    ASSERT_TRUE(run_until([&] { return synced() && client_->peer_seen(); }));
    EXPECT_EQ(client_->backoff(), 20ms);  // reset once the server answered
    EXPECT_EQ(table_->size(), 2u);
    server_.reset();  // pimd restarts
    table_ = make_table();
    ASSERT_TRUE(run_until([&] { return !client_->connected(); }));
    spin(100ms);
    start_server();
    ASSERT_TRUE(run_until([&] { return synced(); }));
    EXPECT_EQ(table_->size(), 2u);
    EXPECT_GE(client_->counters().connects, 2u);
}

TEST_F(IpcLinkTest, SilentPeerIsDeclaredDead) {
    start_server(150ms);
    int fd = raw_client({ipc::Hello{1, "mute", 5}, ipc::SnapshotBegin{}, m(2, kG1), ipc::SnapshotEnd{1}});
    ASSERT_TRUE(run_until([&] { return synced(); }));
    EXPECT_TRUE(server_->peer_connected());
    ASSERT_TRUE(run_until([&] { return !server_->peer_connected(); }));
    EXPECT_EQ(server_->counters().dead_peers, 1u);
    EXPECT_EQ(table_->stale_count(), 1u);
    ::close(fd);
}

TEST_F(IpcLinkTest, FramesKeepThePeerAliveForManyDeadIntervals) {
    // The dead interval is 10 times the gap between frames (a loaded machine stalled the 40/200 ms version).
    start_server(500ms);
    int fd = raw_client({ipc::Hello{1, "slow", 6}, ipc::SnapshotBegin{}, m(2, kG1), ipc::SnapshotEnd{1}});
    ASSERT_TRUE(run_until([&] { return synced(); }));
    std::vector<uint8_t> keepalive;
    ipc::encode_into(ipc::Keepalive{}, keepalive);
    for (int i = 0; i < 24; ++i) {  // 24 x 50 ms: more than two dead intervals, never 500 ms silent
        spin(50ms);
        ASSERT_EQ(::send(fd, keepalive.data(), keepalive.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(keepalive.size()));
        ASSERT_TRUE(server_->peer_connected()) << "after " << (i + 1) * 50 << " ms";
    }
    EXPECT_EQ(server_->counters().dead_peers, 0u);
    ASSERT_TRUE(run_until([&] { return !server_->peer_connected(); }, 2s)) << "silent from now on";
    EXPECT_EQ(server_->counters().dead_peers, 1u);
    ::close(fd);
}

TEST_F(IpcLinkTest, UnknownTypesSkippedBadFramesAndMissingHelloDisconnect) {
    start_server();
    int a = raw_client({ipc::Hello{1, "x", 1}, ipc::UnknownMessage{99, 12}, ipc::SnapshotBegin{}, m(2, kG1),
                        ipc::SnapshotEnd{1}});
    ASSERT_TRUE(run_until([&] { return synced(); }));
    EXPECT_EQ(server_->counters().unknown_types, 1u);
    EXPECT_EQ(table_->size(), 1u);
    int b = raw_client({m(3, kG2)});  // replaces a; no Hello first
    ASSERT_TRUE(run_until([&] { return server_->counters().protocol_errors == 1; }));
    EXPECT_EQ(table_->find(3, kG2), nullptr);
    auto bad = ipc::encode(ipc::Hello{1, "y", 2});
    bad[1] = 9;  // frame version 9
    int c = connect_unix(path_, false).value().release();
    ASSERT_EQ(::send(c, bad.data(), bad.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bad.size()));
    ASSERT_TRUE(run_until([&] { return server_->counters().decode_errors == 1; }));
    EXPECT_FALSE(server_->peer_connected());
    for (int fd : {a, b, c})
        ::close(fd);
}

// A stream socket may hand over any part of a frame: frames cut anywhere, a read ending inside one and the
// next read finishing it (and carrying the start of the next), all arrive whole and in order.
TEST_F(IpcLinkTest, FramesSplitAcrossReadsArriveWhole) {
    start_server();
    std::vector<uint8_t> bytes;
    for (const auto& x : std::vector<ipc::Message>{ipc::Hello{1, "x", 1}, ipc::SnapshotBegin{}, m(2, kG1),
                                                   ipc::SnapshotEnd{1}, m(3, kG2), m(4, kG3)})
        ipc::encode_into(x, bytes);
    int fd = connect_unix(path_, false).value().release();
    // Pieces of 1, 2, 3, ... bytes, each read by the server before the next is sent (SIOCOUTQ on a Unix
    // socket: the send-buffer memory of what the peer has not read yet, 0 once it has read everything).
    const auto unread = [fd] {
        int q = -1;
        return ::ioctl(fd, SIOCOUTQ, &q) == 0 ? q : -1;
    };
    size_t sent = 0;
    for (size_t piece = 1; sent < bytes.size(); ++piece) {
        const size_t n = std::min(piece, bytes.size() - sent);
        ASSERT_EQ(::send(fd, bytes.data() + sent, n, MSG_NOSIGNAL), static_cast<ssize_t>(n));
        sent += n;
        ASSERT_GT(unread(), 0) << "the loop has not run: the piece waits unread";
        ASSERT_TRUE(run_until([&] { return unread() == 0; }))
            << "the server read the piece ending at " << sent;
    }
    ASSERT_TRUE(run_until([&] { return table_->size() == 3; }));
    EXPECT_NE(table_->find(2, kG1), nullptr);
    EXPECT_NE(table_->find(3, kG2), nullptr);
    EXPECT_NE(table_->find(4, kG3), nullptr);
    EXPECT_EQ(server_->counters().decode_errors, 0u);
    EXPECT_TRUE(server_->peer_connected());
    ::close(fd);
}

TEST_F(IpcLinkTest, ClientDisconnectsAServerThatNeverReads) {
    UnixListenOptions lo;
    lo.path = path_;
    auto deaf = listen_unix(lo);  // never accepts, never reads
    ASSERT_TRUE(deaf.ok());
    for (uint32_t i = 0; i < 20000; ++i)
        state_.push_back(m(i + 1, kG1));
    start_client(64 * 1024);
    ASSERT_TRUE(run_until([&] { return client_->counters().buffer_overflows >= 1; }));
    EXPECT_FALSE(client_->connected());
}

}  // namespace
}  // namespace fanout::sys
