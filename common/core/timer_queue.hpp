// The pending timers of a TimerService, in deadline order (ties in the order they were scheduled), for the
// event loop (common/sys/event_loop) and the manual clock of tests (manual_timer.hpp).
//
// Every input of a daemon schedules and cancels timers (Expiry, Join, Keepalive Timers ...), so both are
// cheap and allocate nothing once the queue has grown to its working size:
//  - a pending timer is a slot of a vector (reused through a free list) holding its callback, and an entry
//    of a binary min-heap (deadline, sequence number, slot, generation);
//  - cancelling frees the slot at once and leaves its heap entry, which is dropped when it reaches the top
//    (its generation no longer matches the slot's); when stale entries outnumber the pending timers the heap
//    is rebuilt without them, so it never holds more than about twice the pending timers;
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
    size_t size() const { return live_; }
    bool empty() const { return live_ == 0; }

    // A mark of the timers scheduled so far: pop_due(t, mark) leaves out the ones scheduled after it.
    uint64_t mark() const { return next_seq_; }
    // The earliest pending timer, removed (its id is no longer pending), when its deadline is at or before t
    // and it was scheduled before `before` (a mark()); nullopt otherwise.
    std::optional<Due> pop_due(TimePoint t, uint64_t before = UINT64_MAX);
    // The earliest deadline of the pending timers.
    std::optional<TimePoint> next_deadline();
    void clear();

    // Heap entries, stale ones included (for tests of the bound).
    size_t heap_size() const { return heap_.size(); }

  private:
    struct Slot {
        uint32_t generation = 1;
        bool live = false;
        TimerService::Callback cb;
    };
    struct Entry {
        TimePoint deadline;
        uint64_t seq;
        uint32_t slot;
        uint32_t generation;
    };
    // std::push_heap keeps the greatest on top: "greater" puts the earliest (deadline, seq) there.
    static bool later(const Entry& a, const Entry& b) {
        return a.deadline != b.deadline ? a.deadline > b.deadline : a.seq > b.seq;
    }
    bool stale(const Entry& e) const {
        const Slot& s = slots_[e.slot];
        return !s.live || s.generation != e.generation;
    }
    void free_slot(uint32_t slot);
    void drop_stale_top();
    void compact();

    std::vector<Slot> slots_;
    std::vector<uint32_t> free_;
    std::vector<Entry> heap_;
    size_t live_ = 0;
    uint64_t next_seq_ = 0;
};

}  // namespace fanout
