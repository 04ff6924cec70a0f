#include "common/core/manual_timer.hpp"

namespace fanout {

TimerId ManualTimerService::schedule(TimePoint deadline, Callback cb) {
    return queue_.add(deadline, std::move(cb));
}

void ManualTimerService::cancel(TimerId id) {
    queue_.cancel(id);
}

size_t ManualTimerService::advance_to(TimePoint t) {
    size_t fired = 0;
    while (auto due = queue_.pop_due(t)) {
        if (due->deadline > now_) now_ = due->deadline;
        due->cb();
        ++fired;
    }
    if (t > now_) now_ = t;
    return fired;
}

size_t ManualTimerService::run_turn() {
    const uint64_t before = queue_.mark();
    size_t fired = 0;
    while (auto due = queue_.pop_due(now_, before)) {
        due->cb();
        ++fired;
    }
    return fired;
}

bool ManualTimerService::next_deadline(TimePoint& out) const {
    auto next = queue_.next_deadline();
    if (!next) return false;
    out = *next;
    return true;
}

}  // namespace fanout
