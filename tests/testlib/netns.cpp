#include "tests/testlib/netns.hpp"

#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace fanout::test {

std::string enter_fresh_netns() {
    if (::geteuid() != 0) return "needs root to create a network namespace (CI runs as root)";
    if (::unshare(CLONE_NEWNET) != 0)
        return std::string("unshare(CLONE_NEWNET) failed: ") + std::strerror(errno);
    if (sh("ip link set lo up") != 0) return "could not bring lo up in the new namespace";
    return "";
}

int sh(const std::string& cmd) {
    int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
    if (rc == -1) return -1;
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

}  // namespace fanout::test
