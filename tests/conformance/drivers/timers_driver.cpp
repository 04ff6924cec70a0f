// Conformance driver "timers": the sample suite for the runner. It drives the ManualTimerService that every
// core uses, so its goldens pin down the timer semantics all state machines depend on: deadline order, ties
// in creation order, re-arming while firing, cancellation.
//
// input.json: {"events": [{"schedule": NAME, "after": DUR, "every": DUR?}, {"cancel": NAME},
//                          {"advance": DUR}]}
// output: [{"fired": NAME, "at_ms": T}, ...] with T relative to the start.
#include <map>

#include "common/core/manual_timer.hpp"
#include "tests/conformance/driver.hpp"

namespace fanout::conformance {
namespace {

nlohmann::json run_timers(const std::filesystem::path&, const nlohmann::json& input) {
    ManualTimerService t;
    const auto start = t.now();
    nlohmann::json out = nlohmann::json::array();
    std::map<std::string, TimerHandle> timers;
    std::map<std::string, int64_t> every;
    std::function<void(const std::string&, int64_t)> arm = [&](const std::string& name, int64_t ms) {
        timers[name] = TimerHandle(t, std::chrono::milliseconds(ms), [&, name] {
            auto at = std::chrono::duration_cast<std::chrono::milliseconds>(t.now() - start).count();
            out.push_back({{"fired", name}, {"at_ms", at}});
            if (auto e = every.find(name); e != every.end()) arm(name, e->second);
        });
    };
    for (const auto& ev : input.at("events")) {
        if (ev.contains("schedule")) {
            auto name = ev["schedule"].get<std::string>();
            if (ev.contains("every")) every[name] = parse_duration_ms(ev["every"]);
            arm(name, parse_duration_ms(ev.at("after")));
        } else if (ev.contains("cancel")) {
            auto name = ev["cancel"].get<std::string>();
            every.erase(name);
            timers.erase(name);
        } else if (ev.contains("advance")) {
            t.advance(std::chrono::milliseconds(parse_duration_ms(ev["advance"])));
        } else {
            throw std::runtime_error("unknown event " + ev.dump());
        }
    }
    return out;
}

const RegisterDriver reg("timers", run_timers);

}  // namespace
}  // namespace fanout::conformance
