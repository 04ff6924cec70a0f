#include "common/sys/event_loop.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <string>
#include <vector>

namespace fanout::sys {
namespace {

TEST(EventLoop, TimersFireInDeadlineOrderAndStopTheLoop) {
    EventLoop loop;
    std::vector<int> order;
    TimerHandle a(loop, 30ms, [&] { order.push_back(2); });
    TimerHandle b(loop, 10ms, [&] { order.push_back(1); });
    TimerHandle c(loop, 50ms, [&] {
        order.push_back(3);
        loop.stop();
    });
    auto start = loop.now();
    EXPECT_TRUE(loop.run());
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
    EXPECT_GE(loop.now() - start, 50ms);
    EXPECT_EQ(loop.pending_count(), 0u);
}

TEST(EventLoop, CancelledTimerDoesNotFire) {
    EventLoop loop;
    bool fired = false;
    TimerHandle a(loop, 5ms, [&] { fired = true; });
    a.cancel();
    TimerHandle stop(loop, 20ms, [&] { loop.stop(); });
    loop.run();
    EXPECT_FALSE(fired);
}

TEST(EventLoop, TimerNotPendingWhileItsCallbackRuns) {
    EventLoop loop;
    bool armed_inside = true;
    TimerHandle h;
    h = TimerHandle(loop, 1ms, [&] {
        armed_inside = h.armed();
        loop.stop();
    });
    loop.run();
    EXPECT_FALSE(armed_inside);
}

TEST(EventLoop, WatchesReadableFdUntilReset) {
    EventLoop loop;
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    int reads = 0;
    Watch w = loop.watch_readable(fds[0], [&] {
        char c;
        ASSERT_EQ(::read(fds[0], &c, 1), 1);
        ++reads;
        if (reads == 2) loop.stop();
    });
    ASSERT_EQ(::write(fds[1], "xy", 2), 2);
    loop.run();
    EXPECT_EQ(reads, 2);
    w.reset();
    ASSERT_EQ(::write(fds[1], "z", 1), 1);
    TimerHandle stop(loop, 10ms, [&] { loop.stop(); });
    loop.run();
    EXPECT_EQ(reads, 2);
    ::close(fds[0]);
    ::close(fds[1]);
}

TEST(EventLoop, DeferredWorkRunsOnALaterTurnInOrder) {
    EventLoop loop;
    std::vector<int> order;
    loop.defer([&] { order.push_back(1); });
    loop.defer([&] {
        order.push_back(2);
        loop.stop();
    });
    order.push_back(0);
    loop.run();
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
}

TEST(EventLoop, AnEarlierTimerScheduledLaterFiresFirst) {
    EventLoop loop;
    std::vector<int> order;
    TimerHandle late(loop, 40ms, [&] {
        order.push_back(2);
        loop.stop();
    });
    TimerHandle early(loop, 5ms, [&] { order.push_back(1); });  // earlier than the one libevent waits for
    loop.run();
    EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(EventLoop, CancellingTheEarliestTimerKeepsTheOthers) {
    EventLoop loop;
    bool early_fired = false, late_fired = false;
    TimerHandle early(loop, 5ms, [&] { early_fired = true; });
    TimerHandle late(loop, 20ms, [&] {
        late_fired = true;
        loop.stop();
    });
    early.cancel();
    loop.run();
    EXPECT_FALSE(early_fired);
    EXPECT_TRUE(late_fired);
    EXPECT_EQ(loop.pending_count(), 0u);
}

TEST(EventLoop, ZeroDelayTimerFromATimerWaitsForReadyIo) {
    EventLoop loop;
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    std::vector<std::string> order;
    Watch w = loop.watch_readable(fds[0], [&] {
        char c;
        ASSERT_EQ(::read(fds[0], &c, 1), 1);
        order.push_back("io");
    });
    TimerHandle chained;
    TimerHandle first(loop, 1ms, [&] {
        order.push_back("timer");
        ASSERT_EQ(::write(fds[1], "x", 1), 1);  // I/O ready now
        chained = TimerHandle(loop, Duration::zero(), [&] {
            order.push_back("deferred");
            loop.stop();
        });
    });
    loop.run();
    EXPECT_EQ(order, (std::vector<std::string>{"timer", "io", "deferred"}));
    ::close(fds[0]);
    ::close(fds[1]);
}

TEST(EventLoop, StopInsideATimerEndsThePassAndTheRestRunNextTime) {
    EventLoop loop;
    std::vector<int> order;
    TimerHandle a(loop, 2ms, [&] {
        order.push_back(1);
        loop.stop();
    });
    TimerHandle b(loop, 2ms, [&] { order.push_back(2); });
    ::usleep(5000);  // both due before the loop starts
    loop.run();
    EXPECT_EQ(order, (std::vector<int>{1}));
    TimerHandle c(loop, 10ms, [&] { loop.stop(); });
    loop.run();
    EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(EventLoop, SignalsAreDeliveredOnTheLoop) {
    EventLoop loop;
    int got = 0;
    Watch w = loop.on_signal(SIGUSR1, [&] {
        ++got;
        loop.stop();
    });
    TimerHandle raise_it(loop, 5ms, [] { ::raise(SIGUSR1); });
    loop.run();
    EXPECT_EQ(got, 1);
}

}  // namespace
}  // namespace fanout::sys
