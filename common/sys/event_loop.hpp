// The daemons' single-threaded event loop on libevent: fd readiness, signals, deferred work, and the
// TimerService that backs every core's timers in production.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "common/core/clock.hpp"
#include "common/core/timer_queue.hpp"

struct event_base;
struct event;

namespace fanout::sys {

class EventLoop;

// RAII registration of an fd or a signal with the loop; destroying it unregisters.
class Watch {
  public:
    Watch() = default;
    ~Watch();
    Watch(Watch&& o) noexcept : ev_(o.ev_), cb_(std::move(o.cb_)) { o.ev_ = nullptr; }
    Watch& operator=(Watch&& o) noexcept;
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;
    bool active() const { return ev_ != nullptr; }
    void reset();

  private:
    friend class EventLoop;
    struct event* ev_ = nullptr;
    std::unique_ptr<std::function<void()>> cb_;
};

class EventLoop final : public TimerService {
  public:
    EventLoop();
    ~EventLoop() override;
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Runs until stop() is called (or nothing is left to wait for). Returns false on a libevent error.
    bool run();
    // Runs one non-blocking pass (used by tests).
    void run_once_nonblocking();
    void stop();

    // Calls cb whenever fd is readable (level-triggered, persistent) until the Watch is destroyed.
    [[nodiscard]] Watch watch_readable(int fd, std::function<void()> cb);
    // Calls cb whenever fd is writable until the Watch is destroyed.
    [[nodiscard]] Watch watch_writable(int fd, std::function<void()> cb);
    // Calls cb (on the loop, not in signal context) each time signo arrives.
    [[nodiscard]] Watch on_signal(int signo, std::function<void()> cb);
    // Runs cb on a later loop turn, after pending I/O: used to spread large work so hellos keep flowing.
    void defer(std::function<void()> cb);

    // TimerService, on CLOCK_MONOTONIC.
    TimePoint now() const override;
    TimerId schedule(TimePoint deadline, Callback cb) override;
    void cancel(TimerId id) override;
    bool pending(TimerId id) const override { return timers_.pending(id); }
    size_t pending_count() const override { return timers_.size(); }

    struct event_base* base() const {
        return base_;
    }

  private:
    Watch make_watch(int fd, short what, std::function<void()> cb);
    static void dispatch_timers(int, short, void* arg);
    void run_due_timers();
    void arm(TimePoint deadline);

    // Every timer lives in timers_; one libevent timer is armed for the earliest deadline (event_loop.cpp).
    struct event_base* base_ = nullptr;
    struct event* timer_event_ = nullptr;
    TimerQueue timers_;
    std::optional<TimePoint> armed_;  // the deadline timer_event_ is armed for
    bool dispatching_ = false;
};

}  // namespace fanout::sys
