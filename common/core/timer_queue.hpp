// The pending timers of a TimerService, in deadline order (ties in the order they were scheduled), for the
// event loop (common/sys/event_loop) and the manual clock of tests (manual_timer.hpp).
//
// Every input of a daemon schedules and cancels timers (Expiry, Join, Keepalive Timers ...), so both are
// cheap and allocate nothing once the queue has grown to its working size:
//  - a pending timer is a slot of a vector (reused through a free list) holding its callback and its
//    position in a binary min-heap of (deadline, sequence number, slot);
//  - cancelling takes the slot out of the heap at once (O(log n), no stale entries, so no clean-up pass that
//    would land on one loop turn), and frees it;
//  - a TimerId is (generation << 32) | (slot + 1): never 0, and an id whose timer fired or was cancelled no
//    longer names a pending timer (the slot's generation moved on) even once the slot is reused.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/core/clock.hpp"

namespace fanout {

class TimerQueue {
  public:
    struct Due {
        TimePoint deadline;
        TimerService::Callback cb;
    };

    TimerId add(TimePoint deadline, TimerService::Callback cb);
    // True when id was pending (it is not any more).
    bool cancel(TimerId id);
    bool pending(TimerId id) const;
    size_t size() const { return heap_.size(); }
    bool empty() const { return heap_.empty(); }

    // A mark of the timers scheduled so far: pop_due(t, mark) leaves out the ones scheduled after it.
    uint64_t mark() const { return next_seq_; }
    // The earliest pending timer, removed (its id is no longer pending), when its deadline is at or before t
    // and it was scheduled before `before` (a mark()); nullopt otherwise.
    std::optional<Due> pop_due(TimePoint t, uint64_t before = UINT64_MAX);
    // The earliest deadline of the pending timers.
    std::optional<TimePoint> next_deadline() const;
    void clear();

  private:
    static constexpr uint32_t kNotQueued = UINT32_MAX;
    struct Slot {
        uint32_t generation = 1;
        uint32_t heap_pos = kNotQueued;
        TimerService::Callback cb;
    };
    // The ordering key lives in the heap itself, so sifting compares neighbouring entries without touching
    // the slots (only the moved entry's slot learns its new position).
    struct Entry {
        TimePoint deadline;
        uint64_t seq;
        uint32_t slot;
    };
    static bool earlier(const Entry& a, const Entry& b) {
        return a.deadline != b.deadline ? a.deadline < b.deadline : a.seq < b.seq;
    }
    void place(size_t pos, const Entry& e) {
        heap_[pos] = e;
        slots_[e.slot].heap_pos = static_cast<uint32_t>(pos);
    }
    void sift_up(size_t pos);
    void sift_down(size_t pos);
    void remove_at(size_t pos);
    void free_slot(uint32_t slot);

    std::vector<Slot> slots_;
    std::vector<uint32_t> free_;
    std::vector<Entry> heap_;  // heap_[0] is the earliest
    uint64_t next_seq_ = 0;
};

}  // namespace fanout
