#include "common/core/manual_timer.hpp"

namespace fanout {

TimerId ManualTimerService::schedule(TimePoint deadline, Callback cb) {
    TimerId id = next_id_++;
    queue_.emplace(Key{deadline, id}, std::move(cb));
    index_.emplace(id, deadline);
    return id;
}

void ManualTimerService::cancel(TimerId id) {
    auto it = index_.find(id);
    if (it == index_.end()) return;
    queue_.erase(Key{it->second, id});
    index_.erase(it);
}

size_t ManualTimerService::advance_to(TimePoint t) {
    size_t fired = 0;
    while (!queue_.empty() && queue_.begin()->first.first <= t) {
        auto node = queue_.extract(queue_.begin());
        index_.erase(node.key().second);
        if (node.key().first > now_) now_ = node.key().first;
        node.mapped()();
        ++fired;
    }
    if (t > now_) now_ = t;
    return fired;
}

size_t ManualTimerService::run_turn() {
    const TimerId first_new = next_id_;
    size_t fired = 0;
    while (!queue_.empty() && queue_.begin()->first.first <= now_ &&
           queue_.begin()->first.second < first_new) {
        auto node = queue_.extract(queue_.begin());
        index_.erase(node.key().second);
        node.mapped()();
        ++fired;
    }
    return fired;
}

bool ManualTimerService::next_deadline(TimePoint& out) const {
    if (queue_.empty()) return false;
    out = queue_.begin()->first.first;
    return true;
}

}  // namespace fanout
