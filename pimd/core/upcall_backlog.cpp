#include "pimd/core/upcall_backlog.hpp"

#include <algorithm>
#include <iterator>

namespace fanout::pim {

bool UpcallBacklog::add(KernelUpcall u, TimePoint now) {
    if (room() == 0) {
        ++stats_.refused;
        return false;
    }
    if (u.type == KernelUpcallType::kNoCache)
        nocache_.push_back(Waiting{std::move(u), now});
    else
        others_.push_back(std::move(u));
    stats_.peak = std::max<uint64_t>(stats_.peak, size());
    return true;
}

std::vector<KernelUpcall> UpcallBacklog::take(size_t n, TimePoint now) {
    std::vector<KernelUpcall> out;
    if (!others_.empty()) {
        out.assign(std::make_move_iterator(others_.begin()), std::make_move_iterator(others_.end()));
        others_.clear();
        return out;
    }
    const size_t count = std::min(n, nocache_.size());
    if (count == 0) return out;
    out.reserve(count);
    const bool oldest = now - nocache_.front().since >= max_wait_ && since_oldest_ >= kOldestEvery;
    since_oldest_ = oldest ? 1 : since_oldest_ + 1;
    auto first = oldest ? nocache_.begin() : nocache_.end() - static_cast<std::ptrdiff_t>(count);
    auto last = first + static_cast<std::ptrdiff_t>(count);
    for (auto it = first; it != last; ++it)
        out.push_back(std::move(it->upcall));
    nocache_.erase(first, last);
    ++(oldest ? stats_.oldest_first : stats_.newest_first);
    return out;
}

UpcallBacklogStats UpcallBacklog::stats() const {
    UpcallBacklogStats s = stats_;
    s.waiting = size();
    s.limit = limit_;
    return s;
}

}  // namespace fanout::pim
