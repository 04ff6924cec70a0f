#include "common/core/timer_queue.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace fanout {
namespace {

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

TEST(TimerQueue, PopsInDeadlineOrderTiesInTheOrderAdded) {
    TimerQueue q;
    std::vector<std::string> fired;
    q.add(kT0 + 10s, [&] { fired.push_back("a"); });
    q.add(kT0 + 5s, [&] { fired.push_back("b"); });
    q.add(kT0 + 10s, [&] { fired.push_back("c"); });
    q.add(kT0 + 30s, [&] { fired.push_back("d"); });
    EXPECT_EQ(q.next_deadline(), kT0 + 5s);
    while (auto due = q.pop_due(kT0 + 10s))
        due->cb();
    EXPECT_EQ(fired, (std::vector<std::string>{"b", "a", "c"}));
    EXPECT_EQ(q.size(), 1u);
    EXPECT_EQ(q.next_deadline(), kT0 + 30s);
}

TEST(TimerQueue, CancelledAndFiredIdsAreNotPendingEvenWhenTheirSlotIsReused) {
    TimerQueue q;
    const TimerId a = q.add(kT0 + 1s, [] {});
    EXPECT_NE(a, 0u);
    EXPECT_TRUE(q.pending(a));
    EXPECT_TRUE(q.cancel(a));
    EXPECT_FALSE(q.pending(a));
    EXPECT_FALSE(q.cancel(a)) << "cancelling twice is a no-op";
    const TimerId b = q.add(kT0 + 2s, [] {});  // reuses a's slot
    EXPECT_NE(a, b);
    EXPECT_FALSE(q.pending(a));
    EXPECT_FALSE(q.cancel(a)) << "a stale id must not cancel the slot's new timer";
    EXPECT_TRUE(q.pending(b));
    auto due = q.pop_due(kT0 + 5s);
    ASSERT_TRUE(due.has_value());
    EXPECT_EQ(due->deadline, kT0 + 2s);
    EXPECT_FALSE(q.pending(b)) << "a popped timer is no longer pending";
    EXPECT_FALSE(q.pop_due(kT0 + 5s).has_value()) << "a's cancelled entry is stale, not due";
    EXPECT_FALSE(q.pending(0));
    EXPECT_TRUE(q.empty());
}

TEST(TimerQueue, PopDueLeavesOutTimersAddedAfterTheMark) {
    TimerQueue q;
    std::vector<int> fired;
    q.add(kT0, [&] { fired.push_back(1); });
    const uint64_t before = q.mark();
    while (auto due = q.pop_due(kT0, before)) {
        due->cb();
        q.add(kT0, [&] { fired.push_back(2); });  // due as well, but scheduled during the pass
    }
    EXPECT_EQ(fired, (std::vector<int>{1}));
    EXPECT_EQ(q.size(), 1u);
    while (auto due = q.pop_due(kT0, q.mark()))
        due->cb();
    EXPECT_EQ(fired, (std::vector<int>{1, 2}));
}

TEST(TimerQueue, TimersRestartedOverAndOverLeaveNothingBehind) {
    TimerQueue q;
    std::vector<TimerId> ids(1000);
    for (size_t i = 0; i < ids.size(); ++i)
        ids[i] = q.add(kT0 + std::chrono::seconds(210), [] {});
    for (int round = 0; round < 50; ++round)  // a KeepaliveTimer restart: cancel, schedule again
        for (auto& id : ids) {
            q.cancel(id);
            id = q.add(kT0 + std::chrono::seconds(210 + round), [] {});
        }
    EXPECT_EQ(q.size(), 1000u);
    EXPECT_EQ(q.next_deadline(), kT0 + std::chrono::seconds(259));
    size_t fired = 0;
    while (auto due = q.pop_due(kT0 + std::chrono::hours(1))) {
        due->cb();
        ++fired;
    }
    EXPECT_EQ(fired, 1000u);
    EXPECT_TRUE(q.empty());
}

TEST(TimerQueue, MatchesAnOrderedReferenceUnderRandomAddsCancelsAndPops) {
    TimerQueue q;
    std::map<std::pair<TimePoint, uint64_t>, TimerId> ref;  // (deadline, order added) -> id
    std::vector<std::pair<TimerId, std::pair<TimePoint, uint64_t>>> live;
    std::mt19937 rng(7);
    uint64_t order = 0;
    for (int step = 0; step < 20000; ++step) {
        const int what = static_cast<int>(rng() % 10);
        if (what < 5 || live.empty()) {
            const TimePoint d = kT0 + std::chrono::milliseconds(rng() % 500);
            const TimerId id = q.add(d, [] {});
            ref[{d, order}] = id;
            live.push_back({id, {d, order}});
            ++order;
        } else if (what < 8) {
            const size_t i = rng() % live.size();
            EXPECT_TRUE(q.cancel(live[i].first));
            ref.erase(live[i].second);
            live[i] = live.back();
            live.pop_back();
        } else {
            ASSERT_EQ(q.next_deadline(), ref.begin()->first.first);
            auto due = q.pop_due(kT0 + std::chrono::hours(1));
            ASSERT_TRUE(due.has_value());
            const TimerId expect = ref.begin()->second;
            EXPECT_EQ(due->deadline, ref.begin()->first.first);
            EXPECT_FALSE(q.pending(expect));
            ref.erase(ref.begin());
            std::erase_if(live, [&](const auto& l) { return l.first == expect; });
        }
        ASSERT_EQ(q.size(), ref.size());
    }
    for (const auto& [key, id] : ref)
        EXPECT_TRUE(q.pending(id));
}

TEST(TimerQueue, ACallbackMayCancelAndAddTimers) {
    TimerQueue q;
    std::vector<int> fired;
    TimerId later = 0;
    q.add(kT0 + 1s, [&] {
        fired.push_back(1);
        q.cancel(later);
        for (int i = 0; i < 100; ++i)  // grows the slot vector under the running callback
            q.add(kT0 + 3s, [&fired, i] { fired.push_back(100 + i); });
    });
    later = q.add(kT0 + 2s, [&] { fired.push_back(2); });
    while (auto due = q.pop_due(kT0 + 10s))
        due->cb();
    ASSERT_EQ(fired.size(), 101u);
    EXPECT_EQ(fired.front(), 1);
    EXPECT_EQ(fired[1], 100);
    EXPECT_EQ(fired.back(), 199);
}

TEST(TimerQueue, ClearDestroysCallbacksThatCancelTimers) {
    TimerQueue q;
    struct CancelOnDestroy {
        TimerQueue* q;
        TimerId id;
        ~CancelOnDestroy() {
            if (q) q->cancel(id);
        }
    };
    const TimerId other = q.add(kT0 + 5s, [] {});
    auto guard = std::make_shared<CancelOnDestroy>(CancelOnDestroy{&q, other});
    q.add(kT0 + 1s, [guard] {});
    guard.reset();
    q.clear();
    EXPECT_TRUE(q.empty());
    EXPECT_FALSE(q.pending(other));
}

}  // namespace
}  // namespace fanout
