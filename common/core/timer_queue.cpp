#include "common/core/timer_queue.hpp"

#include <algorithm>

namespace fanout {

namespace {
constexpr size_t kCompactFloor = 64;  // below this many heap entries stale ones are left to drain

uint32_t slot_of(TimerId id) {
    return static_cast<uint32_t>(id & 0xffffffffu) - 1;
}
uint32_t generation_of(TimerId id) {
    return static_cast<uint32_t>(id >> 32);
}
}  // namespace

TimerId TimerQueue::add(TimePoint deadline, TimerService::Callback cb) {
    uint32_t slot;
    if (!free_.empty()) {
        slot = free_.back();
        free_.pop_back();
    } else {
        slot = static_cast<uint32_t>(slots_.size());
        slots_.emplace_back();
    }
    Slot& s = slots_[slot];
    s.live = true;
    s.cb = std::move(cb);
    heap_.push_back(Entry{deadline, next_seq_++, slot, s.generation});
    std::push_heap(heap_.begin(), heap_.end(), later);
    ++live_;
    return (TimerId{s.generation} << 32) | (slot + 1);
}

bool TimerQueue::pending(TimerId id) const {
    const uint32_t slot = slot_of(id);
    if (id == 0 || slot >= slots_.size()) return false;
    const Slot& s = slots_[slot];
    return s.live && s.generation == generation_of(id);
}

void TimerQueue::free_slot(uint32_t slot) {
    Slot& s = slots_[slot];
    s.live = false;
    s.cb = nullptr;
    ++s.generation;
    if (s.generation == 0) s.generation = 1;  // ids are never 0
    free_.push_back(slot);
    --live_;
}

bool TimerQueue::cancel(TimerId id) {
    if (!pending(id)) return false;
    free_slot(slot_of(id));
    if (heap_.size() > kCompactFloor && heap_.size() > 2 * live_) compact();
    return true;
}

void TimerQueue::drop_stale_top() {
    while (!heap_.empty() && stale(heap_.front())) {
        std::pop_heap(heap_.begin(), heap_.end(), later);
        heap_.pop_back();
    }
}

void TimerQueue::compact() {
    std::erase_if(heap_, [this](const Entry& e) { return stale(e); });
    std::make_heap(heap_.begin(), heap_.end(), later);
}

std::optional<TimerQueue::Due> TimerQueue::pop_due(TimePoint t, uint64_t before) {
    drop_stale_top();
    if (heap_.empty()) return std::nullopt;
    const Entry top = heap_.front();
    if (top.deadline > t || top.seq >= before) return std::nullopt;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
    Due due{top.deadline, std::move(slots_[top.slot].cb)};
    free_slot(top.slot);
    return due;
}

std::optional<TimePoint> TimerQueue::next_deadline() {
    drop_stale_top();
    if (heap_.empty()) return std::nullopt;
    return heap_.front().deadline;
}

void TimerQueue::clear() {
    // Callbacks are destroyed after the queue is consistent: a capture's destructor may cancel a timer.
    std::vector<Slot> slots = std::move(slots_);
    slots_.clear();
    free_.clear();
    heap_.clear();
    live_ = 0;
}

}  // namespace fanout
