#include "common/sys/event_loop.hpp"

#include <event2/event.h>

#include <stdexcept>

namespace fanout::sys {
namespace {

void dispatch_callback(evutil_socket_t, short, void* arg) {
    (*static_cast<std::function<void()>*>(arg))();
}

struct timeval to_timeval(Duration d) {
    if (d < Duration::zero()) d = Duration::zero();
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    struct timeval tv;
    tv.tv_sec = static_cast<time_t>(us / 1000000);
    tv.tv_usec = static_cast<suseconds_t>(us % 1000000);
    return tv;
}

}  // namespace

struct EventLoop::TimerEntry {
    EventLoop* loop = nullptr;
    TimerId id = 0;
    struct event* ev = nullptr;
    Callback cb;
    ~TimerEntry() {
        if (ev) event_free(ev);
    }
};

Watch::~Watch() {
    reset();
}

Watch& Watch::operator=(Watch&& o) noexcept {
    if (this != &o) {
        reset();
        ev_ = o.ev_;
        cb_ = std::move(o.cb_);
        o.ev_ = nullptr;
    }
    return *this;
}

void Watch::reset() {
    if (ev_) {
        event_free(ev_);
        ev_ = nullptr;
    }
    cb_.reset();
}

EventLoop::EventLoop() {
    struct event_config* cfg = event_config_new();
    // Timers follow CLOCK_MONOTONIC, so wall-clock steps never fire or stall protocol timers.
    event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
    base_ = event_base_new_with_config(cfg);
    event_config_free(cfg);
    if (!base_) throw std::runtime_error("event_base_new failed");
}

EventLoop::~EventLoop() {
    timers_.clear();
    if (base_) event_base_free(base_);
}

bool EventLoop::run() {
    return event_base_dispatch(base_) >= 0;
}
void EventLoop::run_once_nonblocking() {
    event_base_loop(base_, EVLOOP_NONBLOCK | EVLOOP_ONCE);
}
void EventLoop::stop() {
    event_base_loopbreak(base_);
}

Watch EventLoop::make_watch(int fd, short what, std::function<void()> cb) {
    Watch w;
    w.cb_ = std::make_unique<std::function<void()>>(std::move(cb));
    w.ev_ = event_new(base_, fd, what, dispatch_callback, w.cb_.get());
    if (!w.ev_ || event_add(w.ev_, nullptr) != 0) throw std::runtime_error("event_add failed");
    return w;
}

Watch EventLoop::watch_readable(int fd, std::function<void()> cb) {
    return make_watch(fd, EV_READ | EV_PERSIST, std::move(cb));
}
Watch EventLoop::watch_writable(int fd, std::function<void()> cb) {
    return make_watch(fd, EV_WRITE | EV_PERSIST, std::move(cb));
}
Watch EventLoop::on_signal(int signo, std::function<void()> cb) {
    return make_watch(signo, EV_SIGNAL | EV_PERSIST, std::move(cb));
}

void EventLoop::defer(std::function<void()> cb) {
    // A zero-delay timer runs after the I/O callbacks already active in this loop turn.
    schedule(now(), std::move(cb));
}

TimePoint EventLoop::now() const {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return TimePoint(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
}

void EventLoop::dispatch_timer(int, short, void* arg) {
    auto* entry = static_cast<TimerEntry*>(arg);
    EventLoop* loop = entry->loop;
    auto node = loop->timers_.extract(entry->id);  // the timer is no longer pending while its callback runs
    Callback cb = std::move(node.mapped()->cb);
    node.mapped().reset();
    cb();
}

TimerId EventLoop::schedule(TimePoint deadline, Callback cb) {
    auto entry = std::make_unique<TimerEntry>();
    entry->loop = this;
    entry->id = next_timer_++;
    entry->cb = std::move(cb);
    entry->ev = evtimer_new(base_, dispatch_timer, entry.get());
    struct timeval tv = to_timeval(deadline - now());
    if (!entry->ev || evtimer_add(entry->ev, &tv) != 0) throw std::runtime_error("evtimer_add failed");
    TimerId id = entry->id;
    timers_.emplace(id, std::move(entry));
    return id;
}

void EventLoop::cancel(TimerId id) {
    timers_.erase(id);
}

}  // namespace fanout::sys
