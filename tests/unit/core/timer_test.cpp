#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "common/core/result.hpp"

namespace fanout {
namespace {

TEST(ManualTimer, FiresInDeadlineOrderTiesInCreationOrder) {
    ManualTimerService t;
    std::vector<std::string> fired;
    TimerHandle a(t, 10s, [&] { fired.push_back("a"); });
    TimerHandle b(t, 5s, [&] { fired.push_back("b"); });
    TimerHandle c(t, 10s, [&] { fired.push_back("c"); });
    TimerHandle d(t, 30s, [&] { fired.push_back("d"); });
    EXPECT_EQ(t.advance(9s), 1u);
    EXPECT_EQ(t.advance(1s), 2u);
    EXPECT_EQ(fired, (std::vector<std::string>{"b", "a", "c"}));
    EXPECT_TRUE(d.armed());
    EXPECT_FALSE(a.armed());
}

TEST(ManualTimer, NowIsTheDeadlineWhileFiring) {
    ManualTimerService t;
    auto start = t.now();
    TimePoint seen{};
    TimerHandle h(t, 7s, [&] { seen = t.now(); });
    t.advance(100s);
    EXPECT_EQ(seen - start, 7s);
    EXPECT_EQ(t.now() - start, 100s);
}

TEST(ManualTimer, TimersScheduledWhileFiringFireInTheSameAdvance) {
    ManualTimerService t;
    int periodic = 0;
    TimerHandle h;
    std::function<void()> tick = [&] {
        ++periodic;
        h = TimerHandle(t, 30s, tick);  // re-arm, like a hello timer
    };
    h = TimerHandle(t, 30s, tick);
    t.advance(95s);
    EXPECT_EQ(periodic, 3);
    EXPECT_EQ(h.remaining(), 25s);
}

TEST(ManualTimer, ATurnFiresOnlyWhatWasDueBeforeIt) {
    ManualTimerService t;
    std::vector<std::string> fired;
    TimerHandle later;
    TimerHandle a(t, Duration::zero(), [&] {
        fired.push_back("a");
        later = TimerHandle(t, Duration::zero(), [&] { fired.push_back("scheduled by a"); });
    });
    TimerHandle b(t, Duration::zero(), [&] { fired.push_back("b"); });
    TimerHandle c(t, 1s, [&] { fired.push_back("c"); });
    EXPECT_EQ(t.run_turn(), 2u);
    EXPECT_EQ(fired, (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(later.armed()) << "a zero-delay timer set during a turn waits for the next one";
    EXPECT_EQ(t.run_turn(), 1u);
    EXPECT_EQ(fired.back(), "scheduled by a");
    EXPECT_EQ(t.run_turn(), 0u);
    EXPECT_TRUE(c.armed()) << "not due yet";
}

TEST(ManualTimer, HandleCancelsOnDestructionAndReassignment) {
    ManualTimerService t;
    int fired = 0;
    {
        TimerHandle h(t, 1s, [&] { ++fired; });
        EXPECT_EQ(t.pending_count(), 1u);
    }
    EXPECT_EQ(t.pending_count(), 0u);
    TimerHandle h(t, 1s, [&] { fired += 10; });
    h = TimerHandle(t, 2s, [&] { fired += 100; });
    EXPECT_EQ(t.pending_count(), 1u);
    t.advance(5s);
    EXPECT_EQ(fired, 100);
    TimerHandle moved = std::move(h);
    EXPECT_FALSE(moved.armed());
}

TEST(ManualTimer, CancelledTimersNeverFire) {
    ManualTimerService t;
    bool fired = false;
    TimerHandle h(t, 1s, [&] { fired = true; });
    h.cancel();
    t.advance(10s);
    EXPECT_FALSE(fired);
    EXPECT_FALSE(h.armed());
    EXPECT_EQ(h.remaining(), Duration::zero());
}

TEST(ManualTimer, TimerMayCancelAnotherDueTimer) {
    ManualTimerService t;
    bool second = false;
    TimerHandle b;
    TimerHandle a(t, 1s, [&] { b.cancel(); });
    b = TimerHandle(t, 1s, [&] { second = true; });
    t.advance(1s);
    EXPECT_FALSE(second);
}

TEST(Random, SeededIsDeterministicAndInRange) {
    SeededRandom r1(42), r2(42);
    for (int i = 0; i < 1000; ++i) {
        auto v = r1.uniform(10u, 20u);
        EXPECT_EQ(v, r2.uniform(10u, 20u));
        EXPECT_GE(v, 10u);
        EXPECT_LE(v, 20u);
        auto d = r1.uniform(Duration(0s), Duration(3s));
        r2.uniform(Duration(0s), Duration(3s));
        EXPECT_GE(d, Duration::zero());
        EXPECT_LE(d, Duration(3s));
    }
}

TEST(Result, HoldsValueOrError) {
    Result<int, std::string> ok = 5;
    Result<int, std::string> bad = make_err(std::string("nope"));
    EXPECT_TRUE(ok.ok());
    EXPECT_EQ(*ok, 5);
    EXPECT_FALSE(bad);
    EXPECT_EQ(bad.error(), "nope");
    EXPECT_EQ(bad.value_or(7), 7);
}

}  // namespace
}  // namespace fanout
