#include "common/core/timer_queue.hpp"

namespace fanout {

namespace {
uint32_t slot_of(TimerId id) {
    return static_cast<uint32_t>(id & 0xffffffffu) - 1;
}
uint32_t generation_of(TimerId id) {
    return static_cast<uint32_t>(id >> 32);
}
}  // namespace

void TimerQueue::sift_up(size_t pos) {
    const Entry e = heap_[pos];
    while (pos > 0) {
        const size_t parent = (pos - 1) / 2;
        if (!earlier(e, heap_[parent])) break;
        place(pos, heap_[parent]);
        pos = parent;
    }
    place(pos, e);
}

void TimerQueue::sift_down(size_t pos) {
    const Entry e = heap_[pos];
    const size_t n = heap_.size();
    for (;;) {
        size_t child = 2 * pos + 1;
        if (child >= n) break;
        if (child + 1 < n && earlier(heap_[child + 1], heap_[child])) ++child;
        if (!earlier(heap_[child], e)) break;
        place(pos, heap_[child]);
        pos = child;
    }
    place(pos, e);
}

void TimerQueue::remove_at(size_t pos) {
    const Entry last = heap_.back();
    heap_.pop_back();
    if (pos == heap_.size()) return;  // it was the last one
    place(pos, last);
    if (pos > 0 && earlier(last, heap_[(pos - 1) / 2]))
        sift_up(pos);
    else
        sift_down(pos);
}

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
    s.cb = std::move(cb);
    heap_.push_back(Entry{deadline, next_seq_++, slot});
    sift_up(heap_.size() - 1);
    return (TimerId{s.generation} << 32) | (slot + 1);
}

bool TimerQueue::pending(TimerId id) const {
    const uint32_t slot = slot_of(id);
    if (id == 0 || slot >= slots_.size()) return false;
    const Slot& s = slots_[slot];
    return s.heap_pos != kNotQueued && s.generation == generation_of(id);
}

void TimerQueue::free_slot(uint32_t slot) {
    Slot& s = slots_[slot];
    s.heap_pos = kNotQueued;
    s.cb = nullptr;
    if (++s.generation == 0) s.generation = 1;  // ids are never 0
    free_.push_back(slot);
}

bool TimerQueue::cancel(TimerId id) {
    if (!pending(id)) return false;
    const uint32_t slot = slot_of(id);
    remove_at(slots_[slot].heap_pos);
    free_slot(slot);
    return true;
}

std::optional<TimerQueue::Due> TimerQueue::pop_due(TimePoint t, uint64_t before) {
    if (heap_.empty()) return std::nullopt;
    const Entry top = heap_.front();
    if (top.deadline > t || top.seq >= before) return std::nullopt;
    remove_at(0);
    Due due{top.deadline, std::move(slots_[top.slot].cb)};
    free_slot(top.slot);
    return due;
}

std::optional<TimePoint> TimerQueue::next_deadline() const {
    if (heap_.empty()) return std::nullopt;
    return heap_.front().deadline;
}

void TimerQueue::clear() {
    // Callbacks are destroyed after the queue is consistent: a capture's destructor may cancel a timer.
    std::vector<Slot> slots = std::move(slots_);
    slots_.clear();
    free_.clear();
    heap_.clear();
}

}  // namespace fanout
