#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <thread>

#include "common/core/log.hpp"
#include "common/sys/status_client.hpp"
#include "common/sys/status_server.hpp"
#include "tests/testlib/temp_dir.hpp"

namespace fanout::sys {

// A typed snapshot rendered by ADL.
struct NeighborSnapshot {
    std::vector<std::string> names;
};
nlohmann::json to_json(const NeighborSnapshot& s) {
    return {{"neighbors", s.names}};
}
std::string to_text(const NeighborSnapshot& s) {
    std::string t;
    for (const auto& n : s.names)
        t += n + "\n";
    return t;
}

namespace {

class StatusServerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        path_ = dir_ + "/run/pimd.sock";  // the parent directory does not exist yet
    }
    void TearDown() override { server_.reset(); }

    StatusServer& start(size_t max_conns = 16, Duration timeout = 5s) {
        StatusServerOptions o;
        o.path = path_;
        o.daemon = "pimd";
        o.version = "0.1.0";
        o.config_file = "/etc/fanout/pimd.yaml";
        o.max_connections = max_conns;
        o.timeout = timeout;
        auto s = StatusServer::listen(loop_, o);
        EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error());
        server_ = std::move(s.value());
        server_->add({{"show", "ip", "pim", "neighbor"},
                      "PIM neighbors",
                      {{"IFNAME", kArgInterface, true, "only this interface"}}},
                     [](const std::vector<std::string>& args) -> Result<ShowOutput, std::string> {
                         if (!args.empty() && args[0] == "bad0")
                             return make_err(std::string("no interface bad0"));
                         NeighborSnapshot snap{{"198.18.0.2", "198.18.0.3"}};
                         if (!args.empty()) snap.names = {args[0]};
                         return ShowOutput::of(snap);
                     });
        server_->add(
            {{"show", "ip", "mroute"}, "multicast routes", {{"GROUP", kArgGroup, false, "the group"}}},
            [](const std::vector<std::string>& args) -> Result<ShowOutput, std::string> {
                return ShowOutput{{{"group", args.at(0)}}, "group " + args.at(0) + "\n"};
            });
        server_->add({{"show", "big"}, "a large reply", {}}, [](const std::vector<std::string>&) {
            return Result<ShowOutput, std::string>(ShowOutput{nullptr, std::string(5u << 20, 'x')});
        });
        server_->add_completion(kArgInterface, [] { return std::vector<std::string>{"eth0", "eth1"}; });
        return *server_;
    }

    // Runs the loop while f runs on another thread (the client is blocking), and returns f's result.
    template <typename F>
    auto with_client(F f) {
        std::optional<decltype(f())> result;
        std::atomic<bool> done{false};
        std::thread t([&] {
            result.emplace(f());
            done = true;
        });
        TimerHandle poll;
        std::function<void()> tick = [&] {
            if (done)
                loop_.stop();
            else
                poll = TimerHandle(loop_, 2ms, tick);
        };
        poll = TimerHandle(loop_, 2ms, tick);
        loop_.run();
        t.join();
        return std::move(*result);
    }

    StatusReply request(std::vector<std::string> argv, std::string format = "json", Duration timeout = 5s) {
        auto r = with_client([&] {
            StatusRequestOptions o;
            o.format = format;
            o.timeout = timeout;
            return status_request(path_, argv, o);
        });
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
        return r.ok() ? r.value() : StatusReply{};
    }

    // Runs the loop for d.
    void spin(Duration d) {
        TimerHandle h(loop_, d, [&] { loop_.stop(); });
        loop_.run();
    }

    int raw_connect() {
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        struct sockaddr_un sa {};
        sa.sun_family = AF_UNIX;
        std::snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path_.c_str());
        EXPECT_EQ(::connect(fd, reinterpret_cast<struct sockaddr*>(&sa), sizeof(sa)), 0);
        return fd;
    }

    EventLoop loop_;
    testlib::TempDir tmp_{"fanout-status"};
    const std::string dir_ = tmp_.path();
    std::string path_;
    std::unique_ptr<StatusServer> server_;
};

TEST_F(StatusServerTest, ShowVersionInJsonAndText) {
    start();
    struct stat st;
    ASSERT_EQ(::stat(path_.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0660u);
    StatusReply j = request({"show", "version"});
    ASSERT_TRUE(j.ok) << j.error;
    EXPECT_EQ(j.format, "json");
    EXPECT_EQ(j.data["daemon"], "pimd");
    EXPECT_EQ(j.data["version"], "0.1.0");
    EXPECT_EQ(j.data["pid"], ::getpid());
    EXPECT_EQ(j.data["config_file"], "/etc/fanout/pimd.yaml");
    EXPECT_TRUE(j.data["uptime_seconds"].is_number_integer());
    StatusReply t = request({"show", "version"}, "text");
    ASSERT_TRUE(t.ok);
    EXPECT_EQ(t.format, "text");
    EXPECT_EQ(t.text.rfind("pimd version 0.1.0\npid ", 0), 0u) << t.text;
    EXPECT_EQ(server_->counters().served, 2u);
    EXPECT_EQ(server_->counters().errors, 0u);
}

TEST_F(StatusServerTest, CommandsListsRegisteredCommandsWithArgs) {
    start();
    StatusReply r = request({"__commands"});
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.data["daemon"], "pimd");
    EXPECT_EQ(r.data["version"], "0.1.0");
    bool found = false;
    for (const auto& c : r.data["commands"]) {
        if (c["path"] != nlohmann::json{"show", "ip", "pim", "neighbor"}) continue;
        found = true;
        EXPECT_EQ(c["help"], "PIM neighbors");
        ASSERT_EQ(c["args"].size(), 1u);
        EXPECT_EQ(c["args"][0], (nlohmann::json{{"name", "IFNAME"},
                                                {"kind", "interface"},
                                                {"optional", true},
                                                {"help", "only this interface"}}));
    }
    EXPECT_TRUE(found) << r.data.dump();
    EXPECT_EQ(r.data["commands"].size(), 4u);  // three registered + show version
}

TEST_F(StatusServerTest, CompletionProviders) {
    start();
    EXPECT_EQ(request({"__complete", "interface"}).data, (nlohmann::json{"eth0", "eth1"}));
    EXPECT_EQ(request({"__complete", "category"}).data.size(), fanout::log::kCategoryCount);
    EXPECT_EQ(request({"__complete", "group"}).data, nlohmann::json::array());
}

TEST_F(StatusServerTest, TypedSnapshotRenderedBothWays) {
    start();
    StatusReply j = request({"show", "ip", "pim", "neighbor"});
    EXPECT_EQ(j.data, (nlohmann::json{{"neighbors", {"198.18.0.2", "198.18.0.3"}}}));
    StatusReply t = request({"show", "ip", "pim", "neighbor", "eth1"}, "text");
    EXPECT_EQ(t.text, "eth1\n");
}

TEST_F(StatusServerTest, ErrorsAreRepliesWithReasons) {
    start();
    EXPECT_EQ(request({"show", "ip", "foo"}).error, "unknown command: show ip foo");
    EXPECT_EQ(request({"show", "ip", "mroute"}).error, "missing argument GROUP (the group)");
    EXPECT_EQ(request({"show", "ip", "mroute", "10.0.0.1"}).error,
              "'10.0.0.1' is not a multicast group address");
    EXPECT_EQ(request({"show", "ip", "mroute", "239.1.1.1", "x"}).error, "unexpected argument 'x'");
    EXPECT_EQ(request({"show", "ip", "pim", "neighbor", "bad0"}).error, "no interface bad0");
    EXPECT_EQ(request({"show", "version"}, "yaml").error, "bad request: format must be \"text\" or \"json\"");
    EXPECT_EQ(request({"show", "ip", "mroute", "239.1.1.1"}).data["group"], "239.1.1.1");
    EXPECT_EQ(server_->counters().errors, 6u);
    EXPECT_EQ(server_->counters().served, 7u);
}

TEST_F(StatusServerTest, MalformedAndOversizedRequests) {
    start();
    EXPECT_EQ(server_->handle_request("not json")["error"], "bad request: not a JSON object");
    EXPECT_EQ(server_->handle_request(R"({"argv": "show"})")["error"],
              "bad request: \"argv\" must be an array");
    EXPECT_EQ(server_->handle_request(R"({"argv": ["show", 1]})")["error"],
              "bad request: \"argv\" must hold strings");
    // 100 KiB without a newline: refused with a reason, counted as a drop.
    std::string reply = with_client([&] {
        int fd = raw_connect();
        std::string big(100 * 1024, 'a');
        (void)!::send(fd, big.data(), big.size(), MSG_NOSIGNAL);
        std::string in;
        char buf[4096];
        ssize_t n;
        while ((n = ::recv(fd, buf, sizeof(buf), 0)) > 0)
            in.append(buf, static_cast<size_t>(n));
        ::close(fd);
        return in;
    });
    EXPECT_EQ(reply, "{\"error\":\"request too large (limit 65536 bytes)\",\"ok\":false}\n");
    EXPECT_EQ(server_->counters().drops, 1u);
}

TEST_F(StatusServerTest, LargeReplyIsWrittenWithoutBlocking) {
    start();
    // What is checked is that all 5 MB arrive (the server writes as the socket drains), not how fast: a
    // loaded CI machine once took 7.9 s, past the client's default 5 s.
    StatusReply r = request({"show", "big"}, "text", 120s);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.text.size(), 5u << 20);
}

// The timeout runs between two writes that make progress, not over the whole reply: a client that reads 5 MB
// in 32 KB steps 8 ms apart (at least 160 steps: 1.28 s in all) gets all of it through a 1 s timeout.
TEST_F(StatusServerTest, SlowReaderThatKeepsReadingGetsTheWholeReply) {
    start(16, 1s);
    int fd = raw_connect();
    const std::string req = R"({"argv":["show","big"],"format":"text"})"
                            "\n";
    ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
    size_t got = with_client([fd] {
        std::vector<char> buf(32 * 1024);
        size_t total = 0;
        for (;;) {
            std::this_thread::sleep_for(8ms);
            ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
            if (n <= 0) return total;
            total += static_cast<size_t>(n);
        }
    });
    ::close(fd);
    EXPECT_GT(got, 5u << 20) << "the whole text reply (5 MB of text in a JSON line)";
    EXPECT_EQ(server_->counters().served, 1u);
    EXPECT_EQ(server_->counters().drops, 0u);
}

TEST_F(StatusServerTest, IdleClientTimesOutAndDoesNotBlockOthers) {
    start(16, 200ms);
    int idle = raw_connect();
    StatusReply r = request({"show", "version"});  // served while the idle one waits
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(server_->connection_count(), 1u);
    spin(400ms);
    EXPECT_EQ(server_->connection_count(), 0u);
    EXPECT_EQ(server_->counters().drops, 1u);
    char c;
    EXPECT_EQ(::recv(idle, &c, 1, 0), 0);  // closed by the server
    ::close(idle);
}

TEST_F(StatusServerTest, ConnectionCapRefusesExtraClients) {
    start(2);
    int a = raw_connect();
    int b = raw_connect();
    spin(20ms);
    EXPECT_EQ(server_->connection_count(), 2u);
    auto r = with_client([&] { return status_request(path_, {"show", "version"}); });
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_FALSE(r.value().ok);
    EXPECT_EQ(r.value().error, "too many connections");
    EXPECT_EQ(server_->counters().drops, 1u);
    ::close(a);
    ::close(b);
    spin(20ms);
    EXPECT_EQ(server_->connection_count(), 0u);
    EXPECT_TRUE(request({"show", "version"}).ok);
}

TEST_F(StatusServerTest, StaleSocketReplacedLiveOneKept) {
    std::filesystem::create_directories(dir_ + "/run");
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);  // bound but never listening: a dead daemon's leftover
    struct sockaddr_un sa {};
    sa.sun_family = AF_UNIX;
    std::snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path_.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<struct sockaddr*>(&sa), sizeof(sa)), 0);
    ::close(fd);
    start();
    EXPECT_TRUE(request({"show", "version"}).ok);
    StatusServerOptions o;
    o.path = path_;
    auto second = StatusServer::listen(loop_, o);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error(), "another process is listening on " + path_);
    EXPECT_TRUE(request({"show", "version"}).ok);  // the first one still serves
    server_.reset();
    EXPECT_FALSE(std::filesystem::exists(path_));  // removed on shutdown
}

TEST_F(StatusServerTest, ClientReportsDaemonNotRunning) {
    auto r = status_request(path_, {"show", "version"});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), "pimd is not running (cannot connect to " + path_ + ": No such file or directory)");
    StatusRequestOptions o;
    o.daemon = "igmpd";
    auto r2 = status_request("/nonexistent/x.sock", {"show", "version"}, o);
    EXPECT_EQ(r2.error(),
              "igmpd is not running (cannot connect to /nonexistent/x.sock: No such file or directory)");
}

TEST_F(StatusServerTest, ClientTimesOutOnASilentServer) {
    std::filesystem::create_directories(dir_ + "/run");
    UnixListenOptions lo;
    lo.path = path_;
    auto l = listen_unix(lo);  // accepts (backlog) but never answers
    ASSERT_TRUE(l.ok());
    StatusRequestOptions o;
    o.timeout = 150ms;
    auto r = status_request(path_, {"show", "version"}, o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), "timed out waiting for pimd to reply");
}

}  // namespace
}  // namespace fanout::sys
