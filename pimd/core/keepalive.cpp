// RFC 7761 4.1.3, 4.2, 4.4.2, 4.11: KAT inputs from counters, SPT threshold. See keepalive.hpp.
#include "pimd/core/keepalive.hpp"

namespace fanout::pim {

bool SptThreshold::switch_desired(const TrafficObservation& o) const {
    switch (mode) {
        case SptThresholdMode::kImmediate:
            return o.traffic_seen;
        case SptThresholdMode::kRate:
            return o.rate_valid && o.rate_kbps >= static_cast<double>(kbps);
        case SptThresholdMode::kNever:
            return false;
    }
    return false;
}

TrafficObservation TrafficMonitor::observe(const SGKey& key, uint64_t packets, uint64_t bytes,
                                           TimePoint now) {
    TrafficObservation o;
    SgCounterSample cur{packets, bytes};
    auto [it, first] = last_.try_emplace(key, Last{cur, now});
    if (first) {
        o.traffic_seen = packets > 0;
        return o;
    }
    Last& prev = it->second;
    if (packets < prev.counters.packets || bytes < prev.counters.bytes) {
        o.counter_reset = true;
        o.traffic_seen = packets > 0;
        prev = Last{cur, now};
        return o;
    }
    o.traffic_seen = packets > prev.counters.packets;
    double secs = to_seconds(now - prev.at);
    if (secs > 0) {
        o.rate_valid = true;
        o.rate_kbps = static_cast<double>(bytes - prev.counters.bytes) * 8.0 / 1000.0 / secs;
    }
    prev = Last{cur, now};
    return o;
}

std::vector<std::pair<SGKey, TrafficObservation>> TrafficMonitor::sample(CounterSource& source,
                                                                         std::span<const SGKey> keys,
                                                                         TimePoint now) {
    std::vector<std::pair<SGKey, TrafficObservation>> out;
    out.reserve(keys.size());
    for (const auto& k : keys) {
        auto c = source.sg_counters(k);
        if (!c) {
            forget(k);
            continue;
        }
        out.emplace_back(k, observe(k, *c, now));
    }
    return out;
}

}  // namespace fanout::pim
