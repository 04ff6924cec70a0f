// Deterministic TimerService for tests and conformance runs: time moves only when advanced, and due timers
// fire in deadline order, ties in the order they were scheduled.
#pragma once

#include "common/core/clock.hpp"
#include "common/core/timer_queue.hpp"

namespace fanout {

class ManualTimerService final : public TimerService {
  public:
    // Starts at an arbitrary fixed point so that "time since start" values are stable across runs.
    ManualTimerService() : now_(TimePoint{} + std::chrono::hours(1)) {}

    TimePoint now() const override { return now_; }
    TimerId schedule(TimePoint deadline, Callback cb) override;
    void cancel(TimerId id) override;
    bool pending(TimerId id) const override { return queue_.pending(id); }
    size_t pending_count() const override { return queue_.size(); }

    // Moves time forward by d, firing every timer due on the way (including ones scheduled while firing)
    // with now() set to each timer's own deadline. Returns the number of timers fired.
    size_t advance(Duration d) { return advance_to(now_ + d); }
    size_t advance_to(TimePoint t);
    // Fires timers already due at now().
    size_t run_due() { return advance_to(now_); }
    // One turn of an event loop: fires the timers due at now() that were scheduled before this call; one that
    // a callback schedules for now() waits for the next turn (as a zero-delay libevent timer does).
    size_t run_turn();
    // The next deadline, if any timer is pending.
    bool next_deadline(TimePoint& out) const;

  private:
    TimePoint now_;
    TimerQueue queue_;
};

}  // namespace fanout
