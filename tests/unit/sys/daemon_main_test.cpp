#include "common/sys/daemon_main.hpp"

#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/sys/capabilities.hpp"
#include "common/sys/pid_file.hpp"
#include "common/sys/status_client.hpp"
#include "tests/testlib/temp_dir.hpp"

namespace fanout::sys {
namespace {

struct TestConfig {
    DaemonCommonConfig common;
    uint32_t value = 0;
};

TestConfig parse_test(ConfigObject& root) {
    TestConfig c;
    c.common = parse_daemon_section(root, "pimd");
    c.value = root.required<uint32_t>("value", 1, 100);
    return c;
}

std::string read_all(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(DaemonArgs, Defaults) {
    auto a = parse_daemon_args({}, "/etc/fanout/pimd.yaml");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a.value().config_file, "/etc/fanout/pimd.yaml");
    EXPECT_TRUE(a.value().foreground);
    EXPECT_FALSE(a.value().check_config);
    EXPECT_FALSE(a.value().status_socket.has_value());
    EXPECT_FALSE(a.value().log_level.has_value());
}

TEST(DaemonArgs, AllOptions) {
    auto a = parse_daemon_args({"-f", "/tmp/p.yaml", "-s", "/tmp/p.sock", "--log-level", "debug",
                                "--pid-file=/tmp/p.pid", "-b", "--check-config"},
                               "/etc/fanout/pimd.yaml");
    ASSERT_TRUE(a.ok()) << a.error();
    EXPECT_EQ(a.value().config_file, "/tmp/p.yaml");
    EXPECT_EQ(a.value().status_socket, "/tmp/p.sock");
    EXPECT_EQ(a.value().log_level, spdlog::level::debug);
    EXPECT_EQ(a.value().pid_file, "/tmp/p.pid");
    EXPECT_FALSE(a.value().foreground);
    EXPECT_TRUE(a.value().check_config);
    auto b = parse_daemon_args({"--config=/x.yaml", "-d", "--status-socket", "/s"}, "");
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b.value().config_file, "/x.yaml");
    EXPECT_TRUE(b.value().foreground);
    EXPECT_EQ(b.value().status_socket, "/s");
    EXPECT_TRUE(parse_daemon_args({"-h"}, "").value().help);
    EXPECT_TRUE(parse_daemon_args({"--version"}, "").value().version);
}

TEST(DaemonArgs, Errors) {
    EXPECT_EQ(parse_daemon_args({"-f"}, "").error(), "option '-f' needs a value");
    EXPECT_EQ(parse_daemon_args({"--bogus"}, "").error(), "unknown option '--bogus'");
    EXPECT_EQ(parse_daemon_args({"--foreground=yes"}, "").error(), "unknown option '--foreground=yes'");
    EXPECT_EQ(parse_daemon_args({"--log-level", "loud"}, "").error(), "unknown log level 'loud'");
    EXPECT_EQ(parse_daemon_args({"extra"}, "").error(), "unexpected argument 'extra'");
}

class DaemonMainTest : public ::testing::Test {
  protected:
    void SetUp() override { config_ = dir_ + "/pimd.yaml"; }

    void write_config(const std::string& body) {
        std::ofstream(config_) << "daemon:\n  status-socket: " << dir_ << "/pimd.sock\n  pid-file: " << dir_
                               << "/pimd.pid\n"
                               << body;
    }

    DaemonHooks<TestConfig> hooks() {
        DaemonHooks<TestConfig> h;
        h.name = "pimd";
        h.default_config = config_;
        h.load_config = [](const std::string& p) { return load_file(p, parse_test); };
        h.common = [](const TestConfig& c) -> const DaemonCommonConfig& { return c.common; };
        std::string events = dir_ + "/events";
        h.start = [events](DaemonContext&, std::shared_ptr<const TestConfig> c) -> Result<Unit, std::string> {
            std::ofstream(events, std::ios::app) << "start " << c->value << "\n";
            return Unit{};
        };
        h.reload = [events](DaemonContext&, std::shared_ptr<const TestConfig> o,
                            std::shared_ptr<const TestConfig> n) {
            std::ofstream(events, std::ios::app) << "reload " << o->value << "->" << n->value << "\n";
        };
        h.stop = [events](DaemonContext&) { std::ofstream(events, std::ios::app) << "stop\n"; };
        return h;
    }

    int run(std::vector<std::string> args) {
        args.insert(args.begin(), "pimd");
        std::vector<char*> argv;
        for (auto& s : args)
            argv.push_back(s.data());
        return run_daemon<TestConfig>(static_cast<int>(argv.size()), argv.data(), hooks());
    }

    // Runs the daemon in a child process with stderr to dir/stderr-<tag>; returns its pid.
    pid_t spawn(std::vector<std::string> args, const std::string& tag) {
        pid_t pid = ::fork();
        if (pid == 0) {
            FILE* err = std::freopen((dir_ + "/stderr-" + tag).c_str(), "w", stderr);
            (void)err;
            ::_exit(run(std::move(args)));
        }
        return pid;
    }

    static int wait_exit(pid_t pid) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

    bool poll_until(const std::function<bool()>& pred) {
        for (int i = 0; i < 500; ++i) {
            if (pred()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return pred();
    }

    testlib::TempDir tmp_{"fanout-daemon"};
    const std::string dir_ = tmp_.path();
    std::string config_;
};

TEST_F(DaemonMainTest, BadConfigAtStartExitsNonZeroWithTheMessage) {
    write_config("value: 500\n");
    testing::internal::CaptureStderr();
    int rc = run({"-f", config_});
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(rc, 1);
    EXPECT_EQ(err, "pimd: " + config_ + ":4:8: value: value 500 out of range [1, 100]\n");
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/events"));  // never started
}

TEST_F(DaemonMainTest, CheckConfig) {
    write_config("value: 5\n");
    testing::internal::CaptureStdout();
    EXPECT_EQ(run({"--check-config", "-f", config_}), 0);
    EXPECT_EQ(testing::internal::GetCapturedStdout(), "pimd: configuration " + config_ + " is valid\n");
    write_config("value: 5\nvalu: 6\n");
    testing::internal::CaptureStderr();
    EXPECT_EQ(run({"--check-config", "-f", config_}), 1);
    EXPECT_EQ(testing::internal::GetCapturedStderr(),
              "pimd: " + config_ + ":5:1: valu: unknown key (allowed: daemon, metrics, value)\n");
    testing::internal::CaptureStderr();
    EXPECT_EQ(run({"-f", dir_ + "/missing.yaml"}), 1);
    EXPECT_EQ(testing::internal::GetCapturedStderr(),
              "pimd: " + dir_ + "/missing.yaml: cannot read: No such file or directory\n");
}

TEST_F(DaemonMainTest, BadArgumentsExitTwoWithUsage) {
    testing::internal::CaptureStderr();
    EXPECT_EQ(run({"--nope"}), 2);
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(err.rfind("pimd: unknown option '--nope'\nusage: pimd [options]\n", 0), 0u) << err;
    testing::internal::CaptureStdout();
    EXPECT_EQ(run({"--version"}), 0);
    EXPECT_EQ(testing::internal::GetCapturedStdout(), "pimd (fanout) 0.1.0\n");
}

TEST_F(DaemonMainTest, LifecycleReloadAndSecondInstance) {
    write_config("value: 1\n");
    std::string sock = dir_ + "/pimd.sock";
    std::string events = dir_ + "/events";
    pid_t child = spawn({"-f", config_}, "main");
    ASSERT_TRUE(poll_until([&] {
        auto r = status_request(sock, {"show", "version"});
        return r.ok() && r.value().ok;
    })) << read_all(dir_ + "/stderr-main");
    auto v = status_request(sock, {"show", "version"});
    EXPECT_EQ(v.value().data["pid"], child);
    EXPECT_EQ(v.value().data["config_file"], config_);
    EXPECT_EQ(v.value().data["version"], "0.1.0");
    EXPECT_EQ(read_all(dir_ + "/pimd.pid"), std::to_string(child) + "\n");

    if (::geteuid() ==
        0) {  // privileges: only NET_ADMIN, NET_RAW, NET_BIND_SERVICE remain, also in the bounding set
        std::string st = read_all("/proc/" + std::to_string(child) + "/status");
        EXPECT_NE(st.find("CapEff:\t0000000000003400"), std::string::npos) << st;
        EXPECT_NE(st.find("CapBnd:\t0000000000003400"), std::string::npos) << st;
        EXPECT_NE(st.find("Uid:\t0"), std::string::npos);
    }

    // A second instance refuses the held pid file.
    pid_t second = spawn({"-f", config_, "-s", dir_ + "/other.sock"}, "second");
    EXPECT_EQ(wait_exit(second), 1);
    EXPECT_NE(read_all(dir_ + "/stderr-second")
                  .find("another pimd is running (pid " + std::to_string(child) + ", pid file " + dir_ +
                        "/pimd.pid)"),
              std::string::npos)
        << read_all(dir_ + "/stderr-second");

    // SIGHUP with a broken file: logged with its position, the running configuration stays.
    write_config("value: [x]\n");
    ::kill(child, SIGHUP);
    ASSERT_TRUE(poll_until(
        [&] { return read_all(dir_ + "/stderr-main").find("reload failed") != std::string::npos; }));
    EXPECT_NE(read_all(dir_ + "/stderr-main")
                  .find("pimd: reload failed, keeping the running configuration: " + config_ +
                        ":4:8: value: expected a non-negative integer, got a list"),
              std::string::npos)
        << read_all(dir_ + "/stderr-main");
    // SIGHUP with a good one: the reload hook sees old and new.
    write_config("value: 2\n");
    ::kill(child, SIGHUP);
    ASSERT_TRUE(poll_until([&] { return read_all(events).find("reload 1->2") != std::string::npos; }));
    EXPECT_TRUE(status_request(sock, {"show", "version"}).ok());  // still serving

    ::kill(child, SIGTERM);
    EXPECT_EQ(wait_exit(child), 0);
    EXPECT_EQ(read_all(events), "start 1\nreload 1->2\nstop\n");
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/pimd.pid"));
    EXPECT_FALSE(std::filesystem::exists(sock));
}

TEST_F(DaemonMainTest, PidFileLockedByAnotherProcessIsRefused) {
    std::string path = dir_ + "/sub/x.pid";
    auto first = PidFile::acquire(path, "pimd");
    ASSERT_TRUE(first.ok()) << first.error();
    EXPECT_EQ(read_all(path), std::to_string(::getpid()) + "\n");
    pid_t child = ::fork();
    if (child == 0) {
        auto second = PidFile::acquire(path, "pimd");
        ::_exit(!second.ok() && second.error() == "another pimd is running (pid " +
                                                      std::to_string(::getppid()) + ", pid file " + path + ")"
                    ? 0
                    : 1);
    }
    EXPECT_EQ(wait_exit(child), 0);
    first = PidFile();  // released: file removed
    EXPECT_FALSE(std::filesystem::exists(path));
    std::ofstream(path) << "999999\n";  // stale file of a dead process
    auto again = PidFile::acquire(path, "pimd");
    EXPECT_TRUE(again.ok());
}

TEST(Capabilities, DropKeepsOnlyTheListedOnes) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    pid_t child = ::fork();
    if (child == 0) {
        auto r = drop_capabilities(default_daemon_capabilities());
        std::string text = current_capabilities_text();
        std::string st = read_all("/proc/self/status");
        bool ok = r.ok() && text == "cap_net_bind_service,cap_net_admin,cap_net_raw=ep" &&
                  st.find("CapBnd:\t0000000000003400") != std::string::npos &&
                  st.find("CapInh:\t0000000000000000") != std::string::npos;
        if (!ok) std::fprintf(stderr, "caps: %s\n%s\n", text.c_str(), st.c_str());
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace fanout::sys
