// The latency probes as the diagnostic build has them (this suite is compiled with FANOUT_LATENCY_PROBES):
// marks are kept in order, the array's end drops and counts, and the file written at exit is what
// probe_steps.py reads.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/core/latency_probe.hpp"
#include "common/sys/latency_probe_file.hpp"

namespace fanout::probe {
namespace {

TEST(LatencyProbeTest, MarksKeepTheirPointsInOrderWithRisingCounter) {
    g_marks.count = 0;
    FANOUT_PROBE(kIgmpDecoded);
    FANOUT_PROBE(kIpcSendStart);
    FANOUT_PROBE(kIgmpHandled);
    ASSERT_EQ(g_marks.count, 3u);
    EXPECT_EQ(g_marks.point[0], 20);
    EXPECT_EQ(g_marks.point[1], 5);
    EXPECT_EQ(g_marks.point[2], 21);
    EXPECT_LE(g_marks.tsc[0], g_marks.tsc[1]);
    EXPECT_LE(g_marks.tsc[1], g_marks.tsc[2]);
}

TEST(LatencyProbeTest, MarksPastTheEndAreCountedNotWritten) {
    g_marks.count = kMaxMarks - 1;
    g_marks.dropped = 0;
    FANOUT_PROBE(kMfcAddStart);
    FANOUT_PROBE(kMfcAddDone);
    FANOUT_PROBE(kMfcAddDone);
    EXPECT_EQ(g_marks.count, kMaxMarks);
    EXPECT_EQ(g_marks.point[kMaxMarks - 1], 14);
    EXPECT_EQ(g_marks.dropped, 2u);
}

// A child registers the writer, marks and exits; its file holds the header and the marks.
TEST(LatencyProbeTest, ExitWritesTheMarksForProbeSteps) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("fanout-probe-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    ::setenv("FANOUT_PROBE_DIR", dir.c_str(), 1);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        g_marks.count = 0;
        g_marks.dropped = 0;
        sys::write_latency_probes_at_exit("pimd");
        FANOUT_PROBE(kPimMembership);
        ::usleep(2000);  // the counter's rate is measured from the registration to the exit
        FANOUT_PROBE(kPimJoinsQueued);
        std::exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    const auto file = dir / ("fanout-probes-pimd-" + std::to_string(child) + ".txt");
    std::ifstream in(file);
    ASSERT_TRUE(in) << file;
    std::string header, daemon, pid, rate, dropped;
    std::getline(in, header);
    std::getline(in, daemon);
    std::getline(in, pid);
    std::getline(in, rate);
    std::getline(in, dropped);
    EXPECT_EQ(header, "# fanout latency probes");
    EXPECT_EQ(daemon, "daemon pimd");
    EXPECT_EQ(pid, "pid " + std::to_string(child));
    ASSERT_EQ(rate.rfind("tsc_per_us ", 0), 0u) << rate;
    EXPECT_GT(std::stod(rate.substr(11)), 100.0);  // any x86-64 counter of this decade runs above 100 MHz
    EXPECT_EQ(dropped, "dropped 0");
    unsigned long long t1 = 0, t2 = 0;
    unsigned p1 = 0, p2 = 0;
    in >> t1 >> p1 >> t2 >> p2;
    EXPECT_EQ(p1, 30u);
    EXPECT_EQ(p2, 31u);
    EXPECT_GT(t2, t1);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fanout::probe
