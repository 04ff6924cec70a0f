#include "common/sys/event_loop.hpp"

#include <event2/event.h>

#include <stdexcept>

#include "common/core/latency_probe.hpp"

namespace fanout::sys {
namespace {

void dispatch_callback(evutil_socket_t, short, void* arg) {
    FANOUT_PROBE(kLoopCallback);
    (*static_cast<std::function<void()>*>(arg))();
}

// Rounded up: libevent waking a fraction of a microsecond before the deadline would find nothing due.
struct timeval to_timeval(Duration d) {
    if (d < Duration::zero()) d = Duration::zero();
    auto us = std::chrono::ceil<std::chrono::microseconds>(d).count();
    struct timeval tv;
    tv.tv_sec = static_cast<time_t>(us / 1000000);
    tv.tv_usec = static_cast<suseconds_t>(us % 1000000);
    return tv;
}

}  // namespace

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
    timer_event_ = evtimer_new(base_, dispatch_timers, this);
    if (!timer_event_) {
        event_base_free(base_);
        throw std::runtime_error("evtimer_new failed");
    }
}

EventLoop::~EventLoop() {
    timers_.clear();
    event_free(timer_event_);
    event_base_free(base_);
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

// Timers: the queue orders them and libevent waits for the earliest only, so scheduling or cancelling one
// costs no allocation once the queue has grown (timer_queue.hpp) and no libevent call unless it becomes the
// earliest. A cancelled earliest timer leaves timer_event_ armed: it fires, finds nothing due and re-arms.
void EventLoop::dispatch_timers(int, short, void* arg) {
    static_cast<EventLoop*>(arg)->run_due_timers();
}

// Runs the timers due now that were scheduled before this pass, in deadline order. One that a callback
// schedules for now waits for the next loop turn, after the I/O that is ready then (as a zero-delay libevent
// timer does): that is what lets defer() spread work over turns. stop() ends the pass after its callback.
void EventLoop::run_due_timers() {
    armed_.reset();
    dispatching_ = true;
    const TimePoint t = now();
    const uint64_t before = timers_.mark();
    while (auto due = timers_.pop_due(t, before)) {
        due->cb();
        if (event_base_got_break(base_)) break;
    }
    dispatching_ = false;
    if (auto next = timers_.next_deadline()) arm(*next);
}

void EventLoop::arm(TimePoint deadline) {
    struct timeval tv = to_timeval(deadline - now());
    if (evtimer_add(timer_event_, &tv) != 0) throw std::runtime_error("evtimer_add failed");
    armed_ = deadline;
}

TimerId EventLoop::schedule(TimePoint deadline, Callback cb) {
    TimerId id = timers_.add(deadline, std::move(cb));
    // While the pass runs, the earliest deadline is armed when it ends.
    if (!dispatching_ && (!armed_ || deadline < *armed_)) arm(deadline);
    return id;
}

void EventLoop::cancel(TimerId id) {
    timers_.cancel(id);
}

}  // namespace fanout::sys
