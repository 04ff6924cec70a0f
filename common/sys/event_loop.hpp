// The daemons' single-threaded event loop on libevent: fd readiness, signals, deferred work, and the
// TimerService that backs every core's timers in production.
#pragma once

#include <functional>
#include <memory>
#include <unordered_map>

#include "common/core/clock.hpp"

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
    bool pending(TimerId id) const override { return timers_.count(id) != 0; }
    size_t pending_count() const override { return timers_.size(); }

    struct event_base* base() const {
        return base_;
    }

  private:
    struct TimerEntry;
    Watch make_watch(int fd, short what, std::function<void()> cb);
    static void dispatch_timer(int, short, void* arg);

    struct event_base* base_ = nullptr;
    TimerId next_timer_ = 1;
    std::unordered_map<TimerId, std::unique_ptr<TimerEntry>> timers_;
};

}  // namespace fanout::sys
