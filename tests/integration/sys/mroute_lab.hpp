// Helpers for the raw socket and kernel MRT integration tests: a second ("host") network namespace that is
// removed when the test ends (even when it fails), running code inside it (setns), veth pairs between the
// two, polling. The test process itself is in the fresh namespace of FANOUT_REQUIRE_FRESH_NETNS() (the
// "router").
#pragma once

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

#include "tests/testlib/netns.hpp"

namespace fanout::test {

inline std::string read_text_file(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// Polls cond every 20 ms for up to timeout.
inline bool wait_until(const std::function<bool()>& cond,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (cond()) return true;
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

inline int ifindex_of(const std::string& name) {
    return static_cast<int>(::if_nametoindex(name.c_str()));
}

// A named namespace (ip netns add) deleted on destruction.
class HostNetns {
  public:
    HostNetns() : name_("fanout-mrt-" + std::to_string(::getpid())) {
        sh("ip netns del " + name_);
        ok_ = sh("ip netns add " + name_) == 0 && run("ip link set lo up") == 0;
    }
    ~HostNetns() { sh("ip netns del " + name_); }
    HostNetns(const HostNetns&) = delete;
    HostNetns& operator=(const HostNetns&) = delete;

    bool ok() const { return ok_; }
    const std::string& name() const { return name_; }
    int run(const std::string& cmd) const { return sh("ip netns exec " + name_ + " " + cmd); }

    // Runs fn with this thread inside the namespace (sockets created there stay there), then comes back.
    template <typename F>
    auto inside(F&& fn) const {
        int self = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        int other = ::open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
        EXPECT_GE(self, 0);
        EXPECT_GE(other, 0);
        EXPECT_EQ(::setns(other, CLONE_NEWNET), 0);
        struct Back {
            int self, other;
            ~Back() {
                EXPECT_EQ(::setns(self, CLONE_NEWNET), 0);
                ::close(self);
                ::close(other);
            }
        } back{self, other};
        return fn();
    }

    // veth pair: `local` stays in the router namespace with local_cidr, `remote` moves here with remote_cidr.
    // rp_filter off and tx checksum offload off on both ends.
    bool add_link(const std::string& local, const std::string& local_cidr, const std::string& remote,
                  const std::string& remote_cidr) const {
        return sh("ip link add " + local + " type veth peer name " + remote) == 0 &&
               sh("ip link set " + remote + " netns " + name_) == 0 &&
               sh("ip addr add " + local_cidr + " dev " + local) == 0 &&
               sh("ip link set " + local + " up") == 0 &&
               sh("sysctl -w net.ipv4.conf." + local + ".rp_filter=0") == 0 &&
               sh("ethtool -K " + local + " tx off") == 0 &&
               run("ip addr add " + remote_cidr + " dev " + remote) == 0 &&
               run("ip link set " + remote + " up") == 0 && run("ethtool -K " + remote + " tx off") == 0;
    }

  private:
    std::string name_;
    bool ok_ = false;
};

// rp_filter off in the router namespace (all + default) so multicast from the lab hosts is accepted.
inline bool router_sysctls() {
    return sh("sysctl -w net.ipv4.conf.all.rp_filter=0") == 0 &&
           sh("sysctl -w net.ipv4.conf.default.rp_filter=0") == 0;
}

}  // namespace fanout::test
