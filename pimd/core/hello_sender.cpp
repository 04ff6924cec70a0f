// Hello timing, RFC 7761 4.3.1 (quoted in hello_sender.hpp).
#include "pimd/core/hello_sender.hpp"

namespace fanout::pim {

HelloSender::HelloSender(TimerService& timers, Random& rng, Duration period, Duration triggered_delay,
                         SendFn send)
    : timers_(timers),
      rng_(rng),
      period_(period),
      triggered_delay_(triggered_delay),
      send_(std::move(send)) {}

Duration HelloSender::random_delay() {
    // Whole milliseconds: enough resolution for a 5 s jitter, and readable in traces and goldens.
    auto max_ms = std::chrono::duration_cast<std::chrono::milliseconds>(triggered_delay_).count();
    if (max_ms <= 0) return Duration::zero();
    return std::chrono::milliseconds(rng_.uniform(0u, static_cast<uint32_t>(max_ms)));
}

void HelloSender::start() {
    sent_current_ = false;
    triggered_.cancel();
    periodic_ = TimerHandle(timers_, random_delay(), [this] { on_periodic(); });
}

void HelloSender::on_periodic() {
    periodic_ = TimerHandle(timers_, period_, [this] { on_periodic(); });
    triggered_.cancel();
    sent_current_ = true;
    send_();
}

void HelloSender::trigger() {
    if (triggered_.armed()) return;
    triggered_ = TimerHandle(timers_, random_delay(), [this] {
        sent_current_ = true;
        send_();
    });
}

void HelloSender::send_now() {
    triggered_.cancel();
    sent_current_ = true;
    send_();
}

void HelloSender::ensure_sent() {
    if (!sent_current_ || triggered_.armed()) send_now();
}

void HelloSender::set_period(Duration period) {
    if (period == period_) return;
    period_ = period;
    if (periodic_.armed()) periodic_ = TimerHandle(timers_, period_, [this] { on_periodic(); });
}

}  // namespace fanout::pim
