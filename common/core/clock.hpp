// Time for protocol cores. Cores never read the system clock: they are handed a TimerService (which is also
// their Clock). Production uses a libevent-backed service (common/sys), tests use ManualTimerService.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace fanout {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::steady_clock::time_point;
using namespace std::chrono_literals;

class Clock {
  public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};

using TimerId = uint64_t;

class TimerService : public Clock {
  public:
    using Callback = std::function<void()>;
    // Schedules cb at deadline (a deadline in the past fires on the next dispatch). Ids are never 0.
    virtual TimerId schedule(TimePoint deadline, Callback cb) = 0;
    // Cancelling an id that fired or was cancelled already is a no-op.
    virtual void cancel(TimerId id) = 0;
    virtual bool pending(TimerId id) const = 0;
    virtual size_t pending_count() const = 0;
};

// RAII handle to one scheduled timer: destroying or reassigning it cancels the timer. This is what lets
// a state machine's timers belong to its state: when the state is replaced, its timers go with it.
class TimerHandle {
  public:
    TimerHandle() = default;
    TimerHandle(TimerService& svc, Duration after, TimerService::Callback cb)
        : svc_(&svc), deadline_(svc.now() + after), id_(svc.schedule(deadline_, std::move(cb))) {}
    TimerHandle(TimerService& svc, TimePoint deadline, TimerService::Callback cb)
        : svc_(&svc), deadline_(deadline), id_(svc.schedule(deadline_, std::move(cb))) {}
    ~TimerHandle() { cancel(); }

    TimerHandle(const TimerHandle&) = delete;
    TimerHandle& operator=(const TimerHandle&) = delete;
    TimerHandle(TimerHandle&& o) noexcept : svc_(o.svc_), deadline_(o.deadline_), id_(o.id_) { o.id_ = 0; }
    TimerHandle& operator=(TimerHandle&& o) noexcept {
        if (this != &o) {
            cancel();
            svc_ = o.svc_;
            deadline_ = o.deadline_;
            id_ = o.id_;
            o.id_ = 0;
        }
        return *this;
    }

    void cancel() {
        if (svc_ && id_) svc_->cancel(id_);
        id_ = 0;
    }
    // Scheduled and not yet fired or cancelled.
    bool armed() const { return svc_ && id_ && svc_->pending(id_); }
    TimePoint deadline() const { return deadline_; }
    // Time left (zero when not armed).
    Duration remaining() const {
        if (!armed()) return Duration::zero();
        auto left = deadline_ - svc_->now();
        return left < Duration::zero() ? Duration::zero() : left;
    }

  private:
    TimerService* svc_ = nullptr;
    TimePoint deadline_{};
    TimerId id_ = 0;
};

template <typename Rep, typename Period>
constexpr double to_seconds(std::chrono::duration<Rep, Period> d) {
    return std::chrono::duration<double>(d).count();
}

}  // namespace fanout
