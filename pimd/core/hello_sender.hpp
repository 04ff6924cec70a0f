// When to send Hellos on one interface, RFC 7761 4.3.1:
//  - "When PIM is enabled on an interface or a router first starts, the Hello Timer of that interface is set
//    to a random value between 0 and Triggered_Hello_Delay. ... After the initial randomized interval, Hello
//    messages MUST be sent every Hello_Period seconds. The Hello Timer should not be reset except when it
//    expires."                                                               -> start(), the periodic timer
//  - "when a Hello message is received from a new neighbor, or a Hello message with a new GenID is received
//    from an existing neighbor, a new Hello message should be sent on this interface after a randomized delay
//    between 0 and Triggered_Hello_Delay. This triggered message need not change the timing of the scheduled
//    periodic message."                                                      -> trigger()
//  - "If a router needs to send a Join/Prune to the new neighbor or send an Assert message in response to an
//    Assert message from the new neighbor before this randomized delay has expired, then it MUST immediately
//    send the relevant Hello message without waiting for the Hello Timer to expire" -> ensure_sent()
//  - "After an interface has changed its IP address, it MUST send a Hello message with its new IP address. If
//    an interface changes one of its secondary IP addresses, a Hello message with an updated Address_List
//    option and a non-zero HoldTime should be sent immediately."             -> send_now()
// What a hello contains is the interface's business (the send callback builds and sends it).
//
// The timers are RAII members: destroying the sender (the interface stopping) cancels them.
#pragma once

#include <functional>

#include "common/core/clock.hpp"
#include "common/core/random.hpp"

namespace fanout::pim {

class HelloSender {
  public:
    using SendFn = std::function<void()>;
    HelloSender(TimerService& timers, Random& rng, Duration period, Duration triggered_delay, SendFn send);

    HelloSender(const HelloSender&) = delete;
    HelloSender& operator=(const HelloSender&) = delete;

    // Arms the first periodic hello at rand(0, Triggered_Hello_Delay).
    void start();
    // Schedules a triggered hello at rand(0, Triggered_Hello_Delay) unless one is already pending.
    void trigger();
    // Sends now; a pending triggered hello is cancelled (it would say the same thing); the periodic timer is
    // left alone.
    void send_now();
    // Sends now if no hello went out since start()/mark_stale() or a triggered one is pending.
    void ensure_sent();
    // Our hello content changed in a way neighbors must learn before anything else (address change).
    void mark_stale() { sent_current_ = false; }
    // A new Hello_Period: the periodic timer is re-armed one new period from now.
    void set_period(Duration period);
    void set_triggered_delay(Duration d) { triggered_delay_ = d; }

    Duration period() const { return period_; }
    // Time to the next periodic hello (zero when not started).
    Duration next_periodic_in() const { return periodic_.remaining(); }
    bool triggered_pending() const { return triggered_.armed(); }

  private:
    Duration random_delay();
    void on_periodic();

    TimerService& timers_;
    Random& rng_;
    Duration period_;
    Duration triggered_delay_;
    SendFn send_;
    bool sent_current_ = false;
    TimerHandle periodic_;
    TimerHandle triggered_;
};

}  // namespace fanout::pim
