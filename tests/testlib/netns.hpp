// Throwaway network namespaces for integration tests that need real sockets, the real kernel MRT and netlink.
// A test calls FANOUT_REQUIRE_FRESH_NETNS() first: as root the calling process moves into a brand-new network
// namespace (only `lo`, down) that disappears when the process exits; otherwise the test is skipped with the
// reason printed. ctest runs every GoogleTest case in its own process, so cases never share a namespace.
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace fanout::test {

// Empty string on success, else why not (not root, unshare failed).
std::string enter_fresh_netns();

// Runs a shell command inside the current namespace; returns its exit status (0 = success).
int sh(const std::string& cmd);

}  // namespace fanout::test

#define FANOUT_REQUIRE_FRESH_NETNS()                            \
    do {                                                        \
        std::string why_ = ::fanout::test::enter_fresh_netns(); \
        if (!why_.empty()) {                                    \
            std::fprintf(stderr, "SKIP: %s\n", why_.c_str());   \
            GTEST_SKIP() << why_;                               \
        }                                                       \
    } while (0)
