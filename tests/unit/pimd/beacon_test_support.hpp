// Shared fixtures of the register-beacon unit tests: a recording BeaconActions and a scheduler on a
// ManualTimerService.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/core/manual_timer.hpp"
#include "common/core/random.hpp"
#include "pimd/core/beacon/beacon_scheduler.hpp"

namespace fanout::pim::test {

struct SentBeacon {
    std::string interface;
    int ifindex = 0;
    Ipv4Address source;
    Ipv4Address rp;
    SGKey sg;
    std::vector<uint8_t> pim;
    TimePoint at;
};

class RecordingBeaconActions final : public BeaconActions {
  public:
    explicit RecordingBeaconActions(const Clock& clock) : clock_(clock) {}
    std::optional<BeaconSendError> send_beacon(const BeaconSend& s) override {
        if (fail_with) return BeaconSendError{*fail_with, "failure " + std::to_string(*fail_with)};
        sent.push_back({std::string(s.interface), s.ifindex, s.source, s.rp, s.sg,
                        std::vector<uint8_t>(s.pim.begin(), s.pim.end()), clock_.now()});
        return std::nullopt;
    }
    std::vector<SentBeacon> sent;
    std::optional<int> fail_with;

  private:
    const Clock& clock_;
};

struct BeaconFixture {
    ManualTimerService timers;
    SeededRandom rng{42};
    RecordingBeaconActions actions{timers};
    BeaconScheduler sched{timers, rng, actions};
    TimePoint start = timers.now();

    static SGKey sg(uint8_t s, uint8_t g) {
        return SGKey{Ipv4Address{198, 18, 0, s}, Ipv4Address{239, 1, 1, g}};
    }
    void up(const std::string& name = "tun500", int ifindex = 7, Ipv4Address local = {169, 254, 0, 1}) {
        sched.link_changed(name, BeaconLink{ifindex, true, local});
    }
    void down(const std::string& name = "tun500", int ifindex = 7) {
        sched.link_changed(name, BeaconLink{ifindex, false, Ipv4Address{169, 254, 0, 1}});
    }
    size_t sent_for(SGKey k) const {
        size_t n = 0;
        for (const auto& s : actions.sent)
            n += s.sg == k ? 1 : 0;
        return n;
    }
};

}  // namespace fanout::pim::test
