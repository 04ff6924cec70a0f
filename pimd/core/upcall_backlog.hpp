// Kernel upcalls read from the mroute socket and not yet handed to the core, and the order they are served
// in.
//
// The kernel keeps each unresolved (S,G) on one list per table, newest at the head (ipmr_cache_unresolved
// list_add), and walks it from the head, under one spinlock shared by every namespace, for each MRT_ADD_MFC
// and for each data packet of an (S,G) that has no entry (shared/LINUX-MROUTE.md, "Upcalls"). An add costs
// the number of unresolved entries newer than its own. Answering the newest known NOCACHE first, and reading
// the socket again before each small chunk, keeps that number to what arrived during one chunk, where
// answering in arrival order would walk past everything still queued: in the 10,000-source burst of
// topologies/perf the first-hop router spent most of its time in those walks.
//
//   add(upcall, now)  NOCACHE upcalls wait on a stack; the other kinds (WRONGVIF, WHOLEPKT, WRVIFWHOLE) in a
//                     queue, in arrival order: a register's data packets keep their order, and an assert
//                     answers the packet that caused it. Refused (false) when the backlog is full: room()
//                     says how many more the reader may take from the socket, the rest wait there.
//   take(n, now)      the next chunk for the core: every queued non-NOCACHE upcall (arrival order);
//                     otherwise up to n NOCACHE, the newest ones, handed over in arrival order (the core
//                     answers a chunk newest first). Once the oldest has waited max_wait, every
//                     kOldestEvery-th chunk is the oldest ones instead: a flood of new sources must not
//                     starve the first ones until the kernel expires them (10 s), and serving only the oldest
//                     would walk the whole list for every add and slow the end of the flood further.
//
// Independent NOCACHE upcalls commute: each is "data arrived for an (S,G) without a kernel entry", and an
// (S,G) is upcalled once until the kernel resolves or expires it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "common/core/clock.hpp"
#include "pimd/core/kernel_events.hpp"

namespace fanout::pim {

struct UpcallBacklogStats {
    uint64_t waiting = 0;       // upcalls read and not yet handed to the core
    uint64_t peak = 0;          // the most that ever waited
    uint64_t limit = 0;         // the most that may wait
    uint64_t newest_first = 0;  // NOCACHE chunks served newest first
    uint64_t oldest_first = 0;  // NOCACHE chunks served oldest first (the oldest had waited max_wait)
    uint64_t refused = 0;       // add() while full (the reader leaves them in the socket instead)
};

class UpcallBacklog {
  public:
    static constexpr uint64_t kOldestEvery = 8;

    UpcallBacklog(size_t limit, Duration max_wait) : limit_(limit), max_wait_(max_wait) {}

    size_t size() const { return nocache_.size() + others_.size(); }
    bool empty() const { return size() == 0; }
    size_t room() const { return size() < limit_ ? limit_ - size() : 0; }

    bool add(KernelUpcall u, TimePoint now);
    std::vector<KernelUpcall> take(size_t n, TimePoint now);

    UpcallBacklogStats stats() const;

  private:
    struct Waiting {
        KernelUpcall upcall;
        TimePoint since;
    };
    size_t limit_;
    Duration max_wait_;
    std::deque<Waiting> nocache_;  // arrival order: the newest at the back
    std::deque<KernelUpcall> others_;
    UpcallBacklogStats stats_;
    uint64_t since_oldest_ = kOldestEvery;  // NOCACHE chunks served since the last oldest-first one
};

}  // namespace fanout::pim
